"""Domain actions: how every state change runs, whoever starts it.

A domain action is a service function that changes state. Decorated with :func:`domain_action`, it

1. runs in one transaction (all of it happens, or none of it),
2. writes every audit entry with the actor it was given as ``by`` — the same for a browser session, an API
   token, a CLI command and a background task, because the actor comes from the call, not the request,
3. defers side effects (mail, queued tasks) with :func:`after_commit`, so a rolled-back action sends nothing.

Bulk writes that bypass model ``save()`` (a schedule publish, an engine's assignments) call
:func:`record` once with what changed, so "who moved my meeting" still has an answer.

The actor lives in a context variable read by one ``pre_save`` receiver on auditlog's ``LogEntry``
(connected in ``CoreConfig.ready``). It nests safely (the outer actor is restored on exit), unlike
auditlog's own ``set_actor``, and it overrides the request user auditlog's middleware captured — which is
read before bearer-token authentication runs, so API-token writes used to be logged with no actor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.db import models, transaction

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who is acting and through which door (``web``, ``api-token``, ``cli``, ``task``, ``system``)."""

    user: Any  # a core.User, or None for the platform itself (a scheduled job with nobody behind it)
    via: str


_actor: ContextVar[Actor | None] = ContextVar("bridgehead_actor", default=None)


def current_actor() -> Actor | None:
    return _actor.get()


def _authenticated(user) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@contextmanager
def acting_as(user, *, via: str | None = None) -> Iterator[Actor]:
    """Everything audited inside names ``user`` as the actor.

    ``via`` defaults to the door of the enclosing context (so a service called from a view keeps ``web``),
    or ``system`` when there is none.
    """
    outer = _actor.get()
    actor = Actor(user=_authenticated(user), via=via or (outer.via if outer else "system"))
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def set_request_actor(user, *, via: str) -> None:
    """Name the actor for the rest of the current request (authentication backends call this).

    The request middleware (:class:`ActorMiddleware`) resets the variable when the request ends.
    """
    _actor.set(Actor(user=_authenticated(user), via=via))


def domain_action(func: Callable[P, T]) -> Callable[P, T]:
    """Run ``func`` as one domain action (see the module docstring); the actor is its ``by`` argument."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        by = kwargs.get("by")
        with transaction.atomic():
            if by is None:
                return func(*args, **kwargs)
            with acting_as(by):
                return func(*args, **kwargs)

    wrapper.is_domain_action = True  # type: ignore[attr-defined]
    return wrapper


def after_commit(callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the enclosing transaction commits (immediately outside one)."""
    transaction.on_commit(callback)


def record(subject: models.Model, action: str, *, summary: str, detail: dict[str, Any] | None = None) -> Any:
    """Write one explicit audit entry for a bulk change to ``subject`` (e.g. an event's schedule).

    ``action`` is a stable name (``partnering.schedule.published``); ``summary`` a one-line account for the
    audit page ("12 meetings moved, 3 created"); ``detail`` the ids that changed, kept in ``additional_data``.
    """
    from auditlog.models import LogEntry  # auditlog's models load only once apps are ready

    return LogEntry.objects.log_create(
        subject,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={action: ["", summary]},
        additional_data={"action": action, **(detail or {})},
    )


def _stamp_actor(sender, instance, **kwargs) -> None:
    """``pre_save`` receiver on ``LogEntry``: the acting user and door, when a domain context names them."""
    actor = _actor.get()
    if actor is None:
        return
    if actor.user is not None:
        instance.actor = actor.user
        instance.actor_email = getattr(actor.user, "email", None)
    data = instance.additional_data if isinstance(instance.additional_data, dict) else {}
    if instance.additional_data is None or isinstance(instance.additional_data, dict):
        instance.additional_data = {**data, "via": data.get("via", actor.via)}


class ActorMiddleware:
    """Names the signed-in user as the actor of everything a page request changes; resets afterwards.

    Placed after authentication. API requests start with no actor; ``TokenAuth`` names the token's owner
    (via ``api-token``) and session-authenticated API calls name the user (via ``web``).
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _actor.set(Actor(user=_authenticated(user), via="web") if _authenticated(user) else None)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)
