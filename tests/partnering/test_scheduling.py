"""Solve, publish, re-solve with the previous schedule, pin, and refusals; the published schedule only ever
changes through publish."""

from __future__ import annotations

import datetime as dt

import pytest

from bridgehead.core.errors import Kind, Refused
from bridgehead.partnering import scheduling, services
from bridgehead.partnering.models import Meeting, ScheduleRun
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(mailoutbox):
    event = EventFactory(tables=2, max_meetings=8, request_quota=10)
    add_session(event, dt.date(2026, 6, 1), "09:00", "11:00")  # 4 slots
    manager = grant(UserFactory(username="pm"), "program_manager", program=event.program)
    startups = [participant(event, "startup", f"s{i}", language="ko", zone="Asia/Seoul") for i in range(3)]
    investors = [participant(event, "investor", f"i{i}") for i in range(2)]
    meetings = []
    for s in startups:
        for inv in investors:
            req = services.send_request(sender=s, recipient=inv, by=s.person.user)
            meetings.append(services.accept_request(request=req, by=inv.person.user))
    return {"event": event, "manager": manager, "startups": startups, "investors": investors, "meetings": meetings}


def solve_and_publish(setup, capture) -> ScheduleRun:
    with capture(execute=True):
        run = scheduling.start_solve(event=setup["event"], by=setup["manager"], time_limit=5)
    run.refresh_from_db()  # the immediate task backend ran it on commit
    assert run.status == "succeeded", run.error
    scheduling.publish_run(run=run, by=setup["manager"])
    return run


def test_solve_schedules_everything_and_says_how_good_it_is(setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduling.start_solve(event=setup["event"], by=setup["manager"], time_limit=5)
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert (run.stats["scheduled"], run.stats["requested"], run.stats["upper_bound"]) == (6, 6, 6)
    assert Meeting.objects.filter(slot__isnull=False).count() == 0  # nothing changes before publishing
    result = scheduling.publish_run(run=run, by=setup["manager"])
    assert result == {"changed": 6, "moved": 0}
    meetings = Meeting.objects.all()
    assert all(m.slot_id and m.table and m.status == "scheduled" for m in meetings)
    for p in setup["startups"] + setup["investors"]:
        slots = [m.slot_id for m in meetings if p.pk in (m.first_id, m.second_id)]
        assert len(slots) == len(set(slots))  # nobody in two places at once


def test_second_solve_refused_while_one_runs(setup):
    ScheduleRun.objects.create(event=setup["event"], status="running", heartbeat_at=dt.datetime.now(dt.UTC))
    with pytest.raises(Refused) as refused:
        scheduling.start_solve(event=setup["event"], by=setup["manager"])
    assert (refused.value.code, refused.value.status) == ("runs.already_active", 409)


def test_a_run_whose_worker_died_is_closed_by_the_next_solve(setup, django_capture_on_commit_callbacks):
    dead = ScheduleRun.objects.create(
        event=setup["event"], status="running", heartbeat_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.start_solve(event=setup["event"], by=setup["manager"], time_limit=3)
    dead.refresh_from_db()
    assert dead.status == "failed"
    assert "published schedule was not changed" in dead.error


def test_reschedule_keeps_published_meetings_in_place(setup, django_capture_on_commit_callbacks):
    solve_and_publish(setup, django_capture_on_commit_callbacks)
    before = {m.pk: (m.slot_id, m.table, m.sequence) for m in Meeting.objects.all()}
    newcomer = participant(setup["event"], "startup", "late", language="ko", zone="Asia/Seoul")
    req = services.send_request(sender=newcomer, recipient=setup["investors"][0], by=newcomer.person.user)
    services.accept_request(request=req, by=setup["investors"][0].person.user)
    run = solve_and_publish(setup, django_capture_on_commit_callbacks)
    assert run.stats["scheduled"] == 7
    after = {m.pk: (m.slot_id, m.table, m.sequence) for m in Meeting.objects.all()}
    moved = [pk for pk in before if after[pk][:2] != before[pk][:2]]
    assert moved == [] or run.stats["moved"] == len(moved)
    assert len(moved) <= 1


def test_pinned_meeting_keeps_its_slot_and_table(setup, django_capture_on_commit_callbacks):
    meeting = setup["meetings"][0]
    last = setup["event"].slots.order_by("-starts_at").first()
    scheduling.pin_meeting(meeting=meeting, slot=last, table=2, by=setup["manager"])
    solve_and_publish(setup, django_capture_on_commit_callbacks)
    meeting.refresh_from_db()
    assert (meeting.slot_id, meeting.table, meeting.pinned, meeting.status) == (last.pk, 2, True, "scheduled")
    assert Meeting.objects.filter(slot__isnull=False).count() == 6


def test_pin_refuses_a_slot_where_someone_is_busy(setup, django_capture_on_commit_callbacks):
    solve_and_publish(setup, django_capture_on_commit_callbacks)
    meeting = Meeting.objects.filter(first=setup["startups"][0]).first()
    other = Meeting.objects.filter(first=setup["startups"][0]).exclude(pk=meeting.pk).first()
    with refused("partnering.meeting.participant_busy"):
        scheduling.pin_meeting(meeting=meeting, slot=other.slot, table=None, by=setup["manager"])


def test_participant_cannot_pin(setup, django_capture_on_commit_callbacks):
    meeting = setup["meetings"][0]
    slot = setup["event"].slots.first()
    with refused("permission.partnering.move_meeting", Kind.FORBIDDEN):
        scheduling.pin_meeting(meeting=meeting, slot=slot, table=1, by=setup["startups"][0].person.user)


def test_unscheduled_meetings_say_why(setup, django_capture_on_commit_callbacks):
    lonely = participant(setup["event"], "startup", "nightowl", language="ko", zone="Asia/Seoul")
    services.set_availability(
        participant=lonely, unavailable=setup["event"].slots.values_list("pk", flat=True), by=lonely.person.user
    )
    req = services.send_request(sender=lonely, recipient=setup["investors"][1], by=lonely.person.user)
    meeting = services.accept_request(request=req, by=setup["investors"][1].person.user)
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduling.start_solve(event=setup["event"], by=setup["manager"], time_limit=5)
    run.refresh_from_db()
    assert run.diagnostics["unscheduled"] == {str(meeting.pk): "no_common_slot"}


def test_cancelled_run_and_failed_run_leave_the_schedule_untouched(setup, django_capture_on_commit_callbacks):
    solve_and_publish(setup, django_capture_on_commit_callbacks)
    before = sorted(Meeting.objects.values_list("pk", "slot_id", "table"))
    run = ScheduleRun.objects.create(event=setup["event"], requested_by=setup["manager"], time_limit=5)
    scheduling.cancel_run(run=run, by=setup["manager"])
    run.refresh_from_db()
    assert run.status == "cancelled"
    with refused("partnering.run.not_finished"):
        scheduling.publish_run(run=run, by=setup["manager"])
    assert sorted(Meeting.objects.values_list("pk", "slot_id", "table")) == before


def test_availability_outside_the_event_is_refused(setup):
    other = EventFactory(slug="elsewhere")
    add_session(other, dt.date(2026, 7, 1), "09:00", "10:00")
    me = setup["startups"][0]
    foreign = other.slots.first().pk
    with refused("partnering.availability.unknown_slots", Kind.INVALID, ids=str(foreign)):
        services.set_availability(participant=me, unavailable=[foreign], by=me.person.user)
    assert me.unavailable.count() == 0
