"""Partnering domain logic: event set-up, participants, availability, requests and meetings on the day.

Each function takes keyword-only arguments, does its whole change in one transaction and queues mail after
commit (DESIGN §5). Views, the API and the CLI only call these. Scheduling lives in ``scheduling.py``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgehead.core import roles
from bridgehead.core.models import User
from bridgehead.partnering import notify
from bridgehead.partnering.enums import Attendance, EventStatus, MeetingStatus, RequestStatus
from bridgehead.partnering.errors import PartneringError
from bridgehead.partnering.models import (
    Block,
    Event,
    EventSession,
    Feedback,
    Meeting,
    MeetingRequest,
    Participant,
    Slot,
)
from bridgehead.registry.models import Person

OPEN_REQUEST = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


# --- event set-up ----------------------------------------------------------------------------------------


def _local(date: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A wall-clock time at the venue as an aware instant (fold=0: the first 01:30 on a fall-back night)."""
    return dt.datetime.combine(date, time, tzinfo=zone)


def build_slots(*, event: Event) -> int:
    """Create the meeting slots of every session, converting venue wall-clock times to UTC.

    Existing slots are kept (meetings point at them); slots a session no longer covers are removed only when
    no meeting uses them. Returns the number of slots of the event.
    """
    zone = zoneinfo.ZoneInfo(event.time_zone)
    length = dt.timedelta(minutes=event.slot_minutes)
    with transaction.atomic():
        wanted: dict[dt.datetime, tuple[EventSession, dt.datetime, int]] = {}
        for session in event.sessions.all():
            start = _local(session.date, session.starts, zone).astimezone(dt.UTC)
            end = _local(session.date, session.ends, zone).astimezone(dt.UTC)
            while start + length <= end:
                wanted[start] = (
                    session,
                    start + length,
                    session.tables if session.tables is not None else event.tables,
                )
                start += length
        existing = {slot.starts_at: slot for slot in event.slots.all()}
        stale = [slot for starts_at, slot in existing.items() if starts_at not in wanted]
        used = Meeting.objects.filter(slot__in=stale).exclude(status=MeetingStatus.CANCELLED)
        if used.exists():
            raise PartneringError(
                _(
                    "A session change would remove slots that already hold meetings; move or "
                    "cancel those meetings first."
                )
            )
        Slot.objects.filter(pk__in=[s.pk for s in stale]).delete()
        for starts_at, (session, ends_at, tables) in wanted.items():
            slot = existing.get(starts_at)
            if slot is None:
                Slot.objects.create(event=event, session=session, starts_at=starts_at, ends_at=ends_at, tables=tables)
            elif (slot.session_id, slot.ends_at, slot.tables) != (session.pk, ends_at, tables):
                slot.session, slot.ends_at, slot.tables = session, ends_at, tables
                slot.save(update_fields=["session", "ends_at", "tables"])
    return event.slots.count()


def publish_event(*, event: Event, by: User) -> None:
    if not event.slots.exists():
        raise PartneringError(_("Add at least one session with meeting slots before publishing the event."))
    event.status = EventStatus.PUBLISHED
    event.save(update_fields=["status"])


def is_event_staff(user: User, event: Event) -> bool:
    """Site admins and the program managers of the event's program run the event."""
    if roles.is_site_admin(user):
        return True
    return event.program_id is not None and event.program_id in roles.program_ids(user, "program_manager")


# --- participants and availability -----------------------------------------------------------------------


def register_participant(
    *,
    event: Event,
    person: Person,
    by: User,
    seeks: str = "",
    offers: str = "",
    language: str = "",
    attendance: str = Attendance.IN_PERSON,
    max_meetings: int | None = None,
) -> Participant:
    if person.organisation_id is None:
        raise PartneringError(_("%(name)s has no organisation; add one to the person first.") % {"name": person})
    if attendance == Attendance.VIRTUAL and not event.virtual_allowed:
        raise PartneringError(_("This event has no virtual meetings; register to attend in person."))
    organisation = person.organisation
    try:
        with transaction.atomic():
            return Participant.objects.create(
                event=event,
                person=person,
                organisation=organisation,
                kind=organisation.kind,
                language=language or (person.user.language if person.user else "en"),
                seeks=seeks,
                offers=offers,
                attendance=attendance,
                max_meetings=max_meetings,
            )
    except IntegrityError:
        raise PartneringError(_("%(name)s is already registered for this event.") % {"name": person}) from None


