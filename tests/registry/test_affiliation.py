"""Verified affiliation (Issue 13 findings 1 and 11): membership is granted, never typed in.

Every test has a second tenant: another organisation (and its admin), or a manager of another program.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.core.models import RoleAssignment
from bridgehead.partnering import services as partnering
from bridgehead.partnering.notify import _recipient
from bridgehead.registry import memberships
from bridgehead.registry.models import Membership, MembershipStatus, Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, grant, member
from tests.partnering.factories import EventFactory, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def sierra(world):
    """Sierra Medical with its admin member, and a published event of our program it takes part in."""
    sierra = OrganisationFactory(slug="sierra-medical", kind="investor", name_en="Sierra Medical Systems")
    admin = UserFactory(username="sierra-admin")
    member(Person.objects.create(user=admin, name_en="Sierra Admin"), sierra, is_admin=True)
    event = EventFactory(program=world["our_program"], slug="demo-event")
    return {"org": sierra, "admin": admin, "event": event}


def own_person(user) -> Person:
    return memberships.person_for(user)


def test_a_person_cannot_patch_their_own_organisation_nor_register_as_it(world, sierra, login):
    """Issue 13 finding 1: guest PATCHed their organisation to Sierra Medical (200) and registered as it."""
    guest = world["users"]["guest"]
    person = own_person(guest)
    api = login(guest).patch(
        f"/api/people/{person.pk}", json.dumps({"organisation": "sierra-medical"}), content_type="application/json"
    )
    assert api.status_code == 422
    assert api.json()["code"] == "registry.person.organisation_by_membership"
    person.refresh_from_db()
    assert person.organisation is None
    with refused("partnering.participant.no_organisation"):
        partnering.register_participant(event=sierra["event"], person=person, by=guest)
    with refused("partnering.participant.not_a_member"):
        partnering.register_participant(event=sierra["event"], person=person, organisation=sierra["org"], by=guest)
    assert not sierra["event"].participants.exists()


def test_a_member_of_one_organisation_cannot_register_as_another(world, sierra):
    """Issue 13 finding 1: the startup user registered as an investor."""
    startup = world["users"]["startup"]
    person = PersonFactory(user=startup, organisation=world["startup"])
    with refused("partnering.participant.not_a_member"):
        partnering.register_participant(event=sierra["event"], person=person, organisation=sierra["org"], by=startup)
    participant = partnering.register_participant(event=sierra["event"], person=person, by=startup)
    assert participant.organisation == world["startup"]


def test_several_memberships_need_a_choice(world, sierra):
    startup = world["users"]["startup"]
    person = PersonFactory(user=startup, organisation=world["startup"])
    member(person, world["investor"])
    Person.objects.filter(pk=person.pk).update(organisation=None)
    person.refresh_from_db()
    with refused("partnering.participant.choose_organisation"):
        partnering.register_participant(event=sierra["event"], person=person, by=startup)
    chosen = partnering.register_participant(
        event=sierra["event"], person=person, organisation=world["investor"], by=startup
    )
    assert chosen.organisation == world["investor"]


def test_request_approved_by_the_organisations_admin_grants_the_role(world, sierra):
    guest = world["users"]["guest"]
    person = own_person(guest)
    request = memberships.request_membership(person=person, organisation=sierra["org"], by=guest)
    assert not roles.organisation_ids(guest)
    with refused("permission.registry.approve_membership"):
        memberships.approve_membership(membership=request, by=guest)  # not their own
    other_admin = UserFactory(username="investor-admin")
    member(Person.objects.create(user=other_admin, name_en="Other"), world["investor"], is_admin=True)
    with refused("permission.registry.approve_membership"):
        memberships.approve_membership(membership=request, by=other_admin)  # another organisation's admin
    with refused("permission.registry.approve_membership"):
        memberships.approve_membership(membership=request, by=world["users"]["investor"])  # a plain member elsewhere
    memberships.approve_membership(membership=request, by=sierra["admin"])
    roles.forget(guest)
    assert roles.organisation_ids(guest) == {sierra["org"].pk}
    assert RoleAssignment.objects.filter(user=guest, role=Role.PARTNER_MEMBER, organisation=sierra["org"]).exists()
    person.refresh_from_db()
    assert person.organisation == sierra["org"]
    participant = partnering.register_participant(event=sierra["event"], person=person, by=guest)
    assert participant.organisation == sierra["org"]


def test_ending_removes_the_role_and_keeps_the_history(world, sierra):
    guest = world["users"]["guest"]
    person = own_person(guest)
    membership = memberships.invite_member(organisation=sierra["org"], person=person, by=sierra["admin"])
    assert membership.status == MembershipStatus.INVITED
    with refused("permission.registry.approve_membership"):
        memberships.approve_membership(membership=membership, by=sierra["admin"])  # the invited person accepts
    memberships.approve_membership(membership=membership, by=guest)
    with refused("permission.registry.end_membership"):
        memberships.end_membership(membership=membership, by=world["users"]["investor"])
    memberships.end_membership(membership=membership, by=sierra["admin"])
    roles.forget(guest)
    assert roles.organisation_ids(guest) == set()
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.ENDED
    with refused("registry.membership.wrong_state"):
        memberships.end_membership(membership=membership, by=sierra["admin"])


def test_a_program_manager_of_another_tenant_cannot_invite_or_approve(world, sierra):
    their_manager = grant(UserFactory(username="their-manager"), "program_manager", program=world["their_program"])
    request = memberships.request_membership(
        person=own_person(world["users"]["guest"]), organisation=sierra["org"], by=world["users"]["guest"]
    )
    with refused("permission.registry.approve_membership"):
        memberships.approve_membership(membership=request, by=their_manager)
    with refused("permission.registry.manage_members"):
        memberships.invite_member(organisation=sierra["org"], person=own_person(their_manager), by=their_manager)
    # A manager cannot approve their own request either, even for an organisation of their program.
    sierra["event"].program.operators.add(sierra["org"])
    own = memberships.request_membership(
        person=own_person(world["users"]["manager"]), organisation=sierra["org"], by=world["users"]["manager"]
    )
    with refused("permission.registry.approve_membership"):
        memberships.approve_membership(membership=own, by=world["users"]["manager"])


def test_another_tenants_manager_cannot_change_a_contact_email(world, sierra, login):
    """Issue 13 finding 11: any program manager could redirect any person's contact e-mail."""
    contact = PersonFactory(organisation=sierra["org"], email="ceo@sierra.example")
    their_manager = grant(UserFactory(username="their-manager"), "program_manager", program=world["their_program"])
    api = login(their_manager).patch(
        f"/api/people/{contact.pk}", json.dumps({"email": "thief@evil.example"}), content_type="application/json"
    )
    assert api.status_code == 403
    assert api.json()["code"] == "permission.registry.change_person"
    # Even the manager of a program the organisation takes part in edits the record but not its e-mail.
    sierra["event"].program.operators.add(sierra["org"])
    ours = login(world["users"]["manager"]).patch(
        f"/api/people/{contact.pk}", json.dumps({"email": "thief@evil.example"}), content_type="application/json"
    )
    assert ours.status_code == 403
    assert ours.json()["code"] == "permission.registry.change_person_contact"
    contact.refresh_from_db()
    assert contact.email == "ceo@sierra.example"
    # The organisation's admin member may.
    admin = login(sierra["admin"]).patch(
        f"/api/people/{contact.pk}", json.dumps({"email": "new@sierra.example"}), content_type="application/json"
    )
    assert admin.status_code == 200


