"""Who may see, report, change and confirm outcomes, and read dashboards and reports.

* Program managers (and site admins) manage their program's outcomes, rates and KPIs.
* Signatory observers read their agreement's dashboards and reports, nothing else; they never see a
  confidential outcome by name (it counts in totals).
* Startup members see and report their own organisation's outcomes; once confirmed, they may only propose
  a change.
* Members of the counterparty named in an outcome may read and confirm it.
* Everyone else: 404, so the existence of another program's data is not revealed.

Every "who may" of the app is here: services check these permissions with ``core.permissions.require`` and
the acting user; views and the API only use them to hide what a person may not know exists.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.partnering.models import Participant
from bridgehead.programs.models import Application, CohortMember, Program
from bridgehead.registry.models import Organisation


def managed_program_ids(user) -> set[int]:
    return roles.program_ids(user, Role.PROGRAM_MANAGER)


def observed_agreement_ids(user) -> set[int]:
    return roles.agreement_ids(user, Role.OBSERVER)


def startup_organisation_ids(user) -> set[int]:
    return {g.organisation_id for g in roles.grants(user) if g.role == Role.STARTUP_MEMBER and g.organisation_id}


def party_organisation_ids(user) -> set[int]:
    """Organisations the user may confirm outcomes for (any member role: startups are counterparties too)."""
    return roles.organisation_ids(user)


def startup_program_ids(organisation_ids: set[int]) -> set[int]:
    """Programs a startup took part in: cohorts, applications or partnering events."""
    if not organisation_ids:
        return set()
    cohorts = CohortMember.objects.filter(organisation_id__in=organisation_ids)
    applications = Application.objects.filter(organisation_id__in=organisation_ids)
    return (
        set(cohorts.values_list("cohort__program_id", flat=True))
        | set(applications.values_list("call__program_id", flat=True))
        | set(
            Participant.objects.filter(organisation_id__in=organisation_ids, event__program__isnull=False).values_list(
                "event__program_id", flat=True
            )
        )
    )


def reporting_programs(user) -> QuerySet:
    """The programs this user may report an outcome to."""
    if roles.is_site_admin(user):
        return Program.objects.all()
    ids = managed_program_ids(user) | startup_program_ids(startup_organisation_ids(user))
    return Program.objects.filter(pk__in=ids)


def reporting_organisations(user) -> QuerySet:
    """The startups this user may report for: their own, or — for managers — any startup."""
    if roles.is_site_admin(user) or managed_program_ids(user):
        return Organisation.objects.filter(kind="startup")
    return Organisation.objects.filter(pk__in=startup_organisation_ids(user))


def visible_outcomes(user, queryset: QuerySet) -> QuerySet:
    """Outcomes the user may open: managed programs', their own organisation's, the ones naming their
    organisation as counterparty, and — for observers — the non-confidential ones of their agreement."""
    if roles.is_site_admin(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(
        Q(program_id__in=managed_program_ids(user))
        | Q(organisation_id__in=startup_organisation_ids(user))
        | Q(counterparty_id__in=party_organisation_ids(user))
        | Q(program__agreement_id__in=observed_agreement_ids(user), is_confidential=False)
    ).distinct()


def counted_outcomes(user, queryset: QuerySet) -> QuerySet:
    """Outcomes that count in the dashboards this user reads: like :func:`visible_outcomes`, but an observer's
    totals include the confidential outcomes of their agreement (counted, never named)."""
    if roles.is_site_admin(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(
        Q(program_id__in=managed_program_ids(user))
        | Q(organisation_id__in=startup_organisation_ids(user))
        | Q(program__agreement_id__in=observed_agreement_ids(user))
    ).distinct()


def may_name(user, outcome) -> bool:
    """Whether this user may see a confidential outcome by name (the people it belongs to)."""
    if not outcome.is_confidential:
        return True
    return (
        roles.is_site_admin(user)
        or outcome.program_id in managed_program_ids(user)
        or outcome.organisation_id in startup_organisation_ids(user)
        or (outcome.counterparty_id is not None and outcome.counterparty_id in party_organisation_ids(user))
    )


def dashboard_program_ids(user, agreement) -> set[int]:
    """The agreement's programs whose records this user's agreement dashboard shows: all of them for its
    observers, only the managed ones for a program manager — never another program's data."""
    program_ids = set(agreement.programs.values_list("pk", flat=True))
    if roles.is_site_admin(user) or agreement.pk in observed_agreement_ids(user):
        return program_ids
    return program_ids & managed_program_ids(user)


