"""Conversations in a browser: a Korean startup and a US investor talk about their meeting request (each in
their own language, the investor on a phone), the investor sees the unread badge, opens the thread and the
badge clears, and the open thread picks up the answer by itself (htmx refresh); then a startup asks the
program staff about its application, the manager answers and the startup sees the answer."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from bridgehead.conversations.models import Message, Thread
from bridgehead.partnering import services as partnering
from tests.browser.axe import assert_no_serious_axe_violations
from tests.browser.conftest import PHONE, SCREENSHOTS, log_in
from tests.factories import OrganisationFactory, UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant
from tests.programs.factories import ApplicationFactory, CallFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-1"


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _phone(browser):
    context = browser.new_context(viewport=PHONE, locale="en-US", device_scale_factor=2, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    return context, phone


def test_two_participants_talk_in_korean_and_english(live_server, browser, page):
    event = EventFactory(slug="talk-day", title_ko="울산 파트너링 데이")
    add_session(event, dt.date(2026, 6, 2), "09:00", "11:00")
    startup = participant(event, "startup", "haeum", language="ko", zone="Asia/Seoul")
    investor = participant(event, "investor", "pacific")
    request = partnering.send_request(
        sender=investor, recipient=startup, message="Shall we meet at your booth?", by=investor.person.user
    )
    thread = Thread.objects.get(request=request)
    base = live_server.url

    # The Korean startup opens the conversation from its requests page and answers in Korean.
    log_in(page, base, "haeum", PASSWORD)
    page.goto(f"{base}/events/talk-day/requests/")
    page.click(f"[data-testid=conversation-{request.pk}]")
    expect(page).to_have_url(f"{base}/messages/{thread.pk}/")
    expect(page.locator("[data-testid=message-body]").first).to_have_text("Shall we meet at your booth?")
    page.fill("textarea[name=body]", "네, 좋습니다. 화요일 오전 10시 어떠세요?")
    page.click("[data-testid=send]")
    expect(page.locator("[data-testid=message-body]").last).to_have_text("네, 좋습니다. 화요일 오전 10시 어떠세요?")
    assert page.locator("html").get_attribute("lang") == "ko"

    # The investor, on a phone, sees the badge, opens the thread (in English) and the badge clears.
    context, phone = _phone(browser)
    try:
        log_in(phone, base, "pacific", PASSWORD)
        badge = phone.locator("[data-testid=unread-badge]")
        expect(badge).to_be_visible()
        _shot(phone, "conversation-01-badge-390")
        phone.goto(f"{base}/messages/")
        expect(phone.locator(f"[data-testid=thread-{thread.pk}] .unread-chip")).to_be_visible()
        phone.click(f"[data-testid=thread-{thread.pk}] a")
        expect(phone).to_have_url(f"{base}/messages/{thread.pk}/")
        expect(phone.locator("[data-testid=message-body]").last).to_have_text(
            "네, 좋습니다. 화요일 오전 10시 어떠세요?"
        )
        expect(phone.locator("[data-testid=unread-badge]")).to_have_count(0)
        assert_no_serious_axe_violations(phone)
        phone.fill("textarea[name=body]", "Tuesday 10:00 works. See you there!")
        phone.click("[data-testid=send]")
        expect(phone.locator("[data-testid=message-body]").last).to_have_text("Tuesday 10:00 works. See you there!")
        _shot(phone, "conversation-02-thread-en-390")
    finally:
        context.close()

    # The startup's open thread picks up the answer without a reload (htmx, every few seconds).
    expect(page.locator("[data-testid=message-body]").last).to_have_text(
        "Tuesday 10:00 works. See you there!", timeout=20_000
    )
    assert Message.objects.filter(thread=thread).count() == 3
    assert_no_serious_axe_violations(page)
    _shot(page, "conversation-03-thread-ko-1280")


def test_a_startup_asks_about_its_application_and_the_manager_answers(live_server, browser, page):
    call = CallFactory(slug="talk-call", title_en="Ulsan Mobility Call", title_ko="울산 모빌리티 공모")
    organisation = OrganisationFactory(slug="haeum-co", kind="startup", name_en="Haeum Co", name_ko="해움")
    founder = grant(
        UserFactory(username="founder", language="ko", time_zone="Asia/Seoul"),
        "startup_member",
        organisation=organisation,
    )
    grant(UserFactory(username="pm", language="en"), "program_manager", program=call.program)
    application = ApplicationFactory(call=call, organisation=organisation, created_by=founder)
    base = live_server.url

    log_in(page, base, "founder", PASSWORD)
    page.goto(f"{base}/programs/applications/{application.pk}/")
    page.click("[data-testid=application-conversation]")
    expect(page.locator("h1")).to_contain_text("울산 모빌리티 공모")
    page.fill("textarea[name=body]", "결과 발표는 언제인가요?")
    page.click("[data-testid=send]")
    expect(page.locator("[data-testid=message-body]").last).to_have_text("결과 발표는 언제인가요?")
    thread = Thread.objects.get(application=application)

    context, manager = _phone(browser)
    try:
        log_in(manager, base, "pm", PASSWORD)
        expect(manager.locator("[data-testid=unread-badge]")).to_be_visible()
        manager.goto(f"{base}/programs/applications/{application.pk}/")
        manager.click("[data-testid=application-conversation]")
        expect(manager).to_have_url(f"{base}/messages/{thread.pk}/")
        expect(manager.locator("[data-testid=message-body]").last).to_have_text("결과 발표는 언제인가요?")
        expect(manager.locator("[data-testid=unread-badge]")).to_have_count(0)
        manager.fill("textarea[name=body]", "Decisions are sent on 15 June.")
        manager.click("[data-testid=send]")
        expect(manager.locator("[data-testid=message-body]").last).to_have_text("Decisions are sent on 15 June.")
        _shot(manager, "conversation-04-application-manager-390")
    finally:
        context.close()

    expect(page.locator("[data-testid=message-body]").last).to_have_text(
        "Decisions are sent on 15 June.", timeout=20_000
    )
    assert_no_serious_axe_violations(page)
    _shot(page, "conversation-05-application-startup-1280")
