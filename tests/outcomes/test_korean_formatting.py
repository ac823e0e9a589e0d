"""Korean forms on the outcome pages (issue 17): 억/만 amounts with the currency's Korean name instead of
"13,638,000.00 USD", the agreement's signing printed the same way on every page that shows it, and the API
left in machine form (ISO dates, plain decimal strings)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.outcomes.factories import FxRateFactory, KpiFactory, OutcomeFactory


@pytest.fixture
def money(ow):
    program, now = ow["our_program"], timezone.now()
    FxRateFactory(program=program, on=dt.date(2025, 1, 2), currency="KRW", base="USD", rate=Decimal("0.00075"))
    KpiFactory(program=program, commitment=ow["commitment"], target=Decimal("20000000"))
    usd = OutcomeFactory(
        program=program,
        organisation=ow["startup"],
        status="closed",
        confirmed_at=now,
        amount=Decimal("13638000.00"),
        currency="USD",
        country="US",
        occurred_on=dt.date(2025, 3, 10),
        title_en="Series A",
    )
    OutcomeFactory(
        program=program,
        organisation=ow["other"],
        status="closed",
        confirmed_at=now,
        amount=Decimal("1500000000"),
        currency="KRW",
        country="KR",
        occurred_on=dt.date(2025, 3, 12),
    )
    return {**ow, "usd": usd}


def _as(user, language, zone="Asia/Seoul"):
    user.language, user.time_zone = language, zone
    user.save()
    return user


def _figures(page: str) -> str:
    """The text of the page's content without the reporting-currency picker and the download links, whose
    option labels and query strings name currency codes on purpose."""
    content = re.split(r"<main[^>]*>", page, maxsplit=1)[1]
    content = re.sub(r'<form method="get" class="filters.*?</form>', "", content, flags=re.S)
    content = re.sub(r'href="[^"]*"', "", content)
    return re.sub(r"<[^>]+>", " ", content)


def test_the_korean_dashboard_shows_eok_and_man_amounts_and_no_currency_codes(money, login):
    client = login(_as(money["users"]["manager"], "ko"))
    page = client.get("/outcomes/programs/our-program/").content.decode()
    assert 'lang="ko"' in page
    text = _figures(page)
    assert "1,363만 8,000달러" in text  # the USD deal in the table
    assert "15억 원" in text  # the KRW deal in the table
    assert "1,476만 3,000달러" in text  # the tile: 13,638,000 + 1,500,000,000 × 0.00075
    assert "2025. 3. 10." in text
    assert "미국" in text and "대한민국" in text  # countries by name
    assert "KRW" not in text and "USD" not in text
    assert "13,638,000.00" not in text


def test_the_english_dashboard_uses_one_symbol_convention(money, login):
    client = login(_as(money["users"]["manager"], "en"))
    text = _figures(client.get("/outcomes/programs/our-program/").content.decode())
    assert "US$13,638,000" in text and "₩1,500,000,000" in text and "US$14,763,000" in text
    assert "10 Mar 2025" in text and "United States" in text
    assert "KRW" not in text and "USD" not in text


def test_the_korean_outcome_page_and_pdf_use_the_same_forms(money, login):
    client = login(_as(money["users"]["manager"], "ko"))
    page = client.get(f"/outcomes/{money['usd'].pk}/").content.decode()
    assert '<dd data-testid="outcome-amount">1,363만 8,000달러</dd>' in page
    assert "(미국)" in page


def _signing(page: str) -> tuple[str, str]:
    local = re.search(r'<span data-testid="signed-local">(.*?)</span>', page).group(1)
    viewer = re.search(r'<span class="muted" data-testid="signed-viewer">(.*?)</span>', page).group(1)
    return local, viewer


@pytest.mark.parametrize(
    "language, local, viewer",
    [
        ("ko", "2024. 1. 17. 오전 10:30 (UC 샌디에이고 현지 시각)", "서울 시각 2024. 1. 18. 오전 3:30"),
        ("en", "17 Jan 2024, 10:30 (UC San Diego local time)", "Seoul time: 18 Jan 2024, 03:30"),
    ],
)
def test_the_signing_reads_the_same_on_the_agreement_page_and_the_dashboards(ow, login, language, local, viewer):
    # Signed 2024-01-17 10:30 in San Diego (18:30 UTC): already the 18th in Seoul. The record's own date
    # comes first on every page, the viewer's clock beside it — never the 18th alone on one page.
    client = login(_as(ow["users"]["observer"], language))
    agreement_page = client.get("/agreements/ours/").content.decode()
    dashboard = client.get("/outcomes/agreements/ours/").content.decode()
    assert _signing(agreement_page) == _signing(dashboard) == (local, viewer)
    for url in ("/agreements/", "/"):  # the list and the home page print the record's own moment too
        assert f'data-testid="signed-local">{local}</span>' in client.get(url).content.decode(), url
    manager = login(_as(ow["users"]["manager"], language))
    assert _signing(manager.get("/outcomes/programs/our-program/").content.decode()) == (local, viewer)


def test_the_korean_xlsx_keeps_numbers_and_dates_and_shows_them_the_korean_way(money, login):
    client = login(_as(money["users"]["manager"], "ko"))
    workbook = load_workbook(io.BytesIO(client.get("/outcomes/program/our-program/report.xlsx").content))
    sheet = workbook.worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[8].value == "Series A")
    assert (row[9].value, row[9].number_format) == (dt.datetime(2025, 3, 10), "yyyy. m. d.")
    assert (row[10].value, row[10].number_format) == (13638000, "#,##0.00")
    assert isinstance(row[10].value, int | float)


def test_the_api_still_answers_iso_dates_and_plain_decimals(money, login):
    client = login(_as(money["users"]["manager"], "ko"))
    outcome = client.get(f"/api/outcomes/{money['usd'].pk}").json()
    assert (outcome["amount"], outcome["currency"], outcome["occurred_on"]) == ("13638000.00", "USD", "2025-03-10")
    agreement = client.get("/api/agreements/ours").json()
    assert agreement["signed_at"].startswith("2024-01-17T18:30:00")
    assert agreement["time_zone"] == "America/Los_Angeles"
