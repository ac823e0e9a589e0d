"""Verified affiliation: who belongs to which organisation, decided by someone other than the person.

Every change is a domain action checked against ``registry/rules.py``. An active membership of a person with
an account is mirrored by the startup/partner member role (``core.RoleAssignment``), so the role rows stay
the one place every "may act for this organisation" rule reads; ending a membership removes the role but
keeps the membership row as history (conflicts of interest read it). ``Person.organisation`` — the
organisation shown beside a name — follows the active memberships and is written only here.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgehead.core import notifications, roles
from bridgehead.core.actions import after_commit, domain_action
from bridgehead.core.enums import Role
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import RoleAssignment, User
from bridgehead.core.permissions import require
from bridgehead.registry.enums import OrganisationKind
from bridgehead.registry.models import OPEN_STATUSES, Membership, MembershipStatus, Organisation, Person

MEMBER_ROLES = (Role.STARTUP_MEMBER, Role.PARTNER_MEMBER)


def member_role(organisation: Organisation) -> str:
    """Startups' people act as startup members; everyone else's (investors, companies, hospitals…) as partners."""
    return Role.STARTUP_MEMBER if organisation.kind == OrganisationKind.STARTUP else Role.PARTNER_MEMBER


def acting_organisations(person: Person) -> QuerySet[Organisation]:
    """The organisations ``person`` may act for: their active memberships and, with an account, the member
    roles an administrator granted. Never the free ``Person.organisation`` column on its own."""
    ids = set(person.memberships.filter(status=MembershipStatus.ACTIVE).values_list("organisation_id", flat=True))
    if person.user_id is not None:
        ids |= roles.organisation_ids(person.user)
    return Organisation.objects.filter(pk__in=ids)


def person_for(user: User) -> Person:
    """The registry record of an account, created (named after the account) the first time it is needed."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        name = user.display_name or user.get_username()
        person = Person.objects.create(
            user=user,
            name_ko=name if user.language == "ko" else "",
            name_en="" if user.language == "ko" else name,
            email=user.email,
            time_zone=user.time_zone or "Asia/Seoul",
        )
    return person


def _refuse_if_open(person: Person, organisation: Organisation) -> None:
    current = Membership.objects.filter(person=person, organisation=organisation, status__in=OPEN_STATUSES).first()
    if current is not None:
        raise Refused(
            "registry.membership.already_open",
            _("%(person)s is already a member of %(organisation)s or has a pending request or invitation."),
            kind=Kind.CONFLICT,
            params={"person": str(person), "organisation": str(organisation)},
        )


def _locked(membership: Membership, *allowed: str) -> Membership:
    locked = Membership.objects.select_for_update().select_related("person", "organisation").get(pk=membership.pk)
    if locked.status not in allowed:
        raise Refused(
            "registry.membership.wrong_state",
            _("This membership is %(status)s; it cannot be changed that way."),
            kind=Kind.CONFLICT,
            params={"status": locked.get_status_display()},
        )
    return locked


def _sync(person: Person) -> None:
    """Mirror the person's active memberships in their member roles and their shown organisation."""
    active = list(
        Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE)
        .select_related("organisation")
        .order_by("decided_at", "pk")
    )
    if person.user_id is not None:
        for membership in active:
            RoleAssignment.objects.get_or_create(
                user_id=person.user_id, role=member_role(membership.organisation), organisation=membership.organisation
            )
        roles.forget(person.user)
    active_ids = [m.organisation_id for m in active]
    if person.organisation_id not in active_ids:
        person.organisation_id = active_ids[0] if active_ids else None
        person.save(update_fields=["organisation", "search_text"])


def _activate(membership: Membership, by: User | None) -> Membership:
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at = timezone.now()
    membership.decided_by = by
    membership.save()
    _sync(membership.person)
    return membership


def _tell(user: User | None, message, membership: Membership) -> None:
    if user is None:
        return
    url = reverse("organisation-members", kwargs={"slug": membership.organisation.slug})
    params = {"person": str(membership.person), "organisation": str(membership.organisation)}
    after_commit(lambda: notifications.notify(user=user, message=message, params=params, url=url, kind="membership"))


