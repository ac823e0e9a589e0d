"""The bilingual outcome brief: a Korean and an English text in the style of a city press release, generated
from confirmed, non-confidential records only (confidential outcomes are counted, never named), and
edited by a person before it is downloaded.

Both texts are generated whatever the viewer's language — the brief is content in two languages, like the
bilingual fields — so the wording lives in ``templates/outcomes/brief_ko.txt`` and ``brief_en.txt``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from bridgehead.outcomes.dashboards import Scope
from bridgehead.outcomes.enums import OutcomeStatus
from bridgehead.outcomes.models import Outcome
from bridgehead.programs.models import Program

KOREAN_CURRENCY = {"USD": "달러", "KRW": "원", "CNY": "위안", "EUR": "유로", "JPY": "엔", "GBP": "파운드"}
ENGLISH_PREFIX = {"USD": "US$", "KRW": "₩", "EUR": "€", "CNY": "CN¥", "JPY": "¥", "GBP": "£"}


def _number(value: Decimal) -> str:
    value = value.normalize()
    return f"{value:,f}" if value != value.to_integral() else f"{int(value):,}"


def korean_amount(amount: Decimal, currency: str) -> str:
    """10,000,000 USD → "1,000만 달러"; 500,000,000 KRW → "5억 원" (the way Korean press writes money)."""
    whole = int(amount)
    parts = []
    for size, unit in ((10**12, "조"), (10**8, "억"), (10**4, "만")):
        if whole >= size:
            parts.append(f"{whole // size:,}{unit}")
            whole %= size
    if whole or not parts:
        parts.append(f"{whole:,}")
    name = KOREAN_CURRENCY.get(currency, currency)
    return " ".join(parts) + f" {name}"


def english_amount(amount: Decimal, currency: str) -> str:
    prefix = ENGLISH_PREFIX.get(currency)
    return f"{prefix}{_number(amount)}" if prefix else f"{currency} {_number(amount)}"


def has_final_consonant(word: str) -> bool:
    """Whether the last Hangul syllable ends in a consonant (은/는, 이/가 depend on it)."""
    for char in reversed(word.strip()):
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            return code % 28 != 0
        if char.isalnum():
            return char.lower() in "lmn0136789"  # read aloud: 엘/엠/엔, 영/일/삼/육/칠/팔/구
    return False


def topic(word: str) -> str:
    return word + ("은" if has_final_consonant(word.rstrip("」")) else "는")


def objective(word: str) -> str:
    return word + ("을" if has_final_consonant(word.rstrip("」")) else "를")


def korean_date(day: dt.date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


def english_date(day: dt.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


@dataclass
class Fact:
    outcome: Outcome
    startup_ko: str
    startup_en: str
    title_ko: str
    title_en: str
    kind_ko: str
    kind_en: str
    status_ko: str
    status_en: str
    amount_ko: str
    amount_en: str
    quantity: str
    counterparty_ko: str
    counterparty_en: str


def _labels(outcome: Outcome, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        period = {"month": "/월" if language == "ko" else " a month", "year": "/년" if language == "ko" else " a year"}
        quantity = f"{_number(outcome.quantity)} {outcome.unit}{period.get(outcome.period, '')}" if (
            outcome.quantity is not None) else ""
        return str(outcome.get_kind_display()), str(outcome.get_status_display()), quantity


def facts(outcomes) -> list[Fact]:
    found = []
    for outcome in outcomes:
        kind_ko, status_ko, quantity = _labels(outcome, "ko")
        kind_en, status_en, _quantity = _labels(outcome, "en")
        org, party = outcome.organisation, outcome.counterparty
        found.append(Fact(
            outcome=outcome,
            startup_ko=org.name_ko or org.name_en, startup_en=org.name_en or org.name_ko,
            title_ko=outcome.title_ko or outcome.title_en, title_en=outcome.title_en or outcome.title_ko,
            kind_ko=kind_ko, kind_en=kind_en, status_ko=status_ko, status_en=status_en,
            amount_ko=korean_amount(outcome.amount, outcome.currency) if outcome.amount is not None else "",
            amount_en=english_amount(outcome.amount, outcome.currency) if outcome.amount is not None else "",
            quantity=quantity,
            counterparty_ko=(party.name_ko or party.name_en) if party else (
                outcome.counterparty_name_ko or outcome.counterparty_name),
            counterparty_en=(party.name_en or party.name_ko) if party else (
                outcome.counterparty_name or outcome.counterparty_name_ko),
        ))
    return found


def generate(scope: Scope, user, *, start: dt.date, end: dt.date) -> tuple[str, str]:
    """(Korean text, English text) for the scope's confirmed outcomes dated ``start``..``end``."""
    period = scope.outcomes(user).filter(occurred_on__gte=start, occurred_on__lte=end).exclude(
        status=OutcomeStatus.LOST).filter(confirmed_at__isnull=False).order_by("organisation__name_en", "occurred_on")
    public = [o for o in period if not o.is_confidential]
    agreement = scope.agreement
    programs = list(Program.objects.filter(pk__in=scope.program_ids).order_by("pk"))
    signatories = list(agreement.signatories.select_related("organisation")) if agreement else []
    signed_local = agreement.signed_at.astimezone(zoneinfo.ZoneInfo(agreement.time_zone)).date() if agreement else None
    names_ko = [s.organisation.name_ko or s.organisation.name_en for s in signatories]
    names_en = [s.organisation.name_en or s.organisation.name_ko for s in signatories]
    agreement_ko = f"「{agreement.title_ko or agreement.title_en}」" if agreement else ""
    programs_ko = "·".join(f"「{p.title_ko or p.title_en}」" for p in programs)
    context = {
        "agreement": agreement,
        "agreement_ko": agreement_ko,
        "agreement_obj_ko": objective(agreement_ko) if agreement else "",
        "programs_ko": programs_ko,
        "programs_obj_ko": objective(programs_ko) if programs else "",
        "programs": programs,
        "facts": facts(public),
        "count": len(period),
        "confidential": len(period) - len(public),
        "startups": len({o.organisation_id for o in period}),
        "signatories_ko": topic("·".join(names_ko)) if names_ko else "",
        "signatories_en": ", ".join(names_en[:-1]) + " and " + names_en[-1] if len(names_en) > 1 else "".join(names_en),
        "signed_ko": korean_date(signed_local) if signed_local else "",
        "signed_en": english_date(signed_local) if signed_local else "",
        "start_ko": korean_date(start), "end_ko": korean_date(end),
        "start_en": english_date(start), "end_en": english_date(end),
        "scope": scope,
    }
    with translation.override("ko"):
        korean = render_to_string("outcomes/brief_ko.txt", context)
    with translation.override("en"):
        english = render_to_string("outcomes/brief_en.txt", context)
    return _tidy(korean), _tidy(english)


def _tidy(text: str) -> str:
    """Template whitespace out: no trailing spaces, at most one empty line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
