"""E-mail rendered for one recipient and queued only after the current transaction commits.

Every app writes its messages as templates whose first line is the subject; this is the one place that renders
them in the recipient's language and time zone and queues them, so a rolled-back change never sends mail.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bridgehead.core.tasks import deliver_mail


def render_message(template: str, context: dict, *, language: str, zone: str) -> tuple[str, str]:
    """(subject, body): the template rendered in ``language`` and ``zone``; its first line is the subject."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        text = render_to_string(template, context, using="text")  # plain text: nothing HTML-escaped
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def absolute_url(path: str) -> str:
    """An absolute link for e-mail (mail clients cannot resolve ``/outcomes/12/``); already absolute stays."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + ("" if path.startswith("/") else "/") + path


def send_after_commit(address: str, subject: str, body: str) -> None:
    """Queue the message for the background worker once the transaction commits (retried if the server is
    down: ``core.tasks.deliver_mail``); the action that sends it never waits for, or fails with, the server."""
    transaction.on_commit(lambda: deliver_mail.enqueue(address, subject, body))
