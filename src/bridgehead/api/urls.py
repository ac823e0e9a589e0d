"""The REST API (django-ninja) mounted at /api/, OpenAPI docs at /api/docs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI

from bridgehead import __version__
from bridgehead.api import agreements, registry
from bridgehead.api.auth import AUTH
from bridgehead.api.errors import FormErrors
from bridgehead.core.errors import Refused
from bridgehead.core.middleware import too_large

api = NinjaAPI(
    title="Bridgehead API",
    version=__version__,
    description="Registry and agreements of Bridgehead. Authenticate with `Authorization: Bearer <token>` "
    "(create tokens under Account → API tokens) or the browser session.",
    auth=AUTH,
    urls_namespace="api",
)


@api.exception_handler(FormErrors)
def form_errors(request, exc: FormErrors):
    return api.create_response(request, {"detail": exc.detail}, status=422)


@api.exception_handler(Refused)
def refused(request, exc: Refused):
    """Every domain refusal: ``{"code", "detail", "field"}`` with the status its kind maps to."""
    return api.create_response(request, exc.as_json(), status=exc.status)


@api.exception_handler(RequestDataTooBig)
def request_too_large(request, exc):
    """A body with no declared length that grew past the limit while Django read it."""
    return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    body = {"code": "permission_denied", "detail": "You do not have permission to do this.", "field": None}
    return api.create_response(request, body, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "detail": "Not found.", "field": None}, status=404)


api.add_router("/", registry.router)
api.add_router("/agreements", agreements.router)
api.add_router("/programs", "bridgehead.api.programs.router")
api.add_router("/partnering", "bridgehead.api.partnering.router")
api.add_router("/outcomes", "bridgehead.api.outcomes.router")
api.add_router("/conversations", "bridgehead.api.conversations.router")
