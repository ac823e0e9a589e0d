"""From a reported investment to the signatories' report, in the browser: a startup reports an investment in
KRW (Korean UI), the program manager confirms it, the agreement dashboard's KPI moves, the XLSX and PDF
download and open (the PDF's first page rendered with pdftoppm, its Korean text found with pdftotext), and the
Korean brief names the outcome. Dashboard screenshots in both languages go to var/screenshots/."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from bridgehead.demo.scenario import AGREEMENT_SLUG, DEMO_PASSWORD, PROGRAM_SLUG, load_demo
from bridgehead.outcomes.forms import organisation_label
from bridgehead.outcomes.models import Outcome
from bridgehead.programs.models import Program
from bridgehead.registry.models import Organisation
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE_KO = "고래AI 시리즈A 투자 유치"


def log_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/")


KOREAN_GROUPS = {"조": 10**12, "억": 10**8, "만": 10**4}


def read_amount(text: str) -> Decimal:
    """ "376만 8,000달러" / "US$3,768,000" back to 3768000: the tiles print money for readers, not machines."""
    total = Decimal(0)
    for part in re.findall(r"[\d,.]+[조억만]?", text):
        word = part[-1] if part[-1] in KOREAN_GROUPS else ""
        total += Decimal(part.rstrip("조억만").replace(",", "")) * KOREAN_GROUPS.get(word, 1)
    return total


def kpi_value(page, name: str) -> Decimal:
    tile = page.locator("[data-testid=kpi]", has_text=name)
    return read_amount(tile.locator("[data-testid=kpi-value]").inner_text())


def test_reported_investment_reaches_the_signatories_report(live_server, page, screenshot, tmp_path):
    load_demo()
    base = live_server.url
    dashboard = f"{base}/outcomes/agreements/{AGREEMENT_SLUG}/"

    # The observer (Ulsan City, Korean UI) notes the investment KPI before.
    log_in(page, base, "observer")
    page.goto(dashboard)
    before = kpi_value(page, "투자 유치액")
    assert before == Decimal("2000000")

    # The startup reports a KRW investment in Korean; it is shown as unconfirmed.
    log_in(page, base, "startup")
    page.goto(f"{base}/outcomes/")
    page.click("[data-testid=report-outcome]")
    page.select_option("select[name=organisation]", str(Organisation.objects.get(slug="gorae-ai").pk))
    page.select_option("select[name=program]", str(Program.objects.get(slug=PROGRAM_SLUG).pk))
    page.select_option("select[name=kind]", "investment")
    page.select_option("select[name=status]", "closed")
    page.fill("input[name=title_ko]", TITLE_KO)
    page.fill("input[name=title_en]", "Gorae AI Series A")
    page.fill("input[name=amount]", "2600000000")
    page.fill("input[name=currency]", "KRW")
    # The counterparty is picked by typing part of its name (a searchable list, no longer an 85-item select).
    page.fill("input[name=counterparty]", "Pacific Bridge")
    page.fill("input[name=counterparty]", organisation_label(Organisation.objects.get(slug="pacific-bridge-ventures")))
    page.fill("input[name=country]", "US")
    page.fill("input[name=occurred_on]", "2025-06-10")
    screenshot("outcomes-01-report-ko")
    page.click("[data-testid=save-outcome]")
    expect(page.locator("[data-testid=unconfirmed]")).to_have_count(1)  # waits for the saved outcome's page
    assert page.inner_text("[data-testid=outcome-title]") == TITLE_KO
    outcome = Outcome.objects.get(title_ko=TITLE_KO)
    assert (outcome.amount, outcome.currency, outcome.confirmed_at) == (Decimal("2600000000.00"), "KRW", None)

    # The program manager confirms it.
    log_in(page, base, "manager")
    page.goto(f"{base}/outcomes/{outcome.pk}/")
    page.click("[data-testid=confirm-outcome]")
    expect(page.locator("[data-testid=confirmed]")).to_have_count(1)  # waits for the confirmed page
    screenshot("outcomes-02-confirmed-ko")

    # The agreement dashboard's KPI moved by the converted amount (2025-01-02 rate: 1 KRW = 0.00068 USD).
    log_in(page, base, "observer")
    page.goto(dashboard)
    assert kpi_value(page, "투자 유치액") == before + Decimal("1768000")
    assert page.locator("[data-testid=chart-funnel] svg").count() == 1
    assert TITLE_KO in page.inner_text("[data-testid=outcome-table]")
    screenshot("outcomes-03-dashboard-ko")
    # Korean forms (issue 17): 억/만 with the currency's Korean name, no ISO codes; the signing as the record
    # states it (San Diego, 17 January) with the Seoul viewer's clock (already the 18th) beside it.
    expect(page.locator("[data-testid=total-closed]")).to_contain_text("달러")
    figures = page.inner_text("[data-testid=outcome-table]") + page.inner_text("[data-testid=total-closed]")
    assert "USD" not in figures and "KRW" not in figures
    assert "26억 원" in page.inner_text("[data-testid=outcome-table]")
    expect(page.locator("[data-testid=signed-local]")).to_have_text("2024. 1. 17. 오전 10:30 (UC 샌디에이고 현지 시각)")
    expect(page.locator("[data-testid=signed-viewer]")).to_have_text("서울 시각 2024. 1. 18. 오전 3:30")
    screenshot("dashboard-ko")

    # XLSX and PDF download and open.
    with page.expect_download() as xlsx_download:
        page.click("[data-testid=download-xlsx]")
    workbook = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    assert workbook.sheetnames == ["성과", "성과지표", "합계", "환율", "진행 단계 이력", "참고"]
    titles = [row[7].value for row in workbook["성과"].iter_rows(min_row=2)]
    assert TITLE_KO in titles
    with page.expect_download() as pdf_download:
        page.click("[data-testid=download-pdf]")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(Path(pdf_download.value.path()).read_bytes())
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), "install poppler-utils (make browser-deps)"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert TITLE_KO in text and "성과 및 성과지표 보고서" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(SCREENSHOTS / "outcomes-04-report-pdf-page1-ko"),
        ],
        check=True,
    )
    assert (SCREENSHOTS / "outcomes-04-report-pdf-page1-ko.png").stat().st_size > 10_000

    # The Korean brief is a press release: the outcome in one sentence, after the larger US$2M investment,
    # a header with the program's press contact, and the edited text is what downloads.
    page.click("[data-testid=open-brief]")
    textarea = page.locator("textarea[name=text_ko]")
    expect(textarea).to_have_value(re.compile(r"○ 고래AI는 \S+로부터 26억 원 규모의 투자를 유치했다\."))
    korean = textarea.input_value()
    assert korean.startswith("[보도자료] ")
    assert "담당 부서 | UNIST 산학협력단 디지털헬스사업팀" in korean
    assert korean.index("○ 이음덴탈은") < korean.index("○ 고래AI는")  # investments, larger amount first
    assert re.search(r"\n고래AI \| \S+ \| 투자 \| 26억 원 \| 체결·완료\n", korean)
    expect(page.locator("[data-testid=press-contact-missing]")).to_have_count(0)
    page.fill("textarea[name=text_ko]", korean.replace("[보도자료]", "[보도자료·수정본]"))
    screenshot("outcomes-05-brief-ko")
    textarea.evaluate("area => { area.blur(); area.scrollTop = 0; }")  # the release's header in view
    screenshot("brief-ko")
    with page.expect_download() as brief_download:
        page.click("[data-testid=download-brief-ko]")
    brief = Path(brief_download.value.path()).read_text(encoding="utf-8")
    assert brief.startswith("[보도자료·수정본]") and "고래AI는" in brief

    # The same dashboard in English.
    page.goto(dashboard)
    page.click("[data-testid=lang-en]")
    page.wait_for_selector("[data-testid=kpi]")
    assert page.inner_text("[data-testid=summary] ~ h2") == "KPIs by commitment"
    assert page.locator("[data-testid=kpi]", has_text="Investment attracted").count() == 1
    screenshot("outcomes-06-dashboard-en")
