"""E-mails to participants, each rendered in the recipient's own language and time zone, sent after commit."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bridgehead.partnering.models import Participant


def _recipient(participant: Participant) -> tuple[str, str, str]:
    person = participant.person
    user = person.user
    language = (user.language if user else None) or participant.language or "en"
    zone = (user.time_zone if user else None) or person.time_zone or "UTC"
    email = person.email or (user.email if user else "")
    return email, language, zone


def render_for(participant: Participant, template: str, context: dict) -> tuple[str, str, str] | None:
    """(address, subject, body) rendered in the participant's language and zone, or None without an address."""
    email, language, zone = _recipient(participant)
    if not email:
        return None
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        text = render_to_string(template, {**context, "participant": participant, "time_zone": zone})
    subject, _sep, body = text.strip().partition("\n")
    return email, subject.strip(), body.strip() + "\n"


def send(participant: Participant, template: str, context: dict) -> None:
    """Queue one e-mail for after the current transaction commits (nothing is sent for a rolled-back change)."""
    rendered = render_for(participant, template, context)
    if rendered is None:
        return
    email, subject, body = rendered
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
