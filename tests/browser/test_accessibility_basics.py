"""The frame every page shares: a skip link first in the Tab order, a labelled inbox badge, a favicon, and
no serious axe-core violation on the pages everyone sees (the apps' own pages are checked in their tests)."""

from __future__ import annotations

import pytest

from bridgehead.core import notifications
from bridgehead.core.models import User
from bridgehead.demo.scenario import load_demo
from tests.browser.axe import assert_no_serious_axe_violations, serious_axe_violations
from tests.browser.test_foundation_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(live_server, page):
    load_demo()
    log_in(page, live_server.url, "investor")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.evaluate("document.activeElement.innerText") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_inbox_badge_counts_and_clears(live_server, page, screenshot):
    load_demo()
    investor = User.objects.get(username="investor")
    from django.utils.translation import gettext_lazy

    notifications.notify(
        user=investor,
        message=gettext_lazy("%(org)s asked to meet you at %(event)s."),
        params={"org": "Haneul Bio", "event": "SD Day"},
        url="/",
        kind="request.received",
    )
    log_in(page, live_server.url, "investor")
    assert page.inner_text("[data-testid=unread-badge]") == "1"
    assert page.get_attribute("[data-testid=inbox-link]", "aria-label") == "Inbox, 1 unread notification"
    page.click("[data-testid=inbox-link]")
    assert "Haneul Bio asked to meet you at SD Day." in page.inner_text("[data-testid=notices]")
    screenshot("accessibility-01-inbox-en")
    assert_no_serious_axe_violations(page)
    page.click("text=Haneul Bio asked to meet you at SD Day.")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("[data-testid=unread-badge]").count() == 0


def test_no_favicon_404_and_the_shared_pages_pass_axe(live_server, page):
    load_demo()
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{live_server.url}/accounts/login/")
    assert_no_serious_axe_violations(page)
    log_in(page, live_server.url, "guest")
    for path in ["/", "/inbox/", "/accounts/preferences/", "/accounts/tokens/"]:
        page.goto(live_server.url + path)
        assert serious_axe_violations(page) == [], path
    icon = page.evaluate("fetch('/favicon.ico').then(r => r.status)")
    assert icon == 200
    assert failed == []
