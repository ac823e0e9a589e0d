"""Agendas across time zones and daylight-saving changes, and iCal feeds that update instead of duplicating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from icalendar import Calendar

from bridgehead.partnering import calendar, scheduling, services
from tests.partnering.factories import EventFactory, add_session, participant

pytestmark = pytest.mark.django_db


def publish(fair, capture):
    with capture(execute=True):
        run = scheduling.start_solve(event=fair["event"], by=fair["manager"], time_limit=3)
    run.refresh_from_db()
    scheduling.publish_run(run=run, by=fair["manager"])


def text_of(response) -> str:
    """The page as read: tags dropped (a slot is its day and its time in two spans, see ``slot_time``)."""
    return strip_tags(response.content.decode())


def events_of(ics: bytes) -> list:
    return [c for c in Calendar.from_ical(ics).walk() if c.name == "VEVENT"]


def test_ical_has_stable_uid_and_sequence_and_cancellations(fair, django_capture_on_commit_callbacks):
    publish(fair, django_capture_on_commit_callbacks)
    meeting = fair["meeting"]
    meeting.refresh_from_db()
    first = events_of(calendar.ical(fair["startup"]))
    assert len(first) == 1
    assert str(first[0]["uid"]) == f"{meeting.uid}@bridgehead"
    assert str(first[0]["status"]) == "CONFIRMED"
    assert first[0].decoded("dtstart") == meeting.slot.starts_at
    assert "테이블" in str(first[0]["location"]) or "table" in str(first[0]["location"])
    last = fair["event"].slots.order_by("-starts_at").first()
    scheduling.pin_meeting(meeting=meeting, slot=last, table=1, by=fair["manager"])
    moved = events_of(calendar.ical(fair["startup"]))
    assert str(moved[0]["uid"]) == str(first[0]["uid"])  # the same calendar entry, updated
    assert int(moved[0]["sequence"]) > int(first[0]["sequence"])
    assert moved[0].decoded("dtstart") == last.starts_at
    services.cancel_meeting(meeting=meeting, by=fair["investor"].person.user)
    cancelled = events_of(calendar.ical(fair["startup"]))
    assert (str(cancelled[0]["uid"]), str(cancelled[0]["status"])) == (str(first[0]["uid"]), "CANCELLED")
    assert int(cancelled[0]["sequence"]) > int(moved[0]["sequence"])


def test_calendar_feed_by_token_and_download(client, fair, django_capture_on_commit_callbacks):
    publish(fair, django_capture_on_commit_callbacks)
    feed = client.get(reverse("calendar-feed", args=[fair["investor"].calendar_token]))
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(events_of(feed.content)) == 1
    assert client.get(reverse("calendar-feed", args=["not-a-token"])).status_code == 404
    client.force_login(fair["startup"].person.user)
    download = client.get(reverse("event-agenda-ics", args=["sd-day"]))
    assert download["Content-Disposition"] == 'attachment; filename="sd-day-agenda.ics"'
    assert "미팅" in str(events_of(download.content)[0]["summary"])  # the Korean startup's own language


def test_dst_crossing_event_in_both_zones(client):
    """US daylight saving starts on 8 March 2026 at 02:00 in San Diego. The same 09:00 local session is
    17:00 UTC before and 16:00 UTC after; in Seoul (no DST) that is 02:00 and then 01:00 the next day."""
    event = EventFactory(slug="dst", time_zone="America/Los_Angeles")
    add_session(event, dt.date(2026, 3, 7), "09:00", "09:30")
    add_session(event, dt.date(2026, 3, 9), "09:00", "09:30")
    starts = list(event.slots.order_by("starts_at").values_list("starts_at", flat=True))
    assert starts == [dt.datetime(2026, 3, 7, 17, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC)]
    seoul = participant(event, "startup", "seoul", language="ko", zone="Asia/Seoul", attendance="virtual")
    client.force_login(seoul.person.user)
    body = text_of(client.get(reverse("event-availability", args=["dst"])))
    assert "2026. 3. 8.(일) 오전 2:00–2:30" in body and "2026. 3. 10.(화) 오전 1:00–1:30" in body  # Seoul
    assert "2026. 3. 7.(토) 오전 9:00–9:30" in body and "2026. 3. 9.(월) 오전 9:00–9:30" in body  # the venue
    sd = participant(event, "investor", "sd")
    client.force_login(sd.person.user)
    body = text_of(client.get(reverse("event-availability", args=["dst"])))
    assert body.count("Sat 7 Mar 2026, 09:00–09:30") == 2 and body.count("Mon 9 Mar 2026, 09:00–09:30") == 2


def test_availability_grid_posts_back(client, fair):
    me = fair["startup"]
    slots = list(fair["event"].slots.order_by("starts_at"))
    client.force_login(me.person.user)
    client.post(reverse("event-availability", args=["sd-day"]), {"available": [slots[0].pk, slots[1].pk]})
    assert set(me.unavailable.values_list("pk", flat=True)) == {s.pk for s in slots[2:]}
    response = client.post(reverse("event-availability", args=["sd-day"]), {"available": [999999]}, follow=True)
    assert "이 행사의 미팅 슬롯이 아닙니다: 999999." in response.content.decode()
    assert set(me.unavailable.values_list("pk", flat=True)) == {s.pk for s in slots[2:]}  # unchanged
