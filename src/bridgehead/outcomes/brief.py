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

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bridgehead.core.formatting import (
    ENGLISH_PREFIX,
    ENGLISH_UNITS,
    KOREAN_UNITS,
    english_amount,
    korean_amount,
    korean_number,
)
from bridgehead.core.formatting import plain_number as _number
from bridgehead.engines.match.explain import COUNTRIES
from bridgehead.engines.match.korean import final_sound, josa
from bridgehead.outcomes import fx
from bridgehead.outcomes.dashboards import Scope
from bridgehead.outcomes.enums import IN_PROGRESS, OutcomeKind, OutcomeStatus
from bridgehead.outcomes.models import Outcome
from bridgehead.programs.models import Program


def korean_quantity(quantity: Decimal, unit: str, period: str) -> str:
    """200,000 units a year → "연 20만 개"; 4 people → "4명"; 5,000 devices → "5,000대"."""
    number = korean_number(quantity)
    counter = KOREAN_UNITS.get(unit.strip().lower(), unit.strip())
    joined = f"{number} {counter}" if number[-1] in "조억만" or not _is_hangul(counter[:1]) else f"{number}{counter}"
    prefix = {"year": "연 ", "month": "월 "}.get(period, "")
    return prefix + joined


def english_quantity(quantity: Decimal, unit: str, period: str) -> str:
    """200,000 units a year; 4 people; a unit typed as a Korean counter ("명") in English words. A Korean unit
    with no English word becomes "units": the English release never carries Hangul, and its editor sees the
    figure in the attached table and can name the unit."""
    suffix = {"year": " a year", "month": " a month"}.get(period, "")
    unit = unit.strip()
    word = ENGLISH_UNITS.get(unit) or ("units" if any(_is_hangul(char) for char in unit) else unit)
    return f"{_number(quantity)} {word}{suffix}"


def _is_hangul(char: str) -> bool:
    return bool(char) and 0xAC00 <= ord(char) <= 0xD7A3


# Particles follow how a word is read aloud (digits with their place words, acronyms letter by letter): one
# rule for the whole platform, in the matching engine's pure-Python Korean module (its reasons need it too).
def has_final_consonant(word: str) -> bool:
    """Whether ``word`` read aloud ends in a consonant (은/는, 이/가, 을/를, 과/와 depend on it)."""
    return bool(final_sound(word))


def topic(word: str) -> str:
    return josa(word, "은/는")


def subject(word: str) -> str:
    return josa(word, "이/가")


def objective(word: str) -> str:
    return josa(word, "을/를")


def with_(word: str) -> str:
    return josa(word, "과/와")


def source(word: str) -> str:
    """ "…로부터" after a vowel or ㄹ, "…으로부터" after another consonant."""
    return josa(word, "으로/로") + "부터"


WEEKDAYS_KO = "월화수목금토일"


def korean_date(day: dt.date, *, weekday: bool = False) -> str:
    text = f"{day.year}년 {day.month}월 {day.day}일"
    return f"{text}({WEEKDAYS_KO[day.weekday()]})" if weekday else text


