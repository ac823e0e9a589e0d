"""Telling people about messages: one inbox notice per thread (it joins the header's unread badge) and e-mail
batched to at most one per thread, recipient and hour.

The e-mail gate lives on :class:`~bridgehead.conversations.models.ReadState`: ``emailed_at`` says when the
recipient was last mailed about the thread. A message to someone not mailed in the last hour is mailed at
once; a message inside the hour sets ``mail_due_at`` (the hour's end) and queues a deferred task for that
moment (:func:`bridgehead.conversations.tasks.send_due_notice`), which mails every message still unread then
— or nothing, if the recipient read the thread meanwhile. :func:`send_due_notices` sends whatever is due;
``bridgehead manage send_conversation_notices`` runs it for a task backend that cannot defer.

Loaders that replay history (the demo) call the services inside ``partnering.notify.silenced()``: no notice,
no e-mail.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import default_task_backend

from bridgehead.conversations import describe
from bridgehead.conversations.models import Message, ReadState, Report, Thread, ThreadKind
from bridgehead.core.actions import after_commit
from bridgehead.core.enums import Role
from bridgehead.core.mail import absolute_url, recipient_name, render_message, send_after_commit
from bridgehead.core.models import Notification, User
from bridgehead.core.notifications import notify as notify_user
from bridgehead.partnering.notify import is_silenced

#: The least time between two e-mails about one thread to one person.
MAIL_INTERVAL = dt.timedelta(hours=1)
#: How many unread messages one e-mail quotes (the link opens the rest).
MAIL_QUOTED = 5
NOTICE_KIND = "conversations.message"
REPORT_KIND = "conversations.report"


def people(thread: Thread) -> set[User]:
    """Everyone in ``thread`` today (the rule of ``conversations.view_thread``, as rows), active accounts only."""
    if thread.kind == ThreadKind.MEETING:
        request = thread.request
        users = {request.sender.person.user, request.recipient.person.user}
        found = {u for u in users if u is not None}
    else:
        if thread.kind == ThreadKind.APPLICATION:
            organisation_id, program_id = thread.application.organisation_id, thread.application.call.program_id
        else:
            organisation_id, program_id = thread.outcome.organisation_id, thread.outcome.program_id
        found = set(
            User.objects.filter(
                Q(roles__role=Role.STARTUP_MEMBER, roles__organisation_id=organisation_id)
                | Q(roles__role=Role.PROGRAM_MANAGER, roles__program_id=program_id)
                | Q(pk__in=ReadState.objects.filter(thread=thread).values("user_id"))
            ).distinct()
        )
    return {u for u in found if u.is_active and u.has_perm("conversations.view_thread", thread)}


def staff(thread: Thread) -> set[User]:
    """Who a report on ``thread`` goes to: the program's managers, else the site administrators."""
    if thread.kind == ThreadKind.MEETING:
        program_id = thread.request.event.program_id
    elif thread.kind == ThreadKind.APPLICATION:
        program_id = thread.application.call.program_id
    else:
        program_id = thread.outcome.program_id
    managers = set(User.objects.filter(roles__role=Role.PROGRAM_MANAGER, roles__program_id=program_id, is_active=True))
    return managers or set(User.objects.filter(roles__role=Role.SITE_ADMIN, is_active=True))


def message_posted(message: Message, *, now: dt.datetime) -> None:
    """Inbox notice and (gated) e-mail for everyone in the thread but the author."""
    if is_silenced():
        return
    thread = message.thread
    for user in people(thread):
        if user.pk == message.author_id:
            continue
        _leave_notice(thread, user, message)
        _gate_mail(thread, user, now)


