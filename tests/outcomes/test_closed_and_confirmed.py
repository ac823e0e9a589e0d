"""A confirmed *record* is not a closed *deal* (issue 11, item 8): money "attracted" counts closed deals with
confirmed records only, under review / provisional shown apart, in tiles, exports, the brief (both languages)
and the API; quantities in the brief's own language; amounts converted at a stale rate are flagged."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bridgehead.outcomes import brief, dashboards, fx
from tests.outcomes.factories import FxRateFactory, KpiFactory, OutcomeFactory


@pytest.fixture
def deals(ow):
    program, now = ow["our_program"], timezone.now()
    FxRateFactory(program=program, on=dt.date(2024, 1, 2), currency="KRW", base="USD", rate=Decimal("0.00075"))
    closed = OutcomeFactory(
        program=program,
        organisation=ow["startup"],
        status="closed",
        confirmed_at=now,
        title_en="Seed round",
        title_ko="시드 투자 유치",
        amount=Decimal("2000000"),
        currency="USD",
        occurred_on=dt.date(2024, 3, 1),
    )
    review = OutcomeFactory(
        program=program,
        organisation=ow["other"],
        status="under_review",
        confirmed_at=now,
        title_en="US$10M VC investment under review",
        title_ko="1,000만 달러 투자 검토",
        amount=Decimal("10000000"),
        currency="USD",
        occurred_on=dt.date(2024, 1, 17),
    )
    units = OutcomeFactory(
        program=program,
        organisation=ow["other"],
        status="provisional",
        confirmed_at=now,
        kind="contract",
        title_en="Provisional supply contract",
        title_ko="공급 가계약",
        quantity=Decimal("200000"),
        unit="units",
        period="year",
        occurred_on=dt.date(2024, 1, 17),
    )
    pending = OutcomeFactory(
        program=program,
        organisation=ow["startup"],
        status="closed",
        kind="contract",
        title_en="Distribution contract",
        title_ko="유통 계약",
        amount=Decimal("1000000000"),
        currency="KRW",
        occurred_on=dt.date(2024, 4, 1),
    )
    KpiFactory(program=program, commitment=ow["commitment"], name_en="Investment attracted", counting="closed")
    return {**ow, "closed": closed, "review": review, "units": units, "pending": pending}


def test_money_attracted_counts_closed_deals_with_confirmed_records_only(deals, login):
    # The bug: "Confirmed amount" summed every confirmed record, the US$10M under review included.
    board = dashboards.build(
        dashboards.for_program(deals["users"]["manager"], deals["our_program"]),
        deals["users"]["manager"],
        with_charts=False,
    )
    assert board.closed_total.amount == Decimal("2000000.00")
    assert board.closed_unconfirmed_total.amount == Decimal("750000.00")
    assert board.in_progress_total.amount == Decimal("10000000.00")
    assert {
        k: board.counts[k]
        for k in ("closed", "closed_unconfirmed", "in_progress", "records_confirmed", "records_unconfirmed")
    } == {"closed": 1, "closed_unconfirmed": 1, "in_progress": 2, "records_confirmed": 3, "records_unconfirmed": 1}
    page = login(deals["users"]["manager"]).get("/outcomes/programs/our-program/").content.decode()
    assert '<span data-testid="total-closed">US$2,000,000</span>' in page
    assert '<span data-testid="total-in-progress">US$10,000,000</span>' in page
    assert '<span data-testid="total-closed-unconfirmed">US$750,000</span>' in page
    assert "Money attracted (closed deals, confirmed records)" in page
    assert '<div class="tile-figure" data-testid="count-closed">1</div>' in page
    assert "Confirmed amounts" not in page


def test_xlsx_and_pdf_name_closed_deals_and_confirmed_records_apart(deals, login):
    client = login(deals["users"]["manager"])
    workbook = load_workbook(io.BytesIO(client.get("/outcomes/program/our-program/report.xlsx").content))
    totals = [[c.value for c in row][:3] for row in workbook["Totals"].iter_rows(min_row=2)]
    assert totals == [
        ["Attracted: closed deals, confirmed records", 1, 2000000],
        ["Closed deals, records not yet confirmed", 1, 750000],
        ["In progress (lead, under review, provisional): not attracted", 2, 10000000],
    ]
    header = [c.value for c in next(workbook["Outcomes"].iter_rows())]
    assert (header[5], header[22]) == ("Record confirmed", "Deal closed")
    closed_column = {row[8].value: (row[5].value, row[22].value) for row in workbook["Outcomes"].iter_rows(min_row=2)}
    assert closed_column["US$10M VC investment under review"] == ("yes", "no")
    assert closed_column["Distribution contract"] == ("no, unconfirmed", "yes")


def test_brief_counts_only_closed_deals_as_achieved_in_both_languages(deals):
    # The bug: "9 confirmed outcomes" counted the investment under review as achieved.
    scope = dashboards.for_agreement(deals["users"]["observer"], deals["ours"])
    korean, english = brief.generate(
        scope, deals["users"]["observer"], start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)
    )
    assert "확정 성과 1건, 투자 심사·가계약 등 협의 진행 중 2건" in korean
    assert "참여 스타트업 1개사가 2024년 1월 1일부터 2024년 12월 31일까지 확정 성과 1건을 거뒀다." in korean
    assert "투자 심사·가계약 등 협의가 진행 중인 2건은 확정 성과에 포함하지 않았다." in korean
    achieved, in_progress = korean.split("□ 협의가 진행 중인 성과는 다음과 같다")
    assert "스타트업코는 200만 달러 규모의 투자를 유치했다." in achieved
    assert "1,000만 달러 규모의 투자 유치를 추진하고 있으며, 현재 투자 심사가 진행 중이다." in in_progress
    assert "1,000만 달러" not in achieved
    assert "startups close 1 deal\n" in english
    assert "closed 1 deal between 1 January 2024 and 31 December 2024" in english
    assert (
        "Two more, including an investment under review and a provisional contract, are in progress and are not counted"
        in english
    )
    assert "유통 계약" not in korean  # a record not yet confirmed stays out of the brief


def test_brief_prints_quantities_in_its_own_language(deals):
    # The bug: the English brief printed "200,000 units/년".
    scope = dashboards.for_agreement(deals["users"]["observer"], deals["ours"])
    korean, english = brief.generate(
        scope, deals["users"]["observer"], start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)
    )
    assert "연 20만 개 규모의 가계약을 맺고 본계약을 협의하고 있다." in korean
    assert "다른스타트업 | - | 계약 | 연 20만 개 | 가계약·잠정 합의" in korean
    assert "signed a provisional contract for 200,000 units a year" in english
    assert "/년" not in english and "units" not in korean


@pytest.mark.parametrize(
    "quantity, unit, period, korean, english",
    [
        ("200000", "units", "year", "연 20만 개", "200,000 units a year"),
        ("4", "people", "", "4명", "4 people"),
        ("5000", "devices", "", "5,000대", "5,000 devices"),
        ("1500", "licences", "month", "월 1,500건", "1,500 licences a month"),
        ("12", "병상", "", "12병상", "12 beds"),
        ("30", "벌", "", "30벌", "30 units"),
    ],
)
def test_quantities_read_naturally_in_each_language(quantity, unit, period, korean, english):
    assert brief.korean_quantity(Decimal(quantity), unit, period) == korean
    assert brief.english_quantity(Decimal(quantity), unit, period) == english


def test_a_rate_much_older_than_the_amount_is_flagged_stale(ow):
    program = ow["our_program"]
    FxRateFactory(program=program, on=dt.date(2025, 1, 2), currency="KRW", base="USD", rate=Decimal("0.00068"))
    on_limit = OutcomeFactory(
        program=program,
        amount=Decimal("1000000"),
        currency="KRW",
        occurred_on=dt.date(2025, 1, 2) + dt.timedelta(days=fx.STALE_AFTER_DAYS),
    )
    late = OutcomeFactory(
        program=program, amount=Decimal("3000000000"), currency="KRW", occurred_on=dt.date(2026, 2, 3)
    )
    total = fx.total([on_limit, late], currency="USD")
    assert total.amount == Decimal("680.00") + Decimal("2040000.00")  # still converted and counted
    assert [(c.outcome_id, c.rate_on, c.rate_age_days) for c in total.stale] == [(late.pk, dt.date(2025, 1, 2), 397)]


def test_stale_rates_are_flagged_on_tiles_exports_and_the_api(ow, login):
    # The bug: a 2026 amount converted at a January 2025 rate, with no warning that the rate was old.
    program = ow["our_program"]
    FxRateFactory(program=program, on=dt.date(2025, 1, 2), currency="KRW", base="USD", rate=Decimal("0.00068"))
    late = OutcomeFactory(
        program=program,
        organisation=ow["startup"],
        status="closed",
        confirmed_at=timezone.now(),
        title_en="Series A",
        amount=Decimal("3000000000"),
        currency="KRW",
        occurred_on=dt.date(2026, 2, 3),
    )
    KpiFactory(program=program, commitment=ow["commitment"])
    client = login(ow["users"]["manager"])
    page = client.get("/outcomes/programs/our-program/").content.decode()
    assert page.count('data-testid="fx-stale"') == 2  # the money tile and the KPI tile
    assert (
        "Stale rate: 1 amount was converted at a rate more than 90 days older than its date: "
        "₩3,000,000,000 of 3 Feb 2026 at the rate of 2 Jan 2025"
    ) in page
    sheet = load_workbook(io.BytesIO(client.get("/outcomes/program/our-program/report.xlsx").content))
    row = next(r for r in sheet["Outcomes"].iter_rows(min_row=2) if r[8].value == "Series A")
    assert row[23].value == "yes"
    assert sheet["Totals"]["F2"].value == "₩3,000,000,000 of 3 Feb 2026 at the rate of 2 Jan 2025"
    assert sheet["KPIs"]["M2"].value == "₩3,000,000,000 of 3 Feb 2026 at the rate of 2 Jan 2025"
    kpi = client.get("/api/outcomes/kpis?program=our-program").json()["items"][0]
    assert kpi["stale"] == [
        {"outcome": late.pk, "amount": "3000000000.00", "currency": "KRW", "on": "2026-02-03", "rate_on": "2025-01-02"}
    ]
    totals = client.get("/api/outcomes/totals?program=our-program").json()
    assert (totals["stale_after_days"], totals["attracted"]["stale"][0]["outcome"]) == (90, late.pk)


def test_api_names_confirmed_records_and_closed_deals_apart(deals, login):
    client = login(deals["users"]["manager"])
    flags = {o["title_en"]: (o["confirmed"], o["closed"]) for o in client.get("/api/outcomes/").json()["items"]}
    assert flags == {
        "Seed round": (True, True),
        "US$10M VC investment under review": (True, False),
        "Provisional supply contract": (True, False),
        "Distribution contract": (False, True),
    }
    totals = client.get("/api/outcomes/totals?program=our-program&currency=USD").json()
    assert (totals["attracted"]["amount"], totals["closed_unconfirmed"]["amount"], totals["in_progress"]["amount"]) == (
        "2000000.00",
        "750000.00",
        "10000000.00",
    )
    assert (totals["records_confirmed"], totals["records_unconfirmed"]) == (3, 1)
    assert client.get("/api/outcomes/totals?program=our-program&currency=EUR").status_code == 422
    assert client.get("/api/outcomes/kpis?program=our-program").json()["items"][0]["counting"] == "closed"
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["OutcomeOut"]["properties"]
    assert "signed or closed" in schema["closed"]["description"]
