"""Assigning reviewers to applications (and mentors to cohort startups) with the matching engine.

**Affinity.** Each reviewer's expertise (typed on the panel, or their registry biography) and each
application's text (answers of the fields marked "used to match reviewers", the startup's description and
sectors) are encoded by the engine's cross-lingual sentence encoder, so a Korean application meets an
English-speaking reviewer's expertise in one space. The affinity of a pair is the cosine similarity,
clipped to [0, 1], plus 0.01 so every eligible pair stays a candidate.

**Assignment.** Conflicted pairs and pairs the manager excluded are never candidates. Existing manual
assignments and assignments whose review has started are kept; the engine fills what is missing:
per application, reviews per application minus the reviews it already has; per reviewer, their maximum
load minus what they already carry. ``assign`` (OR-Tools min-cost flow) maximises the total affinity and
returns its LP bound, stored on the run so the page shows objective, bound and gap. A reviewer who drops
out loses only their unstarted assignments, and a "fill" run replaces exactly those — other assignments are
not touched.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bridgehead.core.actions import domain_action, record
from bridgehead.core.engine_ids import EngineIds
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import User
from bridgehead.core.permissions import require
from bridgehead.core.runs import RunFailed
from bridgehead.engines.match import CachedEncoder, Infeasible, assign, get_encoder
from bridgehead.programs.conflicts import conflict_map
from bridgehead.programs.enums import (
    ApplicationStatus,
    AssignmentSource,
    FieldKind,
    MemberStatus,
    ReviewStatus,
    RunKind,
)
from bridgehead.programs.models import (
    Application,
    AssignmentRun,
    Call,
    CallReviewer,
    Cohort,
    Exclusion,
    FormField,
    Mentorship,
    Review,
    ReviewAssignment,
)
from bridgehead.registry.models import Person

_ENCODERS: dict[str, object] = {}
# The matching engine's ids (see core.engine_ids): applications and cohort startups are its items, reviewers
# and mentors (users) its people. Names reach its explanations as labels, never as ids.
APPLICATIONS, COHORT_STARTUPS, USERS = EngineIds("a"), EngineIds("c"), EngineIds("u")


def encoder():
    """One encoder per process (loading the model once); ``PROGRAMS_ENCODER`` picks it (default "use")."""
    name = getattr(settings, "PROGRAMS_ENCODER", "use")
    if name not in _ENCODERS:
        # Cached by text: a re-run or a fill after a drop-out encodes only texts it has not seen.
        _ENCODERS[name] = CachedEncoder(get_encoder(name))
    return _ENCODERS[name]


def application_text(application: Application, fields: Sequence[FormField] | None = None) -> str:
    parts = []
    for field in application.call.fields.all() if fields is None else fields:
        if not field.used_for_matching:
            continue
        value = application.answers.get(field.key)
        if field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.CHOICE) and value:
            parts.append(str(value))
        elif field.kind == FieldKind.SECTORS and value:
            parts.append(" ".join(value))
    organisation = application.organisation
    parts += [organisation.description_en, organisation.description_ko]
    return "\n".join(p for p in parts if p).strip() or organisation.name


def person_text(user: User, expertise: str = "") -> str:
    if expertise.strip():
        return expertise
    person = Person.objects.filter(user=user).first()
    if person is not None and (person.bio_en or person.bio_ko or person.title_en or person.title_ko):
        return "\n".join(p for p in (person.title_en, person.title_ko, person.bio_en, person.bio_ko) if p)
    return str(user)


def affinities(item_texts: Sequence[str], person_texts: Sequence[str]) -> np.ndarray:
    """(items × persons) affinity in [0.01, 1.01]; see the module docstring."""
    enc = encoder()
    items = enc.encode(list(item_texts))
    persons = enc.encode(list(person_texts))
    return np.clip(items @ persons.T, 0.0, 1.0) + 0.01


# ---------------------------------------------------------------- runs


def queue_assignment(*, call: Call, by: User, kind: str = RunKind.ASSIGN) -> AssignmentRun:
    """Queue a run (the worker takes it after commit; the page polls its status). A second run for the call is
    refused while one is queued or running (``runs.already_active``, as for a second schedule solve)."""
    return AssignmentRun.queue(call, by=by, kind=kind, progress_message=_("Waiting for the worker"))


def execute(run_id: int) -> AssignmentRun:
    """The worker's side: claim the run and compute it (the run lifecycle is ``bridgehead.core.runs``)."""
    return AssignmentRun.execute(run_id, _assign)


