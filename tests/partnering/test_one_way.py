"""One way to act (issue 12): the page and the API refuse the same action with the same code; every service
that changes state checks the acting user itself (a second tenant is refused whatever door it uses); the
schedule publish, a bulk write, leaves one audit entry naming its actor and the meetings it moved."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from bridgehead.core.errors import Kind
from bridgehead.core.models import ApiToken
from bridgehead.partnering import scheduling, services
from bridgehead.partnering.enums import RunStatus
from bridgehead.partnering.forms import ProfileForm
from bridgehead.partnering.models import Event, Meeting, MeetingRequest, ScheduleRun
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant, refused

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


def api_post(client, url: str, payload: dict, user):
    return client.post(url, json.dumps(payload), content_type="application/json", headers=bearer(user))


def page_code(response) -> str:
    """The refusal code a page answered with: on the 403 page, or on the flash message of the page it led to."""
    body = response.content.decode()
    marker = 'data-refusal-code="'
    assert marker in body, body[:500]
    start = body.index(marker) + len(marker)
    return body[start : body.index('"', start)]


@pytest.fixture
def tenants(fair):
    """``fair`` (sd-day) plus a second tenant: another program's event, its manager and its participant."""
    other = EventFactory(slug="harbor-day")
    add_session(other, dt.date(2026, 7, 1), "09:00", "10:00")
    torrey = participant(fair["event"], "investor", "torrey")
    pending = services.send_request(sender=fair["startup"], recipient=torrey, by=fair["startup"].person.user)
    return {
        **fair,
        "torrey": torrey,
        "pending": pending,
        "other_event": other,
        "stranger": participant(other, "investor", "harbor").person.user,
        "their_manager": grant(UserFactory(username="harbor-pm"), "program_manager", program=other.program),
    }


# --- (a) the same forbidden action: the same code from the API and the page -----------------------------


def test_accepting_someone_elses_request_is_refused_with_one_code(client, tenants):
    pending, stranger = tenants["pending"], tenants["stranger"]
    api = api_post(client, f"/api/partnering/requests/{pending.pk}/accept", {}, stranger)
    client.force_login(stranger)
    page = client.post(reverse("request-action", args=[pending.pk, "accept"]))
    assert (api.status_code, api.json()["code"]) == (403, "permission.partnering.accept_request")
    assert (page.status_code, page_code(page)) == (403, "permission.partnering.accept_request")
    assert "Only the invited participant can accept this request." in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"


@pytest.mark.parametrize("who", ["startup", "their_manager"])
def test_solving_another_programs_event_is_refused_with_one_code(client, tenants, who):
    user = tenants[who].person.user if who == "startup" else tenants[who]
    api = api_post(client, "/api/partnering/events/sd-day/solve", {"time_limit": 2}, user)
    client.force_login(user)
    page = client.post(reverse("event-schedule", args=["sd-day"]), {"time_limit": 2, "objective": "weight"})
    assert (api.status_code, api.json()["code"]) == (403, "permission.partnering.manage_event")
    assert (page.status_code, page_code(page)) == (403, "permission.partnering.manage_event")
    assert ScheduleRun.objects.count() == 0


# --- (b) the same conflict: the same code from the API and the page -------------------------------------


def test_a_request_to_oneself_is_refused_with_one_code(client, tenants):
    me = tenants["startup"]
    api = api_post(client, "/api/partnering/events/sd-day/requests", {"recipient": me.pk}, me.person.user)
    client.force_login(me.person.user)
    page = client.post(reverse("event-send-request", args=["sd-day", me.pk]), follow=True)
    assert (api.status_code, api.json()["code"]) == (409, "partnering.request.to_self")
    assert (page.status_code, page_code(page)) == (200, "partnering.request.to_self")
    assert page.redirect_chain == [(reverse("event-requests", args=["sd-day"]), 302)]  # where it always went


def test_a_request_to_a_full_participant_is_refused_with_one_code(client, tenants):
    tenants["event"].max_meetings = 1  # the investor already holds the fair's meeting
    tenants["event"].save()
    gorae = participant(tenants["event"], "startup", "gorae", language="ko", zone="Asia/Seoul")
    investor = tenants["investor"]
    api = api_post(client, "/api/partnering/events/sd-day/requests", {"recipient": investor.pk}, gorae.person.user)
    client.force_login(gorae.person.user)
    page = client.post(reverse("event-send-request", args=["sd-day", investor.pk]), follow=True)
    assert (api.status_code, api.json()["code"]) == (409, "partnering.request.partner_full")
    assert page_code(page) == "partnering.request.partner_full"
    assert MeetingRequest.objects.filter(sender=gorae).count() == 0