@rules.predicate
def can_see_outcome(user, outcome) -> bool:
    return outcome is not None and visible_outcomes(user, type(outcome).objects.filter(pk=outcome.pk)).exists()


@rules.predicate
def manages_outcome(user, outcome) -> bool:
    return outcome is not None and (roles.is_site_admin(user) or outcome.program_id in managed_program_ids(user))


@rules.predicate
def reports_outcome(user, outcome) -> bool:
    return outcome is not None and outcome.organisation_id in startup_organisation_ids(user)


@rules.predicate
def is_unconfirmed(user, outcome) -> bool:
    return outcome is not None and outcome.confirmed_at is None


@rules.predicate
def is_counterparty(user, outcome) -> bool:
    return (
        outcome is not None
        and outcome.counterparty_id is not None
        and outcome.counterparty_id in party_organisation_ids(user)
        and outcome.counterparty_id != outcome.organisation_id
    )


@rules.predicate
def manages_program(user, program) -> bool:
    return program is not None and (roles.is_site_admin(user) or program.pk in managed_program_ids(user))


@rules.predicate
def reads_program(user, program) -> bool:
    return program is not None and (
        manages_program(user, program) or program.agreement_id in observed_agreement_ids(user)
    )


@rules.predicate
def reads_agreement(user, agreement) -> bool:
    return agreement is not None and bool(dashboard_program_ids(user, agreement))


@rules.predicate
def reads_cohort(user, cohort) -> bool:
    return cohort is not None and reads_program(user, cohort.program)


@rules.predicate
def reads_startup(user, organisation) -> bool:
    """The startup's own members, and the people who manage or observe a program it has outcomes in."""
    if organisation is None:
        return False
    if roles.is_site_admin(user) or organisation.pk in startup_organisation_ids(user):
        return True
    return organisation.outcomes.filter(
        Q(program_id__in=managed_program_ids(user)) | Q(program__agreement_id__in=observed_agreement_ids(user))
    ).exists()


@rules.predicate
def can_report(user) -> bool:
    return roles.is_site_admin(user) or bool(startup_organisation_ids(user)) or bool(managed_program_ids(user))


rules.add_perm("outcomes.view_outcome", can_see_outcome)
rules.add_perm("outcomes.report_outcome", can_report)
# A new record (not yet saved): the program's managers report for any startup, a startup for itself.
rules.add_perm("outcomes.report_outcome_for", manages_outcome | reports_outcome)
rules.add_perm("outcomes.change_outcome", manages_outcome | (reports_outcome & is_unconfirmed))
rules.add_perm("outcomes.propose_change", reports_outcome & ~is_unconfirmed)
rules.add_perm("outcomes.confirm_outcome", is_unconfirmed & (manages_outcome | is_counterparty))
rules.add_perm("outcomes.decide_proposal", manages_outcome)
rules.add_perm("outcomes.delete_outcome", manages_outcome)
rules.add_perm("outcomes.manage_program", manages_program)
rules.add_perm("outcomes.view_program_dashboard", reads_program)
rules.add_perm("outcomes.view_agreement_dashboard", reads_agreement)
rules.add_perm("outcomes.view_cohort_dashboard", reads_cohort)
rules.add_perm("outcomes.view_startup_dashboard", reads_startup)