def english_date(day: dt.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def english_press_amount(amount: Decimal, currency: str) -> str:
    """US$10,000,000 → "US$10 million", ₩650,000,000 → "₩650 million": the way an English release writes
    large sums; an amount that does not round to two decimals in millions keeps all its digits."""
    prefix = ENGLISH_PREFIX.get(currency)
    for size, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if amount >= size:
            scaled = amount / size
            if scaled == scaled.quantize(Decimal("0.01")):
                figure = f"{_number(scaled)} {word}"
                return f"{prefix}{figure}" if prefix else f"{currency} {figure}"
            break
    return english_amount(amount, currency)


# What each kind is called inside a sentence, and how a deal still in progress is named in the headline.
KIND_NOUN = {
    OutcomeKind.INVESTMENT: ("투자", "investment"),
    OutcomeKind.CONTRACT: ("계약", "contract"),
    OutcomeKind.PARTNERSHIP: ("협력", "partnership"),
    OutcomeKind.REGULATORY: ("인허가", "regulatory approval"),
    OutcomeKind.MARKET_ENTRY: ("시장 진출", "market entry"),
    OutcomeKind.PILOT: ("실증", "pilot"),
    OutcomeKind.HIRE: ("채용", "hiring"),
    OutcomeKind.GRANT: ("지원금", "grant"),
}
KIND_ORDER = {kind: index for index, kind in enumerate(OutcomeKind)}


def in_progress_name(kind: str, status: str) -> tuple[str, str]:
    """("투자 심사", "an investment under review"): what a deal in progress is, for the headline."""
    noun_ko, noun_en = KIND_NOUN[kind]
    article = "an" if noun_en[0] in "aeiou" else "a"
    if kind == OutcomeKind.INVESTMENT and status == OutcomeStatus.UNDER_REVIEW:
        return "투자 심사", "an investment under review"
    if kind == OutcomeKind.CONTRACT and status == OutcomeStatus.PROVISIONAL:
        return "가계약", "a provisional contract"
    if status == OutcomeStatus.UNDER_REVIEW:
        return f"{noun_ko} 검토", f"{article} {noun_en} under review"
    if status == OutcomeStatus.PROVISIONAL:
        return f"{noun_ko} 잠정 합의", f"{article} provisional {noun_en}"
    return f"{noun_ko} 협의", f"{article} {noun_en} under discussion"


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
    market_ko: str = ""
    market_en: str = ""

    @property
    def size_ko(self) -> str:
        """ "연 20만 개, 1,000만 달러": what the attached table prints as 규모."""
        return ", ".join(part for part in (self.quantity_ko, self.amount_ko) if part)

    @property
    def size_en(self) -> str:
        return "; ".join(part for part in (self.quantity_en, self.amount_en) if part)

    @property
    def sentence_ko(self) -> str:
        """One sentence in Korean press style: "에스비솔루션은 항저우메디텍과 연 20만 개 규모의 가계약을 …"."""
        kind, status, party = self.outcome.kind, self.outcome.status, self.counterparty_ko
        who = topic(self.startup_ko)
        with_party = f"{with_(party)} " if party else ""
        from_party = f"{source(party)} " if party else ""
        size = f"{self.size_ko} 규모의 " if self.size_ko else ""
        noun = KIND_NOUN[kind][0]
        if status == OutcomeStatus.CLOSED:
            if kind == OutcomeKind.INVESTMENT:
                return f"{who} {from_party}{size}투자를 유치했다."
            if kind == OutcomeKind.PARTNERSHIP:
                return f"{who} {with_party}{size}협력 관계를 맺었다."
            if kind == OutcomeKind.REGULATORY:
                return f"{who} {from_party}인허가를 받았다."
            if kind == OutcomeKind.MARKET_ENTRY:
                together = f"{with_party}함께 " if party else ""
                return f"{who} {together}{self.market_ko or '해외'} 시장에 진출했다."
            if kind == OutcomeKind.PILOT:
                return f"{who} {with_party}{size}실증 협약을 체결했다."
            if kind == OutcomeKind.HIRE:
                people = f"현지 인력 {objective(self.quantity_ko)}" if self.quantity_ko else "현지 인력을"
                return f"{who} {people} 채용했다."
            if kind == OutcomeKind.GRANT:
                return f"{who} {from_party}{size}지원금을 확보했다."
            return f"{who} {with_party}{size}계약을 체결했다."
        if kind == OutcomeKind.INVESTMENT and status == OutcomeStatus.UNDER_REVIEW:
            return f"{who} {from_party}{size}투자 유치를 추진하고 있으며, 현재 투자 심사가 진행 중이다."
        if kind == OutcomeKind.CONTRACT and status == OutcomeStatus.PROVISIONAL:
            return f"{who} {with_party}{size}가계약을 맺고 본계약을 협의하고 있다."
        if status == OutcomeStatus.PROVISIONAL:
            return f"{who} {with_party}{size}{noun}에 잠정 합의했다."
        if status == OutcomeStatus.UNDER_REVIEW:
            return f"{who} {with_party}{size}{objective(noun)} 검토하고 있다."
        return f"{who} {with_party}{size}{objective(noun)} 협의하고 있다."

    @property
    def sentence_en(self) -> str:
        """One sentence of an English release: "SB Solution signed a provisional contract with …"."""
        kind, status, name = self.outcome.kind, self.outcome.status, self.startup_en
        # A registered organisation keeps its name; a description typed in its place reads in lower case.
        party = self.counterparty_en if self.outcome.counterparty_id else _lower_first(self.counterparty_en)
        with_party = f" with {party}" if party else ""
        from_party = f" from {party}" if party else ""
        worth = f" worth {self.amount_en}" if self.amount_en else ""
        units = f" for {self.quantity_en}" if self.quantity_en else ""
        noun = KIND_NOUN[kind][1]
        if status == OutcomeStatus.CLOSED:
            if kind == OutcomeKind.INVESTMENT:
                raised = self.amount_en or "an investment"
                return f"{name} raised {raised}{from_party}."
            if kind == OutcomeKind.PARTNERSHIP:
                return f"{name} formed a partnership{with_party}{worth}."
            if kind == OutcomeKind.REGULATORY:
                return f"{name} obtained regulatory approval{from_party}."
            if kind == OutcomeKind.MARKET_ENTRY:
                market = f"the market in {self.market_en}" if self.market_en else "a new market abroad"
                return f"{name} entered {market}{with_party}."
            if kind == OutcomeKind.PILOT:
                return f"{name} signed a pilot agreement{worth}{with_party}."
            if kind == OutcomeKind.HIRE:
                hired = self.quantity_en or "new staff"
                return f"{name} hired {hired}."
            if kind == OutcomeKind.GRANT:
                return f"{name} won a grant{worth}{from_party}."
            return f"{name} signed a contract{worth}{with_party}{units}."
        if kind == OutcomeKind.INVESTMENT and status == OutcomeStatus.UNDER_REVIEW:
            sought = f"an investment of {self.amount_en}" if self.amount_en else "an investment"
            return f"{name} is seeking {sought}{from_party}; the investment is under review."
        if kind == OutcomeKind.CONTRACT and status == OutcomeStatus.PROVISIONAL:
            signed = f"{name} signed a provisional contract{with_party}{units}{worth}"
            return f"{signed}; the final contract is being negotiated."
        if status == OutcomeStatus.PROVISIONAL:
            return f"{name} reached a provisional {noun} agreement{with_party}{units}{worth}."
        if status == OutcomeStatus.UNDER_REVIEW:
            return f"A {noun}{worth} between {name} and {party or 'a partner'} is under review."
        return f"{name} is in talks{with_party} on a {noun}{units}{worth}."


def _lower_first(name: str) -> str:
    """ "Global medical-device companies" inside a sentence reads "global …"; "US venture capital" stays."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _labels(outcome: Outcome, language: str) -> tuple[str, str]:
    with translation.override(language):
        return str(outcome.get_kind_display()), str(outcome.get_status_display())


def facts(outcomes) -> list[Fact]:
    found = []
    for outcome in outcomes:
        kind_ko, status_ko = _labels(outcome, "ko")
        kind_en, status_en = _labels(outcome, "en")
        has_quantity = outcome.quantity is not None
        has_amount = outcome.amount is not None
        org, party = outcome.organisation, outcome.counterparty
        market = COUNTRIES.get(outcome.country or (party.country if party else ""))
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
                amount_ko=korean_amount(outcome.amount, outcome.currency) if has_amount else "",
                amount_en=english_press_amount(outcome.amount, outcome.currency) if has_amount else "",
                quantity_ko=korean_quantity(outcome.quantity, outcome.unit, outcome.period) if has_quantity else "",
                quantity_en=english_quantity(outcome.quantity, outcome.unit, outcome.period) if has_quantity else "",
                counterparty_ko=(party.name_ko or party.name_en)
                if party
                else (outcome.counterparty_name_ko or outcome.counterparty_name),
                counterparty_en=(party.name_en or party.name_ko)
                if party
                else (outcome.counterparty_name or outcome.counterparty_name_ko),
                market_ko=market[0] if market else "",
                market_en=market[1] if market else "",
            )
        )
    return found


def press_order(outcomes: list[Outcome]) -> list[Outcome]:
    """By kind (investment, contract, partnership, … as the choices list them), then the larger amount first —
    compared in US dollars at the program's rates; an amount with no rate follows those converted, and an
    outcome without an amount comes last in its kind."""
    book = fx.RateBook({o.program_id for o in outcomes})

    def usd(outcome: Outcome) -> tuple[int, Decimal]:
        if outcome.amount is None or not outcome.currency:
            return (2, Decimal(0))
        if outcome.currency == "USD":
            return (0, -outcome.amount)
        found = book.rate(outcome.program_id, outcome.currency, "USD", outcome.occurred_on)
        return (0, -outcome.amount * found[0]) if found else (1, -outcome.amount)

    return sorted(outcomes, key=lambda o: (KIND_ORDER.get(o.kind, len(KIND_ORDER)), *usd(o), o.occurred_on, o.pk))


@dataclass
class PressContact:
    """담당 부서·담당자 of the release: the first program in scope whose manager filled the press fields, else
    the first with an operating office (``Program.office_name_*``)."""

    office_ko: str = ""
    office_en: str = ""
    person_ko: str = ""
    person_en: str = ""
    phone: str = ""
    email: str = ""

    @classmethod
    def of(cls, programs: list[Program]) -> PressContact:
        for program in programs:
            if program.press_office_ko or program.press_office_en or program.press_contact_ko:
                return cls(
                    office_ko=program.press_office_ko or program.press_office_en,
                    # The English release keeps a placeholder rather than print a Korean name or office.
                    office_en=program.press_office_en,
                    person_ko=program.press_contact_ko or program.press_contact_en,
                    person_en=program.press_contact_en,
                    phone=program.press_phone,
                    email=program.press_email,
                )
        for program in programs:
            # No press contact recorded: the operating office that signs the program's letters answers
            # (its name and contact, no person — the editor adds one).
            if program.office_name_ko or program.office_name_en:
                return cls(
                    office_ko=program.office_name_ko or program.office_name_en,
                    office_en=program.office_name_en,
                    phone=program.office_phone,
                    email=program.office_email,
                )
        return cls()

    @property
    def reach(self) -> str:
        return ", ".join(part for part in (self.phone, self.email) if part)


def _series_ko(items: list[str]) -> str:
    return "·".join(dict.fromkeys(items))


def _plural(noun: str) -> str:
    """ "investments", "regulatory approvals"; "hiring" and "market entry" read as they are."""
    return noun if noun.endswith(("ing", "entry")) else f"{noun}s"


def _series_en(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def in_period(scope: Scope, user, *, start: dt.date, end: dt.date) -> QuerySet[Outcome]:
    """The outcomes a brief speaks of: the scope's confirmed records dated ``start``..``end``, lost deals left
    out (confidential ones included: they are counted, never named). The DOCX/HWPX files read the same set."""
    return (
        scope.outcomes(user)
        .filter(occurred_on__gte=start, occurred_on__lte=end, confirmed_at__isnull=False)
        .exclude(status=OutcomeStatus.LOST)
    )


def generate(scope: Scope, user, *, start: dt.date, end: dt.date, released: dt.date | None = None) -> tuple[str, str]:
    """(Korean text, English text) for the scope's confirmed outcomes dated ``start``..``end``, in the form of a
    press release dated ``released`` (today by default): the closed ones counted as achieved, those in progress
    counted and described apart, confidential ones counted and never named."""
    period = press_order(list(in_period(scope, user, start=start, end=end)))
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
    programs_en = _series_en([p.title_en or p.title_ko for p in programs]) if programs else ""
    closed_kinds = [KIND_NOUN[o.kind] for o in public]
    progress_kinds = [in_progress_name(o.kind, o.status) for o in in_progress]
    released = released or timezone.localdate()
    contact = PressContact.of(programs)
    subject_ko = programs_ko or agreement_ko or scope.title
    startups = len({o.organisation_id for o in closed})
    with translation.override("ko"):
        closed_label_ko = str(OutcomeStatus.CLOSED.label)
    with translation.override("en"):
        closed_label_en = str(OutcomeStatus.CLOSED.label)
    context = {
        "agreement": agreement,
        "agreement_ko": agreement_ko,
        "agreement_obj_ko": objective(agreement_ko) if agreement else "",
        "programs_ko": programs_ko,
        "programs_en": programs_en,
        "programs": programs,
        "facts": facts(public),
        "count": len(closed),
        "confidential": len(closed) - len(public),
        "startups": startups,
        # The headline names the first three kinds, in press order (investment, contract, partnership, …).
        "closed_kinds_ko": _series_ko(list(dict.fromkeys(ko for ko, _en in closed_kinds))[:3]) or "성과",
        "closed_kinds_en": _series_en(list(dict.fromkeys(_plural(en) for _ko, en in closed_kinds))[:3])
        if closed_kinds
        else "outcomes",
        "in_progress_facts": facts(public_in_progress),
        "in_progress": len(in_progress),
        "in_progress_confidential": len(in_progress) - len(public_in_progress),
        # Only the public ones are named by kind; a confidential deal in progress is counted, not described.
        "progress_kinds_ko": _series_ko(
            [ko for o, (ko, _en) in zip(in_progress, progress_kinds, strict=True) if not o.is_confidential]
        ),
        "progress_kinds_en": _series_en(
            [en for o, (_ko, en) in zip(in_progress, progress_kinds, strict=True) if not o.is_confidential]
        )
        if public_in_progress
        else "",
        "signatories_ko": subject("·".join(names_ko)) if names_ko else "",
        "signatories_en": _series_en(names_en) if names_en else "",
        "signed_ko": korean_date(signed_local) if signed_local else "",
        "signed_en": english_date(signed_local) if signed_local else "",
        "start_ko": korean_date(start),
        "end_ko": korean_date(end),
        "start_en": english_date(start),
        "end_en": english_date(end),
        "released_ko": korean_date(released, weekday=True),
        "released_en": english_date(released),
        "contact": contact,
        "quote_speaker_ko": topic(contact.person_ko) if contact.person_ko else "[담당자 이름·직함]은",
        "subject_ko": subject_ko,
        "subject_particle_ko": subject(subject_ko + " 참여 스타트업" + (f" {startups}개사" if startups else ""))[-1],
        "subject_en": programs_en or (agreement.title_en or agreement.title_ko if agreement else scope.title),
        "closed_label_ko": closed_label_ko,
        "closed_label_en": closed_label_en,
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
