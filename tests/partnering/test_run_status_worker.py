"""The schedule page tells the manager when a queued run has no worker to take it, and shows a finished run's
result without a stale "being computed" message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bridgehead.core.workers import record_start, record_stop
from bridgehead.partnering.models import ScheduleRun

pytestmark = pytest.mark.django_db

NO_WORKER = "No background worker is running"


def fragment(client, user, run) -> str:
    client.force_login(user)
    return client.get(reverse("run-status", args=[run.pk])).content.decode()


def test_a_queued_run_says_no_worker_is_running_and_what_to_do(client, fair):
    run = ScheduleRun.objects.create(event=fair["event"], requested_by=fair["manager"])
    body = fragment(client, fair["manager"], run)
    assert NO_WORKER in body
    assert "start it with <code>bridgehead worker</code>" in body
    assert f'hx-get="/events/runs/{run.pk}/status/"' in body  # still polling: the warning goes once a worker runs
    client.force_login(fair["other_manager"])
    assert client.get(reverse("run-status", args=[run.pk])).status_code == 404


def test_the_warning_is_gone_while_a_worker_runs_and_back_when_it_stopped(client, fair):
    run = ScheduleRun.objects.create(event=fair["event"], requested_by=fair["manager"])
    record_start(worker_id="w1")
    assert NO_WORKER not in fragment(client, fair["manager"], run)
    record_stop(worker_id="w1")
    assert "The last worker reported at" in fragment(client, fair["manager"], run)


def test_korean_manager_reads_the_warning_in_korean(client, fair):
    fair["manager"].language = "ko"
    fair["manager"].save()
    run = ScheduleRun.objects.create(event=fair["event"], requested_by=fair["manager"])
    assert "백그라운드 워커가 실행되고 있지 않습니다" in fragment(client, fair["manager"], run)


def test_after_the_run_the_page_shows_the_result_and_no_stale_message(client, fair, django_capture_on_commit_callbacks):
    client.force_login(fair["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("event-schedule", args=["sd-day"]), {"time_limit": 3, "objective": "weight"}, follow=True
        ).content.decode()
    run = ScheduleRun.objects.get()
    assert run.status == "succeeded"
    assert "being computed" not in page
    body = fragment(client, fair["manager"], run)
    assert 'data-status="succeeded"' in body
    assert "hx-trigger" not in body  # polling stops
    assert "Scheduled 1 of 1 accepted meetings (bound 1)" in body
