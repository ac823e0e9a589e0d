"""A program officer logs in, switches to Korean, opens the agreement and reads when it was signed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bridgehead.demo.scenario import DEMO_PASSWORD, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/")


def test_agreement_signing_time_in_korean(live_server, page, screenshot):
    load_demo()
    log_in(page, live_server.url, "admin")  # English UI, time zone Asia/Seoul
    screenshot("foundation-01-home-en")

    page.click("[data-testid=lang-ko]")
    expect(page.locator("html")).to_have_attribute("lang", "ko")  # waits for the Korean page
    page.get_by_role("link", name="협약", exact=True).first.click()
    page.get_by_role("link", name="생명(바이오)산업 육성 협력 기반 구축 협약").click()
    page.wait_for_selector("[data-testid=signed-local]")

    local = page.inner_text("[data-testid=signed-local]")
    viewer = page.inner_text("[data-testid=signed-viewer]")
    assert local.startswith("2024. 1. 17. 오전 10:30")  # the San Diego date, as the press reported it
    assert "현지 시각" in local
    assert viewer.startswith("서울 시각 2024. 1. 18.")  # already the 18th on the Seoul viewer's clock
    screenshot("foundation-02-agreement-ko")


def test_directory_search_in_both_languages(live_server, page, screenshot):
    load_demo()
    log_in(page, live_server.url, "manager")  # Korean UI
    page.goto(f"{live_server.url}/organisations/")
    page.fill("[data-testid=directory-search]", "타이로스코프")
    page.wait_for_function("document.querySelector('#results').innerText.includes('검색 결과 1곳')")
    assert "타이로스코프" in page.inner_text("#results")
    screenshot("foundation-03-directory-ko")
    page.fill("[data-testid=directory-search]", "Thyroscope")
    page.wait_for_function("document.querySelector('#results').innerText.includes('Thyroscope')")
    assert "검색 결과 1곳" in page.inner_text("#results")


def test_joining_an_organisation_needs_its_admin(live_server, page, screenshot):
    """Issue 13 finding 1: membership is asked for and approved, never typed in. The guest asks to join
    Gorae AI; the demo's startup login (its organisation admin, Korean UI) approves on the Members page."""
    load_demo()
    base = live_server.url
    log_in(page, base, "guest")
    page.goto(f"{base}/organisations/gorae-ai/")
    page.click("[data-join]")
    page.wait_for_selector('[data-my-membership="requested"]')
    screenshot("foundation-04-join-requested")

    page.context.clear_cookies()
    log_in(page, base, "startup")
    page.goto(f"{base}/organisations/gorae-ai/members/")
    row = page.locator("[data-pending-member]")
    assert row.count() == 1
    assert "Guest without role" in row.inner_text()
    screenshot("foundation-05-members-ko")
    row.locator("[data-membership-action=approve]").click()
    expect(page.locator("[data-pending-member]")).to_have_count(0)  # waits for the page after approval
    assert "Guest without role" in page.inner_text("[data-members]")
