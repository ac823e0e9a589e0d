"""Conversation pages: the thread list ("Messages"), a thread (polled by htmx for new messages), the doors
from a request, a meeting, an application and an outcome, blocking, reporting and the staff's reports page.

Look-ups hide what the viewer may not know exists (404); the services decide the rest.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bridgehead.conversations import describe, rules, services
from bridgehead.conversations.forms import MessageForm, ReportForm
from bridgehead.conversations.models import Attachment, Message, Report, Thread
from bridgehead.core import refusals, uploads
from bridgehead.core.errors import Refused
from bridgehead.core.http import require
from bridgehead.outcomes.models import Outcome
from bridgehead.partnering import rules as partnering_rules
from bridgehead.partnering.models import Meeting, MeetingRequest, Participant
from bridgehead.programs.models import Application

#: How many of a thread's latest messages its page shows (older ones: the API pages through all).
SHOWN = 200


def _thread(request: HttpRequest, pk: int) -> Thread:
    thread = get_object_or_404(describe.select_subjects(Thread.objects.all()), pk=pk)
    require(request.user, "conversations.view_thread", thread, hide=True)
    return thread


@login_required
def thread_list(request: HttpRequest) -> HttpResponse:
    threads = describe.select_subjects(rules.threads_of(request.user).filter(last_message_at__isnull=False))
    page = Paginator(threads.order_by("-last_message_at", "-pk"), 30).get_page(request.GET.get("page"))
    unread = services.unread_thread_ids(request.user)
    rows = [(t, describe.title(t, request.user), t.pk in unread) for t in page]
    return render(request, "conversations/thread_list.html", {"page": page, "rows": rows, "unread": len(unread)})


def _thread_context(request: HttpRequest, thread: Thread) -> dict:
    shown = list(services.visible_messages(thread).order_by("-created_at", "-pk")[:SHOWN])[::-1]
    reported = set(Report.objects.filter(by=request.user, message__thread=thread).values_list("message_id", flat=True))
    return {
        "thread": thread,
        "messages_shown": shown,
        "reported": reported,
        "blocked": services.is_blocked(thread),
        "blocked_by_me": thread.blocks.filter(by=request.user).exists(),
    }


@login_required
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = [form.cleaned_data["attachment"]] if form.cleaned_data.get("attachment") else []
        try:
            services.post_message(thread=thread, body=form.cleaned_data["body"], files=files, by=request.user)
        except Refused as refusal:
            if refusal.kind in refusals.PAGE_KINDS:
                raise
            refusals.to_form(form, refusal)
        else:
            return redirect(f"{describe.path(thread)}#latest")
    services.mark_read(thread=thread, by=request.user)
    label, link = describe.subject_link(thread)
    context = _thread_context(request, thread) | {
        "form": form,
        "title": describe.title(thread, request.user),
        "subject_label": label,
        "subject_url": link,
        "may_block": request.user.has_perm("conversations.block_thread", thread),
    }
    return render(request, "conversations/thread.html", context)


@login_required
@require_GET
def thread_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """The message list alone, polled every few seconds by the thread page; what it shows is read."""
    thread = _thread(request, pk)
    services.mark_read(thread=thread, by=request.user)
    return render(request, "conversations/_messages.html", _thread_context(request, thread))


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("message__thread"), pk=pk)
    require(request.user, "conversations.view_message", attachment.message, hide=True)
    if attachment.message.hidden_at and not request.user.has_perm("conversations.moderate_message", attachment.message):
        raise Http404
    return uploads.attachment(attachment.file, name=attachment.name, content_type=attachment.content_type)


# --- doors ------------------------------------------------------------------------------------------------


def _request_visible(user, meeting_request: MeetingRequest) -> None:
    """A request is known to its two sides and to the event's staff; anyone else gets 404."""
    if not (
        user.has_perm("conversations.open_request_thread", meeting_request)
        or partnering_rules.is_event_staff(user, meeting_request.event)
    ):
        raise Http404


@login_required
@require_GET
def open_for_request(request: HttpRequest, pk: int) -> HttpResponse:
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related("event", "sender__person", "recipient__person"), pk=pk
    )
    _request_visible(request.user, meeting_request)
    thread = services.thread_for_request(request=meeting_request, by=request.user)
    return redirect(describe.path(thread))


@login_required
@require_GET
def open_for_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("event", "request"), pk=pk)
    _request_visible(request.user, meeting.request)
    thread = services.thread_for_meeting(meeting=meeting, by=request.user)
    return redirect(describe.path(thread))


@login_required
@require_GET
def open_for_participant(request: HttpRequest, pk: int) -> HttpResponse:
    """From a participant (a recommendation card): the conversation of the viewer's request with them."""
    found = get_object_or_404(Participant.objects.select_related("event"), pk=pk)
    require(request.user, "partnering.view_event", found.event, hide=True)
    try:
        thread = services.thread_for_participant(participant=found, by=request.user)
    except Refused as refusal:
        refusals.flash_or_raise(request, refusal)
        return redirect("conversation-list")  # not back: without a referrer that would be this same address
    return redirect(describe.path(thread))


@login_required
@require_GET
def open_for_application(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("call__program"), pk=pk)
    require(request.user, "programs.view_application", application, hide=True)
    thread = services.thread_for_application(application=application, by=request.user)
    return redirect(describe.path(thread))


@login_required
@require_GET
def open_for_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = get_object_or_404(Outcome, pk=pk)
    require(request.user, "outcomes.view_outcome", outcome, hide=True)
    thread = services.thread_for_outcome(outcome=outcome, by=request.user)
    return redirect(describe.path(thread))


# --- blocking, reporting, moderation ---------------------------------------------------------------------


@login_required
@require_POST
def block(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    services.block_thread(thread=thread, by=request.user)
    messages.success(request, _("You blocked this conversation. Neither side can send new messages in it."))
    return redirect(describe.path(thread))


@login_required
@require_POST
def unblock(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _thread(request, pk)
    with refusals.flashed(request):
        services.unblock_thread(thread=thread, by=request.user)
        messages.success(request, _("You unblocked this conversation."))
    return redirect(describe.path(thread))


def _message(request: HttpRequest, pk: int) -> Message:
    message = get_object_or_404(Message.objects.select_related("thread", "author"), pk=pk)
    require(request.user, "conversations.view_message", message, hide=True)
    return message


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    require(request.user, "conversations.report_message", message)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals.flashed(request):
            services.report_message(message=message, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("Thank you. The staff will look at this message."))
        return redirect(describe.path(message.thread))
    return render(request, "conversations/report.html", {"message": message, "form": form})


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    require(request.user, "conversations.view_reports")
    open_only = request.GET.get("show") != "all"
    queryset = rules.reports_for(request.user)
    if open_only:
        queryset = queryset.filter(resolved_at__isnull=True)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    rows = [(r, describe.title(r.message.thread)) for r in page]
    return render(request, "conversations/reports.html", {"page": page, "rows": rows, "open_only": open_only})


@login_required
@require_POST
def hide(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    services.hide_message(message=message, by=request.user)
    messages.success(request, _("The message is hidden."))
    return redirect("conversation-reports")


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Report.objects.select_related("message__thread"), pk=pk)
    require(request.user, "conversations.view_message", found.message, hide=True)
    services.dismiss_report(report=found, by=request.user)
    messages.success(request, _("The report is closed; the message stays."))
    return redirect("conversation-reports")