def test_a_message_over_the_limit_has_one_code_on_the_page_and_in_the_service(client, tenants):
    me, torrey = tenants["investor"], tenants["torrey"]
    gorae = participant(tenants["event"], "startup", "gorae")
    client.force_login(gorae.person.user)
    page = client.post(reverse("event-send-request", args=["sd-day", me.pk]), {"message": "x" * 2001}, follow=True)
    assert page_code(page) == "partnering.request.message_too_long"
    with refused("partnering.request.message_too_long", Kind.INVALID, limit="2,000") as caught:
        services.send_request(sender=gorae, recipient=torrey, message="x" * 2001, by=gorae.person.user)
    assert caught.value.field == "message"


# --- (c) a second tenant tries every service that changes state ------------------------------------------


def _attempts(t: dict) -> list[tuple[str, str, object]]:
    """(service, permission it needs, call) for every state-changing service, aimed at the first tenant."""
    event, meeting, pending = t["event"], t["meeting"], t["pending"]
    startup = t["startup"]
    slot = event.slots.order_by("starts_at").first()
    run = ScheduleRun.objects.create(event=event, status=RunStatus.SUCCEEDED, solution={}, diagnostics={})
    return [
        ("build_slots", "manage_event", lambda by: services.build_slots(event=event, by=by)),
        ("publish_event", "manage_event", lambda by: services.publish_event(event=event, by=by)),
        ("refresh_recommendations", "manage_event", lambda by: services.refresh_recommendations(event=event, by=by)),
        (
            "register_participant",
            "register_participant",
            lambda by: services.register_participant(event=event, person=t["torrey"].person, by=by),
        ),
        (
            "set_availability",
            "change_participant",
            lambda by: services.set_availability(participant=startup, unavailable=[slot.pk], by=by),
        ),
        (
            "send_request",
            "send_request",
            lambda by: services.send_request(sender=t["investor"], recipient=startup, by=by),
        ),
        ("accept_request", "accept_request", lambda by: services.accept_request(request=pending, by=by)),
        ("decline_request", "decline_request", lambda by: services.decline_request(request=pending, by=by)),
        ("withdraw_request", "withdraw_request", lambda by: services.withdraw_request(request=pending, by=by)),
        ("cancel_meeting", "cancel_meeting", lambda by: services.cancel_meeting(meeting=meeting, by=by)),
        ("check_in", "check_in", lambda by: services.check_in(meeting=meeting, by=by)),
        ("mark_no_show", "record_no_show", lambda by: services.mark_no_show(meeting=meeting, by=by)),
        (
            "give_feedback",
            "give_feedback",
            lambda by: services.give_feedback(meeting=meeting, by=by, valuable=True, follow_up=True),
        ),
        (
            "pin_meeting",
            "move_meeting",
            lambda by: scheduling.pin_meeting(meeting=meeting, slot=slot, table=1, by=by),
        ),
        ("start_solve", "manage_event", lambda by: scheduling.start_solve(event=event, by=by, time_limit=2)),
        ("publish_run", "manage_event", lambda by: scheduling.publish_run(run=run, by=by)),
        (
            "save_profile",
            "change_participant",
            lambda by: services.save_profile(
                form=ProfileForm({"language": "en", "attendance": "in_person"}, instance=startup, event=event), by=by
            ),
        ),
    ]


def _snapshot(event: Event) -> tuple:
    event.refresh_from_db()
    return (
        event.status,
        event.schedule_published_at,
        sorted(event.slots.values_list("pk", "starts_at")),
        sorted(event.participants.values_list("pk", flat=True)),
        sorted(MeetingRequest.objects.filter(event=event).values_list("pk", "status")),
        sorted(Meeting.objects.filter(event=event).values_list("pk", "status", "slot_id", "table", "pinned")),
        sorted(event.meetings.values_list("feedback__pk", flat=True), key=str),
        sorted(event.runs.values_list("pk", "status", "published_at"), key=str),
        sorted(event.participants.values_list("unavailable__pk", flat=True), key=str),
    )


@pytest.mark.parametrize("who", ["stranger", "their_manager"])
def test_a_second_tenant_is_refused_by_every_service(tenants, who, django_capture_on_commit_callbacks):
    by = tenants[who]
    attempts = _attempts(tenants)
    before = _snapshot(tenants["event"])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        for name, perm, attempt in attempts:
            with refused(f"permission.partnering.{perm}", Kind.FORBIDDEN):
                attempt(by)
            assert name  # (the name reads in a failure's traceback)
    assert queued == []  # nothing was mailed or queued
    assert _snapshot(tenants["event"]) == before


