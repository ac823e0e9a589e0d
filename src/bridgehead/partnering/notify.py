"""Telling participants what changed: an in-app notification (inbox + badge) and an e-mail, each rendered in
the recipient's own language and time zone, sent after commit, with absolute links.

Every partnering message goes through this module, so the services say *what* happened
(``request_received``, ``schedule_published`` …) and this module decides who hears it and how.
"""

from __future__ import annotations

import contextlib
import contextvars
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bridgehead.core.mail import absolute_url, render_message, send_after_commit
from bridgehead.core.notifications import notify as notify_user
from bridgehead.partnering.models import Meeting, MeetingRequest, Participant

_silenced = contextvars.ContextVar("partnering_notices_silenced", default=False)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Tell nobody about the changes made inside: for loaders that replay history (the demo, imports), whose
    people are invented or were told elsewhere. Covers e-mail, the inbox and the notices of a publish."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def is_silenced() -> bool:
    return _silenced.get()


def _recipient(participant: Participant) -> tuple[str, str, str]:
    person = participant.person
    user = person.user
    language = (user.language if user else None) or participant.language or "en"
    zone = (user.time_zone if user else None) or person.time_zone or "UTC"
    # The account's address (changed only with its password), not the registry contact field, which other
    # people may edit: a person with an account is mailed where they sign in.
    email = user.email if user else person.email
    return email, language, zone


def render_for(participant: Participant, template: str, context: dict) -> tuple[str, str, str] | None:
    """(address, subject, body) rendered in the participant's language and zone, or None without an address."""
    email, language, zone = _recipient(participant)
    if not email:
        return None
    with translation.override(language):
        name = participant.person.name  # bilingual: the recipient's own language first
    event = participant.event
    subject, body = render_message(
        template,
        {**context, "participant": participant, "time_zone": zone, "recipient_name": name, "office": event},
        language=language,
        zone=zone,
    )
    return email, subject, body


def send(participant: Participant, template: str, context: dict) -> None:
    """Queue one e-mail for after the current transaction commits (nothing is sent for a rolled-back change)."""
    if is_silenced():
        return
    rendered = render_for(participant, template, context)
    if rendered is not None:
        send_after_commit(*rendered)


def _inbox(participant: Participant, message, params: Callable[[], dict], path: str, kind: str) -> None:
    """An in-app notification for the participant's login (people without one only get e-mail). ``params``
    is evaluated in the recipient's language, so bilingual names (organisations, events) read in it too."""
    user = participant.person.user
    if user is None or is_silenced():
        return
    with translation.override(_recipient(participant)[1]):
        values = params()
    notify_user(user=user, message=message, params=values, url=path, kind=kind)


def _links(event_slug: str) -> dict[str, str]:
    requests = reverse("event-requests", args=[event_slug])
    agenda = reverse("event-agenda", args=[event_slug])
    return {
        "requests_path": requests,
        "agenda_path": agenda,
        "requests_url": absolute_url(requests),
        "agenda_url": absolute_url(agenda),
    }


def request_received(request: MeetingRequest) -> None:
    links = _links(request.event.slug)

    def params() -> dict:
        return {"org": request.sender.organisation.name, "event": request.event.title}

    _inbox(
        request.recipient,
        _("%(org)s asked to meet you at %(event)s."),
        params,
        links["requests_path"],
        "partnering.request_received",
    )
    send(request.recipient, "partnering/email/request_received.txt", {"request": request, **links})


def request_answered(request: MeetingRequest) -> None:
    """The sender hears of an accept or a decline ("no thanks" is told as a plain decline)."""
    links = _links(request.event.slug)

    def params() -> dict:
        return {"org": request.recipient.organisation.name, "event": request.event.title}

    if request.status == "accepted":
        _inbox(
            request.sender,
            _("%(org)s accepted your meeting request at %(event)s."),
            params,
            links["agenda_path"],
            "partnering.request_accepted",
        )
        send(request.sender, "partnering/email/request_accepted.txt", {"request": request, **links})
    else:
        _inbox(
            request.sender,
            _("%(org)s declined your meeting request at %(event)s."),
            params,
            links["requests_path"],
            "partnering.request_declined",
        )
        send(request.sender, "partnering/email/request_declined.txt", {"request": request, **links})