def shortages(applications, demand: dict[int, int], eligible: Counter) -> list[str]:
    """Applications with fewer eligible reviewers than they still need, named (the infeasibility message)."""
    return [
        _("%(application)s needs %(needed)s more reviewer(s) but only %(eligible)s eligible reviewer(s) are left")
        % {"application": str(a), "needed": demand[a.pk], "eligible": eligible[a.pk]}
        for a in applications
        if eligible[a.pk] < demand[a.pk]
    ]


def _assign(run: AssignmentRun) -> dict:
    """Compute and store an assignment (see the module docstring); the result fields for the run."""
    started = time.perf_counter()
    call = run.call
    run.step(_("Reading applications and reviewers"))
    panel = list(CallReviewer.objects.filter(call=call, is_active=True).select_related("user", "call"))
    applications = list(
        call.applications.filter(status=ApplicationStatus.SUBMITTED)
        .select_related("organisation", "created_by", "call")
        .order_by("pk")
    )
    # A full run re-optimises every engine assignment whose review has not started; manual choices and
    # started reviews are fixed. Replaceable pairs are only replaced if the new optimum differs (diff below),
    # so re-running an unchanged call touches nothing.
    replaceable: dict[tuple[int, int], int] = {}
    if run.kind == RunKind.ASSIGN:
        replaceable = {
            (a, r): pk
            for pk, a, r in ReviewAssignment.objects.filter(
                application__call=call, source=AssignmentSource.ENGINE, review__isnull=True
            ).values_list("pk", "application_id", "reviewer_id")
        }
    existing = [
        pair
        for pair in ReviewAssignment.objects.filter(application__in=applications).values_list(
            "application_id", "reviewer_id"
        )
        if pair not in replaceable
    ]
    have = Counter(a for a, _r in existing)
    load = Counter(
        r
        for a, r in ReviewAssignment.objects.filter(application__call=call).values_list("application_id", "reviewer_id")
        if (a, r) not in replaceable
    )
    taken = set(existing)
    demand = {a.pk: max(0, call.reviews_per_application - have[a.pk]) for a in applications}
    capacity = {m.user_id: max(0, m.load_limit - load[m.user_id]) for m in panel}
    user_ids = [m.user_id for m in panel]
    run.step(_("Checking conflicts of interest"))
    conflicts = conflict_map(applications, user_ids)
    excluded = set(Exclusion.objects.filter(application__call=call).values_list("application_id", "reviewer_id"))
    needed = [a for a in applications if demand[a.pk] > 0]
    run.step(_("Computing affinities"))
    fields = list(call.fields.all())
    scores = (
        affinities([application_text(a, fields) for a in needed], [person_text(m.user, m.expertise) for m in panel])
        if needed and panel
        else np.zeros((len(needed), len(panel)))
    )
    item_labels = {APPLICATIONS.id(a.pk): str(a) for a in needed}
    person_labels = {USERS.id(m.user_id): f"{m.user} (#{m.user_id})" for m in panel}
    triples, eligible = [], Counter()
    for i, a in enumerate(needed):
        for j, m in enumerate(panel):
            pair = (a.pk, m.user_id)
            if pair in conflicts or pair in excluded or pair in taken or capacity[m.user_id] == 0:
                continue
            eligible[a.pk] += 1
            triples.append((APPLICATIONS.id(a.pk), USERS.id(m.user_id), float(scores[i, j])))
    problems = shortages(needed, demand, eligible)
    result = None
    if not problems and needed:
        run.step(_("Solving the assignment"))
        try:
            result = assign(
                triples,
                demand={APPLICATIONS.id(a.pk): demand[a.pk] for a in needed},
                max_load={USERS.id(u): c for u, c in capacity.items()},
                objective="total",
                bound=True,
                item_labels=item_labels,
                person_labels=person_labels,
            )
        except Infeasible as exc:
            problems = [str(exc)]
    if problems:
        raise RunFailed(
            _("No assignment is possible"), problems=problems, seconds=round(time.perf_counter() - started, 3)
        )
    else:
        chosen = {(APPLICATIONS.pk(i), USERS.pk(p)): s for i, p, s in (result.pairs if result else [])}
        run.step(_("Saving the assignment"))
        with transaction.atomic():
            # Deleted one by one so each gets its audit entry; created in bulk, each row naming its run.
            for stale in ReviewAssignment.objects.filter(
                pk__in=[pk for pair, pk in replaceable.items() if pair not in chosen]
            ).select_related("reviewer", "application__organisation"):
                stale.delete()
            ReviewAssignment.objects.bulk_create(
                [
                    ReviewAssignment(
                        application_id=a, reviewer_id=r, affinity=round(s, 4), source=AssignmentSource.ENGINE, run=run
                    )
                    for (a, r), s in chosen.items()
                    if (a, r) not in replaceable
                ]
            )
            _record_applied(
                run,
                created=[p for p in chosen if p not in replaceable],
                removed=[p for p in replaceable if p not in chosen],
            )
        done = {"assigned": len(chosen)}
        done["objective"] = result.objective if result else 0.0
        done["bound"] = result.bound if result else 0.0
    return {**done, "seconds": round(time.perf_counter() - started, 3)}


