"""The partnering flow in a browser, as three people: a Korean startup picks what it is looking for on its
profile and finds the investor that offers it, with a reason naming that need (in Korean), requests a
meeting, a US investor accepts (in English), the program manager computes and publishes the schedule, and
each sees the meeting in their own time zone and downloads it as iCal."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from bridgehead.core import formatting
from bridgehead.partnering.models import Meeting
from tests.browser.axe import assert_no_serious_axe_violations
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-1"


def log_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/")


def test_request_accept_solve_publish_agenda(live_server, page, screenshot, tmp_path: Path):
    event = EventFactory(slug="sd-day", tables=4, title_ko="샌디에이고 파트너링 데이")
    add_session(event, dt.date(2026, 6, 2), "09:00", "11:00", name_en="Morning", name_ko="오전")
    grant(
        UserFactory(username="pm", language="en", time_zone="America/Los_Angeles"),
        "program_manager",
        program=event.program,
    )
    participant(
        event,
        "startup",
        "haeum",
        language="ko",
        zone="Asia/Seoul",
        seeks="미국 디지털 헬스 투자 유치",
        offers="갑상선 질환 진단 앱",
    )
    investor = participant(
        event,
        "investor",
        "pacific",
        seeks="Korean digital-health startups",
        offers="Seed investment and US market access",
    )
    base = live_server.url

    log_in(page, base, "haeum")
    page.goto(f"{base}/events/sd-day/me/")
    picker = page.locator("[data-testid=seeks_intents]")
    assert picker.locator("legend").inner_text() == "찾고 있는 것"
    picker.get_by_label("투자", exact=True).check()
    picker.get_by_label("위탁생산(CDMO)", exact=True).check()
    assert_no_serious_axe_violations(page)
    screenshot("partnering-00-profile-intents-ko")
    page.get_by_role("button", name="내 프로필 저장").click()
    page.wait_for_selector("text=행사 프로필을 저장했습니다.")
    page.goto(f"{base}/events/sd-day/recommendations/")
    card = page.locator("[data-testid=recommendation]").first  # the investor, the only partner it may meet
    expect(card).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "ko"
    # The fit as a band in words; the score on hover (title) and for screen readers (visually-hidden text).
    fit = card.locator("[data-testid=fit]")
    expect(fit).to_have_text(re.compile(r"^적합도: (높음|보통|낮음), 적합도 점수 [01]\.\d\d\(0~1 기준\)$"))
    expect(fit).to_have_attribute("title", re.compile(r"^적합도 점수 [01]\.\d\d\(0~1 기준\)$"))
    expect(fit.locator(".visually-hidden")).to_have_text(re.compile(r"적합도 점수 [01]\.\d\d"))
    screenshot("partnering-01-recommendations-ko")
    screenshot("recommendations-ko")
    # The investor's capabilities as intent tags, read from its offers text.
    assert card.locator("[data-testid=partner-offers] .chip").all_inner_texts() == ["투자"]
    # The first reason names the need the startup ticked and quotes what the investor wrote, as an offer.
    first = card.locator("[data-testid=reasons] li").first.inner_text()
    assert first == (
        "귀사가 찾는 투자 유치와 관련해 상대 기관이 도움을 줄 수 있습니다. "
        "귀사의 희망 사항: “미국 디지털 헬스 투자 유치” / "
        "상대 기관의 제공 가능 내용: “Seed investment and US market access”"
    )
    for text in card.locator("[data-testid=reasons] li").all_inner_texts():
        assert "귀 기관" not in text and "요청 사항" not in text and "; " not in text
    assert_no_serious_axe_violations(page)
    page.click(f"[data-testid=request-{investor.pk}]")
    page.wait_for_selector("text=미팅 요청을 보냈습니다")

    log_in(page, base, "pacific")
    page.goto(f"{base}/events/sd-day/requests/")
    screenshot("partnering-02-requests-en")
    page.click("[data-testid^=accept-]")
    page.wait_for_selector("text=Accepted. The meeting will get a time")

    log_in(page, base, "pm")
    page.goto(f"{base}/events/sd-day/schedule/")
    page.fill("input[name=time_limit]", "3")
    page.click("[data-testid=solve]")
    page.wait_for_selector("[data-testid=run-summary]")
    assert "Scheduled 1 of 1 accepted meetings (bound 1)" in page.inner_text("[data-testid=run-summary]")
    screenshot("partnering-03-schedule-result")
    page.click("[data-testid=publish]")
    page.wait_for_selector("text=The schedule is published")
    meeting = Meeting.objects.get()
    assert meeting.slot is not None and meeting.table is not None

    starts, ends, venue_zone = meeting.slot.starts_at, meeting.slot.ends_at, meeting.event.time_zone
    log_in(page, base, "haeum")
    page.goto(f"{base}/events/sd-day/agenda/")
    local = page.inner_text("[data-testid=agenda-local]")
    venue = page.inner_text("[data-testid=agenda-venue]")
    # Korean forms with the weekday, in Seoul on the participant's line and at the venue beside it.
    assert local == formatting.slot(starts, ends, "Asia/Seoul", "ko")
    assert venue == formatting.slot(starts, None, venue_zone, "ko")
    screenshot("partnering-04-agenda-seoul-ko")
    with page.expect_download() as download_info:
        page.click("[data-testid=ical-download]")
    path = tmp_path / "agenda.ics"
    download_info.value.save_as(path)
    events = [c for c in Calendar.from_ical(path.read_bytes()).walk() if c.name == "VEVENT"]
    assert len(events) == 1
    assert str(events[0]["uid"]) == f"{meeting.uid}@bridgehead"
    assert events[0].decoded("dtstart") == meeting.slot.starts_at

    log_in(page, base, "pacific")
    page.goto(f"{base}/events/sd-day/agenda/")
    local = page.inner_text("[data-testid=agenda-local]")
    assert local == formatting.slot(starts, ends, "America/Los_Angeles", "en")  # the investor's own zone
    screenshot("partnering-05-agenda-san-diego-en")