@domain_action
def request_membership(*, organisation: Organisation, by: User, person: Person | None = None) -> Membership:
    """The person (``by``'s own record unless given) asks to join; the organisation's admin members are told
    and one of them decides."""
    person = person or person_for(by)
    require(by, "registry.request_membership", person)
    _refuse_if_open(person, organisation)
    membership = Membership.objects.create(
        person=person, organisation=organisation, status=MembershipStatus.REQUESTED, requested_by=by
    )
    admins = User.objects.filter(
        person__memberships__organisation=organisation,
        person__memberships__status=MembershipStatus.ACTIVE,
        person__memberships__is_admin=True,
    ).distinct()
    for admin in admins:
        _tell(admin, _("%(person)s asks to join %(organisation)s."), membership)
    return membership


@domain_action
def invite_member(
    *,
    organisation: Organisation,
    by: User,
    person: Person | None = None,
    user: User | None = None,
    is_admin: bool = False,
) -> Membership:
    """Offer membership to ``person`` (or to the account ``user``); it counts only once they accept
    (``approve_membership`` by the person).

    A person without an account cannot accept anything: the organisation's side vouches for such a contact
    directly and the membership is active at once."""
    if person is None:
        if user is None:
            raise TypeError("invite_member needs a person or a user")
        person = person_for(user)
    require(by, "registry.manage_members", organisation)
    _refuse_if_open(person, organisation)
    membership = Membership.objects.create(
        person=person, organisation=organisation, status=MembershipStatus.INVITED, requested_by=by, is_admin=is_admin
    )
    if person.user_id is None:
        return _activate(membership, by)
    _tell(person.user, _("You are invited to join %(organisation)s."), membership)
    return membership


@domain_action
def approve_membership(*, membership: Membership, by: User) -> Membership:
    """Approve a request (the organisation's side) or accept an invitation (the invited person)."""
    locked = _locked(membership, MembershipStatus.REQUESTED, MembershipStatus.INVITED)
    require(by, "registry.approve_membership", locked)
    was_request = locked.status == MembershipStatus.REQUESTED
    _activate(locked, by)
    if was_request:
        _tell(locked.person.user, _("You are now a member of %(organisation)s."), locked)
    return locked


@domain_action
def decline_membership(*, membership: Membership, by: User) -> Membership:
    """Turn down a request or an invitation (or withdraw one's own). The row stays, as ``declined``."""
    locked = _locked(membership, MembershipStatus.REQUESTED, MembershipStatus.INVITED)
    require(by, "registry.decline_membership", locked)
    locked.status = MembershipStatus.DECLINED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save()
    return locked


@domain_action
def end_membership(*, membership: Membership, by: User) -> Membership:
    """End an active membership (the person leaves, or the organisation's side removes them).

    The member role goes; the row stays as ``ended``, so a past affiliation still counts as a conflict of
    interest."""
    locked = _locked(membership, MembershipStatus.ACTIVE)
    require(by, "registry.end_membership", locked)
    locked.status = MembershipStatus.ENDED
    locked.ended_at = timezone.now()
    locked.ended_by = by
    locked.save()
    if locked.person.user_id is not None:
        RoleAssignment.objects.filter(
            user_id=locked.person.user_id, role__in=MEMBER_ROLES, organisation=locked.organisation
        ).delete()
    _sync(locked.person)
    return locked


def record_member(
    person: Person, organisation: Organisation, *, is_admin: bool = False, by: User | None = None
) -> Membership:
    """An active membership written by trusted set-up code (imports of contacts, the demo scenario, tests'
    factories) whose caller already checked who may import: not a door a person can reach."""
    membership = Membership.objects.filter(
        person=person, organisation=organisation, status__in=OPEN_STATUSES
    ).first() or Membership(person=person, organisation=organisation, requested_by=by)
    membership.is_admin = membership.is_admin or is_admin
    membership.status = MembershipStatus.ACTIVE
    membership.decided_at = membership.decided_at or timezone.now()
    membership.decided_by = membership.decided_by or by
    membership.save()
    _sync(person)
    return membership