def _record_applied(run: AssignmentRun, *, created: list, removed: list) -> None:
    """One audit entry for the engine's bulk change and the pairs it changed; its actor is the run's requester,
    named by ``AssignmentRun.execute`` for everything the run writes."""
    record(
        run.call,
        "programs.assignment.applied",
        summary=f"Reviewer assignment run {run.pk}: {len(created)} created, {len(removed)} removed",
        detail={"run": run.pk, "created": sorted(map(list, created)), "removed": sorted(map(list, removed))},
    )


@domain_action
def add_manual_assignment(*, application: Application, reviewer: User, by: User) -> ReviewAssignment:
    """A manager's override: assign this reviewer (never when conflicted); the engine keeps it."""
    require(by, "programs.assign_reviewers", application.call)
    if not CallReviewer.objects.filter(call=application.call, user=reviewer, is_active=True).exists():
        raise Refused(
            "programs.assignment.not_on_panel",
            gettext_lazy("This person is not an active reviewer on the call's panel."),
            kind=Kind.INVALID,
            field="reviewer",
        )
    if conflict_map([application], [reviewer.pk]):
        raise Refused(
            "programs.assignment.conflict_of_interest",
            gettext_lazy("%(reviewer)s has a conflict of interest with %(application)s."),
            params={"reviewer": str(reviewer), "application": str(application)},
        )
    Exclusion.objects.filter(application=application, reviewer=reviewer).delete()
    assignment, _created = ReviewAssignment.objects.update_or_create(
        application=application, reviewer=reviewer, defaults={"source": AssignmentSource.MANUAL}
    )
    return assignment


@domain_action
def remove_assignment(*, assignment: ReviewAssignment, by: User) -> None:
    """A manager's override: take the pair out and keep the engine from putting it back."""
    require(by, "programs.assign_reviewers", assignment.application.call)
    review = getattr(assignment, "review", None)
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        raise Refused(
            "programs.assignment.review_submitted",
            gettext_lazy("This review was already submitted and cannot be removed."),
        )
    if review is not None:
        # The reviewer's draft is their work: only they (declaring a conflict) or their leaving the panel end it.
        raise Refused(
            "programs.assignment.review_started",
            gettext_lazy(
                "%(reviewer)s has started this review. Ask them to declare a conflict, or drop them from the panel."
            ),
            params={"reviewer": str(assignment.reviewer)},
        )
    Exclusion.objects.get_or_create(
        application=assignment.application, reviewer=assignment.reviewer, defaults={"by": by}
    )
    assignment.delete()


def drop_unsubmitted(assignments) -> int:
    """Delete the assignments among ``assignments`` whose review is not submitted, with their draft reviews.

    Reviews are protected from cascades (``Review.assignment`` is PROTECT); the two actions allowed to end a
    reviewer's unfinished draft — the reviewer declaring a conflict, the reviewer leaving the panel — do it
    here, explicitly. A submitted review is never touched. Part of the caller's transaction."""
    pending = list(assignments.exclude(review__status=ReviewStatus.SUBMITTED).values_list("pk", flat=True))
    Review.objects.filter(assignment_id__in=pending).exclude(status=ReviewStatus.SUBMITTED).delete()
    ReviewAssignment.objects.filter(pk__in=pending).delete()
    return len(pending)


