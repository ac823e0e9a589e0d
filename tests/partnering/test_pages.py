"""Pages per role: participants see their own things, staff run the event, everyone else is refused."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bridgehead.partnering import scheduling
from tests.partnering.factories import add_session

pytestmark = pytest.mark.django_db


def get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize(
    "page",
    ["event-me", "event-availability", "event-recommendations", "event-requests", "event-agenda", "event-agenda-ics"],
)
def test_participant_pages(client, fair, page):
    response = get(client, fair["startup"].person.user, page, "sd-day")
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["event-participants", "event-schedule", "event-table-plan", "event-edit"])
def test_staff_pages_refused_to_participants_and_other_managers(client, fair, page):
    assert get(client, fair["manager"], page, "sd-day").status_code == 200
    assert get(client, fair["startup"].person.user, page, "sd-day").status_code == 403
    assert get(client, fair["other_manager"], page, "sd-day").status_code == 403


def test_draft_event_is_hidden_from_everyone_but_staff(client, fair):
    fair["event"].status = "draft"
    fair["event"].save()
    assert get(client, fair["outsider"], "event-detail", "sd-day").status_code == 404
    assert get(client, fair["manager"], "event-detail", "sd-day").status_code == 200


def test_someone_elses_agenda_is_refused(client, fair):
    url_args = ("sd-day", fair["investor"].pk)
    assert get(client, fair["startup"].person.user, "event-agenda-of", *url_args).status_code == 403
    assert get(client, fair["manager"], "event-agenda-of", *url_args).status_code == 200


def test_non_participant_has_no_agenda(client, fair):
    # The published event is visible to them, its participant pages are not theirs: 403 with the API's code.
    response = get(client, fair["outsider"], "event-agenda", "sd-day")
    assert response.status_code == 403
    assert b'data-refusal-code="partnering.participant.not_registered"' in response.content


def test_run_status_hidden_from_other_programs(client, fair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduling.start_solve(event=fair["event"], by=fair["manager"], time_limit=3)
    assert get(client, fair["manager"], "run-status", run.pk).status_code == 200
    assert get(client, fair["other_manager"], "run-status", run.pk).status_code == 404
    body = get(client, fair["manager"], "run-status", run.pk).content.decode()
    assert "Scheduled 1 of 1 accepted meetings (bound 1)" in body


def test_recommendations_show_reasons_in_the_viewers_language(client, fair):
    body = get(client, fair["investor"].person.user, "event-recommendations", "sd-day").content.decode()
    assert "Haeum Org" in body
    assert 'data-testid="recommendation"' in body


def test_request_through_the_page_and_refusal_message(client, fair):
    client.force_login(fair["startup"].person.user)
    response = client.post(reverse("event-send-request", args=["sd-day", fair["startup"].pk]), follow=True)
    assert "자기 자신에게는 미팅을 요청할 수 없습니다." in response.content.decode()


def test_check_in_and_feedback_by_a_side(client, fair):
    """Changed by issue 11: check-in is possible only on the meeting's day, so the meeting is placed today."""
    today = dt.datetime.now(ZoneInfo("America/Los_Angeles")).date()
    add_session(fair["event"], today, "00:00", "23:30")
    meeting = fair["meeting"]
    slot = fair["event"].slots.get(starts_at=dt.datetime.combine(today, dt.time(12), ZoneInfo("America/Los_Angeles")))
    scheduling.pin_meeting(meeting=meeting, slot=slot, table=1, by=fair["manager"])
    client.force_login(fair["investor"].person.user)
    client.post(reverse("meeting-action", args=[meeting.pk, "check-in"]))
    client.post(reverse("meeting-action", args=[meeting.pk, "feedback"]), {"valuable": "yes", "follow_up": "no"})
    meeting.refresh_from_db()
    assert meeting.status == "checked_in"
    feedback = meeting.feedback.get()
    assert (feedback.participant, feedback.valuable, feedback.follow_up) == (fair["investor"], True, False)
    client.force_login(fair["outsider"])
    refused = client.post(reverse("meeting-action", args=[meeting.pk, "no-show"]))
    assert refused.status_code == 403
    assert 'data-refusal-code="permission.partnering.record_no_show"' in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "checked_in"  # the outsider's post changed nothing


def test_event_setup_form_builds_slots(client, fair):
    client.force_login(fair["manager"])
    data = {
        "program": fair["event"].program.slug,
        "slug": "new-day",
        "title_en": "New day",
        "title_ko": "",
        "time_zone": "America/Los_Angeles",
        "slot_minutes": 20,
        "tables": 5,
        "virtual_allowed": "on",
        "allowed_pairs": ["startup:investor"],
        "request_quota": 10,
        "max_meetings": 8,
        "sessions-TOTAL_FORMS": 1,
        "sessions-INITIAL_FORMS": 0,
        "sessions-MIN_NUM_FORMS": 0,
        "sessions-MAX_NUM_FORMS": 1000,
        "sessions-0-date": "2026-06-02",
        "sessions-0-starts": "09:00",
        "sessions-0-ends": "10:00",
        "sessions-0-name_en": "AM",
    }
    response = client.post(reverse("event-create") + f"?program={fair['event'].program.slug}", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    from bridgehead.partnering.models import Event

    created = Event.objects.get(slug="new-day")
    assert created.slots.count() == 3
    assert created.allowed_pairs == ["startup:investor"]


def test_staff_recompute_recommendations(client, fair, django_capture_on_commit_callbacks):
    from bridgehead.partnering.models import Recommendation

    client.force_login(fair["startup"].person.user)
    assert client.post(reverse("event-refresh-recommendations", args=["sd-day"])).status_code == 403
    client.force_login(fair["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("event-refresh-recommendations", args=["sd-day"]))
    pairs = set(
        Recommendation.objects.values_list("participant__person__user__username", "partner__person__user__username")
    )
    assert pairs == {("haeum", "pacific"), ("pacific", "haeum")}


def test_staff_pin_from_a_participants_agenda(client, fair, django_capture_on_commit_callbacks):
    slot = fair["event"].slots.order_by("-starts_at").first()
    client.force_login(fair["manager"])
    agenda = client.get(reverse("event-agenda-of", args=["sd-day", fair["startup"].pk])).content.decode()
    assert f'data-testid="pin-{fair["meeting"].pk}"' in agenda
    client.post(reverse("meeting-action", args=[fair["meeting"].pk, "pin"]), {"slot": slot.pk, "table": 2})
    fair["meeting"].refresh_from_db()
    assert (fair["meeting"].slot_id, fair["meeting"].table, fair["meeting"].pinned) == (slot.pk, 2, True)
    own = client.get(reverse("event-agenda-of", args=["sd-day", fair["startup"].pk]))
    assert own.status_code == 200
    client.force_login(fair["startup"].person.user)
    mine = client.get(reverse("event-agenda", args=["sd-day"])).content.decode()
    assert 'data-testid="pin-' not in mine
    response = client.post(reverse("meeting-action", args=[fair["meeting"].pk, "pin"]), {"slot": slot.pk}, follow=True)
    assert "미팅을 직접 옮기는 것은 행사 운영진만 할 수 있습니다." in response.content.decode()
