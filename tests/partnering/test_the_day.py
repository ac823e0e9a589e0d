"""The day itself: check-in only on the meeting's day, feedback that leaves a trace, the home page opening
on the next meeting, publish telling both sides (also when a meeting could not be placed), sector names."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bridgehead.core import formatting
from bridgehead.partnering import scheduling, services
from bridgehead.partnering.models import Meeting, ScheduleRun
from bridgehead.registry.models import Sector
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant, refused

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


def user_of(p):
    return p.person.user


def meet(sender, recipient) -> Meeting:
    request = services.send_request(sender=sender, recipient=recipient, by=user_of(sender))
    return services.accept_request(request=request, by=user_of(recipient))


def slot_at(event, day: dt.date, hour: int):
    return event.slots.get(starts_at=dt.datetime.combine(day, dt.time(hour), LA))


@pytest.fixture
def day():
    """An event with a session today and one tomorrow (at the venue), a startup, two investors, staff."""
    today = dt.datetime.now(LA).date()
    event = EventFactory(slug="today", tables=3, video_link_base="https://meet.example/bh")
    add_session(event, today, "00:00", "23:30")
    add_session(event, today + dt.timedelta(days=1), "09:00", "12:00")
    startup = participant(event, "startup", "haeum", language="ko", zone="Asia/Seoul")
    investor = participant(event, "investor", "pacific")
    investor2 = participant(event, "investor", "torrey")
    manager = grant(UserFactory(username="pm"), "program_manager", program=event.program)
    return {
        "event": event,
        "today": today,
        "startup": startup,
        "investor": investor,
        "investor2": investor2,
        "manager": manager,
    }


# --- check-in on the day -------------------------------------------------------------------------------


def test_check_in_only_on_the_meetings_day_at_the_venue(day):
    meeting = meet(day["startup"], day["investor"])
    tomorrow = day["today"] + dt.timedelta(days=1)
    scheduling.pin_meeting(meeting=meeting, slot=slot_at(day["event"], tomorrow, 10), table=1, by=day["manager"])
    by = user_of(day["investor"])
    day_before = dt.datetime.combine(day["today"], dt.time(12), LA)
    with refused("partnering.checkin.not_today", day=tomorrow.isoformat()):
        services.check_in(meeting=meeting, by=by, now=day_before)
    after = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time(2), LA)
    with refused("partnering.checkin.day_over", day=tomorrow.isoformat()):
        services.check_in(meeting=meeting, by=by, now=after)
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    services.check_in(meeting=meeting, by=by, now=dt.datetime.combine(tomorrow, dt.time(9, 50), LA))
    assert meeting.status == "checked_in"


def test_a_2024_meeting_cannot_be_checked_in_today():
    event = EventFactory(slug="past")
    add_session(event, dt.date(2024, 6, 3), "09:00", "10:00")
    startup, investor = participant(event, "startup", "old"), participant(event, "investor", "older")
    meeting = meet(startup, investor)
    manager = grant(UserFactory(username="pm-past"), "program_manager", program=event.program)
    scheduling.pin_meeting(meeting=meeting, slot=event.slots.first(), table=1, by=manager)
    with refused("partnering.checkin.day_over", day="2024-06-03"):
        services.check_in(meeting=meeting, by=user_of(investor))
    assert services.no_show_refusal(meeting=meeting, by=manager).code == "partnering.no_show.day_over"


def test_agenda_offers_check_in_naming_the_partner_only_on_the_day(client, day):
    today_meeting = meet(day["startup"], day["investor"])
    later_meeting = meet(day["startup"], day["investor2"])
    tomorrow = day["today"] + dt.timedelta(days=1)
    scheduling.pin_meeting(
        meeting=today_meeting, slot=slot_at(day["event"], day["today"], 23), table=1, by=day["manager"]
    )
    scheduling.pin_meeting(meeting=later_meeting, slot=slot_at(day["event"], tomorrow, 9), table=1, by=day["manager"])
    client.force_login(user_of(day["investor"]))
    body = client.get(reverse("event-agenda", args=["today"])).content.decode()
    assert f'data-testid="check-in-{today_meeting.pk}">Check in with Haeum Org</button>' in body
    client.force_login(user_of(day["investor2"]))
    body = client.get(reverse("event-agenda", args=["today"])).content.decode()
    assert f'data-testid="check-in-{later_meeting.pk}"' not in body
    assert f"Check-in opens on the day of the meeting ({tomorrow} at the venue)." in body


def test_feedback_leaves_a_visible_trace_that_can_be_changed(client, day):
    meeting = meet(day["startup"], day["investor"])
    scheduling.pin_meeting(meeting=meeting, slot=slot_at(day["event"], day["today"], 12), table=1, by=day["manager"])
    client.force_login(user_of(day["investor"]))
    client.post(reverse("meeting-action", args=[meeting.pk, "check-in"]))
    response = client.post(
        reverse("meeting-action", args=[meeting.pk, "feedback"]),
        {"valuable": "yes", "follow_up": "no", "comment": "Good fit"},
        follow=True,
    )
    body = response.content.decode()
    sent = formatting.day_time(meeting.feedback.get().updated_at, str(LA), "en")
    assert f"Feedback sent on {sent}" in body
    assert "Was it valuable? Yes · Is a follow-up planned? No" in body
    assert "“Good fit”" in body
    assert "Change your feedback on the meeting with Haeum Org" in body
    client.post(reverse("meeting-action", args=[meeting.pk, "feedback"]), {"valuable": "yes", "follow_up": "yes"})
    assert meeting.feedback.get().follow_up is True
    assert meeting.feedback.count() == 1


def test_feedback_before_the_meeting_took_place_is_refused(day):
    meeting = meet(day["startup"], day["investor"])
    with refused("partnering.feedback.not_checked_in"):
        services.give_feedback(meeting=meeting, by=user_of(day["investor"]), valuable=True, follow_up=True)


# --- home page --------------------------------------------------------------------------------------------


def test_home_opens_on_the_next_meeting_scheduled_before_unscheduled(client, day):
    tomorrow = day["today"] + dt.timedelta(days=1)
    unscheduled = meet(day["investor"], day["startup"])  # accepted first, still without a time
    later = meet(day["startup"], day["investor2"])
    scheduling.pin_meeting(meeting=later, slot=slot_at(day["event"], tomorrow, 9), table=2, by=day["manager"])
    assert unscheduled.slot is None
    client.force_login(user_of(day["investor2"]))
    body = client.get("/").content.decode()
    next_section = body[body.index('data-testid="next-meeting"') :]
    assert "Your next meeting" in body
    assert "With Haeum Org" in next_section
    assert "Table 2" in next_section
    assert reverse("event-agenda", args=["today"]) in next_section  # the whole agenda is one click away
    assert "<h2>Agreements</h2>" not in body  # a participant without staff or observer roles
    client.force_login(user_of(day["startup"]))
    body = client.get("/").content.decode()
    torrey, pacific = day["investor2"].organisation.name_ko, day["investor"].organisation.name_ko  # Korean page
    assert body.index(torrey) < body.index(pacific)  # scheduled first, then without a time
    assert 'data-testid="next-label"' in body


def test_home_of_staff_and_of_another_events_participant(client, day):
    meet(day["startup"], day["investor"])
    other = EventFactory(slug="elsewhere")
    add_session(other, day["today"], "09:00", "10:00")
    stranger = participant(other, "investor", "harbor")
    client.force_login(user_of(stranger))
    body = client.get("/").content.decode()
    assert "Haeum Org" not in body
    client.force_login(day["manager"])
    body = client.get("/").content.decode()
    assert 'data-testid="next-meeting"' not in body
    assert "<h2>Programs</h2>" in body


def test_home_points_to_requests_waiting_for_an_answer(client, day):
    services.send_request(sender=day["startup"], recipient=day["investor"], by=user_of(day["startup"]))
    client.force_login(user_of(day["investor"]))
    body = client.get("/").content.decode()
    assert "1 meeting request is waiting for your answer (San Diego Partnering Day)." in body
    assert reverse("event-requests", args=["today"]) in body


# --- publishing tells both sides ---------------------------------------------------------------------------


def publish(event, manager, capture) -> ScheduleRun:
    with capture(execute=True):
        run = scheduling.start_solve(event=event, by=manager, time_limit=3)
    run.refresh_from_db()
    with capture(execute=True):
        scheduling.publish_run(run=run, by=manager)
    return run


def test_publish_tells_both_sides_including_meetings_that_could_not_be_placed(
    client, day, mailoutbox, django_capture_on_commit_callbacks
):
    placed = meet(day["startup"], day["investor"])
    lonely = meet(day["startup"], day["investor2"])
    services.set_availability(
        participant=day["investor2"],
        unavailable=day["event"].slots.values_list("pk", flat=True),
        by=user_of(day["investor2"]),
    )
    mailoutbox.clear()
    publish(day["event"], day["manager"], django_capture_on_commit_callbacks)
    lonely.refresh_from_db()
    placed.refresh_from_db()
    assert (lonely.slot, lonely.unplaced_reason, placed.unplaced_reason) == (None, "no_common_slot", "")
    by_address = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_address) == ["haeum@x.org", "pacific@x.org", "torrey@x.org"]
    torrey = by_address["torrey@x.org"].body
    assert "Could not be placed: Haeum Org × Torrey Org. They have no available slot in common." in torrey
    assert "Scheduled: Haeum Org × Pacific Org" in by_address["pacific@x.org"].body
    korean = by_address["haeum@x.org"].body  # in the startup's language and zone
    assert "배치 불가: " in korean and "두 참가자가 함께 참석할 수 있는 미팅 슬롯이 없습니다." in korean
    assert "(서울)" in korean
    client.force_login(user_of(day["investor2"]))
    body = client.get(reverse("event-agenda", args=["today"])).content.decode()
    assert "Not placed in the published schedule" in body
    assert "They have no available slot in common." in body
    # Told once: publishing again with nothing new sends nothing.
    mailoutbox.clear()
    publish(day["event"], day["manager"], django_capture_on_commit_callbacks)
    assert mailoutbox == []


def test_a_meeting_placed_later_is_announced(day, mailoutbox, django_capture_on_commit_callbacks):
    lonely = meet(day["startup"], day["investor2"])
    everything = list(day["event"].slots.values_list("pk", flat=True))
    services.set_availability(participant=day["investor2"], unavailable=everything, by=user_of(day["investor2"]))
    publish(day["event"], day["manager"], django_capture_on_commit_callbacks)
    services.set_availability(participant=day["investor2"], unavailable=[], by=user_of(day["investor2"]))
    mailoutbox.clear()
    publish(day["event"], day["manager"], django_capture_on_commit_callbacks)
    lonely.refresh_from_db()
    assert lonely.slot is not None and lonely.unplaced_reason == ""
    by_address = {m.to[0]: m.body for m in mailoutbox}
    assert sorted(by_address) == ["haeum@x.org", "torrey@x.org"]
    assert "Scheduled: Haeum Org × Torrey Org at " in by_address["torrey@x.org"]
    assert "확정: " in by_address["haeum@x.org"]


# --- sectors by name, labelled controls --------------------------------------------------------------------


def test_find_partners_names_sectors_in_the_viewers_language(client, day):
    parent = Sector.objects.create(code="health", name_en="Health", name_ko="보건의료")
    ai = Sector.objects.create(code="health.ai", parent=parent, name_en="AI in health", name_ko="의료 인공지능")
    day["investor"].organisation.sectors.add(ai)
    client.force_login(user_of(day["startup"]))  # Korean
    body = client.get(reverse("event-recommendations", args=["today"])).content.decode()
    assert '<span class="chip">의료 인공지능</span>' in body
    assert ">health.ai<" not in body
    assert '<option value="health.ai" >— 의료 인공지능</option>' in body
    filtered = client.get(reverse("event-recommendations", args=["today"]) + "?sector=health").content.decode()
    assert f'data-testid="request-any-{day["investor"].pk}"' in filtered
    assert f'data-testid="request-any-{day["investor2"].pk}"' not in filtered


def test_request_messages_and_availability_slots_are_labelled(client, day):
    client.force_login(user_of(day["investor"]))
    body = client.get(reverse("event-recommendations", args=["today"])).content.decode()
    startup = day["startup"].pk
    assert f'<label for="message-{startup}">A short note to Haeum Org (optional)</label>' in body
    assert f'id="message-{startup}"' in body
    grid = client.get(reverse("event-availability", args=["today"])).content.decode()
    for pk in day["event"].slots.values_list("pk", flat=True):
        assert f'<label for="slot-{pk}"><input type="checkbox" name="available" id="slot-{pk}"' in grid


def test_a_meeting_pinned_before_the_first_publish_is_announced_by_it(
    day, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = meet(day["startup"], day["investor"])
    tomorrow = day["today"] + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.pin_meeting(meeting=meeting, slot=slot_at(day["event"], tomorrow, 9), table=1, by=day["manager"])
    assert mailoutbox == []  # nothing is published yet
    publish(day["event"], day["manager"], django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == ["haeum@x.org", "pacific@x.org"]
    mailoutbox.clear()
    later = slot_at(day["event"], tomorrow, 11)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.pin_meeting(meeting=meeting, slot=later, table=1, by=day["manager"])
    assert "Moved: Haeum Org × Pacific Org is now at " in {m.to[0]: m.body for m in mailoutbox}["pacific@x.org"]


def test_home_leaves_out_unscheduled_meetings_of_an_event_long_past(client, day):
    past = EventFactory(slug="bio-2024")
    add_session(past, dt.date(2024, 6, 3), "09:00", "10:00")
    old_startup, old_investor = participant(past, "startup", "old"), participant(past, "investor", "older")
    meet(old_startup, old_investor)
    client.force_login(user_of(old_investor))
    assert 'data-testid="agenda-item"' not in client.get("/").content.decode()
    meet(day["startup"], day["investor"])  # this event still has slots to come: its unscheduled meeting shows
    client.force_login(user_of(day["investor"]))
    assert "With Haeum Org" in client.get("/").content.decode()