def test_changing_ones_own_contact_email_needs_the_password(world, login):
    guest = world["users"]["guest"]
    person = own_person(guest)
    client = login(guest)
    without = client.patch(
        f"/api/people/{person.pk}", json.dumps({"email": "me@new.example"}), content_type="application/json"
    )
    assert without.status_code == 422
    assert without.json()["code"] == "registry.person.password_required"
    with_password = client.patch(
        f"/api/people/{person.pk}",
        json.dumps({"email": "me@new.example", "current_password": "pw-for-tests-1"}),
        content_type="application/json",
    )
    assert with_password.status_code == 200


def test_people_export_is_scoped_to_the_managers_programs(world, sierra, login):
    """Issue 13 finding 11: a manager of one program exported every person's e-mail in the registry."""
    ours = PersonFactory(organisation=sierra["org"], email="ours@sierra.example")
    theirs = PersonFactory(organisation=OrganisationFactory(slug="elsewhere"), email="theirs@elsewhere.example")
    sierra["event"].program.operators.add(sierra["org"])
    body = login(world["users"]["manager"]).get(reverse("export", args=["people", "csv"])).content.decode()
    assert ours.email in body
    assert theirs.email not in body
    everything = login(world["users"]["admin"]).get(reverse("export", args=["people", "csv"])).content.decode()
    assert ours.email in everything and theirs.email in everything


