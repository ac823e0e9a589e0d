"""FX rate import from the CSV/XLSX sheets program staff keep: all or nothing.

Every row is validated first; a single problem (named by row number and column, as the spreadsheet shows
them) imports nothing, because a half-imported rate table silently converts some amounts and not others.
A rate already stored for the same day and pair is replaced (the sheet is the newer word).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bridgehead.core.actions import domain_action
from bridgehead.core.permissions import require
from bridgehead.core.spreadsheets import SpreadsheetError, read_table
from bridgehead.core.text import clean_text
from bridgehead.outcomes.currencies import is_currency
from bridgehead.outcomes.enums import ReportingCurrency
from bridgehead.outcomes.models import FX_RATE_MAX, FX_RATE_MIN, FxRate
from bridgehead.programs.models import Program

MAX_BYTES = 2 * 1024 * 1024
COLUMNS = {
    "on": ("date", "on", "날짜", "기준일"),
    "currency": ("currency", "통화"),
    "base": ("in", "base", "기준통화", "reporting currency"),
    "rate": ("rate", "환율"),
    "source": ("source", "출처"),
}
REQUIRED = ("on", "currency", "base", "rate")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class FxImportResult:
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()[:10].replace(".", "-").replace("/", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def validate(filename: str, content: bytes) -> FxImportResult:
    result = FxImportResult()
    try:
        table = read_table(filename, content, max_bytes=MAX_BYTES)
    except SpreadsheetError as exc:
        result.problems.append(Problem(0, "", str(exc)))
        return result
    lookup = {alias.casefold(): name for name, aliases in COLUMNS.items() for alias in aliases}
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    for position, header in enumerate(table.headers):
        name = lookup.get(header.strip().casefold())
        if name and name not in index:
            index[name], headers[name] = position, header
    for name in REQUIRED:
        if name not in index:
            result.problems.append(Problem(1, COLUMNS[name][0], _("this column is missing.")))
    if result.problems:
        return result
    seen: dict[tuple, int] = {}
    for number, cells in table.rows:
        raw = {name: cells[position].strip() for name, position in index.items()}
        before = len(result.problems)

        def problem(name: str, message: str, number: int = number) -> None:
            result.problems.append(Problem(number, headers[name], message))

        on = _parse_date(raw["on"])
        if on is None:
            problem("on", _("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": raw["on"]})
        currency = raw["currency"].upper()
        if not is_currency(currency):
            problem("currency", _("“%(value)s” is not an ISO 4217 currency code.") % {"value": raw["currency"]})
        base = raw["base"].upper()
        if base not in ReportingCurrency.values:
            problem("base", _("“%(value)s” is not a reporting currency (USD or KRW).") % {"value": raw["base"]})
        elif base == currency:
            problem("currency", _("a rate converts between two different currencies."))
        try:
            rate = Decimal(raw["rate"].replace(",", ""))
            if not rate.is_finite() or rate <= 0 or rate >= FX_RATE_MAX:
                raise InvalidOperation
        except InvalidOperation:
            rate = None
            problem("rate", _("“%(value)s” is not a positive number.") % {"value": raw["rate"]})
        else:
            if rate < FX_RATE_MIN:  # it would round to 0, which no rate may be
                problem(
                    "rate",
                    _("%(value)s is too small: a rate must be at least %(min)s.")
                    % {"value": raw["rate"], "min": f"{FX_RATE_MIN:f}"},
                )
            rate = rate.quantize(FX_RATE_MIN)
        source = raw.get("source", "")
        if source:
            try:
                source = clean_text(source, multiline=False)
            except ValidationError as refused:
                problem("source", refused.messages[0])
        if len(result.problems) == before:
            key = (on, currency, base)
            if key in seen:
                problem("on", _("the same date and currencies as row %(row)s.") % {"row": seen[key]})
            seen[key] = number
            result.rows.append({"on": on, "currency": currency, "base": base, "rate": rate, "source": source[:200]})
    if not table.rows:
        result.problems.append(Problem(2, "", _("the file has no rates.")))
    return result


@domain_action
def import_rates(*, program: Program, filename: str, content: bytes, by) -> FxImportResult:
    """Validate the whole file, then write every rate in one transaction (this domain action's) — or nothing."""
    require(by, "outcomes.manage_program", program)
    result = validate(filename, content)
    if not result.ok:
        result.rows = []
        return result
    for row in result.rows:
        _rate, created = FxRate.objects.update_or_create(
            program=program,
            on=row["on"],
            currency=row["currency"],
            base=row["base"],
            defaults={"rate": row["rate"], "source": row["source"], "entered_by": by},
        )
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result
