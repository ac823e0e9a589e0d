"""E-mail rendered for one recipient and queued only after the current transaction commits.

Every app writes its messages as templates whose first line is the subject; this is the one place that renders
them in the recipient's language and time zone and queues them, so a rolled-back change never sends mail.

Every message extends ``core/email/base.txt``, which opens with a greeting and ends with a closing and the
sender in the recipient's language ("이서연 님, 안녕하십니까." … "감사합니다." "… 운영 사무국 드림"; "Dear …," …
"Kind regards,"). The context names the recipient (``recipient_name``, see :func:`recipient_name`) and the
sender (``office``: anything with ``office_name`` and ``office_contact``, read at render time so it comes out
in the recipient's language); without an office the platform team signs.
"""

from __future__ import annotations

import re
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bridgehead.core.models import User
from bridgehead.core.tasks import deliver_mail

#: Three or more line breaks (left by optional paragraphs that were empty) read as one blank line.
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def tidy(text: str) -> str:
    """The text without leading or trailing blank space and with at most one blank line between paragraphs
    (a template's optional paragraph that came out empty leaves no hole)."""
    return _BLANK_LINES.sub("\n\n", text.strip())


def recipient_name(user: User | None) -> str:
    """The name a letter greets: the display name or full name, never the login name ("Dear manager,") and
    never a former user's; "" lets the greeting go without one ("Hello,")."""
    if user is None or user.erased_at is not None:
        return ""
    return (user.display_name or user.get_full_name()).strip()


def render_message(template: str, context: dict, *, language: str, zone: str) -> tuple[str, str]:
    """(subject, body): the template rendered in ``language`` and ``zone``; its first line is the subject."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        text = render_to_string(template, context, using="text")  # plain text: nothing HTML-escaped
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), tidy(body) + "\n"


def absolute_url(path: str) -> str:
    """An absolute link for e-mail (mail clients cannot resolve ``/outcomes/12/``); already absolute stays."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + ("" if path.startswith("/") else "/") + path


def send_after_commit(address: str, subject: str, body: str) -> None:
    """Queue the message for the background worker once the transaction commits (retried if the server is
    down: ``core.tasks.deliver_mail``); the action that sends it never waits for, or fails with, the server."""
    transaction.on_commit(lambda: deliver_mail.enqueue(address, subject, body))
