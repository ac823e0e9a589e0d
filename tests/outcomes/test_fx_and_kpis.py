"""Totals in a reporting currency from dated rates (never silent), and KPI values from the records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from bridgehead.outcomes import fx, kpis
from tests.outcomes.factories import FxRateFactory, KpiFactory, OutcomeFactory
from tests.partnering.factories import add_session


def test_total_uses_the_latest_rate_on_or_before_each_amount_and_shows_its_date(ow):
    program = ow["our_program"]
    FxRateFactory(program=program, on=dt.date(2024, 1, 2), currency="KRW", base="USD", rate=Decimal("0.00076"))
    FxRateFactory(program=program, on=dt.date(2024, 7, 1), currency="KRW", base="USD", rate=Decimal("0.00072"))
    march = OutcomeFactory(
        program=program, amount=Decimal("1000000000"), currency="KRW", occurred_on=dt.date(2024, 3, 1)
    )
    august = OutcomeFactory(
        program=program, amount=Decimal("500000000"), currency="KRW", occurred_on=dt.date(2024, 8, 1)
    )
    dollars = OutcomeFactory(program=program, amount=Decimal("250000.50"), currency="USD")

    total = fx.total([march, august, dollars], currency="USD")

    assert total.amount == Decimal("760000.00") + Decimal("360000.00") + Decimal("250000.50")
    assert total.rate_dates == [dt.date(2024, 1, 2), dt.date(2024, 7, 1)]
    assert total.excluded == []


def test_amount_without_a_rate_is_excluded_and_listed_not_guessed(ow):
    program = ow["our_program"]
    FxRateFactory(program=program, on=dt.date(2024, 7, 1), currency="KRW", base="USD", rate=Decimal("0.00072"))
    early = OutcomeFactory(
        program=program, amount=Decimal("1000000000"), currency="KRW", occurred_on=dt.date(2024, 3, 1)
    )  # before the only rate: never converted backwards
    yuan = OutcomeFactory(program=program, amount=Decimal("1400000"), currency="CNY")
    dollars = OutcomeFactory(program=program, amount=Decimal("10"), currency="USD")

    total = fx.total([early, yuan, dollars], currency="USD")

    assert total.amount == Decimal("10.00")
    assert total.excluded_by_currency == [("CNY", Decimal("1400000"), 1), ("KRW", Decimal("1000000000"), 1)]
    assert not total.is_complete


def test_inverse_rates_convert_the_other_way_and_won_has_no_cents(ow):
    program = ow["our_program"]
    FxRateFactory(program=program, on=dt.date(2024, 1, 2), currency="USD", base="KRW", rate=Decimal("1300"))
    dollars = OutcomeFactory(program=program, amount=Decimal("10000000"), currency="USD")
    won = OutcomeFactory(program=program, amount=Decimal("2600000"), currency="KRW")

    assert fx.total([dollars, won], currency="KRW").amount == Decimal("13002600000")
    total = fx.total([won], currency="USD")
    assert (total.amount, total.rate_dates) == (Decimal("2000.00"), [dt.date(2024, 1, 2)])


def test_rates_of_another_program_are_never_used(ow):
    FxRateFactory(program=ow["their_program"], on=dt.date(2024, 1, 2), rate=Decimal("0.00076"))
    won = OutcomeFactory(program=ow["our_program"], amount=Decimal("1000"), currency="KRW")
    assert fx.total([won], currency="USD").excluded_by_currency == [("KRW", Decimal("1000"), 1)]


def test_amount_kpi_counts_confirmed_closed_investments_and_shows_unconfirmed_apart(ow):
    program, now = ow["our_program"], timezone.now()
    FxRateFactory(program=program, on=dt.date(2024, 1, 2), rate=Decimal("0.00075"))
    kpi = KpiFactory(program=program, commitment=ow["commitment"], target=Decimal("2000000"))
    OutcomeFactory(program=program, status="closed", amount=Decimal("1000000"), currency="USD", confirmed_at=now)
    OutcomeFactory(program=program, status="closed", amount=Decimal("400000000"), currency="KRW", confirmed_at=now)
    OutcomeFactory(program=program, status="closed", amount=Decimal("500000"), currency="USD")  # unconfirmed
    OutcomeFactory(
        program=program, status="under_review", amount=Decimal("9000000"), currency="USD", confirmed_at=now
    )  # not closed
    OutcomeFactory(
        program=program, status="closed", kind="grant", amount=Decimal("7"), currency="USD", confirmed_at=now
    )  # another kind
    OutcomeFactory(
        program=program,
        status="closed",
        amount=Decimal("8"),
        currency="USD",
        confirmed_at=now,
        occurred_on=dt.date(2023, 12, 31),
    )  # before the period
    OutcomeFactory(
        program=ow["their_program"], status="closed", amount=Decimal("5"), currency="USD", confirmed_at=now
    )  # another program

    value = kpis.compute(kpi)

    assert (value.confirmed, value.unconfirmed, value.progress) == (Decimal("1300000.00"), Decimal("500000.00"), 65)
    assert value.total.rate_dates == [dt.date(2024, 1, 2)]


def test_startup_kpi_counts_each_startup_once_and_filters_by_country(ow):
    program, now = ow["our_program"], timezone.now()
    kpi = KpiFactory(
        program=program,
        commitment=ow["commitment"],
        metric="startups",
        kind="market_entry",
        country="US",
        counting="active",
        target=Decimal("4"),
    )
    OutcomeFactory(program=program, organisation=ow["startup"], kind="market_entry", country="US", confirmed_at=now)
    OutcomeFactory(program=program, organisation=ow["startup"], kind="market_entry", country="US")
    OutcomeFactory(program=program, organisation=ow["other"], kind="market_entry", country="US")
    OutcomeFactory(program=program, organisation=ow["other"], kind="market_entry", country="JP", confirmed_at=now)
    OutcomeFactory(program=program, kind="market_entry", country="US", status="lost", confirmed_at=now)

    value = kpis.compute(kpi)

    assert (value.confirmed, value.unconfirmed, value.progress) == (Decimal(1), Decimal(1), 25)


def test_quantity_and_meeting_kpis(ow):
    program, now = ow["our_program"], timezone.now()
    jobs = KpiFactory(
        program=program, commitment=ow["commitment"], metric="quantity", kind="hire", target=Decimal("10")
    )
    OutcomeFactory(
        program=program, kind="hire", status="closed", quantity=Decimal("3"), unit="people", confirmed_at=now
    )
    OutcomeFactory(program=program, kind="hire", status="closed", quantity=Decimal("2"), unit="people")
    assert (kpis.compute(jobs).confirmed, kpis.compute(jobs).unconfirmed) == (Decimal("3"), Decimal("2"))

    add_session(ow["event"], dt.date(2024, 6, 4), "09:00", "10:00")
    slot = ow["event"].slots.first()
    ow["meeting"].slot, ow["meeting"].table, ow["meeting"].status = slot, 1, "checked_in"
    ow["meeting"].save()
    held = KpiFactory(program=program, commitment=ow["commitment"], metric="meetings", kind="", target=Decimal(2))
    assert (kpis.compute(held).confirmed, kpis.compute(held).progress) == (Decimal(1), 50)