def set_availability(*, participant: Participant, unavailable: Iterable[int], by: User) -> None:
    """Replace the participant's unavailable slots. Slot ids outside this event are refused, not ignored."""
    wanted = set(unavailable)
    slots = list(Slot.objects.filter(event=participant.event, pk__in=wanted))
    unknown = wanted - {slot.pk for slot in slots}
    if unknown:
        raise PartneringError(
            _("These slots are not part of this event: %(ids)s.") % {"ids": ", ".join(str(i) for i in sorted(unknown))}
        )
    with transaction.atomic():
        participant.unavailable.set(slots)


def participant_for(user: User, event: Event) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(event=event, person__user=user).select_related("person", "organisation").first()


# --- requests ---------------------------------------------------------------------------------------------


def is_blocked(a: Participant, b: Participant) -> bool:
    return Block.objects.filter(Q(by=a, blocked=b) | Q(by=b, blocked=a)).exists()


def send_request(
    *,
    sender: Participant,
    recipient: Participant,
    message: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> MeetingRequest:
    now = now or timezone.now()
    event = sender.event
    if recipient.event_id != event.pk:
        raise PartneringError(_("You can only send requests to participants of the same event."))
    if recipient.pk == sender.pk:
        raise PartneringError(_("You cannot send a meeting request to yourself."))
    if event.request_deadline and now > event.request_deadline:
        raise PartneringError(
            _("Requests for this event closed on %(deadline)s.")
            % {"deadline": timezone.localtime(event.request_deadline).strftime("%Y-%m-%d %H:%M %Z")}
        )
    if not event.may_meet(sender.kind, recipient.kind):
        raise PartneringError(
            _("At this event, a %(a)s does not book meetings with a %(b)s.")
            % {"a": sender.organisation.get_kind_display(), "b": recipient.organisation.get_kind_display()}
        )
    if is_blocked(sender, recipient):
        raise PartneringError(_("This participant is not available for a meeting with you."))
    with transaction.atomic():
        # Lock both sides in a fixed order: concurrent A→B and B→A requests then run one after the other.
        list(Participant.objects.select_for_update().filter(pk__in=[sender.pk, recipient.pk]).order_by("pk"))
        if MeetingRequest.objects.filter(
            Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender), status__in=OPEN_REQUEST
        ).exists():
            raise PartneringError(_("There is already an open request between you and this participant."))
        sent = MeetingRequest.objects.filter(sender=sender, status__in=OPEN_REQUEST).count()
        if sent >= event.request_quota:
            raise PartneringError(
                _("You have used all %(quota)s requests of this event.") % {"quota": event.request_quota}
            )
        request = MeetingRequest.objects.create(
            event=event, sender=sender, recipient=recipient, message=message.strip()[:2000]
        )
    notify.send(recipient, "partnering/email/request_received.txt", {"request": request})
    return request


def _lock_pending(request: MeetingRequest) -> MeetingRequest:
    locked = (
        MeetingRequest.objects.select_for_update().select_related("event", "sender", "recipient").get(pk=request.pk)
    )
    if locked.status != RequestStatus.PENDING:
        raise PartneringError(
            _("This request is no longer pending (it is %(status)s).") % {"status": locked.get_status_display().lower()}
        )
    return locked


