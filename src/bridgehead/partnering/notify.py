"""E-mails to participants, each rendered in the recipient's own language and time zone, sent after commit."""

from __future__ import annotations

from bridgehead.core.mail import render_message, send_after_commit
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
    subject, body = render_message(template, {**context, "participant": participant, "time_zone": zone},
                                   language=language, zone=zone)
    return email, subject, body


def send(participant: Participant, template: str, context: dict) -> None:
    """Queue one e-mail for after the current transaction commits (nothing is sent for a rolled-back change)."""
    rendered = render_for(participant, template, context)
    if rendered is not None:
        send_after_commit(*rendered)
