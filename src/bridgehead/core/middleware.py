"""Activate each viewer's language and time zone for the whole request.

Signed-in users carry their choice on their account (so e-mails and every device agree); anonymous
visitors carry it in cookies. Times are stored in UTC and only converted here, at the edge.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext

from bridgehead.core.text import control_character


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The zone names of the time zone database, read once a process: ``zoneinfo.available_timezones()``
    walks the whole database on disk (about 5 ms of CPU), and every API request and anonymous page asked it."""
    return frozenset(zoneinfo.available_timezones())


def viewer_time_zone(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.time_zone:
        return user.time_zone
    cookie = request.COOKIES.get(settings.TIME_ZONE_COOKIE_NAME, "")
    if cookie and cookie in known_time_zones():
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


class BodySizeLimitMiddleware:
    """Answer 413 to a request body larger than the site accepts, before anything reads it.

    Forms and JSON may carry ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes; file uploads (multipart) up to
    ``UPLOAD_REQUEST_MAX_BYTES``. Without this, a 7 MiB JSON body reached the API and failed with a 500.
    Bodies without a declared length are still bounded by Django while it reads them (answered 413 too).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.UPLOAD_REQUEST_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            return too_large(request, limit)
        return self.get_response(request)


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    message = gettext("The request is too large: at most %(limit)s can be sent at once.") % {
        "limit": filesizeformat(limit)
    }
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "request.too_large", "detail": message, "field": None}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class ControlCharacterMiddleware:
    """Answer 400 to an address whose path or query holds a control character (``%00``, ``%1b`` …).

    No page or endpoint takes one: a slug, an id, a token or a search never does. Refused here, once, a
    NUL byte never reaches a database lookup, where PostgreSQL refuses it with an error that would be a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parts = [request.path, *request.GET.keys(), *(v for values in request.GET.lists() for v in values[1])]
        if any(control_character(part, multiline=False) for part in parts):
            message = gettext("The address contains a control character; check the link and try again.")
            if request.path.startswith("/api/"):
                body = {"code": "request.control_character", "detail": message, "field": None}
                return JsonResponse(body, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
