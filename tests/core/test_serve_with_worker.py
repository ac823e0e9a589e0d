"""`bridgehead serve --with-worker` (what `make demo` runs): the site answers, a queued schedule run is solved by
the worker it started, the worker's heartbeat is recorded, and one SIGINT stops the site, its granian workers
and the background worker, leaving no process behind.

Real processes on a free port against their own SQLite file; the test process reads that file with sqlite3.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent

# Runs in a child process against the served database: one accepted meeting, then a queued schedule run.
QUEUE_A_RUN = """
import datetime as dt
import django
django.setup()
from bridgehead.core.models import User
from bridgehead.partnering import scheduling, services
from bridgehead.partnering.models import Event, EventSession, Meeting, MeetingRequest, Participant
from bridgehead.registry.models import Organisation, Person

user = User.objects.create_user(username="staff", password="x", is_superuser=True)
event = Event.objects.create(slug="e", title_en="Event", time_zone="America/Los_Angeles", tables=2)
EventSession.objects.create(event=event, date=dt.date(2030, 6, 1), starts=dt.time(9), ends=dt.time(10))
services.build_slots(event=event, by=user)
sides = []
for kind in ("startup", "investor"):
    org = Organisation.objects.create(slug=kind, name_en=kind, kind=kind, country="US")
    person = Person.objects.create(name_en=kind, organisation=org)
    sides.append(Participant.objects.create(event=event, person=person, organisation=org, kind=kind))
request = MeetingRequest.objects.create(event=event, sender=sides[0], recipient=sides[1], status="accepted")
Meeting.objects.create(event=event, request=request, first=sides[0], second=sides[1])
print(scheduling.start_solve(event=event, by=user, time_limit=2).pk)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"gave up waiting for {what} after {seconds} s")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
            return response.status == 200
    except OSError:
        return False


def child_pids(log: Path) -> dict[str, int] | None:
    """The pids the supervisor printed for its two children, once both are printed."""
    found = {name: int(pid) for name, pid in re.findall(r"(site|worker): pid (\d+)", log.read_text())}
    return found if len(found) == 2 else None


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=20) as connection:
        return connection.execute(sql).fetchall()


def test_one_command_serves_runs_tasks_and_one_sigint_stops_everything(tmp_path):
    db = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "BRIDGEHEAD_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "bridgehead.site.settings",
        "BRIDGEHEAD_PRINT_LOGINS": "0",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    env.pop("PYTEST_XDIST_TESTRUNUID", None)
    subprocess.run([BIN / "bridgehead", "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [BIN / "bridgehead", "serve", "--with-worker", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/accounts/login/"), 120, "the site")
        pids = wait_for(lambda: child_pids(log), 10, "the children's pids")
        wait_for(
            lambda: query(db, "select count(*) from core_workerheartbeat where stopped_at is null")[0][0] == 1,
            60,
            "the worker's heartbeat",
        )

        queued = subprocess.run(
            [BIN / "python", "-c", QUEUE_A_RUN], env=env, check=True, capture_output=True, text=True, timeout=120
        )
        run_id = int(queued.stdout.strip().splitlines()[-1])
        sql = f"select status, stats from partnering_schedulerun where id = {run_id}"
        status = wait_for(lambda: query(db, sql)[0][0] in ("succeeded", "failed") and query(db, sql)[0], 120, "the run")
        assert status[0] == "succeeded"
        assert '"scheduled": 1' in status[1]

        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert not group_alive(pids["site"])  # granian and its own worker processes
    assert not group_alive(pids["worker"])
    assert query(db, "select count(*) from core_workerheartbeat where stopped_at is not null") == [(1,)]
    assert "Stopped." in log.read_text()


def test_bridgehead_worker_runs_in_the_process_that_was_started_and_stops_with_it(tmp_path):
    """No reloader by default (even with DEBUG): the process a supervisor starts is the one running tasks, so
    stopping it leaves no worker behind."""
    db = tmp_path / "worker.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "BRIDGEHEAD_VAR_DIR": str(tmp_path),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "bridgehead.site.settings",
    }
    env.pop("PYTEST_XDIST_TESTRUNUID", None)
    subprocess.run([BIN / "bridgehead", "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [BIN / "bridgehead", "worker", "--no-startup-delay"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: "Starting worker" in log.read_text(), 120, "the worker to take signals")
        beating = query(db, "select pid from core_workerheartbeat")
        assert beating == [(worker.pid,)]
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert query(db, "select count(*) from core_workerheartbeat where stopped_at is not null") == [(1,)]