def test_every_state_changing_service_is_a_domain_action():
    names = [
        "build_slots",
        "publish_event",
        "refresh_recommendations",
        "register_participant",
        "set_availability",
        "save_profile",
        "send_request",
        "accept_request",
        "decline_request",
        "withdraw_request",
        "expire_requests",
        "remind_pending",
        "cancel_meeting",
        "check_in",
        "mark_no_show",
        "give_feedback",
    ]
    assert [n for n in names if not getattr(getattr(services, n), "is_domain_action", False)] == []
    assert scheduling.publish_run.is_domain_action and scheduling.pin_meeting.is_domain_action


def test_the_first_tenants_own_people_still_act(tenants):
    """The same services, by the people the rules name: the refusals above are about who, not what."""
    pending, torrey = tenants["pending"], tenants["torrey"]
    meeting = services.accept_request(request=pending, by=torrey.person.user)
    services.cancel_meeting(meeting=meeting, by=tenants["manager"])
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


# --- (d) the publish of a schedule: one audit entry with the actor and the moved meetings ------------------


def _solve(event: Event, by, capture) -> ScheduleRun:
    with capture(execute=True):
        run = scheduling.start_solve(event=event, by=by, time_limit=5)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    return run


def _published_entries(event: Event):
    return LogEntry.objects.get_for_object(event).filter(additional_data__action="partnering.schedule.published")


def test_publishing_leaves_one_entry_naming_the_actor_and_the_moved_meetings(
    client, fair, django_capture_on_commit_callbacks
):
    event, manager, meeting, investor = fair["event"], fair["manager"], fair["meeting"], fair["investor"]
    first = _solve(event, manager, django_capture_on_commit_callbacks)
    scheduling.publish_run(run=first, by=manager)
    meeting.refresh_from_db()
    placed_at, placed_table = meeting.slot, meeting.table
    entry = _published_entries(event).get()
    assert entry.actor == manager
    assert (entry.additional_data["created"], entry.additional_data["moved"], entry.additional_data["removed"]) == (
        [meeting.pk],
        [],
        [],
    )

    # The investor can no longer make that time: the next publish moves the meeting; it is published through
    # the API with the manager's token, and the entry names the token's owner.
    services.set_availability(participant=investor, unavailable=[placed_at.pk], by=investor.person.user)
    second = _solve(event, manager, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_post(client, f"/api/partnering/runs/{second.pk}/publish", {}, manager)
    assert answer.status_code == 200, answer.content
    meeting.refresh_from_db()
    assert meeting.slot != placed_at
    entries = list(_published_entries(event).order_by("pk"))
    assert len(entries) == 2
    moved = entries[1]
    assert (moved.actor, moved.additional_data["via"]) == (manager, "api-token")
    assert moved.additional_data["moved"] == [
        {
            "meeting": meeting.pk,
            "from": placed_at.starts_at.astimezone(dt.UTC).isoformat(),
            "to": meeting.slot.starts_at.astimezone(dt.UTC).isoformat(),
            "from_table": placed_table,
            "to_table": meeting.table,
        }
    ]
    assert (moved.additional_data["created"], moved.additional_data["removed"], moved.additional_data["run"]) == (
        [],
        [],
        second.pk,
    )
    assert moved.changes_dict["partnering.schedule.published"][1] == (
        f"Schedule run {second.pk} published: 1 meetings moved, 0 given a time, 0 lost their time."
    )


def test_a_refused_publish_leaves_no_entry(fair, django_capture_on_commit_callbacks):
    run = _solve(fair["event"], fair["manager"], django_capture_on_commit_callbacks)
    with refused("permission.partnering.manage_event", Kind.FORBIDDEN):
        scheduling.publish_run(run=run, by=fair["other_manager"])
    scheduling.publish_run(run=run, by=fair["manager"])
    with refused("partnering.run.already_published", Kind.CONFLICT):
        scheduling.publish_run(run=run, by=fair["manager"])
    assert _published_entries(fair["event"]).count() == 1


def test_a_bulk_import_leaves_one_entry_with_the_counts_and_the_door(db):
    from bridgehead.core.actions import acting_as
    from bridgehead.engines.schedule.generate import generate
    from bridgehead.partnering import bulk
    from tests.partnering.factories import site_admin

    event, operator = EventFactory(slug="imported"), site_admin()
    with acting_as(operator, via="cli"):
        counts = bulk.import_instance(event=event, instance=generate(12, seed=1))
    entry = LogEntry.objects.get_for_object(event).get(additional_data__action="partnering.instance.imported")
    assert (entry.actor, entry.additional_data["via"]) == (operator, "cli")
    assert {k: entry.additional_data[k] for k in counts} == counts
    assert counts["participants"] == 12 == event.participants.count()
