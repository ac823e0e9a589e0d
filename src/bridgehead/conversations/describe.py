"""How a thread is named and linked for one viewer, on pages, in the inbox and in e-mail."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from bridgehead.conversations.models import Thread, ThreadKind


def title(thread: Thread, viewer=None) -> str:
    """The thread's name as ``viewer`` reads it, in the active language ("With Acme · Demo Day")."""
    if thread.kind == ThreadKind.MEETING:
        request = thread.request
        sender, recipient = request.sender, request.recipient
        if viewer is not None and sender.person.user_id == getattr(viewer, "pk", None):
            other = recipient.organisation.name
        elif viewer is not None and recipient.person.user_id == getattr(viewer, "pk", None):
            other = sender.organisation.name
        else:
            other = f"{sender.organisation.name} × {recipient.organisation.name}"
        return _("With %(name)s · %(event)s") % {"name": other, "event": request.event.title}
    if thread.kind == ThreadKind.APPLICATION:
        application = thread.application
        return _("Application of %(startup)s to %(call)s") % {
            "startup": application.organisation.name,
            "call": application.call.title,
        }
    return _("Outcome: %(title)s") % {"title": thread.outcome.title}


def subject_link(thread: Thread) -> tuple[str, str]:
    """(label, path) of the page the thread is about, for the link at the top of the thread."""
    if thread.kind == ThreadKind.MEETING:
        request = thread.request
        if thread.meeting_id is not None:
            return _("The meeting in your agenda"), reverse("event-agenda", args=[request.event.slug])
        return _("The meeting request"), reverse("event-requests", args=[request.event.slug])
    if thread.kind == ThreadKind.APPLICATION:
        return _("The application"), reverse("application-detail", args=[thread.application_id])
    return _("The outcome"), reverse("outcome-detail", args=[thread.outcome_id])


def office(thread: Thread):
    """Who signs the thread's e-mail (anything with ``office_name``/``office_contact``, see core.mail): the
    event of a meeting thread, the program of an application or outcome thread; None lets the platform sign."""
    if thread.kind == ThreadKind.MEETING:
        return thread.request.event
    if thread.kind == ThreadKind.APPLICATION:
        return thread.application.call.program
    return thread.outcome.program


def path(thread: Thread) -> str:
    return reverse("conversation-thread", args=[thread.pk])


def select_subjects(queryset):
    """The related rows :func:`title` reads, fetched with the threads."""
    return queryset.select_related(
        "request__event",
        "request__sender__person",
        "request__sender__organisation",
        "request__recipient__person",
        "request__recipient__organisation",
        "application__organisation",
        "application__call",
        "outcome",
    )
