"""Totals in one reporting currency, from dated rates — never a silent conversion.

An amount is converted with the latest rate of its own program dated on or before the amount's date (a
direct rate, or the inverse of the opposite pair). When no such rate exists the amount is *excluded*, and
the total says so: :class:`Total` carries the converted sum, the rate dates used, and the excluded amounts
listed in their own currencies. Everything is Decimal; nothing here ever touches a float.

A rate that is much older than the amount it converts is used, but flagged as *stale*: a 2026 amount
converted at a January 2025 rate is probably wrong by the year's movement, and a reader must see that the
program manager has a newer rate to enter. The threshold is :data:`STALE_AFTER_DAYS` (90 days — about one
quarter, the reporting rhythm of the programs; exchange rates between KRW and USD move several percent in
that time).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from bridgehead.outcomes.currencies import quantum
from bridgehead.outcomes.models import FxRate, Outcome

# A rate dated more than this many days before the amount it converts is flagged as stale.
STALE_AFTER_DAYS = 90


@dataclass(frozen=True)
class Conversion:
    outcome_id: int
    amount: Decimal
    currency: str
    converted: Decimal
    rate: Decimal
    rate_on: dt.date | None  # None when the amount already was in the reporting currency
    on: dt.date | None = None  # the amount's own date

    @property
    def rate_age_days(self) -> int | None:
        if self.rate_on is None or self.on is None:
            return None
        return (self.on - self.rate_on).days

    @property
    def is_stale(self) -> bool:
        """Converted at a rate more than :data:`STALE_AFTER_DAYS` days older than the amount."""
        age = self.rate_age_days
        return age is not None and age > STALE_AFTER_DAYS


@dataclass(frozen=True)
class Excluded:
    outcome_id: int
    amount: Decimal
    currency: str
    on: dt.date


@dataclass
class Total:
    currency: str
    amount: Decimal = Decimal(0)
    conversions: list[Conversion] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)

    @property
    def rate_dates(self) -> list[dt.date]:
        return sorted({c.rate_on for c in self.conversions if c.rate_on is not None})

    @property
    def excluded_by_currency(self) -> list[tuple[str, Decimal, int]]:
        """(currency, sum, count) of what could not be converted, to print beside the total."""
        sums: dict[str, list] = defaultdict(lambda: [Decimal(0), 0])
        for item in self.excluded:
            sums[item.currency][0] += item.amount
            sums[item.currency][1] += 1
        return [(code, total, count) for code, (total, count) in sorted(sums.items())]

    @property
    def is_complete(self) -> bool:
        return not self.excluded

    @property
    def stale(self) -> list[Conversion]:
        """Conversions made at a rate older than :data:`STALE_AFTER_DAYS` before the amount's date."""
        return [c for c in self.conversions if c.is_stale]

    @property
    def stale_after_days(self) -> int:
        return STALE_AFTER_DAYS


class RateBook:
    """The rates of some programs, loaded once, answering "what was C worth in R on day d"."""

    def __init__(self, program_ids: Iterable[int]) -> None:
        self._rates: dict[tuple[int, str, str], tuple[list[dt.date], list[Decimal]]] = {}
        grouped: dict[tuple[int, str, str], list[tuple[dt.date, Decimal]]] = defaultdict(list)
        for program_id, on, currency, base, rate in (
            FxRate.objects.filter(program_id__in=list(program_ids))
            .values_list("program_id", "on", "currency", "base", "rate")
            .order_by("on")
        ):
            grouped[(program_id, currency, base)].append((on, rate))
            grouped[(program_id, base, currency)].append((on, Decimal(1) / rate))
        for key, rows in grouped.items():
            rows.sort(key=lambda row: row[0])
            self._rates[key] = ([on for on, _r in rows], [r for _on, r in rows])

    def rate(self, program_id: int, currency: str, into: str, on: dt.date) -> tuple[Decimal, dt.date] | None:
        found = self._rates.get((program_id, currency, into))
        if not found:
            return None
        dates, rates = found
        index = bisect_right(dates, on) - 1
        if index < 0:
            return None
        return rates[index], dates[index]


def total(outcomes: Iterable[Outcome], *, currency: str, book: RateBook | None = None) -> Total:
    """Sum the amounts of ``outcomes`` in ``currency``; unconvertible amounts are listed, not guessed."""
    outcomes = [o for o in outcomes if o.amount is not None and o.currency]
    book = book or RateBook({o.program_id for o in outcomes})
    result = Total(currency=currency)
    for outcome in outcomes:
        if outcome.currency == currency:
            converted, rate, rate_on = outcome.amount, Decimal(1), None
        else:
            found = book.rate(outcome.program_id, outcome.currency, currency, outcome.occurred_on)
            if found is None:
                result.excluded.append(Excluded(outcome.pk, outcome.amount, outcome.currency, outcome.occurred_on))
                continue
            rate, rate_on = found
            converted = (outcome.amount * rate).quantize(quantum(currency), rounding=ROUND_HALF_UP)
        result.amount += converted
        result.conversions.append(
            Conversion(outcome.pk, outcome.amount, outcome.currency, converted, rate, rate_on, outcome.occurred_on)
        )
    result.amount = result.amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)
    return result
