"""Calendar-feed tokens (issue 13, finding 9): rotatable by the participant or the event staff — the old
address stops working at once — and dead when the participant's account is deactivated."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from bridgehead.core.models import ApiToken
from bridgehead.partnering.models import Participant
from tests.partnering.factories import EventFactory, participant

pytestmark = pytest.mark.django_db


def feed(client, token: str) -> int:
    return client.get(reverse("calendar-feed", args=[token])).status_code


def test_a_deactivated_participants_feed_answers_404(client, fair):
    token = fair["investor"].calendar_token
    assert feed(client, token) == 200
    user = fair["investor"].person.user
    user.is_active = False
    user.save()
    assert feed(client, token) == 404


def test_the_participant_rotates_the_token_on_the_profile_page_and_the_old_address_dies(client, fair):
    investor = fair["investor"]
    old = investor.calendar_token
    client.force_login(investor.person.user)
    page = client.get(reverse("event-me", args=["sd-day"])).content.decode()
    assert 'data-testid="rotate-calendar-token"' in page and old in page
    response = client.post(reverse("event-calendar-rotate", args=["sd-day"]))
    assert response.status_code == 302
    new = Participant.objects.get(pk=investor.pk).calendar_token
    assert new != old and len(new) >= 32
    assert (feed(client, old), feed(client, new)) == (404, 200)
    assert new in client.get(reverse("event-me", args=["sd-day"])).content.decode()


def test_staff_rotate_a_participants_token_from_the_agenda_page(client, fair):
    investor = fair["investor"]
    old = investor.calendar_token
    client.force_login(fair["manager"])
    url = reverse("event-calendar-rotate-of", args=["sd-day", investor.pk])
    assert url in client.get(reverse("event-agenda-of", args=["sd-day", investor.pk])).content.decode()
    assert client.post(url).status_code == 302
    assert feed(client, old) == 404


def test_nobody_else_rotates_a_token_on_the_page(client, fair):
    investor = fair["investor"]
    old = investor.calendar_token
    url = reverse("event-calendar-rotate-of", args=["sd-day", investor.pk])
    for user in (fair["startup"].person.user, fair["other_manager"], fair["outsider"]):
        client.force_login(user)
        response = client.post(url)
        assert response.status_code in (403, 404), user
    assert Participant.objects.get(pk=investor.pk).calendar_token == old


def _rotate(client, user, slug: str, participant_id: int):
    _token, raw = ApiToken.issue(user=user, name="test")
    return client.post(
        f"/api/partnering/events/{slug}/participants/{participant_id}/calendar-token",
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )


def test_the_api_rotates_for_the_participant_and_staff_only(client, fair):
    investor = fair["investor"]
    old = investor.calendar_token
    refused = _rotate(client, fair["startup"].person.user, "sd-day", investor.pk)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission.partnering.rotate_calendar_token")
    other_tenant = _rotate(client, fair["other_manager"], "sd-day", investor.pk)
    assert (other_tenant.status_code, other_tenant.json()["code"]) == (
        403,
        "permission.partnering.rotate_calendar_token",
    )
    assert Participant.objects.get(pk=investor.pk).calendar_token == old

    mine = _rotate(client, investor.person.user, "sd-day", investor.pk)
    assert mine.status_code == 200, mine.content
    new = Participant.objects.get(pk=investor.pk).calendar_token
    assert mine.json()["feed_url"].endswith(reverse("calendar-feed", args=[new]))
    assert (feed(client, old), feed(client, new)) == (404, 200)
    assert _rotate(client, fair["manager"], "sd-day", investor.pk).status_code == 200


def test_a_participant_of_another_event_is_not_found_through_this_event(client, fair):
    elsewhere = participant(EventFactory(slug="elsewhere"), "startup", "far")
    response = _rotate(client, fair["manager"], "sd-day", elsewhere.pk)
    assert response.status_code == 404


def test_the_audit_log_never_holds_a_calendar_token(client, fair):
    investor = fair["investor"]
    old = investor.calendar_token
    client.force_login(investor.person.user)
    client.post(reverse("event-calendar-rotate", args=["sd-day"]))
    new = Participant.objects.get(pk=investor.pk).calendar_token
    logged = json.dumps([e.changes for e in LogEntry.objects.all()], default=str)
    assert old not in logged and new not in logged
