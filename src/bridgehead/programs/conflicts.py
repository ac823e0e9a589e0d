"""Conflicts of interest between reviewers (or mentors) and applicants.

Tools that only know "you cannot review your own submission" miss the conflicts that matter in a cluster:
the reviewer's organisation invested in or partners with the applicant, or the reviewer shares the
applicant's e-mail domain (a colleague whose organisation record is incomplete). So a pair conflicts when:

* the person is or was affiliated with the applicant organisation: a membership (``registry.Membership``)
  that is active, ended (a past affiliation counts: leaving the company the day before review does not
  lift the conflict) or asked for, or a member role an administrator granted;
* one of those organisations has a recorded investment or partnership with the applicant, in either
  direction;
* the domain of the person's account e-mail is the applicant organisation's (its recorded e-mail domain, or
  its website's host): a colleague whose registry record is incomplete. Public mail providers say nothing
  about affiliation and are ignored;
* the person declared a conflict with that application.

Nothing here reads a field the person edits on their own: the registry's ``Person.organisation`` and
contact e-mail are not consulted, and the account e-mail changes only with the account's password.
The check runs when an application is about to be shown to a reviewer (``programs.rules``) and when a
reviewer is about to be assigned (``programs.assignment``), never from a stored answer, so a membership
approved yesterday counts today. A conflicted pair is never assigned, and the person cannot open the
application.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.db.models import Q

from bridgehead.core.enums import Role
from bridgehead.core.models import RoleAssignment, User
from bridgehead.programs.enums import ConflictReason
from bridgehead.programs.models import Application, ConflictDeclaration, Relationship
from bridgehead.registry.models import AFFILIATED_STATUSES, Membership

PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "naver.com",
        "daum.net",
        "hanmail.net",
        "kakao.com",
        "nate.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
    }
)


def domain_of(email: str) -> str:
    """The lower-case domain of an address, or "" when it says nothing about affiliation."""
    domain = email.rpartition("@")[2].strip().lower() if "@" in (email or "") else ""
    return "" if domain in PUBLIC_MAIL_DOMAINS else domain


def organisation_domains(organisation) -> set[str]:
    domains = {domain_of("x@" + organisation.email_domain)} if organisation.email_domain else set()
    host = urlsplit(organisation.website or "").hostname or ""
    if host:
        domains.add(domain_of("x@" + host.removeprefix("www.")))
    return {d for d in domains if d}


def _people_organisations(user_ids: Iterable[int]) -> tuple[dict[int, set[int]], dict[int, set[str]]]:
    user_ids = list(user_ids)
    organisations: dict[int, set[int]] = defaultdict(set)
    domains: dict[int, set[str]] = defaultdict(set)
    for user_id, organisation_id in Membership.objects.filter(
        person__user_id__in=user_ids, status__in=AFFILIATED_STATUSES
    ).values_list("person__user_id", "organisation_id"):
        organisations[user_id].add(organisation_id)
    for user_id, organisation_id in RoleAssignment.objects.filter(
        user_id__in=user_ids, role__in=(Role.STARTUP_MEMBER, Role.PARTNER_MEMBER), organisation__isnull=False
    ).values_list("user_id", "organisation_id"):
        organisations[user_id].add(organisation_id)
    for user_id, email in User.objects.filter(pk__in=user_ids).values_list("pk", "email"):
        if domain_of(email):
            domains[user_id].add(domain_of(email))
    return organisations, domains


def conflict_map(
    applications: Iterable[Application], user_ids: Iterable[int], *, declared: bool = True
) -> dict[tuple[int, int], list[str]]:
    """(application id, user id) → the reasons (ConflictReason values) for every conflicted pair.

    ``applications`` only need ``pk``, ``organisation``, ``organisation_id`` and ``created_by_id`` (mentor
    matching passes cohort members that way, with ``declared=False``: declarations belong to applications).
    """
    applications = list(applications)
    user_ids = list(user_ids)
    if not applications or not user_ids:
        return {}
    person_orgs, person_domains = _people_organisations(user_ids)
    applicant_orgs = {a.organisation_id for a in applications}
    related: dict[int, set[int]] = defaultdict(set)  # applicant organisation → organisations related to it
    for source, target in Relationship.objects.filter(
        Q(source_id__in=applicant_orgs) | Q(target_id__in=applicant_orgs)
    ).values_list("source_id", "target_id"):
        related[source].add(target)
        related[target].add(source)
    declarations = (
        set(
            ConflictDeclaration.objects.filter(
                application__in=[a.pk for a in applications], reviewer_id__in=user_ids
            ).values_list("application_id", "reviewer_id")
        )
        if declared
        else set()
    )
    out: dict[tuple[int, int], list[str]] = {}
    for application in applications:
        org = application.organisation
        app_domains = organisation_domains(org)
        for user_id in user_ids:
            reasons = []
            orgs = person_orgs.get(user_id, set())
            if application.organisation_id in orgs or user_id == application.created_by_id:
                reasons.append(ConflictReason.SAME_ORGANISATION)
            if orgs & related.get(application.organisation_id, set()):
                reasons.append(ConflictReason.RELATIONSHIP)
            if person_domains.get(user_id, set()) & app_domains:
                reasons.append(ConflictReason.EMAIL_DOMAIN)
            if (application.pk, user_id) in declarations:
                reasons.append(ConflictReason.DECLARED)
            if reasons:
                out[(application.pk, user_id)] = [str(r) for r in reasons]
    return out


def conflicts_between(application: Application, user: User) -> list[str]:
    return conflict_map([application], [user.pk]).get((application.pk, user.pk), [])
