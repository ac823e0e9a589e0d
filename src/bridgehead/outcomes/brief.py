"""The bilingual outcome brief: a Korean and an English text in the style of a city press release, generated
from confirmed, non-confidential records only (confidential outcomes are counted, never named), and
edited by a person before it is downloaded.

A confirmed record is not an achieved result: the brief counts as achieved only the outcomes whose status
is *signed / closed*, and mentions the confirmed ones still in progress (lead, under review, provisional)
apart, with their status, never in the achieved count — "US$10M under review" is not an investment
attracted. Quantities carry their unit in the brief's own language ("연 20만 개" / "200,000 units a year").

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

from bridgehead.core.formatting import english_amount, korean_amount, korean_number
from bridgehead.core.formatting import plain_number as _number
from bridgehead.outcomes.dashboards import Scope
from bridgehead.outcomes.enums import IN_PROGRESS, OutcomeStatus
from bridgehead.outcomes.models import Outcome
from bridgehead.programs.models import Program

# Units as people type them in English, and the Korean counter a Korean text uses instead. A unit that is not
# listed (or already Korean) is printed as typed.
KOREAN_UNITS = {
    "unit": "개",
    "units": "개",
    "piece": "개",
    "pieces": "개",
    "pcs": "개",
    "kit": "키트",
    "kits": "키트",
    "device": "대",
    "devices": "대",
    "machine": "대",
    "machines": "대",
    "system": "대",
    "systems": "대",
    "person": "명",
    "people": "명",
    "persons": "명",
    "employee": "명",
    "employees": "명",
    "hire": "명",
    "hires": "명",
    "job": "명",
    "jobs": "명",
    "patient": "명",
    "patients": "명",
    "user": "명",
    "users": "명",
    "licence": "건",
    "licences": "건",
    "license": "건",
    "licenses": "건",
    "contract": "건",
    "contracts": "건",
    "order": "건",
    "orders": "건",
    "test": "건",
    "tests": "건",
    "hospital": "곳",
    "hospitals": "곳",
    "site": "곳",
    "sites": "곳",
    "clinic": "곳",
    "clinics": "곳",
    "dose": "회분",
    "doses": "회분",
}


def korean_quantity(quantity: Decimal, unit: str, period: str) -> str:
    """200,000 units a year → "연 20만 개"; 4 people → "4명"; 5,000 devices → "5,000대"."""
    number = korean_number(quantity)
    counter = KOREAN_UNITS.get(unit.strip().lower(), unit.strip())
    joined = f"{number} {counter}" if number[-1] in "조억만" or not _is_hangul(counter[:1]) else f"{number}{counter}"
    prefix = {"year": "연 ", "month": "월 "}.get(period, "")
    return prefix + joined


def english_quantity(quantity: Decimal, unit: str, period: str) -> str:
    """200,000 units a year; 4 people."""
    suffix = {"year": " a year", "month": " a month"}.get(period, "")
    return f"{_number(quantity)} {unit.strip()}{suffix}"


def _is_hangul(char: str) -> bool:
    return bool(char) and 0xAC00 <= ord(char) <= 0xD7A3


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
    quantity_ko: str
    quantity_en: str
    counterparty_ko: str
    counterparty_en: str


def _labels(outcome: Outcome, language: str) -> tuple[str, str]:
    with translation.override(language):
        return str(outcome.get_kind_display()), str(outcome.get_status_display())


def facts(outcomes) -> list[Fact]:
    found = []
    for outcome in outcomes:
        kind_ko, status_ko = _labels(outcome, "ko")
        kind_en, status_en = _labels(outcome, "en")
        has_quantity = outcome.quantity is not None
        org, party = outcome.organisation, outcome.counterparty
        found.append(
            Fact(
                outcome=outcome,
                startup_ko=org.name_ko or org.name_en,
                startup_en=org.name_en or org.name_ko,
                title_ko=outcome.title_ko or outcome.title_en,
                title_en=outcome.title_en or outcome.title_ko,
                kind_ko=kind_ko,
                kind_en=kind_en,
                status_ko=status_ko,
                status_en=status_en,
                amount_ko=korean_amount(outcome.amount, outcome.currency) if outcome.amount is not None else "",
                amount_en=english_amount(outcome.amount, outcome.currency) if outcome.amount is not None else "",
                quantity_ko=korean_quantity(outcome.quantity, outcome.unit, outcome.period) if has_quantity else "",
                quantity_en=english_quantity(outcome.quantity, outcome.unit, outcome.period) if has_quantity else "",
                counterparty_ko=(party.name_ko or party.name_en)
                if party
                else (outcome.counterparty_name_ko or outcome.counterparty_name),
                counterparty_en=(party.name_en or party.name_ko)
                if party
                else (outcome.counterparty_name or outcome.counterparty_name_ko),
            )
        )
    return found


def generate(scope: Scope, user, *, start: dt.date, end: dt.date) -> tuple[str, str]:
    """(Korean text, English text) for the scope's confirmed outcomes dated ``start``..``end``: the closed ones
    counted as achieved, those in progress mentioned apart."""
    period = list(
        scope.outcomes(user)
        .filter(occurred_on__gte=start, occurred_on__lte=end)
        .exclude(status=OutcomeStatus.LOST)
        .filter(confirmed_at__isnull=False)
        .order_by("organisation__name_en", "occurred_on")
    )
    closed = [o for o in period if o.status == OutcomeStatus.CLOSED]
    in_progress = [o for o in period if o.status in IN_PROGRESS]
    public = [o for o in closed if not o.is_confidential]
    public_in_progress = [o for o in in_progress if not o.is_confidential]
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
        "count": len(closed),
        "confidential": len(closed) - len(public),
        "startups": len({o.organisation_id for o in closed}),
        "in_progress_facts": facts(public_in_progress),
        "in_progress": len(in_progress),
        "in_progress_confidential": len(in_progress) - len(public_in_progress),
        "signatories_ko": topic("·".join(names_ko)) if names_ko else "",
        "signatories_en": ", ".join(names_en[:-1]) + " and " + names_en[-1] if len(names_en) > 1 else "".join(names_en),
        "signed_ko": korean_date(signed_local) if signed_local else "",
        "signed_en": english_date(signed_local) if signed_local else "",
        "start_ko": korean_date(start),
        "end_ko": korean_date(end),
        "start_en": english_date(start),
        "end_en": english_date(end),
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
