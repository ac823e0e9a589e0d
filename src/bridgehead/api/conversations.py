"""Conversation endpoints: threads, their messages, read state, blocking, reports and moderation.

The same services as the pages (``conversations/services.py``) decide; a thread the caller is not in answers
404, a message they may see but not act on 403 (``permission.conversations.…``), a blocked thread 409
(``conversations.thread.blocked``), a refused text 422. Attachments are posted on the page (multipart);
the API lists them with their download address, which checks the same permission.
"""

from datetime import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bridgehead.api.schemas import In, Mapped, Page
from bridgehead.conversations import describe, rules, services
from bridgehead.conversations.models import MAX_MESSAGE_LENGTH, MAX_REPORT_REASON, Message, Report, Thread
from bridgehead.core.http import require
from bridgehead.outcomes.models import Outcome
from bridgehead.partnering import rules as partnering_rules
from bridgehead.partnering.models import Meeting, MeetingRequest
from bridgehead.programs.models import Application

router = Router(tags=["conversations"])


class ThreadOut(Schema):
    id: int
    kind: str
    title: str
    request: int | None
    meeting: int | None
    application: int | None
    outcome: int | None
    last_message_at: datetime | None
    unread: int = Field(..., description="messages of others the caller has not read")
    blocked: bool
    url: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    author: str = Field(..., description="the author's display name (empty for a former user)")
    mine: bool
    body: str = Field(..., description="empty when the staff hid the message")
    created_at: datetime
    hidden: bool
    attachments: list[AttachmentOut]


class MessageIn(In):
    body: str = Field(..., min_length=1, max_length=MAX_MESSAGE_LENGTH)


class ReportIn(In):
    reason: str = Field("", max_length=MAX_REPORT_REASON)


class ReportOut(Schema):
    id: int
    message: int
    thread: int
    thread_title: str
    body: str
    reason: str
    created_at: datetime
    resolved_at: datetime | None
    hidden: bool


def _thread_out(thread: Thread, user) -> dict:
    return {
        "id": thread.pk,
        "kind": thread.kind,
        "title": describe.title(thread, user),
        "request": thread.request_id,
        "meeting": thread.meeting_id,
        "application": thread.application_id,
        "outcome": thread.outcome_id,
        "last_message_at": thread.last_message_at,
        "unread": services.unread_messages(thread, user).count(),
        "blocked": services.is_blocked(thread),
        "url": describe.path(thread),
    }


def _message_out(message: Message, user) -> dict:
    hidden = message.hidden_at is not None
    return {
        "id": message.pk,
        "author": str(message.author) if message.author else "",
        "mine": message.author_id == user.pk,
        "body": "" if hidden else message.body,
        "created_at": message.created_at,
        "hidden": hidden,
        "attachments": []
        if hidden
        else [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("conversation-attachment", args=[a.pk]),
            }
            for a in message.attachments.all()
        ],
    }


def _report_out(report: Report) -> dict:
    return {
        "id": report.pk,
        "message": report.message_id,
        "thread": report.message.thread_id,
        "thread_title": describe.title(report.message.thread),
        "body": report.message.body,
        "reason": report.reason,
        "created_at": report.created_at,
        "resolved_at": report.resolved_at,
        "hidden": report.message.hidden_at is not None,
    }


def _thread(request, thread_id: int) -> Thread:
    thread = get_object_or_404(describe.select_subjects(Thread.objects.all()), pk=thread_id)
    require(request.user, "conversations.view_thread", thread, hide=True)
    return thread


def _message(request, message_id: int) -> Message:
    message = get_object_or_404(Message.objects.select_related("thread"), pk=message_id)
    require(request.user, "conversations.view_message", message, hide=True)
    return message


@router.get("/threads", response=list[ThreadOut])
@paginate(Page)
def list_threads(request):
    """The caller's conversations that hold a message, the latest first."""
    threads = describe.select_subjects(rules.threads_of(request.user).filter(last_message_at__isnull=False))
    return Mapped(threads.order_by("-last_message_at", "-pk"), lambda t: _thread_out(t, request.user))


@router.get("/threads/{thread_id}", response=ThreadOut)
def get_thread(request, thread_id: int):
    return _thread_out(_thread(request, thread_id), request.user)


