"""The partnering day on a 390 px phone: home opens on the next meeting, the agenda is cards that fit (no
horizontal overflow, dates on one line), check-in names the partner, and feedback leaves a visible trace.
Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bridgehead.core import formatting
from bridgehead.partnering import scheduling, services
from tests.browser.axe import assert_no_serious_axe_violations
from tests.browser.conftest import PHONE, SCREENSHOTS, log_in
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-1"
LA = ZoneInfo("America/Los_Angeles")


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_fits_the_phone(page) -> None:
    """No horizontal overflow at 390 px, and no serious accessibility violation (axe-core)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone"
    assert_no_serious_axe_violations(page)


def meet(sender, recipient, slot, manager):
    request = services.send_request(sender=sender, recipient=recipient, by=sender.person.user)
    meeting = services.accept_request(request=request, by=recipient.person.user)
    return scheduling.pin_meeting(meeting=meeting, slot=slot, table=3, by=manager)


def test_the_day_on_a_phone(live_server, phone):
    today = dt.datetime.now(LA).date()
    tomorrow = today + dt.timedelta(days=1)
    event = EventFactory(slug="sd-day", tables=4, title_ko="샌디에이고 파트너링 데이")
    add_session(event, today, "00:00", "23:30", name_en="Today", name_ko="오늘")
    add_session(event, tomorrow, "09:00", "12:00", name_en="Tomorrow", name_ko="내일")
    manager = grant(UserFactory(username="pm"), "program_manager", program=event.program)
    haeum = participant(
        event,
        "startup",
        "haeum",
        language="ko",
        zone="Asia/Seoul",
        seeks="미국 디지털 헬스 투자 유치",
        offers="갑상선 질환 진단 앱",
    )
    gorae = participant(event, "startup", "gorae", language="ko", zone="Asia/Seoul")
    pacific = participant(
        event,
        "investor",
        "pacific",
        seeks="Korean digital-health startups",
        offers="Seed investment and US market access for digital-health companies",
    )
    at = {s.starts_at: s for s in event.slots.all()}
    meet(haeum, pacific, at[dt.datetime.combine(today, dt.time(12), LA)], manager)
    meet(gorae, pacific, at[dt.datetime.combine(tomorrow, dt.time(10), LA)], manager)
    base = live_server.url

    log_in(phone, base, "pacific", PASSWORD)
    assert phone.locator("[data-testid=next-meeting]").is_visible()
    assert phone.locator("[data-testid=next-meeting] [data-testid=agenda-item]").count() == 1
    assert_fits_the_phone(phone)
    shot(phone, "partnering-day-01-home-390-en")

    phone.click("[data-testid=agenda-link]")  # the whole agenda: one click from home
    phone.wait_for_selector("[data-testid=agenda]")
    assert phone.locator("[data-testid=agenda-item]").count() == 2
    assert_fits_the_phone(phone)
    for time in phone.locator("[data-testid=agenda-local]").all():  # a date never breaks per character
        box = time.bounding_box()
        line = float(time.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24"))
        assert box["height"] < 1.6 * line
    shot(phone, "partnering-day-02-agenda-390-en")

    phone.get_by_role("button", name="Check in with Haeum Org").click()
    phone.wait_for_selector("text=Checked in with Haeum Org.")
    phone.get_by_role("radio", name="Yes").first.check()
    phone.locator("[data-testid^=feedback-form-] input[name=follow_up][value=yes]").check()
    phone.get_by_role("button", name="Send feedback on Haeum Org").click()
    phone.wait_for_selector("[data-testid=feedback-sent]")
    assert "Feedback sent on" in phone.inner_text("[data-testid=feedback-sent]")
    assert phone.get_by_role("button", name="Check in with Gorae Org").count() == 0  # tomorrow's meeting
    assert f"Check-in opens on the day of the meeting ({tomorrow} at the venue)." in phone.inner_text("main")
    assert_fits_the_phone(phone)
    shot(phone, "partnering-day-03-checked-in-feedback-390-en")

    log_in(phone, base, "haeum", PASSWORD)
    assert_fits_the_phone(phone)
    shot(phone, "partnering-day-04-home-390-ko")
    phone.goto(f"{base}/events/sd-day/agenda/")
    assert_fits_the_phone(phone)
    seoul = dt.datetime.combine(today, dt.time(12), LA).astimezone(ZoneInfo("Asia/Seoul"))
    assert phone.inner_text("[data-testid=agenda-local]").startswith(formatting.day(seoul.date(), "ko"))
    assert phone.inner_text("[data-testid=agenda-venue]").startswith(formatting.day(today, "ko"))
    shot(phone, "partnering-day-05-agenda-390-ko")
    for page_name in ("recommendations", "requests", "me/availability"):
        phone.goto(f"{base}/events/sd-day/{page_name}/")
        assert_fits_the_phone(phone)
        shot(phone, f"partnering-day-06-{page_name.replace('/', '-')}-390-ko")

    log_in(phone, base, "pm", PASSWORD)  # staff pages: labelled controls, no overflow either
    for page_name in ("", "participants/", "schedule/", "table-plan/", "edit/", f"agenda/{pacific.pk}/"):
        phone.goto(f"{base}/events/sd-day/{page_name}")
        assert_fits_the_phone(phone)
    shot(phone, "partnering-day-07-staff-agenda-of-390-en")
