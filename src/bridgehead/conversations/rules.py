"""Who may read, write, block, report and moderate conversations: every "who may" rule of the app.

* A ``meeting`` thread belongs to the two participants of its meeting request (the people behind them);
  nobody else reads it, the event's staff included — they see only messages reported to them.
* An ``application`` or ``outcome`` thread belongs to the startup's members and the program's managers
  (site administrators count as managers of every program, as everywhere else).
* Only the two sides of a meeting thread may block it: a startup and its program's staff must stay reachable
  about an application, so those threads are not blockable (a message can still be reported).
* The site administrator is a superuser: every permission holds for them, as everywhere in Bridgehead.
* A message is reported by anyone in its thread but its author, to the thread's staff (the event's for a
  meeting thread, the program's otherwise), who then see it (and its files) and may hide it.

Whether the *state* allows an action (a blocked thread) is the services' business.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bridgehead.conversations.models import Report, Thread, ThreadKind
from bridgehead.core import permissions, roles
from bridgehead.core.enums import Role
from bridgehead.outcomes import rules as outcome_rules
from bridgehead.partnering import rules as partnering_rules
from bridgehead.programs import rules as program_rules


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _is_person(user, participant) -> bool:
    return participant is not None and _signed_in(user) and participant.person.user_id == user.pk


@rules.predicate
def sides_request(user, request) -> bool:
    """The user is the sender or the recipient of the meeting request."""
    return request is not None and (_is_person(user, request.sender) or _is_person(user, request.recipient))


@rules.predicate
def sides_meeting(user, meeting) -> bool:
    return meeting is not None and sides_request(user, meeting.request)


@rules.predicate
def sides_application(user, application) -> bool:
    """The startup's members and the program's managers."""
    return program_rules.is_applicant(user, application) or program_rules.manages_application(user, application)


@rules.predicate
def sides_outcome(user, outcome) -> bool:
    return outcome_rules.reports_outcome(user, outcome) or outcome_rules.manages_outcome(user, outcome)


@rules.predicate
def is_in_thread(user, thread) -> bool:
    if thread is None or not _signed_in(user):
        return False
    if thread.kind == ThreadKind.MEETING:
        return sides_request(user, thread.request)
    if thread.kind == ThreadKind.APPLICATION:
        return sides_application(user, thread.application)
    return sides_outcome(user, thread.outcome)


@rules.predicate
def is_meeting_thread(user, thread) -> bool:
    return thread is not None and thread.kind == ThreadKind.MEETING


@rules.predicate
def staffs_thread(user, thread) -> bool:
    """The people a report on this thread goes to: the event's staff, or the program's managers."""
    if thread is None or not _signed_in(user):
        return False
    if thread.kind == ThreadKind.MEETING:
        return partnering_rules.is_event_staff(user, thread.request.event)
    if thread.kind == ThreadKind.APPLICATION:
        return program_rules.manages_application(user, thread.application)
    return outcome_rules.manages_outcome(user, thread.outcome)


@rules.predicate
def in_messages_thread(user, message) -> bool:
    return message is not None and is_in_thread(user, message.thread)


@rules.predicate
def wrote_message(user, message) -> bool:
    return message is not None and _signed_in(user) and message.author_id == user.pk


@rules.predicate
def staffs_messages_thread(user, message) -> bool:
    return message is not None and staffs_thread(user, message.thread)


@rules.predicate
def is_reported(user, message) -> bool:
    return message is not None and message.reports.exists()


@rules.predicate
def moderates_anything(user) -> bool:
    return roles.is_site_admin(user) or roles.is_program_manager(user)


rules.add_perm("conversations.view_thread", is_in_thread)
rules.add_perm("conversations.post_message", is_in_thread)
rules.add_perm("conversations.block_thread", is_in_thread & is_meeting_thread)
rules.add_perm("conversations.open_request_thread", sides_request)  # on a MeetingRequest
rules.add_perm("conversations.open_meeting_thread", sides_meeting)  # on a Meeting
rules.add_perm("conversations.open_application_thread", sides_application)  # on an Application
rules.add_perm("conversations.open_outcome_thread", sides_outcome)  # on an Outcome
# The staff see a message of a thread they are not in only once someone reported it to them.
rules.add_perm("conversations.view_message", in_messages_thread | (staffs_messages_thread & is_reported))
rules.add_perm("conversations.report_message", in_messages_thread & ~wrote_message)
rules.add_perm("conversations.moderate_message", staffs_messages_thread)
rules.add_perm("conversations.view_reports", moderates_anything)

WHY_NOT: dict[str, Promise] = {
    "conversations.post_message": _("Only the people in this conversation can write in it."),
    "conversations.block_thread": _("Only the two participants of a meeting request can block its conversation."),
    "conversations.open_request_thread": _("Only the two participants of this request can talk about it."),
    "conversations.open_meeting_thread": _("Only the two participants of this meeting can talk about it."),
    "conversations.open_application_thread": _(
        "Only the startup's members and the program's managers can talk about this application."
    ),
    "conversations.open_outcome_thread": _(
        "Only the startup's members and the program's managers can talk about this outcome."
    ),
    "conversations.report_message": _("You can report messages of others in your own conversations only."),
    "conversations.moderate_message": _("Only the event's or program's staff can hide a message."),
    "conversations.view_reports": _("Only site administrators and program managers handle reported messages."),
}


def require(by, perm: str, obj=None) -> None:
    """Refuse unless ``by`` holds ``perm`` on ``obj`` (``permission.<perm>``, 403), saying why in words."""
    permissions.require(by, perm, obj, message=WHY_NOT.get(perm))


def threads_of(user) -> QuerySet[Thread]:
    """The threads ``user`` is in (the same rule as :func:`is_in_thread`, as one query)."""
    if not _signed_in(user):
        return Thread.objects.none()
    managed = roles.program_ids(user, Role.PROGRAM_MANAGER)
    startups = program_rules.member_organisation_ids(user)
    mine = (
        Q(kind=ThreadKind.MEETING, request__sender__person__user=user)
        | Q(kind=ThreadKind.MEETING, request__recipient__person__user=user)
        | Q(kind=ThreadKind.APPLICATION, application__organisation_id__in=startups)
        | Q(kind=ThreadKind.OUTCOME, outcome__organisation_id__in=startups)
    )
    if roles.is_site_admin(user):
        mine |= Q(kind__in=[ThreadKind.APPLICATION, ThreadKind.OUTCOME])
    else:
        mine |= Q(kind=ThreadKind.APPLICATION, application__call__program_id__in=managed) | Q(
            kind=ThreadKind.OUTCOME, outcome__program_id__in=managed
        )
    return Thread.objects.filter(mine)


def reports_for(user) -> QuerySet[Report]:
    """Reports ``user`` handles: the site administrator all, a program manager those of their programs'
    events, applications and outcomes."""
    reports = Report.objects.select_related(
        "message__author",
        "by",
        "message__thread__request__event",
        "message__thread__request__sender__person",
        "message__thread__request__sender__organisation",
        "message__thread__request__recipient__person",
        "message__thread__request__recipient__organisation",
        "message__thread__application__organisation",
        "message__thread__application__call",
        "message__thread__outcome",
    )
    if roles.is_site_admin(user):
        return reports
    managed = roles.program_ids(user, Role.PROGRAM_MANAGER)
    return reports.filter(
        Q(message__thread__request__event__program_id__in=managed)
        | Q(message__thread__application__call__program_id__in=managed)
        | Q(message__thread__outcome__program_id__in=managed)
    )
