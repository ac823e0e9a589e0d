"""The program manager files the outcomes in the formats agencies and partners use (issue 16): from the agreement
dashboard the report downloads as HWPX and DOCX, from the brief page the edited Korean brief downloads as both,
and each file opens (python-docx; zip + lxml for HWPX) with the Korean title and the outcome inside. The public
DOCX leaves the confidential outcome out. Both pages pass axe; their screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from bridgehead.agreements.models import Agreement
from bridgehead.demo.scenario import AGREEMENT_SLUG, DEMO_PASSWORD, load_demo
from tests.browser.axe import assert_no_serious_axe_violations
from tests.browser.conftest import log_in
from tests.outcomes.office import READERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTCOME_KO = "시드 투자 유치"  # confirmed and closed: in the report and in the brief
CONFIDENTIAL_KO = "전략적 투자 검토"  # confidential: named to the manager only in the internal report


def _download(page, selector: str) -> bytes:
    with page.expect_download() as download:
        page.click(selector)
    return Path(download.value.path()).read_bytes()


def test_manager_downloads_report_and_brief_as_hwpx_and_docx(live_server, page, screenshot):
    load_demo()
    base = live_server.url
    agreement_ko = Agreement.objects.get(slug=AGREEMENT_SLUG).title_ko
    log_in(page, base, "manager", DEMO_PASSWORD)
    page.goto(f"{base}/outcomes/agreements/{AGREEMENT_SLUG}/")
    expect(page.locator("[data-testid=download-hwpx]")).to_be_visible()
    screenshot("outcomes-documents-01-dashboard-ko")
    assert_no_serious_axe_violations(page)

    for fmt in ("hwpx", "docx"):
        read = READERS[fmt](_download(page, f"[data-testid=download-{fmt}]"))
        assert read.title == agreement_ko
        assert OUTCOME_KO in read.text and CONFIDENTIAL_KO in read.text  # the manager's internal version
        assert read.images, "the charts are embedded"
    public = READERS["docx"](_download(page, "[data-testid=download-public-docx]"))
    assert OUTCOME_KO in public.text and CONFIDENTIAL_KO not in public.text

    page.click("[data-testid=open-brief]")
    textarea = page.locator("textarea[name=text_ko]")
    expect(textarea).not_to_be_empty()
    edited = "[보도자료·수정본] " + textarea.input_value().lstrip()
    textarea.fill(edited)
    screenshot("outcomes-documents-02-brief-ko")
    assert_no_serious_axe_violations(page)
    title = edited.splitlines()[0].strip()
    for fmt in ("hwpx", "docx"):
        read = READERS[fmt](_download(page, f"[data-testid=download-brief-ko-{fmt}]"))
        assert read.title == title
        assert OUTCOME_KO in read.text and CONFIDENTIAL_KO not in read.text
