"""The way the platform scales out: two `bridgehead worker` processes drain 20 queued background runs (schedule
solves and reviewer assignments of several events and calls) and execute each exactly once — even though
every run's task is delivered twice — and a starting worker closes the run a dead worker left running.

PostgreSQL only: run with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pytest --create-db``.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bridgehead.core.runs import STALE_AFTER, RunStatus
from bridgehead.core.workers import WorkerHeartbeat
from bridgehead.partnering import scheduling
from bridgehead.partnering import tasks as partnering_tasks
from bridgehead.partnering.models import ScheduleRun
from bridgehead.programs import assignment as assigning
from bridgehead.programs import tasks as programs_tasks
from bridgehead.programs.models import AssignmentRun
from tests.core.test_runs import small_call, small_event
from tests.factories import ProgramFactory, UserFactory, grant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # about 50 s: two worker processes

BIN = Path(sys.executable).parent
EVENTS = CALLS = 10
POLL_EVERY = 0.1  # seconds an idle worker waits before it looks at the queue again


def database_url() -> str:
    settings = connection.settings_dict
    host = settings.get("HOST") or "127.0.0.1"
    return f"postgres://{settings['USER']}@{host}:{settings.get('PORT') or 5432}/{settings['NAME']}"


def wait_for(check, seconds: float, what: str, workers: list[subprocess.Popen]):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        for worker in workers:
            assert worker.poll() is None, f"a worker exited early with {worker.returncode}"
        time.sleep(0.25)
    pytest.fail(f"gave up waiting for {what} after {seconds} s")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: two worker processes write at once, which a SQLite file serialises, and django-tasks "
    "claims tasks with SELECT ... FOR UPDATE SKIP LOCKED only on PostgreSQL",
)
def test_two_workers_drain_twenty_runs_and_execute_each_exactly_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queue where the workers look
    settings.PROGRAMS_ENCODER = "hash"
    program = ProgramFactory(slug="scale-out")
    manager = grant(UserFactory(username="scale-pm"), "program_manager", program=program)
    events = [small_event(f"day{i}", program) for i in range(EVENTS)]
    calls = [small_call(program, f"call{i}") for i in range(CALLS)]
    long_ago = timezone.now() - STALE_AFTER - dt.timedelta(minutes=1)
    dead = ScheduleRun.objects.create(
        event=small_event("dead-day", program),
        requested_by=manager,
        status=RunStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "bridgehead.site.settings",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PROGRAMS_ENCODER": "hash",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "BRIDGEHEAD_VAR_DIR": str(tmp_path),
    }
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_TESTRUNUID"):
        env.pop(name, None)
    logs = [tmp_path / f"worker{i}.log" for i in range(2)]
    workers = []
    for log in logs:
        with log.open("w") as out:
            workers.append(
                subprocess.Popen(
                    [BIN / "bridgehead", "worker", "--no-startup-delay", "--no-reload", "--interval", str(POLL_EVERY)],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        wait_for(
            lambda: WorkerHeartbeat.objects.filter(stopped_at__isnull=True).count() == 2, 120, "2 workers", workers
        )
        dead.refresh_from_db()
        assert (dead.status, dead.error) == (RunStatus.FAILED, str(ScheduleRun.stale_message))  # closed at start

        # Everything is queued in one transaction, so both idle workers find a full queue at their next poll.
        # Queued one by one, the first worker to wake took each task as it arrived and the other, asleep between
        # polls, found the queue empty every time (CI, 1 December: one worker ran all 40).
        with transaction.atomic():
            runs = [scheduling.start_solve(event=e, by=manager, time_limit=2) for e in events]
            runs += [assigning.queue_assignment(call=c, by=manager) for c in calls]
            for run in runs:  # a duplicate delivery of every task: only the claim keeps execution to once
                solve = isinstance(run, ScheduleRun)
                (partnering_tasks.solve_schedule if solve else programs_tasks.run_assignment).enqueue(run.pk)
        wait_for(
            lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists(), 180, "the queue", workers
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    logs_text = "\n".join(log.read_text() for log in logs)
    finished = [type(r).objects.get(pk=r.pk) for r in runs]
    assert [(r.status, r.error) for r in finished] == [(RunStatus.SUCCEEDED, "")] * 20, logs_text
    assert all(r.started_at and r.finished_at >= r.started_at for r in finished)
    for run in finished:
        [entry] = [
            e
            for e in LogEntry.objects.get_for_object(run)
            if (e.additional_data or {}).get("action", "").endswith(".run.succeeded")
        ]
        assert (entry.actor, entry.additional_data["via"]) == (manager, "task")
    assert [r.assigned for r in finished if isinstance(r, AssignmentRun)] == [2] * CALLS
    assert [r.stats["scheduled"] for r in finished if isinstance(r, ScheduleRun)] == [1] * EVENTS
    # The runs' own tasks (mail the runs send is queued as tasks of its own: core.tasks.deliver_mail).
    tasks = DBTaskResult.objects.exclude(task_path="bridgehead.core.tasks.deliver_mail")
    assert tasks.count() == 40 and set(tasks.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert len({worker for t in tasks for worker in t.worker_ids}) == 2  # both workers took a share
