"""Who may see and change registry records, and who decides memberships.

The directory (clusters, organisations, people's names and titles) is shared by everyone signed in — it
is how partners find each other. Contact details and edits are narrower, and scoped to a tenant:

* Membership of an organisation is never a field a person edits. A person asks to join (or accepts an
  invitation); the organisation's admin members, a site admin, or a program manager of a program the
  organisation takes part in decides. Nobody but a site admin approves their own request.
* A person's record is edited by the person, a site admin, an admin member of their organisation, or a
  program manager of a program they are tied to. Their contact e-mail only by the person (with their
  password), a site admin or an admin member of their organisation — a program manager of another tenant
  cannot redirect someone's mail.
* Program managers see and export the contact details of the people tied to their own programs (operators,
  applicants, cohort members, event participants, and the programs' own staff), not the whole registry.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.registry.models import Membership, MembershipStatus, Organisation, Person


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def managed_program_ids(user) -> set[int]:
    return roles.program_ids(user, Role.PROGRAM_MANAGER)


def tied_organisations(program_ids: set[int]) -> QuerySet[Organisation]:
    """Organisations taking part in these programs: operators, applicants, cohort members, event participants.

    The registry sits below programs and partnering, so it names their tables by relation only."""
    if not program_ids:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(operated_programs__in=program_ids)
        | Q(applications__call__program__in=program_ids)
        | Q(cohort_memberships__cohort__program__in=program_ids)
        | Q(participations__event__program__in=program_ids)
    ).distinct()


def people_of_programs(program_ids: set[int]) -> QuerySet[Person]:
    """People tied to these programs: members of their organisations, event participants, program staff."""
    if not program_ids:
        return Person.objects.none()
    organisations = tied_organisations(program_ids).values("pk")
    return Person.objects.filter(
        Q(memberships__status=MembershipStatus.ACTIVE, memberships__organisation__in=organisations)
        | Q(participations__event__program__in=program_ids)
        | Q(user__roles__program__in=program_ids)
    ).distinct()


def exportable_people(user) -> QuerySet[Person]:
    """Whose contact details ``user`` may export: everyone for a site admin, else their programs' people."""
    if roles.is_site_admin(user):
        return Person.objects.all()
    return people_of_programs(managed_program_ids(user))


def admin_organisation_ids(user) -> set[int]:
    """Organisations in which ``user`` is an active admin member."""
    if not _signed_in(user):
        return set()
    return set(
        Membership.objects.filter(person__user=user, status=MembershipStatus.ACTIVE, is_admin=True).values_list(
            "organisation_id", flat=True
        )
    )


def active_organisation_ids(person: Person) -> set[int]:
    return set(person.memberships.filter(status=MembershipStatus.ACTIVE).values_list("organisation_id", flat=True))


@rules.predicate
def is_site_admin(user) -> bool:
    return roles.is_site_admin(user)


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in roles.organisation_ids(user)


@rules.predicate
def is_admin_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in admin_organisation_ids(user)


@rules.predicate
def manages_program_of_organisation(user, organisation) -> bool:
    programs = managed_program_ids(user)
    return (
        organisation is not None and bool(programs) and tied_organisations(programs).filter(pk=organisation.pk).exists()
    )


@rules.predicate
def is_the_person(user, person) -> bool:
    return person is not None and person.user_id is not None and person.user_id == user.pk


@rules.predicate
def is_admin_of_persons_organisation(user, person) -> bool:
    return person is not None and bool(active_organisation_ids(person) & admin_organisation_ids(user))


@rules.predicate
def is_member_of_persons_organisation(user, person) -> bool:
    return person is not None and bool(active_organisation_ids(person) & roles.organisation_ids(user))


@rules.predicate
def manages_program_of_person(user, person) -> bool:
    programs = managed_program_ids(user)
    return person is not None and bool(programs) and people_of_programs(programs).filter(pk=person.pk).exists()


# --- memberships (the object is a Membership) ---------------------------------------------------------------


@rules.predicate
def decides_for_membership_organisation(user, membership) -> bool:
    """Site admins, the organisation's admin members, and managers of a program it takes part in."""
    organisation = membership.organisation if membership is not None else None
    return bool(
        is_site_admin(user)
        or is_admin_of_organisation(user, organisation)
        or manages_program_of_organisation(user, organisation)
    )


@rules.predicate
def is_own_membership(user, membership) -> bool:
    return membership is not None and is_the_person(user, membership.person)


@rules.predicate
def is_request(user, membership) -> bool:
    return membership is not None and membership.status == MembershipStatus.REQUESTED


@rules.predicate
def is_invitation(user, membership) -> bool:
    return membership is not None and membership.status == MembershipStatus.INVITED


is_staff_like = rules.predicate(roles.is_staff_like, name="is_staff_like")
can_invite = is_site_admin | is_admin_of_organisation | manages_program_of_organisation

rules.add_perm("registry.view_directory", rules.is_authenticated)
rules.add_perm("registry.add_organisation", is_staff_like)
rules.add_perm("registry.change_organisation", is_staff_like | is_member_of_organisation)
rules.add_perm("registry.import_organisations", is_staff_like)
rules.add_perm("registry.export_organisations", is_staff_like)
rules.add_perm("registry.add_person", is_staff_like)
rules.add_perm(
    "registry.change_person",
    is_site_admin | is_the_person | is_admin_of_persons_organisation | manages_program_of_person,
)
rules.add_perm("registry.change_person_contact", is_site_admin | is_the_person | is_admin_of_persons_organisation)
rules.add_perm(
    "registry.view_person_contact",
    is_site_admin | is_the_person | is_member_of_persons_organisation | manages_program_of_person,
)
rules.add_perm("registry.change_cluster", is_site_admin)
# Memberships. On an Organisation: invite someone, see the requests. On a Person: ask to join for them.
rules.add_perm("registry.manage_members", can_invite)
rules.add_perm("registry.request_membership", is_the_person)
# On a Membership. A request is decided by the organisation's side, never by the asker (a site admin
# excepted); an invitation is accepted or turned down by the invited person, or withdrawn by the side.
rules.add_perm(
    "registry.approve_membership",
    (is_request & decides_for_membership_organisation & (~is_own_membership | is_site_admin))
    | (is_invitation & is_own_membership),
)
rules.add_perm(
    "registry.decline_membership",
    (is_request & (decides_for_membership_organisation | is_own_membership))
    | (is_invitation & (is_own_membership | decides_for_membership_organisation)),
)
rules.add_perm("registry.end_membership", is_own_membership | decides_for_membership_organisation)
# Naming an organisation on the public showcase is the organisation's own decision: its admin members (or a
# site admin acting on its written consent) give and withdraw it; a program manager cannot.
rules.add_perm("registry.change_listing_consent", is_site_admin | is_admin_of_organisation)