def _leave_notice(thread: Thread, user: User, message: Message) -> None:
    """One unread notice per thread: a newer message refreshes it instead of adding another."""
    url = describe.path(thread)
    author = str(message.author) if message.author else ""
    with translation.override(user.language or "en"):
        text = _("New message from %(author)s — %(thread)s") % {
            "author": author,
            "thread": describe.title(thread, user),
        }
    waiting = Notification.objects.filter(user=user, kind=NOTICE_KIND, url=url, read_at__isnull=True)
    if waiting.exists():
        waiting.update(text=text[:1000], created_at=timezone.now())
    else:
        notify_user(user=user, message=text, url=url, kind=NOTICE_KIND)


def _gate_mail(thread: Thread, user: User, now: dt.datetime) -> None:
    state, _created = ReadState.objects.get_or_create(thread=thread, user=user)
    if state.emailed_at is None or now - state.emailed_at >= MAIL_INTERVAL:
        _mail(state, now)
        return
    if state.mail_due_at is None:
        state.mail_due_at = state.emailed_at + MAIL_INTERVAL
        state.save(update_fields=["mail_due_at"])
        due, state_id = state.mail_due_at, state.pk
        after_commit(lambda: _queue_due(state_id, due))


def _queue_due(state_id: int, due: dt.datetime) -> None:
    from bridgehead.conversations import tasks  # tasks import this module for the work

    if default_task_backend.supports_defer:
        tasks.send_due_notice.using(run_after=due).enqueue(state_id)


def _mail(state: ReadState, now: dt.datetime) -> bool:
    """E-mail ``state.user`` the thread's unread messages (since the last e-mail); record the send."""
    user, thread = state.user, state.thread
    since = max(filter(None, [state.last_read_at, state.emailed_at]), default=None)
    unread = thread.messages.exclude(author=user).filter(hidden_at__isnull=True).select_related("author")
    if since is not None:
        unread = unread.filter(created_at__gt=since)
    quoted = list(unread.order_by("-created_at", "-pk")[:MAIL_QUOTED])[::-1]
    state.mail_due_at = None
    if not quoted or not user.email:
        state.save(update_fields=["mail_due_at"])
        return False
    state.emailed_at = now
    state.save(update_fields=["emailed_at", "mail_due_at"])
    language = user.language or "en"
    with translation.override(language):
        title = describe.title(thread, user)
    subject, body = render_message(
        "conversations/email/new_messages.txt",
        {
            "title": title,
            "messages": quoted,
            "more": unread.count() - len(quoted),
            "url": absolute_url(describe.path(thread)),
            "recipient_name": recipient_name(user),
            "office": describe.office(thread),
        },
        language=language,
        zone=user.time_zone or "UTC",
    )
    send_after_commit(user.email, subject, body)
    return True


def send_due_notices(*, now: dt.datetime | None = None, state_id: int | None = None) -> int:
    """Send every held-back e-mail whose hour is over (or only ``state_id``'s); the number sent."""
    now = now or timezone.now()
    due = ReadState.objects.select_for_update().select_related("user", "thread").filter(mail_due_at__lte=now)
    if state_id is not None:
        due = due.filter(pk=state_id)
    sent = 0
    for state in due:
        if state.user.is_active and state.user.has_perm("conversations.view_thread", state.thread):
            sent += _mail(state, now)
        else:
            state.mail_due_at = None
            state.save(update_fields=["mail_due_at"])
    return sent


def thread_read(thread: Thread, user: User, *, now: dt.datetime) -> None:
    """The reader's notice for the thread is read too, so the header badge drops with the thread."""
    Notification.objects.filter(user=user, kind=NOTICE_KIND, url=describe.path(thread), read_at__isnull=True).update(
        read_at=now
    )


def message_reported(report: Report) -> None:
    if is_silenced():
        return
    thread = report.message.thread
    for user in staff(thread):
        with translation.override(user.language or "en"):
            name = describe.title(thread)
        notify_user(
            user=user,
            message=_("A message was reported in “%(thread)s”."),
            params={"thread": name},
            url=reverse("conversation-reports"),
            kind=REPORT_KIND,
        )
