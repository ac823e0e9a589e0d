"""Outcome e-mails, each rendered in the recipient's language and time zone and sent only after commit, with
an absolute link (mail clients cannot resolve ``/outcomes/12/``) — and the same notice in the recipient's
in-app inbox, where the link stays relative."""

from __future__ import annotations

from bridgehead.core import notifications
from bridgehead.core.enums import Role
from bridgehead.core.mail import absolute_url, recipient_name, render_message, send_after_commit
from bridgehead.core.models import User


def render_for(user: User, template: str, context: dict) -> tuple[str, str]:
    """(subject, body) in the user's language, greeting the user and signed by the program's office; the
    template's first line is the subject."""
    program = context.get("program") or context["outcome"].program
    return render_message(
        template,
        {**context, "recipient": user, "recipient_name": recipient_name(user), "office": program},
        language=user.language or "en",
        zone=user.time_zone or "UTC",
    )


def send(users, template: str, context: dict, *, path: str = "", notice=None, params: dict | None = None) -> int:
    """Queue one e-mail per user with an address, for after the current transaction commits; ``path`` is the
    page the e-mail points to (written as an absolute link), ``notice`` (a lazy translatable message with
    ``params``) also goes to each recipient's inbox, inside the caller's transaction."""
    count = 0
    context = {**context, "link": absolute_url(path) if path else ""}
    for user in {u.pk: u for u in users if u is not None}.values():
        if not user.is_active:
            continue
        if notice is not None:
            notifications.notify(user=user, message=notice, params=params, url=path, kind="outcome")
        if not user.email:
            continue
        subject, body = render_for(user, template, context)
        send_after_commit(user.email, subject, body)
        count += 1
    return count


def managers_of(program) -> list[User]:
    return list(User.objects.filter(roles__role=Role.PROGRAM_MANAGER, roles__program=program).distinct())


def members_of(organisation, role: str) -> list[User]:
    return list(User.objects.filter(roles__role=role, roles__organisation=organisation).distinct())
