"""A program officer logs in, switches to Korean, opens the agreement and reads when it was signed."""

from __future__ import annotations

import pytest

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
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ko"
    page.get_by_role("link", name="협약", exact=True).first.click()
    page.get_by_role("link", name="생명(바이오)산업 육성 협력 기반 구축 협약").click()
    page.wait_for_selector("[data-testid=signed-local]")

    local = page.inner_text("[data-testid=signed-local]")
    viewer = page.inner_text("[data-testid=signed-viewer]")
    assert local.startswith("2024년 1월 17일")  # the San Diego date, as the press reported it
    assert "America/Los_Angeles" in local
    assert viewer.startswith("2024년 1월 18일")  # already the 18th on the Seoul viewer's clock
    assert "Asia/Seoul" in viewer
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
