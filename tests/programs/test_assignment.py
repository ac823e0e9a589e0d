"""Reviewers are assigned optimally by the matching engine, through the page and the worker task."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bridgehead.core.errors import Refused
from bridgehead.programs import assignment as assigning
from bridgehead.programs.enums import AssignmentSource, ReviewStatus, RunKind, RunStatus
from bridgehead.programs.models import AssignmentRun, CallReviewer, Exclusion, Review, ReviewAssignment
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, grant
from tests.programs.factories import ApplicationFactory, CallReviewerFactory, RelationshipFactory

pytestmark = pytest.mark.django_db

TEXTS = [
    "thyroid eye disease imaging app",
    "wearable glucose sensor",
    "genomics cancer screening",
    "hospital telemedicine platform",
    "medical device for sleep apnea",
    "AI radiology triage",
]


def _panel(call, world, n=4):
    members = []
    for i in range(n):
        user = grant(UserFactory(username=f"rev{i}"), "reviewer", program=world["our_program"])
        members.append(CallReviewerFactory(call=call, user=user, expertise=TEXTS[i % len(TEXTS)]))
    return members


def _applications(call, n=6):
    return [
        ApplicationFactory(
            call=call,
            answers={"summary": TEXTS[i % len(TEXTS)]},
            organisation=OrganisationFactory(slug=f"app-{i}", name_en=f"App {i}", kind="startup"),
        )
        for i in range(n)
    ]


def test_manager_runs_the_optimal_assignment_through_the_worker(world, login, call, django_capture_on_commit_callbacks):
    _panel(call, world)
    applications = _applications(call)
    client = login(world["users"]["manager"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("call-assignment", args=[call.pk]),
            {"action": "run", "kind": "assign", "reviews_per_application": 2, "max_reviews_per_reviewer": 3},
        )

    assert response.status_code == 302
    run = AssignmentRun.objects.get()
    assert (run.status, run.assigned, run.problems) == (RunStatus.SUCCEEDED, 12, [])
    assert run.bound == pytest.approx(run.objective, abs=1e-6)  # the flow is optimal: the LP bound closes
    loads = sorted(
        ReviewAssignment.objects.filter(reviewer__username__startswith="rev").values_list(
            "reviewer__username", flat=True
        )
    )
    assert [loads.count(f"rev{i}") for i in range(4)] == [3, 3, 3, 3]
    assert all(ReviewAssignment.objects.filter(application=a).count() == 2 for a in applications)
    page = client.get(reverse("call-run-status", args=[call.pk, run.pk])).content.decode()
    assert 'data-testid="run-bound"' in page and "proven optimal" in page


def test_each_application_gets_its_most_similar_reviewer_when_loads_allow(world, call):
    _panel(call, world)
    applications = _applications(call, n=4)
    call.reviews_per_application = 1
    call.save()

    run = assigning.execute(AssignmentRun.objects.create(call=call, requested_by=world["users"]["manager"]).pk)

    assert run.status == RunStatus.SUCCEEDED
    pairs = {(a.application.answers["summary"], a.reviewer.username) for a in ReviewAssignment.objects.all()}
    assert pairs == {(TEXTS[i], f"rev{i}") for i in range(4)}
    assert {a.application_id for a in ReviewAssignment.objects.all()} == {a.pk for a in applications}


def test_conflicted_pairs_are_never_assigned(world, call):
    members = _panel(call, world, n=3)
    applications = _applications(call, n=3)
    investor = OrganisationFactory(slug="vc", kind="investor")
    PersonFactory(user=members[0].user, organisation=investor)
    RelationshipFactory(source=investor, target=applications[0].organisation)
    PersonFactory(user=members[1].user, organisation=applications[1].organisation)
    call.reviews_per_application = 2
    call.save()

    run = assigning.execute(AssignmentRun.objects.create(call=call, requested_by=world["users"]["manager"]).pk)

    assert run.status == RunStatus.SUCCEEDED
    pairs = set(ReviewAssignment.objects.values_list("application_id", "reviewer__username"))
    assert (applications[0].pk, "rev0") not in pairs
    assert (applications[1].pk, "rev1") not in pairs
    assert len(pairs) == 6


def test_infeasible_assignment_names_the_applications_short_of_reviewers(world, call):
    members = _panel(call, world, n=2)
    applications = _applications(call, n=2)
    PersonFactory(user=members[0].user, organisation=applications[1].organisation)
    call.reviews_per_application = 2
    call.save()

    run = assigning.execute(AssignmentRun.objects.create(call=call, requested_by=world["users"]["manager"]).pk)

    assert run.status == RunStatus.FAILED
    assert run.problems == [
        f"#{applications[1].pk} App 1 needs 2 more reviewer(s) but only 1 eligible reviewer(s) are left"
    ]
    assert ReviewAssignment.objects.count() == 0


def test_infeasible_by_loads_names_the_applications_from_the_engines_min_cut(world, call):
    _panel(call, world, n=2)
    _applications(call, n=3)
    call.reviews_per_application = 2
    call.max_reviews_per_reviewer = 2
    call.save()

    run = assigning.execute(AssignmentRun.objects.create(call=call, requested_by=world["users"]["manager"]).pk)

    assert run.status == RunStatus.FAILED
    assert run.problems == ["total demand 6 exceeds what the eligible people can take (4 at most, total max load 4)"]


def test_manual_overrides_are_respected(world, call):
    members = _panel(call, world, n=3)
    applications = _applications(call, n=3)
    call.reviews_per_application = 1
    call.save()
    manager = world["users"]["manager"]
    pinned = assigning.add_manual_assignment(application=applications[0], reviewer=members[2].user, by=manager)
    excluded = ReviewAssignment.objects.create(
        application=applications[1], reviewer=members[1].user, source=AssignmentSource.MANUAL
    )
    assigning.remove_assignment(assignment=excluded, by=manager)

    assigning.execute(AssignmentRun.objects.create(call=call, requested_by=manager).pk)

    pairs = set(ReviewAssignment.objects.values_list("application_id", "reviewer_id", "source"))
    assert (applications[0].pk, members[2].user_id, AssignmentSource.MANUAL) in pairs
    assert not any(a == applications[1].pk and r == members[1].user_id for a, r, _s in pairs)
    assert ReviewAssignment.objects.filter(application=applications[0]).count() == 1
    assert Exclusion.objects.count() == 1
    assert ReviewAssignment.objects.get(pk=pinned.pk).source == AssignmentSource.MANUAL


def test_manual_assignment_of_a_conflicted_reviewer_is_refused(world, call):
    members = _panel(call, world, n=1)
    application = _applications(call, n=1)[0]
    PersonFactory(user=members[0].user, organisation=application.organisation)

    with pytest.raises(Refused) as refused:
        assigning.add_manual_assignment(application=application, reviewer=members[0].user, by=world["users"]["manager"])

    assert refused.value.code == "programs.assignment.conflict_of_interest"
    assert refused.value.params == {"reviewer": "rev0", "application": f"#{application.pk} App 0"}


def test_dropping_a_reviewer_reassigns_only_their_reviews(world, call, django_capture_on_commit_callbacks):
    members = _panel(call, world, n=4)
    _applications(call, n=4)
    manager = world["users"]["manager"]
    assigning.execute(AssignmentRun.objects.create(call=call, requested_by=manager).pk)
    dropped = members[0].user
    done = ReviewAssignment.objects.filter(reviewer=dropped).first()
    Review.objects.create(assignment=done, status=ReviewStatus.SUBMITTED, weighted=50)
    before = set(ReviewAssignment.objects.exclude(reviewer=dropped).values_list("pk", "application_id", "reviewer_id"))

    with django_capture_on_commit_callbacks(execute=True):
        run = assigning.drop_reviewer(member=members[0], by=manager)

    run.refresh_from_db()
    assert (run.kind, run.status) == (RunKind.REASSIGN, RunStatus.SUCCEEDED)
    after = set(ReviewAssignment.objects.values_list("pk", "application_id", "reviewer_id"))
    assert before <= after  # nobody else's assignment was touched
    assert set(ReviewAssignment.objects.filter(reviewer=dropped).values_list("pk", flat=True)) == {done.pk}
    assert all(
        ReviewAssignment.objects.filter(application_id=a).count() == 2
        for a in call.applications.values_list("pk", flat=True)
    )


def test_a_second_run_for_the_call_is_refused_like_a_second_schedule_solve(world, call):
    _panel(call, world)
    _applications(call)
    manager = world["users"]["manager"]
    first = assigning.queue_assignment(call=call, by=manager)  # queued: the worker has not taken it yet

    with pytest.raises(Refused) as refused:
        assigning.queue_assignment(call=call, by=manager, kind=RunKind.REASSIGN)

    assert (refused.value.code, refused.value.status) == ("runs.already_active", 409)
    assert list(AssignmentRun.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_reviewer_cannot_drop_out_while_a_run_is_assigning(world, call, login):
    """The run may already have read the panel: the drop waits for it (nothing of the drop is kept)."""
    members = _panel(call, world)
    _applications(call)
    manager = world["users"]["manager"]
    assigning.queue_assignment(call=call, by=manager)
    url = reverse("call-assignment", args=[call.pk])

    page = login(manager).post(
        url, {"action": "drop", "member": members[0].pk, "confirmed": "1"}, headers={"Referer": url}, follow=True
    )

    assert 'data-refusal-code="runs.already_active"' in page.content.decode()
    members[0].refresh_from_db()
    assert members[0].is_active
    assert AssignmentRun.objects.count() == 1


def test_cross_lingual_affinity_with_the_real_encoder(settings):
    settings.PROGRAMS_ENCODER = "use"

    scores = assigning.affinities(
        ["갑상선 안질환을 스마트폰 사진으로 진단하는 인공지능", "선박 용접 자동화 로봇"],
        ["AI diagnosis of thyroid eye disease from smartphone photos", "Robotic welding automation for shipyards"],
    )

    assert scores[0, 0] > scores[0, 1]
    assert scores[1, 1] > scores[1, 0]


def test_only_the_programs_managers_can_open_the_assignment_page(world, login, call):
    url = reverse("call-assignment", args=[call.pk])
    statuses = {
        name: login(world["users"][name]).get(url).status_code
        for name in ("admin", "manager", "observer", "reviewer", "mentor", "startup", "investor", "guest")
    }
    assert statuses == {
        "admin": 200,
        "manager": 200,
        "observer": 403,
        "reviewer": 403,
        "mentor": 403,
        "startup": 403,
        "investor": 403,
        "guest": 403,
    }


def test_rerunning_an_unchanged_call_keeps_every_assignment(world, call):
    _panel(call, world)
    _applications(call)
    manager = world["users"]["manager"]
    assigning.execute(AssignmentRun.objects.create(call=call, requested_by=manager).pk)
    before = set(ReviewAssignment.objects.values_list("pk", "application_id", "reviewer_id"))

    run = assigning.execute(AssignmentRun.objects.create(call=call, requested_by=manager).pk)

    assert (run.status, run.assigned) == (RunStatus.SUCCEEDED, 12)
    assert set(ReviewAssignment.objects.values_list("pk", "application_id", "reviewer_id")) == before


def test_an_infeasible_rerun_removes_nothing(world, call):
    members = _panel(call, world, n=3)
    _applications(call, n=3)
    manager = world["users"]["manager"]
    assigning.execute(AssignmentRun.objects.create(call=call, requested_by=manager).pk)
    CallReviewer.objects.filter(pk__in=[m.pk for m in members[1:]]).update(is_active=False)

    run = assigning.execute(AssignmentRun.objects.create(call=call, requested_by=manager).pk)

    assert run.status == RunStatus.FAILED
    assert ReviewAssignment.objects.count() == 6
