"""Outcome e-mails, each rendered in the recipient's language and time zone and sent only after commit."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bridgehead.core.enums import Role
from bridgehead.core.models import User


def render_for(user: User, template: str, context: dict) -> tuple[str, str]:
    """(subject, body) in the user's language; the template's first line is the subject."""
    with translation.override(user.language or "en"), timezone.override(zoneinfo.ZoneInfo(user.time_zone or "UTC")):
        text = render_to_string(template, {**context, "recipient": user})
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send(users, template: str, context: dict) -> int:
    """Queue one e-mail per user with an address, for after the current transaction commits."""
    count = 0
    for user in {u.pk: u for u in users}.values():
        if not user.email or not user.is_active:
            continue
        subject, body = render_for(user, template, context)
        transaction.on_commit(
            lambda s=subject, b=body, e=user.email: send_mail(s, b, settings.DEFAULT_FROM_EMAIL, [e])
        )
        count += 1
    return count


def managers_of(program) -> list[User]:
    return list(User.objects.filter(roles__role=Role.PROGRAM_MANAGER, roles__program=program).distinct())


def members_of(organisation, role: str) -> list[User]:
    return list(User.objects.filter(roles__role=role, roles__organisation=organisation).distinct())
