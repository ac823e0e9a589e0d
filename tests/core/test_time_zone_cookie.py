"""The anonymous viewer's time zone cookie (core.middleware.viewer_time_zone), and the CPU it costs.

Regression (issue 13, CPU per request): every API request and anonymous page walked the whole time zone
database on disk (``zoneinfo.available_timezones()``, about 5 ms of CPU) to check a cookie that is usually
not even there. The zone names are now read once a process.
"""

from __future__ import annotations

import zoneinfo

import pytest
from django.conf import settings
from django.test import RequestFactory

from bridgehead.core import middleware


@pytest.fixture
def scans(monkeypatch) -> list[int]:
    middleware.known_time_zones.cache_clear()
    calls: list[int] = []
    real = zoneinfo.available_timezones

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counting)
    yield calls
    middleware.known_time_zones.cache_clear()


def viewer_zone(cookie: str | None) -> str:
    request = RequestFactory().get("/api/agreements")
    if cookie is not None:
        request.COOKIES[settings.TIME_ZONE_COOKIE_NAME] = cookie
    return middleware.viewer_time_zone(request)


def test_a_known_zone_in_the_cookie_is_used_and_an_unknown_one_ignored(scans):
    assert viewer_zone("America/Los_Angeles") == "America/Los_Angeles"
    assert viewer_zone("Mars/Olympus") == settings.DEFAULT_VIEWER_TIME_ZONE
    assert viewer_zone("") == settings.DEFAULT_VIEWER_TIME_ZONE
    assert viewer_zone(None) == settings.DEFAULT_VIEWER_TIME_ZONE


def test_the_time_zone_database_is_read_once_not_on_every_request(scans):
    for cookie in (None, "", "Europe/Berlin", "Mars/Olympus", "Asia/Seoul"):
        viewer_zone(cookie)
    assert len(scans) == 1