def test_members_page_join_and_approve(world, sierra, login):
    guest = world["users"]["guest"]
    client = login(guest)
    client.post(reverse("organisation-join", args=["sierra-medical"]))
    request = Membership.objects.get(person__user=guest)
    assert request.status == MembershipStatus.REQUESTED
    assert (
        'data-pending-membership="requested"'
        in client.get(reverse("person-detail", args=[request.person_id])).content.decode()
    )
    # The guest cannot see the requests list nor approve through the page; another organisation's admin neither.
    page = client.get(reverse("organisation-members", args=["sierra-medical"])).content.decode()
    assert "data-pending-member" not in page
    assert client.post(reverse("membership-action", args=[request.pk, "approve"])).status_code == 403
    admin_client = login(sierra["admin"])
    page = admin_client.get(reverse("organisation-members", args=["sierra-medical"])).content.decode()
    assert f'data-pending-member="{request.person_id}"' in page
    admin_client.post(reverse("membership-action", args=[request.pk, "approve"]))
    assert Membership.objects.get(pk=request.pk).status == MembershipStatus.ACTIVE


def test_partnering_mail_goes_to_the_account_address(world):
    user = UserFactory(username="mailme", email="account@example.org")
    person = PersonFactory(user=user, email="contact@elsewhere.example")
    participant = type("P", (), {"person": person, "language": "en"})()
    assert _recipient(participant)[0] == "account@example.org"


def test_page_and_api_refuse_self_approval_with_the_same_code(world, sierra, login):
    guest = world["users"]["guest"]
    client = login(guest)
    created = client.post("/api/organisations/sierra-medical/memberships")
    assert created.status_code == 201
    assert created.json()["status"] == "requested"
    pk = created.json()["id"]
    api = client.post(f"/api/memberships/{pk}/approve")
    assert api.status_code == 403
    assert api.json()["code"] == "permission.registry.approve_membership"
    page = client.post(reverse("membership-action", args=[pk, "approve"]))
    assert page.status_code == 403
    assert 'data-refusal-code="permission.registry.approve_membership"' in page.content.decode()
    # Another organisation's admin does not even learn that the request exists; Sierra's sees it.
    other_admin = UserFactory(username="investor-admin")
    member(Person.objects.create(user=other_admin, name_en="Other"), world["investor"], is_admin=True)
    assert login(other_admin).post(f"/api/memberships/{pk}/approve").status_code == 404
    assert [
        m["status"] for m in login(other_admin).get("/api/organisations/sierra-medical/memberships").json()["items"]
    ] == ["active"]
    assert login(sierra["admin"]).post(f"/api/memberships/{pk}/approve").json()["status"] == "active"
