"""Conversations' domain actions: open a thread, post, read, block, report and hide.

Every action takes the acting user as ``by``, asks :mod:`bridgehead.conversations.rules` first and refuses
with :class:`~bridgehead.core.errors.Refused` (``conversations.*`` codes, or ``permission.conversations.*``).
Notices (inbox and e-mail) go out after commit through :mod:`bridgehead.conversations.notify`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgehead.conversations import notify, rules
from bridgehead.conversations.models import (
    MAX_ATTACHMENT_BYTES,
    MAX_MESSAGE_LENGTH,
    MAX_REPORT_REASON,
    Attachment,
    Block,
    Message,
    ReadState,
    Report,
    Thread,
    ThreadKind,
)
from bridgehead.core import permissions
from bridgehead.core.actions import domain_action
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import User
from bridgehead.core.text import clean_text
from bridgehead.core.uploads import DOCUMENTS, AcceptedFile
from bridgehead.outcomes.models import Outcome
from bridgehead.partnering.models import Meeting, MeetingRequest, Participant
from bridgehead.programs.models import Application

#: Files one message may carry.
MAX_ATTACHMENTS = 3


# --- opening ----------------------------------------------------------------------------------------------


def ensure_request_thread(request: MeetingRequest) -> Thread:
    """The thread of a meeting request, opened if it is not yet: the request's note becomes its first message
    (by the sender, at the time the request was sent). Called when a request is created (a signal) and when
    either side opens a request made before conversations existed; it checks no permission itself."""
    thread = Thread.objects.filter(request=request).first()
    meeting = Meeting.objects.filter(request=request).first()
    if thread is None:
        thread = Thread.objects.create(kind=ThreadKind.MEETING, request=request, meeting=meeting)
        note = (request.message or "").strip()
        if note:
            Message.objects.create(
                thread=thread, author=request.sender.person.user, body=note, created_at=request.created_at
            )
            Thread.objects.filter(pk=thread.pk).update(last_message_at=request.created_at)
            thread.last_message_at = request.created_at
    elif meeting is not None and thread.meeting_id is None:
        thread.meeting = meeting
        thread.save(update_fields=["meeting"])
    return thread


@domain_action
def thread_for_request(*, request: MeetingRequest, by: User) -> Thread:
    rules.require(by, "conversations.open_request_thread", request)
    return ensure_request_thread(request)


@domain_action
def thread_for_participant(*, participant: Participant, by: User) -> Thread:
    """The thread with another participant of an event ``by`` takes part in: the one of their latest request
    to each other (either way). Without a request there is nothing to talk about yet: send one first."""
    mine = Participant.objects.filter(event=participant.event, person__user=by).first()
    if mine is None:
        raise permissions.refusal(
            "conversations.open_request_thread", rules.WHY_NOT["conversations.open_request_thread"]
        )
    found = (
        MeetingRequest.objects.filter(Q(sender=mine, recipient=participant) | Q(sender=participant, recipient=mine))
        .order_by("-created_at", "-pk")
        .first()
        if mine.pk != participant.pk
        else None
    )
    if found is None:
        raise Refused(
            "conversations.participant.no_request",
            _("You can write to this participant once one of you has sent the other a meeting request."),
            kind=Kind.CONFLICT,
        )
    rules.require(by, "conversations.open_request_thread", found)
    return ensure_request_thread(found)


@domain_action
def thread_for_meeting(*, meeting: Meeting, by: User) -> Thread:
    rules.require(by, "conversations.open_meeting_thread", meeting)
    return ensure_request_thread(meeting.request)


@domain_action
def thread_for_application(*, application: Application, by: User) -> Thread:
    rules.require(by, "conversations.open_application_thread", application)
    thread, _created = Thread.objects.get_or_create(kind=ThreadKind.APPLICATION, application=application)
    return thread


@domain_action
def thread_for_outcome(*, outcome: Outcome, by: User) -> Thread:
    rules.require(by, "conversations.open_outcome_thread", outcome)
    thread, _created = Thread.objects.get_or_create(kind=ThreadKind.OUTCOME, outcome=outcome)
    return thread


# --- writing ----------------------------------------------------------------------------------------------


def is_blocked(thread: Thread) -> bool:
    return thread.blocks.exists()


def blocked_refusal() -> Refused:
    return Refused(
        "conversations.thread.blocked",
        _("This conversation was blocked: no new messages can be sent in it. It stays readable."),
        kind=Kind.CONFLICT,
    )


def _clean(value: object, *, prefix: str, field: str) -> str:
    """``value`` through the safe text rules (core/text.py), a refusal with ``<prefix>.<rule code>`` if not."""
    if not isinstance(value, str):
        raise Refused(
            f"{prefix}.not_text", _("Give text here, not a list or an object."), kind=Kind.INVALID, field=field
        )
    try:
        return clean_text(value, multiline=True)
    except ValidationError as error:
        raise Refused(f"{prefix}.{error.code}", error.messages[0], kind=Kind.INVALID, field=field) from None


def clean_body(body: str) -> str:
    """The message text as stored: checked by the safe text rules, not empty, not too long."""
    text = _clean(body, prefix="conversations.message", field="body")
    if not text:
        raise Refused("conversations.message.empty", _("Write a message first."), kind=Kind.INVALID, field="body")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise Refused(
            "conversations.message.too_long",
            _("A message may have at most %(max)d characters; this one has %(count)d."),
            kind=Kind.INVALID,
            field="body",
            params={"max": MAX_MESSAGE_LENGTH, "count": len(text)},
        )
    return text


def _check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise Refused(
            "conversations.attachment.too_many",
            _("A message may carry at most %(max)d files."),
            kind=Kind.INVALID,
            field="attachments",
            params={"max": MAX_ATTACHMENTS},
        )
    check = AcceptedFile(DOCUMENTS, MAX_ATTACHMENT_BYTES)
    for upload in files:
        try:
            check(upload)
        except ValidationError as error:
            raise Refused(
                f"conversations.attachment.{error.code}",
                error.messages[0],
                kind=Kind.INVALID,
                field="attachments",
            ) from None


@domain_action
def post_message(
    *,
    thread: Thread,
    body: str,
    by: User,
    files: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> Message:
    """Add a message (and its files) to ``thread``; the other side hears of it in the inbox and by e-mail."""
    rules.require(by, "conversations.post_message", thread)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)  # one writer at a time: ordered, gated mail
    if is_blocked(thread):
        raise blocked_refusal()
    text = clean_body(body)
    _check_files(files)
    now = now or timezone.now()
    message = Message.objects.create(thread=thread, author=by, body=text, created_at=now)
    for upload in files:
        Attachment.objects.create(message=message, file=upload)
    thread.last_message_at = now
    thread.save(update_fields=["last_message_at"])
    ReadState.objects.update_or_create(thread=thread, user=by, defaults={"last_read_at": now})
    notify.message_posted(message, now=now)
    return message


# --- reading ----------------------------------------------------------------------------------------------


def visible_messages(thread: Thread):
    return thread.messages.select_related("author").prefetch_related("attachments")


def unread_messages(thread: Thread, user: User):
    """Messages of others in ``thread`` that ``user`` has not read (hidden ones never count)."""
    state = ReadState.objects.filter(thread=thread, user=user).first()
    messages = thread.messages.exclude(author=user).filter(hidden_at__isnull=True)
    if state is not None and state.last_read_at is not None:
        messages = messages.filter(created_at__gt=state.last_read_at)
    return messages


@domain_action
def mark_read(*, thread: Thread, by: User, now: dt.datetime | None = None) -> None:
    """``by`` has read ``thread`` up to now: the thread's notice in their inbox is read too (the badge drops).

    The open thread page calls this on every refresh (every few seconds), so nothing is written when there
    was nothing new to read; read states are not audited (bookkeeping, see ``core.audit``)."""
    rules.require(by, "conversations.view_thread", thread)
    now = now or timezone.now()
    state = ReadState.objects.filter(thread=thread, user=by).first()
    up_to_date = (
        state is not None
        and state.mail_due_at is None
        and state.last_read_at is not None
        and (thread.last_message_at is None or state.last_read_at >= thread.last_message_at)
    )
    if up_to_date:
        return
    ReadState.objects.update_or_create(thread=thread, user=by, defaults={"last_read_at": now, "mail_due_at": None})
    notify.thread_read(thread, by, now=now)


def unread_count(user: User) -> int:
    """Threads of ``user`` with messages they have not read."""
    return len(unread_thread_ids(user))


def unread_thread_ids(user: User) -> set[int]:
    ids = set()
    threads = rules.threads_of(user).filter(last_message_at__isnull=False)
    states = dict(ReadState.objects.filter(user=user).values_list("thread_id", "last_read_at"))
    for thread_id, last in threads.values_list("pk", "last_message_at"):
        read = states.get(thread_id)
        if read is None or last > read:
            ids.add(thread_id)
    if not ids:
        return ids
    # last_message_at may be the reader's own message or a hidden one: confirm with the messages themselves.
    confirmed = set()
    for thread in Thread.objects.filter(pk__in=ids):
        if unread_messages(thread, user).exists():
            confirmed.add(thread.pk)
    return confirmed


# --- blocking ---------------------------------------------------------------------------------------------


@domain_action
def block_thread(*, thread: Thread, by: User) -> Block:
    """Close ``thread`` to new messages both ways; it stays readable. Blocking twice changes nothing."""
    rules.require(by, "conversations.block_thread", thread)
    block, _created = Block.objects.get_or_create(thread=thread, by=by)
    return block


@domain_action
def unblock_thread(*, thread: Thread, by: User) -> None:
    """Lift one's own block; a block by the other side stays (only they can lift it)."""
    rules.require(by, "conversations.block_thread", thread)
    deleted = Block.objects.filter(thread=thread, by=by).delete()[0]
    if not deleted:
        raise Refused(
            "conversations.block.not_yours",
            _("You have not blocked this conversation; only the person who blocked it can unblock it."),
            kind=Kind.CONFLICT,
        )


