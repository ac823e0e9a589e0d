"""Small helpers views share: permission checks that fail closed, and safe download responses."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from bridgehead.core import permissions


def require(user, perm: str, obj=None, *, hide: bool = False) -> None:
    """Refuse unless ``user`` has ``perm`` (on ``obj``). ``hide`` answers 404 so that the existence of
    another program's or agreement's data is not revealed; otherwise the refusal is the same
    :class:`~bridgehead.core.errors.Refused` a service raises (``permission.<perm>``, 403)."""
    if not user.has_perm(perm, obj):
        if hide:
            raise Http404
        raise permissions.refusal(perm)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A generated file as a download. Django builds the header (quoting, or RFC 5987 ``filename*`` for a
    Korean name), so nothing in ``filename`` can add a parameter of its own."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
