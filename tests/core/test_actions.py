"""Domain actions: one transaction, the actor from the call (whatever the door), side effects after commit."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from bridgehead.core.actions import acting_as, after_commit, current_actor, domain_action, record
from bridgehead.registry.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@domain_action
def rename(*, organisation: Organisation, name: str, by, fail: bool = False, sent: list | None = None) -> None:
    organisation.name_en = name
    organisation.save()
    after_commit(lambda: sent.append(name) if sent is not None else None)
    if fail:
        raise RuntimeError("after the write")


def test_the_actor_is_the_by_argument_and_the_door_is_kept(world):
    organisation = OrganisationFactory(name_en="Before")
    with acting_as(world["users"]["admin"], via="cli"):
        rename(organisation=organisation, name="After", by=world["users"]["manager"])
        assert current_actor().user == world["users"]["admin"]  # the outer actor is back
    entry = LogEntry.objects.get_for_object(organisation).latest("timestamp")
    assert entry.actor == world["users"]["manager"]
    assert entry.additional_data["via"] == "cli"
    assert current_actor() is None


def test_a_failed_action_writes_nothing_and_sends_nothing(world, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name_en="Before")
    sent: list[str] = []
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        rename(organisation=organisation, name="After", by=world["users"]["manager"], fail=True, sent=sent)
    organisation.refresh_from_db()
    assert organisation.name_en == "Before" and sent == []
    with django_capture_on_commit_callbacks(execute=True):
        rename(organisation=organisation, name="After", by=world["users"]["manager"], sent=sent)
    assert sent == ["After"]


def test_record_names_a_bulk_change_and_its_actor(world):
    organisation = OrganisationFactory()
    with acting_as(world["users"]["manager"], via="task"):
        entry = record(organisation, "test.bulk.moved", summary="2 moved", detail={"moved": [1, 2]})
    entry.refresh_from_db()
    assert entry.actor == world["users"]["manager"]
    assert entry.additional_data == {"action": "test.bulk.moved", "moved": [1, 2], "via": "task"}
    assert entry.changes_dict == {"test.bulk.moved": ["", "2 moved"]}


def test_an_api_token_write_is_logged_with_the_token_owner(world, client):
    from bridgehead.core.models import ApiToken

    _token, raw = ApiToken.issue(user=world["users"]["manager"], name="script")
    answer = client.post(
        "/api/organisations",
        {"name_en": "Token Co", "kind": "startup", "country": "KR"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 201, answer.content
    entry = LogEntry.objects.get_for_object(Organisation.objects.get(name_en="Token Co")).get()
    assert entry.actor == world["users"]["manager"]
    assert entry.additional_data["via"] == "api-token"


def test_a_session_write_is_logged_via_the_web(world, login):
    login(world["users"]["manager"]).post(
        reverse("organisation-create"), {"name_en": "Session Co", "kind": "startup", "country": "KR"}
    )
    entry = LogEntry.objects.get_for_object(Organisation.objects.get(name_en="Session Co")).get()
    assert entry.actor == world["users"]["manager"] and entry.additional_data["via"] == "web"