# --- reporting and moderation -----------------------------------------------------------------------------


@domain_action
def report_message(*, message: Message, reason: str = "", by: User) -> Report:
    """Send ``message`` to the thread's staff for a look; the reporter may do so once per message."""
    rules.require(by, "conversations.report_message", message)
    reason = _clean(reason, prefix="conversations.report", field="reason")
    if len(reason) > MAX_REPORT_REASON:
        raise Refused(
            "conversations.report.too_long",
            _("Say why in at most %(max)d characters."),
            kind=Kind.INVALID,
            field="reason",
            params={"max": MAX_REPORT_REASON},
        )
    if Report.objects.filter(message=message, by=by).exists():
        raise Refused(
            "conversations.report.duplicate", _("You have already reported this message."), kind=Kind.CONFLICT
        )
    report = Report.objects.create(message=message, by=by, reason=reason)
    notify.message_reported(report)
    return report


@domain_action
def hide_message(*, message: Message, by: User, now: dt.datetime | None = None) -> Message:
    """Staff hide a reported (or any) message of a thread they look after; its reports are resolved."""
    rules.require(by, "conversations.moderate_message", message)
    now = now or timezone.now()
    if message.hidden_at is None:
        message.hidden_at = now
        message.hidden_by = by
        message.save(update_fields=["hidden_at", "hidden_by"])
    message.reports.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=by)
    return message


@domain_action
def dismiss_report(*, report: Report, by: User, now: dt.datetime | None = None) -> Report:
    """Staff looked and keep the message: the report is resolved, the message stays visible."""
    rules.require(by, "conversations.moderate_message", report.message)
    if report.resolved_at is None:
        report.resolved_at = now or timezone.now()
        report.resolved_by = by
        report.save(update_fields=["resolved_at", "resolved_by"])
    return report
