"""The outcome dashboards and the outcome form on a phone (issue 11, item 9): at 390 × 844 no page scrolls
sideways (the agreement dashboard used to be 549 px wide), tiles stack, charts scale into their cards, the
outcome table becomes one card per outcome. Screenshots go to var/screenshots/outcomes-phone-*.png."""

from __future__ import annotations

import pytest

from bridgehead.demo.scenario import AGREEMENT_SLUG, DEMO_PASSWORD, PROGRAM_SLUG, load_demo
from bridgehead.programs.models import Cohort
from tests.browser.axe import serious_axe_violations
from tests.browser.conftest import SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def overflow(page) -> dict:
    """The page's width and the elements sticking out past the viewport (outside scrollable boxes)."""
    return page.evaluate("""() => ({
        width: document.documentElement.scrollWidth,
        out: [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest('.table-wrap'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.dataset.testid ? '#' + e.dataset.testid : '')),
    })""")


def check(page, url: str, name: str) -> None:
    page.goto(url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"outcomes-phone-{name}.png"), full_page=True)
    assert overflow(page) == {"width": 390, "out": []}, url
    assert serious_axe_violations(page) == [], url


def test_dashboards_and_the_outcome_form_fit_a_phone(live_server, phone):
    load_demo()
    base = live_server.url
    cohort = Cohort.objects.filter(program__slug=PROGRAM_SLUG).first()

    log_in(phone, base, "observer", DEMO_PASSWORD)
    check(phone, f"{base}/outcomes/agreements/{AGREEMENT_SLUG}/", "agreement-dashboard")
    # Charts are scaled into their cards, and the outcome table reads as one card per outcome.
    for chart in ("chart-funnel", "chart-over-time", "chart-by-country", "chart-by-kind"):
        box = phone.locator(f"[data-testid={chart}] svg").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, chart
    first_row = phone.locator("[data-testid=outcome-row]").first
    assert first_row.evaluate("row => getComputedStyle(row).display") == "block"
    assert phone.locator("thead").first.evaluate("head => head.getBoundingClientRect().height") <= 1
    tiles = phone.locator("[data-testid=summary] > .card")
    assert tiles.nth(0).bounding_box()["y"] < tiles.nth(1).bounding_box()["y"]  # stacked, not side by side

    log_in(phone, base, "manager", DEMO_PASSWORD)
    check(phone, f"{base}/outcomes/programs/{PROGRAM_SLUG}/", "program-dashboard")
    check(phone, f"{base}/outcomes/cohorts/{cohort.pk}/", "cohort-dashboard")
    check(phone, f"{base}/outcomes/startups/thyroscope/", "startup-dashboard")
    check(phone, f"{base}/outcomes/report/", "outcome-form")
    assert phone.locator("fieldset legend").count() == 6
    phone.fill("input[name=counterparty]", "Pacific Bridge")
    phone.wait_for_function("() => [...document.querySelectorAll('#counterparty-options option')].length === 1")
    assert (
        phone.locator("#counterparty-options option").first.get_attribute("value").startswith("Pacific Bridge Ventures")
    )
