"""The demo's outcomes: the three results the January 2024 reporting attributes to the program (real, cited
as reported), synthetic outcomes that grew out of the demo partnering day's meetings, dated FX rates, KPIs
for the agreement's commitments and a reminder schedule — so the dashboards and the brief have content.

Idempotent: a record is created only when its startup has none with the same English title, rates and KPIs
are updated in place with the same values; a second run changes nothing. Real records say which public
reporting they come from; every invented one is marked synthetic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bridgehead.agreements.models import Commitment
from bridgehead.core.models import User
from bridgehead.outcomes.enums import KpiCounting, KpiMetric, OutcomeKind, OutcomeStatus, Period
from bridgehead.outcomes.models import FxRate, Kpi, Outcome, ReminderSchedule, StatusChange
from bridgehead.partnering.enums import MeetingStatus
from bridgehead.partnering.models import Event, Feedback, Meeting
from bridgehead.programs.models import Cohort, Program
from bridgehead.registry.models import Organisation

PRESS = "Ulsan Metropolitan City press release and Korean press coverage, January 2024"
EVENT_SLUG = "sd-digital-health-partnering-2024"
SYNTHETIC_RATES = "Synthetic demo rates (approximate; not for real reporting)"

# on, currency, base, rate — one unit of currency in base (approximate; synthetic).
RATES = [
    (dt.date(2024, 1, 2), "KRW", "USD", Decimal("0.00076")),
    (dt.date(2024, 4, 1), "KRW", "USD", Decimal("0.00074")),
    (dt.date(2024, 7, 1), "KRW", "USD", Decimal("0.00072")),
    (dt.date(2024, 10, 1), "KRW", "USD", Decimal("0.00075")),
    (dt.date(2025, 1, 2), "KRW", "USD", Decimal("0.00068")),
    (dt.date(2024, 1, 2), "CNY", "USD", Decimal("0.1405")),
    (dt.date(2025, 1, 2), "CNY", "USD", Decimal("0.1370")),
]

# slug, kind, status, title_ko, title_en, amount, currency, quantity, unit, period, counterparty slug or
# (English, Korean) description, country, date, description_en
REAL = [
    (
        "thyroscope",
        OutcomeKind.INVESTMENT,
        OutcomeStatus.UNDER_REVIEW,
        "미국 벤처캐피털 1,000만 달러 투자 검토",
        "US$10M VC investment under review",
        Decimal("10000000"),
        "USD",
        None,
        "",
        Period.NONE,
        ("US venture capital (not named in the reports)", "미국 벤처캐피털(보도에 사명 미공개)"),
        "US",
        dt.date(2024, 1, 17),
        "As reported in January 2024: a US$10M venture-capital investment under review.",
    ),
    (
        "sb-solution",
        OutcomeKind.CONTRACT,
        OutcomeStatus.PROVISIONAL,
        "중국 항저우 기업과 연 20만 개 공급 가계약 — 아시아 진출 교두보",
        "Provisional contract for 200,000 units a year with a Hangzhou company — a bridgehead into Asia",
        None,
        "",
        Decimal("200000"),
        "units",
        Period.YEAR,
        "hangzhou-meditech",
        "CN",
        dt.date(2024, 1, 17),
        "As reported in January 2024. The reports do not name the Hangzhou company; the registry entry linked "
        "here is a synthetic stand-in.",
    ),
    (
        "dna-corporation",
        OutcomeKind.PARTNERSHIP,
        OutcomeStatus.CLOSED,
        "글로벌 의료기기 기업들과 파트너십",
        "Partnerships with global medical-device companies",
        None,
        "",
        None,
        "",
        Period.NONE,
        ("Global medical-device companies (not named in the reports)", "글로벌 의료기기 기업들(보도에 사명 미공개)"),
        "",
        dt.date(2024, 1, 17),
        "As reported in January 2024: partnerships with global medical-device companies.",
    ),
]

# Synthetic outcomes of the partnering day: (kind, status, title_ko, title_en, amount, currency, quantity,
# unit, date, confirmed, confidential)
FROM_MEETINGS = [
    (
        OutcomeKind.PILOT,
        OutcomeStatus.CLOSED,
        "샌디에이고 병원 실증 협약",
        "Hospital pilot agreement in San Diego",
        Decimal("150000"),
        "USD",
        None,
        "",
        dt.date(2024, 8, 20),
        True,
        False,
    ),
    (
        OutcomeKind.INVESTMENT,
        OutcomeStatus.CLOSED,
        "시드 투자 유치",
        "Seed investment",
        Decimal("2000000"),
        "USD",
        None,
        "",
        dt.date(2024, 11, 5),
        True,
        False,
    ),
    (
        OutcomeKind.CONTRACT,
        OutcomeStatus.CLOSED,
        "미국 유통 계약",
        "US distribution contract",
        Decimal("650000000"),
        "KRW",
        Decimal("5000"),
        "devices",
        dt.date(2024, 9, 12),
        True,
        False,
    ),
    (
        OutcomeKind.MARKET_ENTRY,
        OutcomeStatus.CLOSED,
        "미국 법인 설립",
        "US subsidiary opened",
        None,
        "",
        None,
        "",
        dt.date(2024, 10, 1),
        True,
        False,
    ),
    (
        OutcomeKind.PARTNERSHIP,
        OutcomeStatus.PROVISIONAL,
        "의료기기 공동개발 양해각서",
        "Co-development MOU",
        None,
        "",
        None,
        "",
        dt.date(2024, 7, 15),
        False,
        False,
    ),
    (
        OutcomeKind.INVESTMENT,
        OutcomeStatus.UNDER_REVIEW,
        "전략적 투자 검토",
        "Strategic investment under review",
        Decimal("3000000000"),
        "KRW",
        None,
        "",
        dt.date(2025, 2, 3),
        False,
        True,
    ),
    (
        OutcomeKind.HIRE,
        OutcomeStatus.CLOSED,
        "샌디에이고 현지 인력 채용",
        "Hires in San Diego",
        None,
        "",
        Decimal("4"),
        "people",
        dt.date(2025, 3, 10),
        True,
        False,
    ),
    (
        OutcomeKind.INVESTMENT,
        OutcomeStatus.LOST,
        "브리지 투자 무산",
        "Bridge round that fell through",
        Decimal("500000"),
        "USD",
        None,
        "",
        dt.date(2024, 12, 1),
        False,
        False,
    ),
]

# commitment order, name_ko, name_en, metric, kind, country, counting, target, currency
KPIS = [
    (
        2,
        "미국 시장 진출 스타트업 수",
        "Startups entering the US market",
        KpiMetric.STARTUPS,
        OutcomeKind.MARKET_ENTRY,
        "US",
        KpiCounting.CLOSED,
        Decimal("5"),
        "USD",
    ),
    (
        2,
        "투자 유치액",
        "Investment attracted",
        KpiMetric.AMOUNT,
        OutcomeKind.INVESTMENT,
        "",
        KpiCounting.CLOSED,
        Decimal("20000000"),
        "USD",
    ),
    (
        2,
        "계약 체결 건수",
        "Contracts signed",
        KpiMetric.OUTCOMES,
        OutcomeKind.CONTRACT,
        "",
        KpiCounting.CLOSED,
        Decimal("5"),
        "USD",
    ),
    (
        2,
        "파트너십 체결 건수",
        "Partnerships formed",
        KpiMetric.OUTCOMES,
        OutcomeKind.PARTNERSHIP,
        "",
        KpiCounting.CLOSED,
        Decimal("5"),
        "USD",
    ),
    (
        1,
        "파트너링 미팅 개최 건수",
        "Partnering meetings held",
        KpiMetric.MEETINGS,
        "",
        "",
        KpiCounting.CLOSED,
        Decimal("40"),
        "USD",
    ),
    (
        1,
        "일자리 창출",
        "Jobs created",
        KpiMetric.QUANTITY,
        OutcomeKind.HIRE,
        "",
        KpiCounting.CLOSED,
        Decimal("20"),
        "USD",
    ),
]

PERIOD_STARTS = dt.date(2024, 1, 1)  # the agreement's first year; the period ends with next year (DESIGN §8)


def reporting_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The KPIs' period: from 2024 to the end of the year after the one the demo is loaded in, so the
    dashboards always cover the 2024 facts, the live partnering day and what a visitor reports now."""
    return PERIOD_STARTS, dt.date(today.year + 1, 12, 31)


