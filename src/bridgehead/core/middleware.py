"""Activate each viewer's language and time zone for the whole request.

Signed-in users carry their choice on their account (so e-mails and every device agree); anonymous
visitors carry it in cookies. Times are stored in UTC and only converted here, at the edge.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


def viewer_time_zone(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.time_zone:
        return user.time_zone
    cookie = request.COOKIES.get(settings.TIME_ZONE_COOKIE_NAME, "")
    if cookie in zoneinfo.available_timezones():
        return cookie
    return settings.DEFAULT_VIEWER_TIME_ZONE


class UserPreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = viewer_time_zone(request)
        request.viewer_time_zone = zone
        timezone.activate(zoneinfo.ZoneInfo(zone))
        user = request.user
        previous = translation.get_language()
        language = None
        if user.is_authenticated and user.language and not request.path.startswith("/api/"):
            language = user.language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # Nothing of this viewer may leak into whatever this thread runs next (tasks, another request).
            timezone.deactivate()
            if language is not None:
                translation.activate(previous)
        if language is not None:
            response.headers.setdefault("Content-Language", language)
        return response