@router.get("/threads/{thread_id}/messages", response=list[MessageOut])
@paginate(Page)
def list_messages(request, thread_id: int):
    """Oldest first. Reading them here does not mark them read: ``POST …/read`` does."""
    thread = _thread(request, thread_id)
    messages = services.visible_messages(thread).order_by("created_at", "pk")
    return Mapped(messages, lambda m: _message_out(m, request.user))


@router.post("/threads/{thread_id}/messages", response={201: MessageOut})
def post_message(request, thread_id: int, payload: MessageIn):
    thread = _thread(request, thread_id)
    message = services.post_message(thread=thread, body=payload.body, by=request.user)
    return Status(201, _message_out(message, request.user))


@router.post("/threads/{thread_id}/read", response=ThreadOut)
def mark_read(request, thread_id: int):
    thread = _thread(request, thread_id)
    services.mark_read(thread=thread, by=request.user)
    return _thread_out(thread, request.user)


@router.post("/threads/{thread_id}/block", response=ThreadOut)
def block(request, thread_id: int):
    thread = _thread(request, thread_id)
    services.block_thread(thread=thread, by=request.user)
    return _thread_out(thread, request.user)


@router.post("/threads/{thread_id}/unblock", response=ThreadOut)
def unblock(request, thread_id: int):
    thread = _thread(request, thread_id)
    services.unblock_thread(thread=thread, by=request.user)
    return _thread_out(thread, request.user)


@router.post("/requests/{request_id}/thread", response=ThreadOut)
def open_for_request(request, request_id: int):
    """The conversation of a meeting request (the two sides only; the event's staff get 403)."""
    meeting_request = get_object_or_404(MeetingRequest.objects.select_related("event"), pk=request_id)
    if not (
        request.user.has_perm("conversations.open_request_thread", meeting_request)
        or partnering_rules.is_event_staff(request.user, meeting_request.event)
    ):
        raise Http404
    thread = services.thread_for_request(request=meeting_request, by=request.user)
    return _thread_out(thread, request.user)


@router.post("/meetings/{meeting_id}/thread", response=ThreadOut)
def open_for_meeting(request, meeting_id: int):
    meeting = get_object_or_404(Meeting.objects.select_related("event", "request"), pk=meeting_id)
    if not (
        request.user.has_perm("conversations.open_meeting_thread", meeting)
        or partnering_rules.is_event_staff(request.user, meeting.event)
    ):
        raise Http404
    thread = services.thread_for_meeting(meeting=meeting, by=request.user)
    return _thread_out(thread, request.user)


@router.post("/applications/{application_id}/thread", response=ThreadOut)
def open_for_application(request, application_id: int):
    application = get_object_or_404(Application.objects.select_related("call__program"), pk=application_id)
    require(request.user, "programs.view_application", application, hide=True)
    thread = services.thread_for_application(application=application, by=request.user)
    return _thread_out(thread, request.user)


@router.post("/outcomes/{outcome_id}/thread", response=ThreadOut)
def open_for_outcome(request, outcome_id: int):
    outcome = get_object_or_404(Outcome, pk=outcome_id)
    require(request.user, "outcomes.view_outcome", outcome, hide=True)
    thread = services.thread_for_outcome(outcome=outcome, by=request.user)
    return _thread_out(thread, request.user)


@router.post("/messages/{message_id}/report", response={201: ReportOut})
def report(request, message_id: int, payload: ReportIn):
    message = _message(request, message_id)
    return Status(201, _report_out(services.report_message(message=message, reason=payload.reason, by=request.user)))


@router.post("/messages/{message_id}/hide", response=MessageOut)
def hide(request, message_id: int):
    message = _message(request, message_id)
    return _message_out(services.hide_message(message=message, by=request.user), request.user)


@router.get("/reports", response=list[ReportOut])
@paginate(Page)
def list_reports(request, show: str = "open"):
    """Reports the caller handles (site administrators, program managers); ``show=all`` includes resolved."""
    require(request.user, "conversations.view_reports")
    reports = rules.reports_for(request.user)
    if show != "all":
        reports = reports.filter(resolved_at__isnull=True)
    return Mapped(reports.order_by("-created_at", "-pk"), _report_out)


@router.post("/reports/{report_id}/dismiss", response=ReportOut)
def dismiss(request, report_id: int):
    found = get_object_or_404(Report.objects.select_related("message__thread"), pk=report_id)
    require(request.user, "conversations.view_message", found.message, hide=True)
    return _report_out(services.dismiss_report(report=found, by=request.user))