def accept_request(*, request: MeetingRequest, by: User, now: dt.datetime | None = None) -> Meeting:
    """Turn a pending request into a meeting waiting for the schedule. The row lock makes a concurrent
    accept/decline of the same request wait and then see that it is no longer pending."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_pending(request)
        if locked.recipient.person.user_id != by.pk:
            raise PartneringError(_("Only the invited participant can accept this request."))
        event = locked.event
        if event.acceptance_deadline and now > event.acceptance_deadline:
            raise PartneringError(
                _("Requests of this event could be accepted until %(deadline)s.")
                % {"deadline": timezone.localtime(event.acceptance_deadline).strftime("%Y-%m-%d %H:%M %Z")}
            )
        locked.status, locked.responded_at = RequestStatus.ACCEPTED, now
        locked.save(update_fields=["status", "responded_at"])
        meeting = Meeting.objects.create(event=event, request=locked, first=locked.sender, second=locked.recipient)
    notify.send(locked.sender, "partnering/email/request_accepted.txt", {"request": locked})
    return meeting


def decline_request(
    *, request: MeetingRequest, by: User, no_thanks: bool = False, now: dt.datetime | None = None
) -> MeetingRequest:
    """Decline; "no thanks" also blocks the pair both ways (no recommendation, no new request)."""
    with transaction.atomic():
        locked = _lock_pending(request)
        if locked.recipient.person.user_id != by.pk:
            raise PartneringError(_("Only the invited participant can decline this request."))
        locked.status, locked.responded_at = RequestStatus.DECLINED, now or timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        if no_thanks:
            Block.objects.get_or_create(event=locked.event, by=locked.recipient, blocked=locked.sender)
            locked.event.recommendations.filter(
                Q(participant=locked.sender, partner=locked.recipient)
                | Q(participant=locked.recipient, partner=locked.sender)
            ).delete()
    return locked


def withdraw_request(*, request: MeetingRequest, by: User) -> MeetingRequest:
    with transaction.atomic():
        locked = _lock_pending(request)
        if locked.sender.person.user_id != by.pk:
            raise PartneringError(_("Only the participant who sent this request can withdraw it."))
        locked.status, locked.responded_at = RequestStatus.WITHDRAWN, timezone.now()
        locked.save(update_fields=["status", "responded_at"])
    return locked


def expire_requests(*, event: Event, now: dt.datetime | None = None) -> int:
    """Pending requests past the acceptance deadline expire; they never held a slot, so nothing else moves."""
    now = now or timezone.now()
    if not event.acceptance_deadline or now <= event.acceptance_deadline:
        return 0
    with transaction.atomic():
        pending = list(event.requests.select_for_update().filter(status=RequestStatus.PENDING))
        for request in pending:
            request.status, request.responded_at = RequestStatus.EXPIRED, now
            request.save(update_fields=["status", "responded_at"])  # save() so each change is audited
    return len(pending)


def remind_pending(*, event: Event, now: dt.datetime | None = None, every: dt.timedelta = dt.timedelta(days=1)) -> int:
    """One reminder e-mail per participant with requests waiting for an answer, at most once per ``every``."""
    now = now or timezone.now()
    waiting: dict[int, list[MeetingRequest]] = {}
    due = (
        event.requests.filter(status=RequestStatus.PENDING)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - every))
        .select_related("recipient__person__user", "sender__organisation")
    )
    for request in due:
        waiting.setdefault(request.recipient_id, []).append(request)
    with transaction.atomic():
        for requests in waiting.values():
            notify.send(
                requests[0].recipient, "partnering/email/pending_reminder.txt", {"requests": requests, "event": event}
            )
            MeetingRequest.objects.filter(pk__in=[r.pk for r in requests]).update(reminded_at=now)
    return len(waiting)


# --- meetings on the day ----------------------------------------------------------------------------------


def _is_side(user: User, meeting: Meeting) -> Participant | None:
    for side in (meeting.first, meeting.second):
        if side.person.user_id == user.pk:
            return side
    return None


def cancel_meeting(*, meeting: Meeting, by: User) -> Meeting:
    side = _is_side(by, meeting)
    if side is None and not is_event_staff(by, meeting.event):
        raise PartneringError(_("Only the two participants or the event staff can cancel this meeting."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == MeetingStatus.CANCELLED:
            return locked
        was_scheduled = locked.slot_id is not None
        locked.status, locked.table, locked.pinned = MeetingStatus.CANCELLED, None, False
        locked.sequence += 1
        locked.save()
    if was_scheduled:
        for participant in (locked.first, locked.second):
            if participant != side:
                notify.send(participant, "partnering/email/meeting_cancelled.txt", {"meeting": locked})
    return locked


def check_in(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Meeting:
    if _is_side(by, meeting) is None and not is_event_staff(by, meeting.event):
        raise PartneringError(_("Only the two participants or the event staff can check this meeting in."))
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.NO_SHOW):
        raise PartneringError(_("Only a scheduled meeting can be checked in."))
    meeting.status, meeting.checked_in_at, meeting.checked_in_by = MeetingStatus.CHECKED_IN, now or timezone.now(), by
    meeting.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
    return meeting


def mark_no_show(*, meeting: Meeting, by: User) -> Meeting:
    if _is_side(by, meeting) is None and not is_event_staff(by, meeting.event):
        raise PartneringError(_("Only the two participants or the event staff can record a no-show."))
    if meeting.status != MeetingStatus.SCHEDULED:
        raise PartneringError(_("Only a scheduled meeting that has not been checked in can be a no-show."))
    meeting.status = MeetingStatus.NO_SHOW
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


def give_feedback(*, meeting: Meeting, by: User, valuable: bool, follow_up: bool, comment: str = "") -> Feedback:
    side = _is_side(by, meeting)
    if side is None:
        raise PartneringError(_("Only the two participants can give feedback on this meeting."))
    if meeting.status not in (MeetingStatus.CHECKED_IN, MeetingStatus.SCHEDULED):
        raise PartneringError(_("Feedback is for meetings that took place."))
    feedback, _created = Feedback.objects.update_or_create(
        meeting=meeting,
        participant=side,
        defaults={"valuable": valuable, "follow_up": follow_up, "comment": comment.strip()[:2000]},
    )
    return feedback
