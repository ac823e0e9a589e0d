"""A queued reviewer-assignment run says when no background worker is running, and what to do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bridgehead.core.workers import record_start
from bridgehead.programs.models import AssignmentRun

pytestmark = pytest.mark.django_db


def test_queued_assignment_run_without_a_worker(world, login, call):
    run = AssignmentRun.objects.create(call=call, requested_by=world["users"]["manager"])
    url = reverse("call-run-status", args=[call.pk, run.pk])
    html = login(world["users"]["manager"]).get(url).content.decode()
    assert 'data-testid="no-worker"' in html
    assert "start it with <code>bridgehead worker</code>" in html
    record_start(worker_id="w1")
    assert 'data-testid="no-worker"' not in login(world["users"]["manager"]).get(url).content.decode()
    assert login(world["users"]["reviewer"]).get(url).status_code in (403, 404)