def _save(outcome: Outcome, *, confirmed: bool, by: User, history: list[tuple[str, dt.date]]) -> Outcome:
    outcome.full_clean()
    if confirmed and outcome.confirmed_at is None:
        outcome.confirmed_by = by
        outcome.confirmed_at = dt.datetime.combine(outcome.occurred_on, dt.time(9), tzinfo=dt.UTC)
    outcome.save()
    for status, on in history:
        StatusChange.objects.create(outcome=outcome, status=status, on=on, by=by)
    return outcome


def _real(program: Program, cohort: Cohort | None, manager: User) -> None:
    for (
        slug,
        kind,
        status,
        title_ko,
        title_en,
        amount,
        currency,
        quantity,
        unit,
        period,
        party,
        country,
        on,
        note,
    ) in REAL:
        organisation = Organisation.objects.get(slug=slug)
        if Outcome.objects.filter(organisation=organisation, title_en=title_en).exists():
            continue
        counterparty = Organisation.objects.filter(slug=party).first() if isinstance(party, str) else None
        outcome = Outcome(organisation=organisation, title_en=title_en, reported_by=manager)
        for name, value in {
            "program": program,
            "cohort": cohort,
            "kind": kind,
            "status": status,
            "title_ko": title_ko,
            "amount": amount,
            "currency": currency,
            "quantity": quantity,
            "unit": unit,
            "period": period,
            "counterparty": counterparty,
            "counterparty_name": "" if counterparty else party[0],
            "counterparty_name_ko": "" if counterparty else party[1],
            "country": country,
            "occurred_on": on,
            "description_en": f"{note} Source: {PRESS}.",
            "is_synthetic": False,
        }.items():
            setattr(outcome, name, value)
        _save(outcome, confirmed=True, by=manager, history=[(status, on)])


