"""Partnering API: same permissions and services as the pages; refusals carry the same codes."""

from __future__ import annotations

import json

import pytest
from icalendar import Calendar

from bridgehead.core.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _token, raw = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {raw}"}


def post(client, url, payload, headers):
    return client.post(url, json.dumps(payload), content_type="application/json", headers=headers)


def test_request_accept_solve_publish_agenda(client, fair, django_capture_on_commit_callbacks):
    startup, investor, manager = fair["startup"], fair["investor"], fair["manager"]
    extra = fair["event"].participants.create(
        person=investor.person.__class__.objects.create(name_en="Dana", organisation=investor.organisation, user=None),
        organisation=investor.organisation,
        kind="investor",
    )
    response = post(
        client,
        "/api/partnering/events/sd-day/requests",
        {"recipient": extra.pk, "message": "hi"},
        bearer(startup.person.user),
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    refused = post(
        client, "/api/partnering/events/sd-day/requests", {"recipient": startup.pk}, bearer(startup.person.user)
    )
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["field"]) == ("partnering.request.to_self", None)

    with django_capture_on_commit_callbacks(execute=True):
        run = post(client, "/api/partnering/events/sd-day/solve", {"time_limit": 2}, bearer(manager))
    assert run.status_code == 202
    run_id = run.json()["id"]
    assert client.get(f"/api/partnering/runs/{run_id}", headers=bearer(manager)).json()["status"] == "succeeded"
    published = post(client, f"/api/partnering/runs/{run_id}/publish", {}, bearer(manager))
    assert published.status_code == 200 and published.json()["published_at"]

    agenda = client.get("/api/partnering/events/sd-day/agenda", headers=bearer(investor.person.user)).json()["items"]
    assert [m["id"] for m in agenda] == [fair["meeting"].pk]
    assert agenda[0]["starts_at"].endswith("Z")
    ics = client.get("/api/partnering/events/sd-day/agenda.ics", headers=bearer(investor.person.user))
    events = [c for c in Calendar.from_ical(ics.content).walk() if c.name == "VEVENT"]
    assert str(events[0]["uid"]) == f"{agenda[0]['uid']}@bridgehead"


def test_solve_refused_to_participants_and_other_programs(client, fair):
    for user in (fair["startup"].person.user, fair["other_manager"]):
        answer = post(client, "/api/partnering/events/sd-day/solve", {}, bearer(user))
        assert (answer.status_code, answer.json()["code"]) == (403, "permission.partnering.manage_event")


def test_outsider_sees_no_participants_or_meetings(client, fair):
    headers = bearer(fair["outsider"])
    for what in ("participants", "meetings"):
        answer = client.get(f"/api/partnering/events/sd-day/{what}", headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (403, "partnering.participant.not_registered")


def test_participant_sees_only_own_meetings(client, fair):
    user = fair["startup"].person.user
    mine = client.get("/api/partnering/events/sd-day/meetings", headers=bearer(user)).json()["items"]
    assert [m["id"] for m in mine] == [fair["meeting"].pk]


def test_bad_payloads(client, fair):
    headers = bearer(fair["startup"].person.user)
    too_long = post(
        client,
        "/api/partnering/events/sd-day/requests",
        {"recipient": fair["investor"].pk, "message": "x" * 2001},
        headers,
    )
    assert too_long.status_code == 422
    assert too_long.json()["detail"][0]["loc"] == ["body", "payload", "message"]
    unknown = post(client, "/api/partnering/events/sd-day/requests", {"recipient": 999999}, headers)
    assert unknown.status_code == 404
    bad_limit = post(client, "/api/partnering/events/sd-day/solve", {"time_limit": 0}, bearer(fair["manager"]))
    assert bad_limit.status_code == 422
    bad_objective = post(client, "/api/partnering/events/sd-day/solve", {"objective": "fast"}, bearer(fair["manager"]))
    assert bad_objective.status_code == 422


def test_accept_past_the_meeting_limit_is_409_with_its_code(client, fair):
    """Issue 11: capacity is checked at accept through the API too (the fair's investor already has one)."""
    from tests.partnering.factories import participant

    fair["event"].max_meetings = 1
    fair["event"].save()
    second = participant(fair["event"], "startup", "gorae", language="ko", zone="Asia/Seoul")
    created = post(
        client, "/api/partnering/events/sd-day/requests", {"recipient": fair["investor"].pk}, bearer(second.person.user)
    )
    assert (created.status_code, created.json()["code"]) == (409, "partnering.request.partner_full")
    meetings = client.get("/api/partnering/events/sd-day/meetings", headers=bearer(fair["investor"].person.user))
    assert [m["unplaced_reason"] for m in meetings.json()["items"]] == [""]
    other = client.get("/api/partnering/events/sd-day/meetings", headers=bearer(fair["outsider"]))
    assert other.status_code == 403
