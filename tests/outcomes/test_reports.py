"""XLSX, PDF and the bilingual brief: right numbers and formats, Korean text rendered, confidential records
counted but never named, only confirmed facts in the brief."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from bridgehead.outcomes import brief, charts
from tests.outcomes.factories import (
    FxRateFactory,
    KpiFactory,
    OutcomeFactory,
    closed_investment_and_confidential_contract,
)


@pytest.fixture
def report(ow):
    program = ow["our_program"]
    FxRateFactory(program=program, on=dt.date(2024, 1, 2), rate=Decimal("0.00075"))
    KpiFactory(program=program, commitment=ow["commitment"], name_en="Investment attracted", name_ko="투자 유치액")
    closed_investment_and_confidential_contract(ow, investment_title_en='=HYPERLINK("http://evil")')
    OutcomeFactory(
        program=program,
        organisation=ow["other"],
        status="under_review",
        title_ko="검토 중인 투자",
        title_en="Investment under review",
        amount=Decimal("5000"),
        currency="CNY",
        occurred_on=dt.date(2024, 11, 1),
    )
    return ow


def test_xlsx_has_one_sheet_per_table_real_numbers_and_dates_and_no_formulas(report, login):
    client = login(report["users"]["manager"])
    response = client.get("/outcomes/agreement/ours/report.xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="outcomes-ours-')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Outcomes", "KPIs", "Totals", "FX rates", "Status history", "Notes"]
    sheet = workbook["Outcomes"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    investment = next(row for row in rows.values() if row[1].value == "Startup Co")
    assert investment[8].value == '\'=HYPERLINK("http://evil")'  # formula injection neutralised
    assert (investment[9].value, investment[9].number_format) == (dt.datetime(2024, 9, 1), "d mmm yyyy")
    assert (investment[10].value, investment[10].number_format) == (1300000000, "#,##0.00")
    assert investment[12].value == 975000
    assert investment[14].value == dt.datetime(2024, 1, 2)
    assert investment[5].value == "yes"
    secret = next(row for row in rows.values() if row[3].value == "Contract")
    assert (secret[1].value, secret[8].value) == ("Other Startup", "Secret supply contract")  # the manager's
    totals = workbook["Totals"]
    assert [[c.value for c in row] for row in totals.iter_rows(min_row=2)] == [
        [
            "Attracted: closed deals, confirmed records",
            2,
            1175000,
            "2 Jan 2024",
            None,
            "₩1,300,000,000 of 1 Sep 2024 at the rate of 2 Jan 2024",
        ],  # 243 days: flagged stale
        ["Closed deals, records not yet confirmed", 0, 0, None, None, None],
        ["In progress (lead, under review, provisional): not attracted", 1, 0, None, "CN¥5,000 (1)", None],
    ]
    assert [c.value for c in next(workbook["KPIs"].iter_rows(min_row=2))][1:7] == [
        "Investment attracted",
        "Total amount",
        1000000,
        975000,
        0,
        98,
    ]


def test_public_xlsx_counts_but_never_names_confidential_outcomes(report, login):
    client = login(report["users"]["manager"])
    content = client.get("/outcomes/agreement/ours/report.xlsx?public=1").content
    sheet = load_workbook(io.BytesIO(content))["Outcomes"]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Secret supply contract" not in values and "비밀 공급 계약" not in values
    assert values.count("Confidential outcome") == 2  # Korean and English title columns
    observer = login(report["users"]["observer"])
    observed = load_workbook(io.BytesIO(observer.get("/outcomes/agreement/ours/report.xlsx").content))
    assert "Secret supply contract" not in [c.value for row in observed["Outcomes"].iter_rows() for c in row]
    assert observed["Totals"]["C2"].value == 1175000  # counted in the total all the same


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed (make test does it)")
def test_pdf_renders_korean_text(report, login, tmp_path):
    user = report["users"]["manager"]
    user.language = "ko"
    user.save()
    client = login(user)
    response = client.get("/outcomes/program/our-program/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "시리즈A 투자 유치" in text
    assert "확인된 성과" in text
    assert "비밀 공급 계약" in text  # the manager's own report names it
    public = client.get("/outcomes/program/our-program/report.pdf?public=1").content
    path.write_bytes(public)
    public_text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "비밀 공급 계약" not in public_text and "비공개 성과" in public_text


def test_brief_names_only_confirmed_public_facts_in_both_languages(report):
    from bridgehead.outcomes import dashboards

    scope = dashboards.for_agreement(report["users"]["observer"], report["ours"])
    korean, english = brief.generate(
        scope, report["users"]["observer"], start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)
    )
    assert "스타트업코는 인베스터코로부터 13억 원 규모의 투자를 유치했다." in korean
    assert "스타트업코 | 인베스터코 | 투자 | 13억 원 | 체결·완료" in korean
    assert "확정 성과 2건을 거뒀다(기업 요청에 따른 비공개 1건 포함)" in korean
    assert "기업 요청에 따른 비공개 1건 | - | - | - | 체결·완료" in korean
    assert "비밀 공급 계약" not in korean and "Secret supply contract" not in english
    assert "다른스타트업" not in korean and "Other Startup" not in english  # the confidential one's company
    assert "검토 중인 투자" not in korean and "Investment under review" not in english  # unconfirmed
    assert "「우리 협약」에 따라 추진되고 있다" in korean
    assert "HYPERLINK" not in english  # titles are not printed: one sentence per outcome is written instead
    assert "Startup Co raised ₩1.3 billion from Investor Co." in english
    assert (
        "closed 2 deals between 1 January 2024 and 31 December 2024, one of them undisclosed at the company's request"
        in english
    )
    assert "1 undisclosed at the company's request | - | - | - | Signed / closed" in english


def test_brief_page_downloads_the_edited_text(report, login):
    client = login(report["users"]["observer"])
    page = client.get("/outcomes/agreement/ours/brief/?from=2024-01-01&to=2024-12-31")
    assert "인베스터코로부터 13억 원 규모의 투자를 유치했다" in page.context["form"].initial["text_ko"]
    response = client.post(
        "/outcomes/agreement/ours/brief/?from=2024-01-01&to=2024-12-31",
        {"text_ko": "수정한 보도자료\r\n둘째 줄", "text_en": "Edited", "language": "ko"},
    )
    assert response["Content-Disposition"] == 'attachment; filename="outcome-brief-ours-ko-20241231.txt"'
    assert response.content.decode("utf-8") == "수정한 보도자료\n둘째 줄"


def test_korean_amounts_and_particles():
    assert brief.korean_amount(Decimal("10000000"), "USD") == "1,000만 달러"
    assert brief.korean_amount(Decimal("1300000000"), "KRW") == "13억 원"
    assert brief.korean_amount(Decimal("1234567890123"), "KRW") == "1조 2,345억 6,789만 123원"
    assert brief.korean_amount(Decimal("5000"), "CNY") == "5,000위안"
    assert brief.topic("울산광역시·UC 샌디에이고") == "울산광역시·UC 샌디에이고는"
    assert brief.topic("UNIST") == "UNIST는"
    assert brief.objective("「협약」") == "「협약」을"
    assert brief.objective("「지원사업」") == "「지원사업」을"
    assert brief.objective("「프로그램」") == "「프로그램」을"
    assert brief.objective("「파트너」") == "「파트너」를"


def test_dashboard_charts_are_svg_with_korean_labels_when_the_ui_is_korean(report, login):
    user = report["users"]["observer"]
    user.language = "ko"
    user.save()
    page = login(user).get("/outcomes/agreements/ours/").content.decode()
    assert page.count('<svg role="img"') == 4
    assert "미팅 요청" in page and "분기별 성과" in page and "국가별 성과" in page
    assert charts.FONT.split(",")[0] in page  # the Korean-capable font family is named in the SVG
    assert "<script" not in re.split(r"<main[^>]*>", page, maxsplit=1)[1]


def test_pages_and_pdfs_list_the_latest_rows_but_count_them_all(ow, login):
    from bridgehead.outcomes.dashboards import ROW_LIMIT
    from bridgehead.outcomes.models import Outcome

    Outcome.objects.bulk_create(
        [
            Outcome(
                organisation=ow["startup"],
                program=ow["our_program"],
                kind="pilot",
                title_en=f"Pilot {i}",
                occurred_on=dt.date(2024, 1, 1) + dt.timedelta(days=i),
            )
            for i in range(ROW_LIMIT + 5)
        ]
    )
    page = login(ow["users"]["manager"]).get("/outcomes/programs/our-program/")
    assert page.context["d"].counts["all"] == ROW_LIMIT + 5
    assert page.content.decode().count('data-testid="outcome-row"') == ROW_LIMIT
    assert "Showing the latest 200 of 205 outcomes" in page.content.decode()
    sheet = load_workbook(
        io.BytesIO(login(ow["users"]["manager"]).get("/outcomes/program/our-program/report.xlsx").content)
    )["Outcomes"]
    assert sheet.max_row == ROW_LIMIT + 5 + 1
