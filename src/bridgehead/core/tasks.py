"""Mail delivery as a background task, retried with back-off, so a mail server that is down never fails an
action that already happened (the meeting is accepted; the e-mail follows when the server is back)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

#: Minutes to wait before each retry; after the last one the message is given up and logged as an error.
RETRY_AFTER_MINUTES = (1, 5, 30, 120)


@task()
def deliver_mail(address: str, subject: str, body: str, attempt: int = 1) -> bool:
    """Send one plain-text message; on a connection or SMTP failure, queue the next attempt.

    Returns whether it was sent. ``EMAIL_TIMEOUT`` bounds each attempt, so a hung server cannot hold a worker.
    """
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except (OSError, smtplib.SMTPException) as error:
        if attempt > len(RETRY_AFTER_MINUTES) or not default_task_backend.supports_defer:
            logger.error("Mail to %s (%r) given up after %d attempts: %s", address, subject, attempt, error)
            return False
        wait = dt.timedelta(minutes=RETRY_AFTER_MINUTES[attempt - 1])
        logger.warning("Mail to %s failed (%s); attempt %d in %s", address, error, attempt + 1, wait)
        deliver_mail.using(run_after=timezone.now() + wait).enqueue(address, subject, body, attempt + 1)
        return False
    return True
