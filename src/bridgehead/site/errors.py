"""The site's own error pages under ``DEBUG`` too, unless a developer asks for Django's technical pages.

With ``DEBUG`` on (the demo, a laptop), Django answers a missing page with its technical 404 (every URL pattern
of the site) and a crash with the technical 500 (settings, local variables). Demo visitors reach those pages,
so this middleware renders the production pages instead: the site's ``404.html`` for an unknown address or a
view's ``Http404``, and ``500.html`` for an uncaught exception, whose traceback still goes to the console log.
``403.html`` is already used in every mode. ``DEBUG_TECHNICAL_ERRORS=1`` brings the technical pages back;
without ``DEBUG`` the middleware does nothing (Django already renders the site's pages).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import get_resolver

logger = logging.getLogger("django.request")


def _friendly() -> bool:
    return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_ERRORS", False)


class FriendlyErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None and _friendly():
            # No URL pattern matched: Django rendered its technical 404 before any view ran.
            return get_resolver().resolve_error_handler(404)(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _friendly():
            return None
        if isinstance(exception, Http404):
            return get_resolver().resolve_error_handler(404)(request, exception)
        if isinstance(exception, Exception) and not _handled_by_django(exception):
            logger.error(
                "Internal Server Error: %s",
                request.path,
                exc_info=(type(exception), exception, exception.__traceback__),
            )
            return get_resolver().resolve_error_handler(500)(request)
        return None


def _handled_by_django(exception: Exception) -> bool:
    """Exceptions Django turns into a 400 or 403 page itself (the same in every mode)."""
    return isinstance(exception, PermissionDenied | BadRequest | SuspiciousOperation | MultiPartParserError)