def pending_reminder(recipient: Participant, requests: list[MeetingRequest]) -> None:
    """The daily reminder of requests waiting for an answer: e-mail only (each is already in the inbox)."""
    event = requests[0].event
    send(
        recipient, "partnering/email/pending_reminder.txt", {"requests": requests, "event": event, **_links(event.slug)}
    )


def request_expired(request: MeetingRequest) -> None:
    links = _links(request.event.slug)

    def params() -> dict:
        return {"org": request.recipient.organisation.name, "event": request.event.title}

    _inbox(
        request.sender,
        _("Your meeting request to %(org)s at %(event)s expired without an answer."),
        params,
        links["requests_path"],
        "partnering.request_expired",
    )
    send(request.sender, "partnering/email/request_expired.txt", {"request": request, **links})


def meeting_cancelled(meeting: Meeting, participant: Participant) -> None:
    links = _links(meeting.event.slug)
    partner = meeting.partner_of(participant)

    def params() -> dict:
        return {"org": partner.organisation.name, "event": meeting.event.title}

    _inbox(
        participant,
        _("Your meeting with %(org)s at %(event)s was cancelled."),
        params,
        links["agenda_path"],
        "partnering.meeting_cancelled",
    )
    send(participant, "partnering/email/meeting_cancelled.txt", {"meeting": meeting, **links})


CHANGE_MESSAGES = {
    "scheduled": _("Your meeting with %(org)s at %(event)s is scheduled: %(when)s."),
    "moved": _("Your meeting with %(org)s at %(event)s moved to %(when)s."),
    "dropped": _("Your meeting with %(org)s at %(event)s lost its time: %(reason)s"),
    "unplaced": _("Your meeting with %(org)s at %(event)s could not be placed in the schedule: %(reason)s"),
}


def _when(meeting: Meeting, zone: str) -> str:
    """The start in the recipient's zone, written the same way in every language (date, time, zone)."""
    if meeting.slot is None:
        return ""
    local = meeting.slot.starts_at.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{local:%Y-%m-%d %H:%M} ({zone})"


def schedule_changes(participant: Participant, changes: dict[str, list[Meeting]]) -> None:
    """One e-mail listing every change to the participant's agenda, and one inbox entry per change."""
    if not any(changes.values()):
        return
    event = next(m for ms in changes.values() for m in ms).event
    links = _links(event.slug)
    zone = _recipient(participant)[2]
    for kind, meetings in changes.items():
        for meeting in meetings:

            def params(meeting: Meeting = meeting) -> dict:
                return {
                    "org": meeting.partner_of(participant).organisation.name,
                    "event": event.title,
                    "when": _when(meeting, zone),
                    "reason": str(meeting.get_unplaced_reason_display()),
                }

            _inbox(participant, CHANGE_MESSAGES[kind], params, links["agenda_path"], f"partnering.meeting_{kind}")
    send(participant, "partnering/email/schedule_changed.txt", {"event": event, "changes": changes, **links})


def schedule_published(notices: dict[str, list[int]]) -> int:
    """After a publish: tell both sides of every meeting that was scheduled, moved, lost its time or could
    not be placed. Returns how many participants were told."""
    kind_of = {pk: kind for kind, pks in notices.items() for pk in pks}
    meetings = Meeting.objects.filter(pk__in=kind_of).select_related(
        "event",
        "slot",
        "first__person__user",
        "second__person__user",
        "first__organisation",
        "second__organisation",
    )
    per_participant: dict[int, tuple[Participant, dict[str, list[Meeting]]]] = {}
    for meeting in meetings.order_by("slot__starts_at", "pk"):
        for side in (meeting.first, meeting.second):
            entry = per_participant.setdefault(side.pk, (side, defaultdict(list)))
            entry[1][kind_of[meeting.pk]].append(meeting)
    for participant, changes in per_participant.values():
        schedule_changes(participant, dict(changes))
    return len(per_participant)
