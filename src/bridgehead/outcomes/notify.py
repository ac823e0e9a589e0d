"""Outcome e-mails, each rendered in the recipient's language and time zone and sent only after commit."""

from __future__ import annotations

from bridgehead.core.enums import Role
from bridgehead.core.mail import render_message, send_after_commit
from bridgehead.core.models import User


def render_for(user: User, template: str, context: dict) -> tuple[str, str]:
    """(subject, body) in the user's language; the template's first line is the subject."""
    return render_message(template, {**context, "recipient": user}, language=user.language or "en",
                          zone=user.time_zone or "UTC")


def send(users, template: str, context: dict) -> int:
    """Queue one e-mail per user with an address, for after the current transaction commits."""
    count = 0
    for user in {u.pk: u for u in users}.values():
        if not user.email or not user.is_active:
            continue
        subject, body = render_for(user, template, context)
        send_after_commit(user.email, subject, body)
        count += 1
    return count


def managers_of(program) -> list[User]:
    return list(User.objects.filter(roles__role=Role.PROGRAM_MANAGER, roles__program=program).distinct())


def members_of(organisation, role: str) -> list[User]:
    return list(User.objects.filter(roles__role=role, roles__organisation=organisation).distinct())
