"""KPI values, computed from the records at read time (never stored, so a corrected record corrects every
report; a deleted record's contribution stays traceable in the audit log).

Each value keeps confirmed and unconfirmed contributions apart: the tile shows the confirmed figure against
the target and the unconfirmed one beside it, labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from bridgehead.outcomes import fx
from bridgehead.outcomes.enums import KpiCounting, KpiMetric, OutcomeStatus
from bridgehead.outcomes.models import Kpi, Outcome
from bridgehead.partnering.enums import MeetingStatus
from bridgehead.partnering.models import Meeting


@dataclass
class KpiValue:
    kpi: Kpi
    confirmed: Decimal
    unconfirmed: Decimal
    total: fx.Total | None = None  # amounts: the confirmed total with its rate dates and exclusions
    unconfirmed_total: fx.Total | None = None

    @property
    def progress(self) -> int | None:
        """Percent of the target reached by confirmed records (None without a target)."""
        if not self.kpi.target:
            return None
        return int((self.confirmed * 100 / self.kpi.target).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def unit(self) -> str:
        return self.kpi.currency if self.kpi.metric == KpiMetric.AMOUNT else ""


def kpi_outcomes(kpi: Kpi) -> QuerySet:
    outcomes = Outcome.objects.filter(
        program_id=kpi.program_id, occurred_on__gte=kpi.starts_on, occurred_on__lte=kpi.ends_on
    )
    if kpi.counting == KpiCounting.CLOSED:
        outcomes = outcomes.filter(status=OutcomeStatus.CLOSED)
    else:
        outcomes = outcomes.counted()
    if kpi.kind:
        outcomes = outcomes.filter(kind=kpi.kind)
    if kpi.country:
        outcomes = outcomes.filter(country=kpi.country)
    return outcomes


def _measure(kpi: Kpi, outcomes: QuerySet, book: fx.RateBook | None) -> tuple[Decimal, fx.Total | None]:
    if kpi.metric == KpiMetric.OUTCOMES:
        return Decimal(outcomes.count()), None
    if kpi.metric == KpiMetric.STARTUPS:
        return Decimal(outcomes.values("organisation").distinct().count()), None
    if kpi.metric == KpiMetric.QUANTITY:
        return sum((o.quantity for o in outcomes if o.quantity is not None), Decimal(0)), None
    total = fx.total(outcomes, currency=kpi.currency, book=book)
    return total.amount, total


def compute(kpi: Kpi, *, book: fx.RateBook | None = None) -> KpiValue:
    if kpi.metric == KpiMetric.MEETINGS:
        held = Meeting.objects.filter(
            event__program_id=kpi.program_id,
            status=MeetingStatus.CHECKED_IN,
            slot__starts_at__date__gte=kpi.starts_on,
            slot__starts_at__date__lte=kpi.ends_on,
        ).count()
        return KpiValue(kpi=kpi, confirmed=Decimal(held), unconfirmed=Decimal(0))
    outcomes = kpi_outcomes(kpi)
    confirmed, total = _measure(kpi, outcomes.filter(confirmed_at__isnull=False), book)
    unconfirmed, unconfirmed_total = _measure(kpi, outcomes.filter(confirmed_at__isnull=True), book)
    if kpi.metric == KpiMetric.STARTUPS:
        # A startup with both kinds of record counts once, as confirmed.
        unconfirmed = Decimal(outcomes.values("organisation").distinct().count()) - confirmed
    return KpiValue(
        kpi=kpi, confirmed=confirmed, unconfirmed=unconfirmed, total=total, unconfirmed_total=unconfirmed_total
    )


def compute_all(kpis) -> list[KpiValue]:
    kpis = list(kpis)
    book = fx.RateBook({k.program_id for k in kpis})
    return [compute(kpi, book=book) for kpi in kpis]
