"""One refusal type for every domain rule, with a stable code the API, the pages and the tests share.

A service that refuses an action raises :class:`Refused`. The ``code`` never changes once released
(clients and tests match it, never the sentence); the ``message`` is translatable text for people; ``field``
names the form field at fault when there is one. ``kind`` decides the HTTP status in one place
(:data:`STATUS`): the API handler (``bridgehead.api.urls``) and the page middleware
(``bridgehead.core.refusals``) both read it, so the same refusal answers the same way everywhere.

Codes are dotted, app first: ``partnering.request.capacity_full``, ``programs.application.closed``.
Permission refusals raised by :func:`bridgehead.core.permissions.require` use ``permission.<perm>``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class Kind(StrEnum):
    """What sort of refusal this is; each kind maps to one HTTP status."""

    FORBIDDEN = "forbidden"  # the actor may not do this at all (403)
    NOT_FOUND = "not_found"  # the object is gone or hidden from this actor (404)
    CONFLICT = "conflict"  # allowed in general, but the current state refuses it (409)
    INVALID = "invalid"  # the values given break a rule (422)


STATUS: dict[Kind, int] = {Kind.FORBIDDEN: 403, Kind.NOT_FOUND: 404, Kind.CONFLICT: 409, Kind.INVALID: 422}


class Refused(Exception):
    """A domain rule refused an action.

    ``message`` may be a lazy translation: it is rendered in the language active where it is shown (the
    viewer's on a page, English or ``Accept-Language`` in the API), not where it was raised.
    """

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        kind: Kind = Kind.CONFLICT,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.kind = Kind(kind)
        self.field = field
        self.params = params or {}
        self._message = message

    @property
    def message(self) -> str:
        text = str(self._message)
        return text % self.params if self.params else text

    @property
    def status(self) -> int:
        return STATUS[self.kind]

    def as_json(self) -> dict[str, Any]:
        """The API body: one shape for every refusal."""
        return {"code": self.code, "detail": self.message, "field": self.field}

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Refused({self.code!r}, kind={self.kind.value!r}, field={self.field!r})"