@domain_action
def drop_reviewer(*, member: CallReviewer, by: User) -> AssignmentRun:
    """A reviewer drops out: their unstarted assignments go, and only those are filled again."""
    require(by, "programs.assign_reviewers", member.call)
    with transaction.atomic():
        member.is_active = False
        member.dropped_at = timezone.now()
        member.save()
        drop_unsubmitted(ReviewAssignment.objects.filter(application__call=member.call, reviewer=member.user))
        return queue_assignment(call=member.call, by=by, kind=RunKind.REASSIGN)


# ---------------------------------------------------------------- mentors


@domain_action
def match_mentors(*, cohort: Cohort, mentors: Sequence[User], per_startup: int, max_mentees: int, by: User) -> int:
    """Give each cohort startup ``per_startup`` mentors (keeping existing ones), maximising affinity."""
    require(by, "programs.change_cohort", cohort)
    members = list(
        cohort.members.filter(status=MemberStatus.ACTIVE).select_related(
            "organisation", "application__call", "application__created_by"
        )
    )
    if not members or not mentors:
        raise Refused(
            "programs.mentoring.nothing_to_match",
            gettext_lazy("A cohort with startups and at least one mentor is needed."),
        )
    # Mentorships of startups that left the cohort are kept (with their log) but no longer load a mentor.
    active = Mentorship.objects.filter(member__cohort=cohort, member__status=MemberStatus.ACTIVE)
    have = Counter(active.values_list("member_id", flat=True))
    load = Counter(active.values_list("mentor_id", flat=True))
    taken = set(Mentorship.objects.filter(member__cohort=cohort).values_list("member_id", "mentor_id"))
    # Conflicts are checked against the startup itself (members of a cohort without a call have no application).
    startups = [
        SimpleNamespace(pk=m.pk, organisation=m.organisation, organisation_id=m.organisation_id, created_by_id=None)
        for m in members
    ]
    conflicts = conflict_map(startups, [u.pk for u in mentors], declared=False)
    texts = [
        application_text(m.application)
        if m.application
        else "\n".join(p for p in (m.organisation.description_en, m.organisation.description_ko) if p)
        or m.organisation.name
        for m in members
    ]
    scores = affinities(texts, [person_text(u) for u in mentors])
    triples = []
    for i, member in enumerate(members):
        for j, mentor in enumerate(mentors):
            if (member.pk, mentor.pk) in taken or (member.pk, mentor.pk) in conflicts:
                continue
            triples.append((COHORT_STARTUPS.id(member.pk), USERS.id(mentor.pk), float(scores[i, j])))
    demand = {COHORT_STARTUPS.id(m.pk): max(0, per_startup - have[m.pk]) for m in members}
    capacity = {USERS.id(u.pk): max(0, max_mentees - load[u.pk]) for u in mentors}
    startup_labels = {COHORT_STARTUPS.id(m.pk): m.organisation.name for m in members}
    mentor_labels = {USERS.id(u.pk): str(u) for u in mentors}
    if not any(demand.values()):
        return 0
    try:
        result = assign(
            triples,
            demand=demand,
            max_load=capacity,
            objective="total",
            bound=False,
            item_labels=startup_labels,
            person_labels=mentor_labels,
        )
    except Infeasible as exc:
        raise Refused(
            "programs.mentoring.infeasible",
            gettext_lazy("No mentor assignment is possible: %(reasons)s"),
            params={"reasons": str(exc)},
        ) from exc
    with transaction.atomic():
        Mentorship.objects.bulk_create(
            [
                Mentorship(
                    member_id=COHORT_STARTUPS.pk(i),
                    mentor_id=USERS.pk(p),
                    affinity=round(s, 4),
                    source=AssignmentSource.ENGINE,
                )
                for i, p, s in result.pairs
            ]
        )
        created = sorted([COHORT_STARTUPS.pk(i), USERS.pk(p)] for i, p, _s in result.pairs)
        record(
            cohort, "programs.mentoring.matched", summary=f"{len(created)} mentor pairs", detail={"created": created}
        )
    return len(result.pairs)
