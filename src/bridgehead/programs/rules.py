"""Who may see and do what in programs. Another program's data answers 404 (``require(..., hide=True)``).

* Program pages: site admins, anyone with a role in the program, observers of its agreement.
* Calls: published calls are readable by every signed-in user (startups hold no program role before they
  apply); drafts only by the program's managers.
* Applications: the applicant startup's members, the program's managers, and reviewers assigned to it who
  have no conflict of interest. Nobody else — not another startup, not an unassigned reviewer.
* Reviews: only the assigned reviewer writes theirs; managers read all of the call's.
* Cohorts: the program's people and observers, plus members of the cohort's startups once their acceptance
  was sent from the outbox (a decision is not news to the applicant before that); mentorships: the
  mentor, the mentee's members and managers.

Every "who may" of the app is a permission here. Services check them with the acting user
(``core.permissions.require(by, "programs.…", obj)``); views and the API only hide what a person may not
know exists (404). What the state of an object allows (a closed call, a sent e-mail) is not a permission:
services refuse it with a ``programs.<thing>.<reason>`` code.
"""

import rules
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.programs.conflicts import conflicts_between
from bridgehead.programs.enums import MemberStatus
from bridgehead.registry.enums import OrganisationKind

# Messages for permission refusals that can say more than "You do not have permission to do this."
ONLY_OWN_STARTUP = _("You can only apply for a startup you are a member of.")
ONLY_OUTBOX_MANAGERS = _("Only the program's managers can handle its decision e-mails.")


def visible_programs(user, queryset: QuerySet) -> QuerySet:
    if roles.is_site_admin(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(
        Q(pk__in=roles.program_ids(user)) | Q(agreement__pk__in=roles.agreement_ids(user, Role.OBSERVER))
    ).distinct()


@rules.predicate
def can_see_program(user, program) -> bool:
    if program is None:
        return False
    return roles.is_site_admin(user) or visible_programs(user, type(program).objects.filter(pk=program.pk)).exists()


@rules.predicate
def manages_program(user, program) -> bool:
    return program is not None and (
        roles.is_site_admin(user) or program.pk in roles.program_ids(user, Role.PROGRAM_MANAGER)
    )


def member_organisation_ids(user) -> set[int]:
    return {g.organisation_id for g in roles.grants(user) if g.role == Role.STARTUP_MEMBER and g.organisation_id}


def visible_calls(user, queryset: QuerySet) -> QuerySet:
    if roles.is_site_admin(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(
        Q(is_published=True) | Q(program__pk__in=roles.program_ids(user, Role.PROGRAM_MANAGER))
    ).distinct()


@rules.predicate
def can_see_call(user, call) -> bool:
    return call is not None and (
        manages_program(user, call.program) or (getattr(user, "is_authenticated", False) and call.is_published)
    )


@rules.predicate
def manages_call(user, call) -> bool:
    return call is not None and manages_program(user, call.program)


@rules.predicate
def can_apply(user, call) -> bool:
    return call is not None and call.is_open() and bool(member_organisation_ids(user))


@rules.predicate
def is_member_startup(user, organisation) -> bool:
    """The organisation is a startup and the user one of its members: they may apply for it."""
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.STARTUP
        and organisation.pk in member_organisation_ids(user)
    )


@rules.predicate
def is_applicant(user, application) -> bool:
    return application is not None and application.organisation_id in member_organisation_ids(user)


@rules.predicate
def manages_application(user, application) -> bool:
    return application is not None and manages_program(user, application.call.program)


@rules.predicate
def reviews_application(user, application) -> bool:
    """Assigned, still a reviewer of the program, and not conflicted."""
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    if application.call.program_id not in roles.program_ids(user, Role.REVIEWER):
        return False
    if not application.assignments.filter(reviewer=user).exists():
        return False

    return not conflicts_between(application, user)


@rules.predicate
def writes_review(user, assignment) -> bool:
    """The assignment is the user's own, and they may review its application (see above)."""
    return (
        assignment is not None
        and assignment.reviewer_id == getattr(user, "pk", None)
        and reviews_application(user, assignment.application)
    )


# A startup counts as a cohort member for the outside only once its acceptance was sent from the outbox
# (members added by hand, without an application, count at once while active). A changed decision ends the
# membership (status "withdrawn") but, like the acceptance, is news to the outside only once it is sent.
RELEASED_MEMBER = Q(application__isnull=True, status=MemberStatus.ACTIVE) | Q(
    application__decision__sent_outcome="accepted"
)


def visible_members(user, cohort) -> QuerySet:
    """The program's people see every member, ended ones included (marked); a startup sees the members whose
    acceptance is released."""
    if can_see_program(user, cohort.program):
        return cohort.members.all()
    return cohort.members.filter(RELEASED_MEMBER)


@rules.predicate
def can_see_cohort(user, cohort) -> bool:
    return cohort is not None and (
        can_see_program(user, cohort.program)
        or cohort.members.filter(RELEASED_MEMBER, organisation_id__in=member_organisation_ids(user)).exists()
    )


@rules.predicate
def manages_cohort(user, cohort) -> bool:
    return cohort is not None and manages_program(user, cohort.program)


@rules.predicate
def can_log_session(user, mentorship) -> bool:
    return mentorship is not None and (
        mentorship.mentor_id == getattr(user, "pk", None) or manages_program(user, mentorship.member.cohort.program)
    )


@rules.predicate
def can_see_mentorship(user, mentorship) -> bool:
    return mentorship is not None and (
        can_log_session(user, mentorship) or mentorship.member.organisation_id in member_organisation_ids(user)
    )


rules.add_perm("programs.view_program", can_see_program)
rules.add_perm("programs.change_program", manages_program)
rules.add_perm("programs.manage_outbox", manages_program)  # read, edit, send and discard decision e-mails
rules.add_perm("programs.view_call", can_see_call)
rules.add_perm("programs.change_call", manages_call)  # the call, its form and its rubric
rules.add_perm("programs.assign_reviewers", manages_call)  # panel, settings, runs, manual pairs, drop-outs
rules.add_perm("programs.apply", can_apply)
rules.add_perm("programs.apply_for", is_member_startup)  # object: the organisation applying
rules.add_perm("programs.view_application", is_applicant | manages_application | reviews_application)
rules.add_perm("programs.change_application", is_applicant)
rules.add_perm("programs.decide_application", manages_application)
rules.add_perm("programs.review_application", reviews_application)
rules.add_perm("programs.write_review", writes_review)  # object: the review assignment
rules.add_perm("programs.declare_conflict", reviews_application)  # the reviewer's own declaration
rules.add_perm("programs.view_cohort", can_see_cohort)
rules.add_perm("programs.change_cohort", manages_cohort)
rules.add_perm("programs.view_mentorship", can_see_mentorship)
rules.add_perm("programs.log_session", can_log_session)
