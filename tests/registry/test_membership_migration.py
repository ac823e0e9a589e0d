"""The upgrade turns today's affiliations into memberships (registry 0002), trusting only what someone other
than the person set (Issue 13 finding 1: an organisation typed on one's own record is only a request)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(registry: str):
    """Every app at its latest migration, the registry at ``registry``; the models as of that state."""
    executor = MigrationExecutor(connection)
    targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "registry"]
    targets.append(("registry", registry))
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_roles_and_contacts_become_members_and_typed_organisations_become_requests():
    apps = migrate("0001_initial")
    User = apps.get_model("core", "User")
    Organisation = apps.get_model("registry", "Organisation")
    Person = apps.get_model("registry", "Person")
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    ours = Organisation.objects.create(slug="ours", name_en="Ours", kind="startup", country="KR")
    sierra = Organisation.objects.create(slug="sierra", name_en="Sierra", kind="investor", country="US")
    granted = User.objects.create(username="granted")
    RoleAssignment.objects.create(user=granted, role="startup_member", organisation=ours)
    Person.objects.create(user=granted, name_en="Granted", organisation=ours)
    typed = User.objects.create(username="typed")
    Person.objects.create(user=typed, name_en="Typed", organisation=sierra)  # no role backs it
    Person.objects.create(name_en="Contact", organisation=sierra)  # no account: set by staff or an import

    apps = migrate("0002_memberships")
    Membership = apps.get_model("registry", "Membership")
    Person = apps.get_model("registry", "Person")
    rows = {
        (m.person.name_en, m.organisation.slug): m.status
        for m in Membership.objects.select_related("person", "organisation")
    }
    assert rows == {
        ("Granted", "ours"): "active",
        ("Typed", "sierra"): "requested",
        ("Contact", "sierra"): "active",
    }
    assert Person.objects.get(name_en="Typed").organisation_id is None
    assert Person.objects.get(name_en="Granted").organisation_id == ours.pk
