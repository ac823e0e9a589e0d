"""Every create, update and delete of a domain object is in the audit log, which admins can read."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.urls import reverse

from bridgehead.core.audit import AUDITED_APPS, NOT_AUDITED
from bridgehead.registry.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_every_domain_model_is_registered():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in AUDITED_APPS
        and (model._meta.app_label, model._meta.model_name) not in NOT_AUDITED
        and not auditlog.contains(model)
    ]
    assert missing == []


def test_create_update_delete_are_logged_with_the_actor(world, login):
    client = login(world["users"]["manager"])
    client.post(reverse("organisation-create"), {"name_en": "Audit Co", "kind": "startup", "country": "KR"})
    organisation = Organisation.objects.get(name_en="Audit Co")
    client.post(
        reverse("organisation-edit", args=[organisation.slug]),
        {"name_en": "Audit Co 2", "kind": "startup", "country": "KR"},
    )
    entries = LogEntry.objects.get_for_object(organisation).order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries[1].changes_dict["name_en"] == ["Audit Co", "Audit Co 2"]
    assert {e.actor.username for e in entries} == {"manager"}
    pk = organisation.pk
    organisation.delete()
    assert LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).count() == 1


def test_audit_log_visible_to_admins_only(world, login):
    OrganisationFactory()
    url = reverse("admin:auditlog_logentry_changelist")
    assert login(world["users"]["admin"]).get(url).status_code == 200
    assert login(world["users"]["manager"]).get(url).status_code == 302  # to the admin log-in: not staff
