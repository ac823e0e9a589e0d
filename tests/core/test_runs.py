"""One background-run design (``bridgehead.core.runs``) shared by schedule solves and reviewer assignments:
one active run per subject (refused with one code, on the service, the page and the API, and backed by the
database), failure recorded in one place, cooperative cancel, stale-run recovery, and audit entries that name
the person who asked for the run."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bridgehead.core.actions import acting_as
from bridgehead.core.errors import Refused
from bridgehead.core.models import ApiToken
from bridgehead.core.runs import ALREADY_ACTIVE, STALE_AFTER, RunStatus, recover_stale_runs
from bridgehead.partnering import scheduling, services
from bridgehead.partnering.models import Meeting, ScheduleRun
from bridgehead.programs import assignment as assigning
from bridgehead.programs.models import AssignmentRun, Exclusion, ReviewAssignment
from tests.factories import OrganisationFactory, UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant
from tests.programs.factories import ApplicationFactory, CallFactory, CallReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_encoder(settings):
    settings.PROGRAMS_ENCODER = "hash"


def small_event(slug: str, program=None):
    """An event with one accepted meeting (solves in a fraction of a second)."""
    event = EventFactory(slug=slug, tables=2, **({"program": program} if program else {}))
    add_session(event, dt.date(2026, 6, 1), "09:00", "10:00")
    startup = participant(event, "startup", f"{slug}-s")
    investor = participant(event, "investor", f"{slug}-i")
    request = services.send_request(sender=startup, recipient=investor, by=startup.person.user)
    services.accept_request(request=request, by=investor.person.user)
    return event


def small_call(program, slug: str, reviewers: int = 2, applications: int = 2):
    """A call with a small panel and submitted applications (one review each)."""
    call = CallFactory(program=program, slug=slug, reviews_per_application=1)
    for i in range(reviewers):
        user = grant(UserFactory(username=f"{slug}-rev{i}"), "reviewer", program=program)
        CallReviewerFactory(call=call, user=user, expertise=["imaging", "genomics", "devices"][i % 3])
    for i in range(applications):
        organisation = OrganisationFactory(slug=f"{slug}-app{i}", name_en=f"{slug} app {i}", kind="startup")
        ApplicationFactory(call=call, organisation=organisation, answers={"summary": f"imaging {i}"})
    return call


@pytest.fixture
def subjects(world):
    manager = world["users"]["manager"]
    program = world["our_program"]
    return {"manager": manager, "event": small_event("run-day", program), "call": small_call(program, "run-call")}


def queue_schedule(subjects):
    return scheduling.start_solve(event=subjects["event"], by=subjects["manager"], time_limit=2)


def queue_assignment(subjects):
    return assigning.queue_assignment(call=subjects["call"], by=subjects["manager"])


QUEUE = {"schedule": queue_schedule, "assignment": queue_assignment}


def run_entries(run) -> list[LogEntry]:
    return [e for e in LogEntry.objects.get_for_object(run) if ".run." in (e.additional_data or {}).get("action", "")]


# --- one active run per subject ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["schedule", "assignment"])
def test_a_second_run_for_the_same_subject_is_refused_with_one_code(subjects, kind):
    first = QUEUE[kind](subjects)  # not executed: the immediate backend runs tasks only on commit
    assert first.status == RunStatus.QUEUED

    with pytest.raises(Refused) as refused:
        QUEUE[kind](subjects)

    assert (refused.value.code, refused.value.status) == (ALREADY_ACTIVE, 409)
    assert type(first).objects.count() == 1


def test_the_same_refusal_for_a_running_run_and_none_once_it_ended(subjects):
    run = queue_assignment(subjects)
    AssignmentRun.claim(run.pk)
    with pytest.raises(Refused, match="already being assigned"):
        queue_assignment(subjects)
    AssignmentRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
    assert queue_assignment(subjects).status == RunStatus.QUEUED


def test_the_pages_refuse_a_second_run_with_the_same_code(subjects, login):
    client = login(subjects["manager"])
    queue_schedule(subjects)
    queue_assignment(subjects)

    schedule_page = client.post(
        reverse("event-schedule", args=[subjects["event"].slug]),
        {"time_limit": 2, "objective": "weight"},
        headers={"Referer": reverse("event-schedule", args=[subjects["event"].slug])},
        follow=True,
    ).content.decode()
    assignment_page = client.post(
        reverse("call-assignment", args=[subjects["call"].pk]),
        {"action": "run", "kind": "assign", "reviews_per_application": 1, "max_reviews_per_reviewer": 3},
        headers={"Referer": reverse("call-assignment", args=[subjects["call"].pk])},
        follow=True,
    ).content.decode()

    assert f'data-refusal-code="{ALREADY_ACTIVE}"' in schedule_page
    assert f'data-refusal-code="{ALREADY_ACTIVE}"' in assignment_page
    assert (ScheduleRun.objects.count(), AssignmentRun.objects.count()) == (1, 1)


def test_the_api_refuses_a_second_solve_with_the_same_code(subjects, client):
    _token, raw = ApiToken.issue(user=subjects["manager"], name="script")
    url = f"/api/partnering/events/{subjects['event'].slug}/solve"
    first = queue_schedule(subjects)

    answer = client.post(
        url,
        {"time_limit": 2, "objective": "weight"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == ALREADY_ACTIVE
    shown = client.get(f"/api/partnering/runs/{first.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert (shown["status"], shown["progress"], shown["error"]) == ("queued", {"fraction": 0.0}, "")


@pytest.mark.parametrize("model", [ScheduleRun, AssignmentRun])
def test_the_database_allows_one_active_run_per_subject(subjects, model):
    subject = {ScheduleRun: {"event": subjects["event"]}, AssignmentRun: {"call": subjects["call"]}}[model]
    model.objects.create(**subject, status=RunStatus.RUNNING)
    model.objects.create(**subject, status=RunStatus.FAILED)  # finished runs do not count
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**subject, status=RunStatus.QUEUED)


def test_runs_of_different_subjects_do_not_block_each_other(world, subjects):
    other = small_event("other-day", world["our_program"])
    queue_schedule(subjects)
    assert scheduling.start_solve(event=other, by=subjects["manager"], time_limit=2).status == RunStatus.QUEUED


# --- claim, success, failure -------------------------------------------------------------------------------


def test_exactly_one_claim_wins(subjects):
    run = queue_assignment(subjects)
    assert AssignmentRun.claim(run.pk).status == RunStatus.RUNNING
    assert AssignmentRun.claim(run.pk) is None  # a second worker given the same task does nothing
    run.refresh_from_db()
    assert run.started_at is not None and run.heartbeat_at is not None


@pytest.mark.parametrize("kind", ["schedule", "assignment"])
def test_a_finished_run_is_succeeded_and_its_audit_entry_names_the_requester(subjects, kind):
    run = QUEUE[kind](subjects)
    execute = {"schedule": scheduling.execute, "assignment": assigning.execute}[kind]

    with acting_as(None, via="system"):  # the worker has nobody behind it: the run still acts as its requester
        run = execute(run.pk)

    assert (run.status, run.error, run.progress) == (RunStatus.SUCCEEDED, "", 1.0)
    assert run.finished_at >= run.started_at >= run.created_at
    [entry] = run_entries(run)
    app = run._meta.app_label
    assert (entry.actor, entry.additional_data["via"], entry.additional_data["action"]) == (
        subjects["manager"],
        "task",
        f"{app}.run.succeeded",
    )


def test_the_audit_entries_a_run_writes_name_the_requester(subjects):
    """A re-run replaces an engine assignment the manager excluded since: the deletion is audited with the
    manager as actor, via the task, though no request was running."""
    call = subjects["call"]
    assigning.execute(queue_assignment(subjects).pk)
    old = ReviewAssignment.objects.filter(application__call=call).first()
    Exclusion.objects.create(application=old.application, reviewer=old.reviewer, by=subjects["manager"])

    run = assigning.execute(queue_assignment(subjects).pk)

    assert run.status == RunStatus.SUCCEEDED
    assert not ReviewAssignment.objects.filter(pk=old.pk).exists()
    deleted = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(old.pk))
    assert [(e.actor, e.additional_data["via"]) for e in deleted] == [(subjects["manager"], "task")]


def test_a_run_that_raises_is_failed_with_its_message_and_the_previous_result_stays(subjects, settings):
    first = assigning.execute(queue_assignment(subjects).pk)
    before = sorted(ReviewAssignment.objects.values_list("application_id", "reviewer_id", "run_id"))
    settings.PROGRAMS_ENCODER = "no-such-encoder"  # a real failure deep in the work: the encoder cannot load
    subjects["call"].reviews_per_application = 2  # so the run has reviewers to find, and needs the encoder
    subjects["call"].save()

    run = assigning.execute(queue_assignment(subjects).pk)

    assert run.status == RunStatus.FAILED
    assert run.error.startswith("ValueError: unknown encoder 'no-such-encoder'")
    assert run.finished_at is not None
    assert sorted(ReviewAssignment.objects.values_list("application_id", "reviewer_id", "run_id")) == before
    first.refresh_from_db()
    assert (first.status, first.assigned) == (RunStatus.SUCCEEDED, 2)
    assert [e.additional_data["action"] for e in run_entries(run)] == ["programs.run.failed"]


def test_a_failed_run_shows_its_message_on_the_page(subjects, settings, login):
    settings.PROGRAMS_ENCODER = "no-such-encoder"
    run = assigning.execute(queue_assignment(subjects).pk)
    html = (
        login(subjects["manager"]).get(reverse("call-run-status", args=[subjects["call"].pk, run.pk])).content.decode()
    )
    assert 'data-status="failed"' in html
    assert "unknown encoder" in html
    assert "hx-get" not in html  # the page stops polling


def test_any_exception_in_the_work_is_recorded_once_and_its_writes_roll_back(subjects):
    run = queue_schedule(subjects)
    meeting = Meeting.objects.get(event=subjects["event"])

    def work(run):
        Meeting.objects.filter(pk=meeting.pk).update(table=2)  # a half-done change
        raise ZeroDivisionError("division by zero")

    run = ScheduleRun.execute(run.pk, work)

    assert (run.status, run.error) == (RunStatus.FAILED, "ZeroDivisionError: division by zero")
    assert Meeting.objects.get(pk=meeting.pk).table is None
    assert ScheduleRun.execute(run.pk, work).status == RunStatus.FAILED  # a second delivery does nothing


# --- cancel ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["schedule", "assignment"])
def test_a_queued_run_is_cancelled_at_once_and_its_task_then_does_nothing(subjects, kind):
    run = QUEUE[kind](subjects)
    run.cancel(by=subjects["manager"])
    run.refresh_from_db()
    assert (run.status, run.cancel_requested) == (RunStatus.CANCELLED, True)
    created = LogEntry.objects.get_for_object(run).get(action=LogEntry.Action.CREATE)
    [cancelled] = run_entries(run)
    assert (created.actor, cancelled.actor) == (subjects["manager"], subjects["manager"])  # who asked, who cancelled
    assert cancelled.additional_data["action"] == f"{run._meta.app_label}.run.cancel_requested"
    execute = {"schedule": scheduling.execute, "assignment": assigning.execute}[kind]
    assert execute(run.pk).started_at is None
    assert QUEUE[kind](subjects).status == RunStatus.QUEUED  # the subject is free again


def test_a_running_assignment_stops_at_its_next_step_and_changes_nothing(subjects):
    run = queue_assignment(subjects)

    def cancelled_meanwhile(run):
        run.cancel(by=subjects["manager"])  # the manager clicks cancel while the worker is busy
        return assigning._assign(run)

    run = AssignmentRun.execute(run.pk, cancelled_meanwhile)

    assert run.status == RunStatus.CANCELLED
    assert not ReviewAssignment.objects.exists()
    # (The cancel request made inside the work rolls back with the work's savepoint in this one-transaction test;
    # from a page it commits on its own.)
    entries = [(e.additional_data["action"], e.actor, e.additional_data["via"]) for e in run_entries(run)]
    assert entries == [("programs.run.cancelled", subjects["manager"], "task")]


def test_a_running_solve_stops_when_asked_and_cannot_be_published(subjects):
    run = queue_schedule(subjects)

    def cancelled_meanwhile(run):
        run.cancel(by=subjects["manager"])
        return scheduling._solve(run, threads=1, seed=0)  # the solver's stop callback sees the request

    run = ScheduleRun.execute(run.pk, cancelled_meanwhile)

    assert run.status == RunStatus.CANCELLED
    assert run.stats["requested"] == 1  # what it had found is kept for the record
    with pytest.raises(Exception, match="Only a finished run can be published"):
        scheduling.publish_run(run=run, by=subjects["manager"])
    assert Meeting.objects.filter(slot__isnull=False).count() == 0


# --- stale runs --------------------------------------------------------------------------------------------


def _stale(model, **subject):
    long_ago = timezone.now() - STALE_AFTER - dt.timedelta(seconds=5)
    return model.objects.create(**subject, status=RunStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago)


@pytest.mark.parametrize("kind", ["schedule", "assignment"])
def test_a_run_whose_worker_stopped_is_failed_when_the_next_run_is_queued(subjects, kind):
    model, subject = {
        "schedule": (ScheduleRun, {"event": subjects["event"]}),
        "assignment": (AssignmentRun, {"call": subjects["call"]}),
    }[kind]
    dead = _stale(model, **subject)

    new = QUEUE[kind](subjects)

    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and dead.finished_at is not None
    assert "worker stopped" in dead.error
    assert new.status == RunStatus.QUEUED


def test_a_starting_worker_fails_stale_runs_of_every_kind_and_leaves_live_ones(world, subjects):
    dead_solve = _stale(ScheduleRun, event=subjects["event"])
    dead_assignment = _stale(AssignmentRun, call=subjects["call"])
    live = AssignmentRun.objects.create(
        call=small_call(world["our_program"], "live-call"), status=RunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    waiting = ScheduleRun.objects.create(event=small_event("waiting-day"))  # queued: the starting worker takes it

    assert recover_stale_runs() == 2

    states = {r: type(r).objects.get(pk=r.pk).status for r in (dead_solve, dead_assignment, live, waiting)}
    assert list(states.values()) == [RunStatus.FAILED, RunStatus.FAILED, RunStatus.RUNNING, RunStatus.QUEUED]


def test_a_beating_run_is_not_stale_however_long_it_runs(subjects):
    run = queue_assignment(subjects)
    AssignmentRun.claim(run.pk)
    AssignmentRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    run.refresh_from_db()
    run.heartbeat()
    assert recover_stale_runs() == 0
    with pytest.raises(Refused):
        queue_assignment(subjects)