def _from_meetings(program: Program, manager: User) -> None:
    event = Event.objects.filter(slug=EVENT_SLUG).first()
    if event is None:
        return
    meetings = list(
        # Meetings between invented people only: the demo logins' meetings are left for the visitor to report on.
        Meeting.objects.filter(
            event=event,
            first__organisation__kind="startup",
            slot__isnull=False,
            first__person__user__isnull=True,
            second__person__user__isnull=True,
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("first", "second__organisation", "slot")
        .order_by("pk")
    )
    # Spread the outcomes over different startups: the n-th meeting of a distinct startup each time.
    chosen, seen = [], set()
    for meeting in meetings:
        if meeting.first.organisation_id not in seen:
            seen.add(meeting.first.organisation_id)
            chosen.append(meeting)
    for meeting, row in zip(chosen, FROM_MEETINGS, strict=False):
        kind, status, title_ko, title_en, amount, currency, quantity, unit, on, confirmed, confidential = row
        organisation = meeting.first.organisation
        if Outcome.objects.filter(organisation=organisation, title_en=title_en).exists():
            continue
        outcome = Outcome(organisation=organisation, title_en=title_en, reported_by=manager)
        for name, value in {
            "program": program,
            "event": event,
            "meeting": meeting,
            "kind": kind,
            "status": status,
            "title_ko": title_ko,
            "amount": amount,
            "currency": currency,
            "quantity": quantity,
            "unit": unit,
            "counterparty": meeting.second.organisation,
            "country": meeting.second.organisation.country,
            "occurred_on": on,
            "is_confidential": confidential,
            "is_synthetic": True,
            "description_en": "Synthetic demo outcome that followed a meeting at the partnering day.",
        }.items():
            setattr(outcome, name, value)
        history = [(OutcomeStatus.LEAD, dt.date(2024, 6, 4))]
        if status != OutcomeStatus.LEAD:
            history.append((status, on))
        _save(outcome, confirmed=confirmed, by=manager, history=history)
        # The meeting that led to an outcome was held and had a follow-up (synthetic feedback).
        if meeting.status == MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.CHECKED_IN
            meeting.checked_in_at = meeting.slot.starts_at if meeting.slot else None
            meeting.save(update_fields=["status", "checked_in_at"])
        Feedback.objects.get_or_create(
            meeting=meeting,
            participant=meeting.first,
            defaults={"valuable": True, "follow_up": True, "comment": "Synthetic demo feedback."},
        )


def load_outcomes(*, program: Program, manager: User, today: dt.date | None = None) -> None:
    period = reporting_period(today or timezone.localdate())
    with transaction.atomic():
        cohort = Cohort.objects.filter(program=program, year=2023).first()
        _real(program, cohort, manager)
        _from_meetings(program, manager)
        for on, currency, base, rate in RATES:
            FxRate.objects.update_or_create(
                program=program,
                on=on,
                currency=currency,
                base=base,
                defaults={"rate": rate, "source": SYNTHETIC_RATES, "entered_by": manager},
            )
        commitments = {c.order: c for c in Commitment.objects.filter(agreement=program.agreement)}
        for order, (commitment_order, name_ko, name_en, metric, kind, country, counting, target, currency) in enumerate(
            KPIS
        ):
            Kpi.objects.update_or_create(
                program=program,
                name_en=name_en,
                defaults={
                    "commitment": commitments[commitment_order],
                    "name_ko": name_ko,
                    "metric": metric,
                    "kind": kind,
                    "country": country,
                    "counting": counting,
                    "target": target,
                    "currency": currency,
                    "starts_on": period[0],
                    "ends_on": period[1],
                    "order": order,
                },
            )
        ReminderSchedule.objects.get_or_create(program=program, defaults={"every_days": 90})
