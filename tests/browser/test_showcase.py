"""The public showcase in a real browser (issue 16, part 3): an anonymous visitor browses it in English and in
Korean (hreflang alternates, a consenting startup, a public outcome), requests an invitation to the upcoming
partnering day, and the program manager then finds the request. axe-core finds no serious violation; the
screenshots at 1280 and 390 px go to var/screenshots/showcase-*.png."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from bridgehead.demo.scenario import DEMO_PASSWORD, load_demo
from bridgehead.showcase import public
from bridgehead.showcase.models import InvitationRequest
from tests.browser.axe import serious_axe_violations
from tests.browser.conftest import SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"showcase-{name}.png"), full_page=True)


def assert_alternates(page, path: str) -> None:
    """The page names both language versions and the x-default start page."""
    for lang in ("ko", "en"):
        expect(page.locator(f'link[rel=alternate][hreflang="{lang}"]')).to_have_count(1)
        href = page.locator(f'link[rel=alternate][hreflang="{lang}"]').get_attribute("href")
        assert href.endswith(path.format(lang=lang)), href
    expect(page.locator('link[rel=alternate][hreflang="x-default"]')).to_have_count(1)


def test_an_anonymous_visitor_browses_the_showcase_and_asks_for_an_invitation(live_server, page, phone):
    load_demo()
    base = live_server.url
    program = public.programs().get()
    startup = public.startups([program.pk]).first()
    outcome = public.outcomes([program.pk])[0]
    event = public.events().first()
    with translation.override("ko"):
        outcome_ko = outcome.title
    with translation.override("en"):
        outcome_en = outcome.title

    # English: from the welcome page to the showcase.
    page.goto(f"{base}/")
    page.click("[data-testid=showcase-link]")
    expect(page).to_have_url(f"{base}/showcase/en/")
    assert_alternates(page, "/showcase/{lang}/")
    expect(page.locator(f"[data-startup={startup.slug}]")).to_contain_text(startup.name_en or startup.name_ko)
    expect(page.locator("[data-testid=showcase-outcomes]")).to_contain_text(outcome_en)
    assert serious_axe_violations(page) == []
    shot(page, "en-1280")

    # Korean, through the language switch.
    page.click("[data-testid=lang-ko]")
    expect(page).to_have_url(f"{base}/showcase/ko/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator(f"[data-startup={startup.slug}]")).to_contain_text(startup.name_ko or startup.name_en)
    expect(page.locator("[data-testid=showcase-outcomes]")).to_contain_text(outcome_ko)
    assert serious_axe_violations(page) == []
    shot(page, "ko-1280")

    for path, name in (
        (f"/showcase/ko/agreements/{program.agreement.slug}/", "agreement-ko"),
        (f"/showcase/en/programs/{program.slug}/", "program-en"),
    ):
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        assert_alternates(page, path.replace("/ko/", "/{lang}/").replace("/en/", "/{lang}/"))
        assert serious_axe_violations(page) == [], path
        shot(page, f"{name}-1280")

    # The upcoming event: request an invitation.
    page.goto(f"{base}/showcase/en/events/{event.slug}/")
    assert_alternates(page, f"/showcase/{{lang}}/events/{event.slug}/")
    assert serious_axe_violations(page) == []
    page.fill("input[name=name]", "Jane Kim")
    page.fill("input[name=organisation]", "Harbor Ventures")
    page.fill("input[name=email]", "jane@harbor.example")
    page.fill("textarea[name=message]", "We invest in digital health.")
    page.click("[data-testid=invitation-form] button[type=submit]")
    expect(page.locator(".messages .success")).to_be_visible()
    shot(page, "event-1280")
    assert InvitationRequest.objects.filter(event=event, email="jane@harbor.example").count() == 1

    # On a phone, in Korean.
    for path, name in (("/showcase/ko/", "ko-390"), (f"/showcase/ko/events/{event.slug}/", "event-ko-390")):
        phone.goto(base + path)
        expect(phone.locator("h1")).to_be_visible()
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390, path
        assert serious_axe_violations(phone) == [], path
        shot(phone, name)

    # The program manager finds the request from the event's page, and marks it handled.
    log_in(page, base, "manager", DEMO_PASSWORD)
    page.goto(f"{base}/events/{event.slug}/")
    page.click("[data-testid=invitation-requests-link]")
    row = page.locator("[data-testid=invitation-requests] tr", has_text="Jane Kim")
    expect(row).to_contain_text("jane@harbor.example")
    assert serious_axe_violations(page) == []
    shot(page, "invitations-1280")
    row.locator("[data-mark-handled]").click()
    expect(page.locator("[data-testid=invitation-requests] tr[data-handled=yes]", has_text="Jane Kim")).to_have_count(1)
