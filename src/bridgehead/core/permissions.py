"""The one permission path: services ask :func:`require` with the acting user.

Every "who may" rule is a ``rules`` permission defined in its app's ``rules.py``. A service that changes
state calls ``require(by, "app.perm", obj)`` first; a refusal is a :class:`~bridgehead.core.errors.Refused`
of kind ``FORBIDDEN`` with the code ``permission.<perm>``, so the API answers 403 and the page shows the
"Not allowed" page, both naming the same code. Views and API endpoints keep only the lookups that *hide*
objects from people who may not know they exist (404, :func:`bridgehead.core.http.visible_or_404`).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bridgehead.core.errors import Kind, Refused

NOT_ALLOWED = _("You do not have permission to do this.")


def permission_code(perm: str) -> str:
    return f"permission.{perm}"


def refusal(perm: str, message: str | Promise | None = None) -> Refused:
    """The refusal for lacking ``perm``; for callers that decide themselves when to raise it."""
    return Refused(permission_code(perm), message or NOT_ALLOWED, kind=Kind.FORBIDDEN)


def require(user, perm: str, obj=None, *, message: str | Promise | None = None) -> None:
    """Refuse unless ``user`` has ``perm`` (on ``obj``).

    ``user`` is the actor the service was given (``by``); ``None`` and anonymous users hold no permission.
    ``message`` replaces the generic sentence when the rule has something more helpful to say.
    """
    if user is None or not user.has_perm(perm, obj):
        raise refusal(perm, message)
