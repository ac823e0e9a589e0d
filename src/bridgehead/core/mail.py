"""E-mail rendered for one recipient and sent only after the current transaction commits.

Every app writes its messages as templates whose first line is the subject; this is the one place that renders
them in the recipient's language and time zone and queues them, so a rolled-back change never sends mail.
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_message(template: str, context: dict, *, language: str, zone: str) -> tuple[str, str]:
    """(subject, body): the template rendered in ``language`` and ``zone``; its first line is the subject."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        text = render_to_string(template, context)
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def absolute_url(path: str) -> str:
    """An absolute link for e-mail (mail clients cannot resolve ``/outcomes/12/``); already absolute stays."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + ("" if path.startswith("/") else "/") + path


def send_after_commit(address: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
