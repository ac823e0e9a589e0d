"""In-app notifications: the inbox and the unread badge in the header.

E-mail is easy to miss on the day of a partnering event, so every app also leaves a notice in the person's
inbox. ``notify`` is called inside the acting service's transaction: a rolled-back change leaves no notice.
The text is rendered once, in the recipient's language, like the e-mail beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise

from bridgehead.core.models import Notification, User

MAX_TEXT = 1000


def notify(
    *, user: User, message: str | Promise, params: Mapping[str, object] | None = None, url: str = "", kind: str = ""
) -> Notification | None:
    """Leave a notice for ``user``; ``message`` is a (lazy) translatable string with %(name)s placeholders.

    Inactive accounts get nothing: nobody will read it, and it would only grow the table.
    """
    if not user.is_active:
        return None
    with translation.override(user.language or "en"):
        text = str(message) % dict(params) if params else str(message)
    return Notification.objects.create(user=user, kind=kind, text=text[:MAX_TEXT], url=url)


def unread(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def unread_count(user: User) -> int:
    return unread(user).count() if user.is_authenticated else 0


def mark_read(*, notification: Notification, by: User) -> None:
    """Mark one of ``by``'s own notices read (callers look it up by owner, so nobody reads another's)."""
    if notification.user_id != by.pk:
        raise PermissionError("a notification can only be marked read by its recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(*, by: User) -> int:
    return unread(by).update(read_at=timezone.now())
