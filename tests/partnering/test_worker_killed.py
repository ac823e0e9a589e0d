"""A worker killed in the middle of a solve: the published schedule stays exactly as it was, and the next
solve closes the dead run instead of waiting for it forever."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from bridgehead.engines.schedule.generate import generate
from bridgehead.partnering import bulk, scheduling
from bridgehead.partnering.models import Meeting, ScheduleRun
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    host = settings.get("HOST") or "127.0.0.1"
    return f"postgres://{settings['USER']}@{host}:{settings.get('PORT') or 5432}/{settings['NAME']}"


def test_killed_worker_leaves_the_published_schedule_untouched():
    event = EventFactory(slug="big")
    manager = grant(UserFactory(username="pm"), "program_manager", program=event.program)
    # A dense event keeps the exact stage busy up to the time limit, so the worker is surely mid-solve.
    bulk.import_instance(event=event, instance=generate(300, seed=3, variant="dense"))
    # A published schedule to protect: place the first meeting by hand and mark the schedule published.
    first = Meeting.objects.order_by("pk").first()
    slot = event.slots.order_by("starts_at").first()
    Meeting.objects.filter(pk=first.pk).update(slot=slot, table=1, status="scheduled")
    event.schedule_published_at = dt.datetime.now(dt.UTC)
    event.save()
    before = sorted(Meeting.objects.values_list("pk", "slot_id", "table", "status", "sequence"))

    run = ScheduleRun.objects.create(event=event, requested_by=manager, time_limit=60)
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "bridgehead.site.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = f"import django; django.setup(); from bridgehead.partnering.scheduling import execute; execute({run.pk})"
    worker = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status == "running" and run.solver_progress.get("phase"):
                break  # the solver is working and has reported progress
            assert worker.poll() is None, worker.stderr.read().decode()
            time.sleep(0.05)
        assert run.status == "running", f"the worker never got going: {run.status} {run.error}"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stderr.close()

    run.refresh_from_db()
    assert run.status == "running"  # nobody told the database: the process just vanished
    assert sorted(Meeting.objects.values_list("pk", "slot_id", "table", "status", "sequence")) == before

    ScheduleRun.objects.filter(pk=run.pk).update(heartbeat_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    retry = scheduling.start_solve(event=event, by=manager, time_limit=1)
    run.refresh_from_db()
    assert run.status == "failed"
    assert retry.pk != run.pk
    assert sorted(Meeting.objects.values_list("pk", "slot_id", "table", "status", "sequence")) == before
