"""Worker heartbeats: a live worker is one seen within ALIVE_WITHIN that has not stopped; the heartbeat
thread keeps the row fresh and marks it stopped on the way out."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from bridgehead.core.workers import (
    ALIVE_WITHIN,
    Heartbeat,
    WorkerHeartbeat,
    record_beat,
    record_start,
    record_stop,
    worker_state,
)

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_no_worker_ever_ran():
    assert worker_state(now=NOW).alive is False
    assert worker_state(now=NOW).last_seen is None


@pytest.mark.django_db
def test_a_worker_is_alive_until_it_stops_or_goes_silent():
    record_start(worker_id="w1", now=NOW)
    assert worker_state(now=NOW + ALIVE_WITHIN).alive is True
    assert worker_state(now=NOW + ALIVE_WITHIN + dt.timedelta(seconds=1)).alive is False  # killed: no more beats
    record_beat(worker_id="w1", now=NOW + dt.timedelta(minutes=5))
    assert worker_state(now=NOW + dt.timedelta(minutes=5, seconds=10)).alive is True
    record_stop(worker_id="w1", now=NOW + dt.timedelta(minutes=6))
    state = worker_state(now=NOW + dt.timedelta(minutes=6))
    assert (state.alive, state.last_seen) == (False, NOW + dt.timedelta(minutes=6))


@pytest.mark.django_db
def test_a_restarted_worker_reuses_its_row_and_old_rows_are_forgotten():
    record_start(worker_id="old", now=NOW - dt.timedelta(days=8))
    record_start(worker_id="w1", now=NOW - dt.timedelta(hours=1))
    record_stop(worker_id="w1", now=NOW - dt.timedelta(hours=1))
    record_start(worker_id="w1", now=NOW)
    assert list(WorkerHeartbeat.objects.values_list("worker_id", "stopped_at")) == [("w1", None)]


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_and_marks_the_stop():
    heartbeat = Heartbeat("thread-worker", every=0.05)
    heartbeat.start()
    first = WorkerHeartbeat.objects.get().seen_at
    time.sleep(0.5)
    assert WorkerHeartbeat.objects.get().seen_at > first
    assert worker_state().alive is True
    heartbeat.stop()
    row = WorkerHeartbeat.objects.get()
    assert row.stopped_at is not None and row.stopped_at <= timezone.now()
    assert worker_state().alive is False


@pytest.mark.django_db
def test_heartbeats_stay_out_of_the_audit_log():
    from auditlog.models import LogEntry

    record_start(worker_id="w1", now=NOW)
    record_start(worker_id="w1", now=NOW + dt.timedelta(minutes=1))  # a restart rewrites the row
    record_stop(worker_id="w1", now=NOW + dt.timedelta(minutes=2))
    assert LogEntry.objects.count() == 0
