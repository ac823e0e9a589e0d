"""An API token records when it was last used to the minute, not with a write on every request.

Regression test for the load benchmark's finding (bench/load): every bearer-authenticated request updated
its token's ``last_used_at``, a write and a commit per read, and requests sharing one token queued on the
row's lock.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bridgehead.core.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def token_updates(client, raw: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/agreements", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return sum(1 for q in captured.captured_queries if q["sql"].startswith('UPDATE "core_apitoken"'))


def test_last_use_is_written_once_a_minute_not_on_every_request(client):
    token, raw = ApiToken.issue(user=UserFactory(username="script"), name="sync")
    other, other_raw = ApiToken.issue(user=UserFactory(username="other-script"), name="sync")  # second tenant

    assert token_updates(client, raw) == 1  # first use: recorded
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert token_updates(client, raw) == 0  # again within the minute: no write
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(seconds=61))
    assert token_updates(client, raw) == 1  # a minute later: recorded again
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first

    assert ApiToken.objects.get(pk=other.pk).last_used_at is None  # the other token was never touched
    assert token_updates(client, other_raw) == 1
