"""Partnering domain logic: event set-up, participants, availability, requests and meetings on the day.

Each function takes keyword-only arguments, does its whole change in one transaction and queues mail after
commit (DESIGN §5). Views, the API and the CLI only call these. Scheduling lives in ``scheduling.py``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
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
#
# What a participant may do is decided in one place: ``RequestRules.refusal`` and ``accept_refusal`` return
# the reason an action would be refused (or None). The services raise it; the pages show it instead of a
# button that would only be refused after the click.


def meeting_limit(participant: Participant, event: Event | None = None) -> int:
    """How many meetings the participant may hold: their own limit, else the event's (pass ``event`` when it
    is at hand, to spare a query per participant on a long list)."""
    if participant.max_meetings is not None:
        return participant.max_meetings
    return (event or participant.event).max_meetings


def meetings_held(participant_ids: Iterable[int]) -> dict[int, int]:
    """Accepted meetings that are not cancelled, per participant (both as first and as second side)."""
    ids = list(participant_ids)
    held: dict[int, int] = dict.fromkeys(ids, 0)
    live = Meeting.objects.exclude(status=MeetingStatus.CANCELLED)
    for column in ("first_id", "second_id"):
        rows = live.filter(**{f"{column}__in": ids}).values(column).annotate(n=Count("pk")).values_list(column, "n")
        for pk, n in rows:
            held[pk] += n
    return held


def _fmt(when: dt.datetime) -> str:
    """A deadline in the viewer's active time zone, with the zone's abbreviation."""
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M %Z")


def _full_refusal(participant: Participant, held: int, *, mine: bool, event: Event) -> str | None:
    limit = meeting_limit(participant, event)
    if held < limit:
        return None
    if mine:
        return _(
            "You already have %(held)s meetings, the most this event allows you (%(limit)s); cancel one first."
        ) % {"held": held, "limit": limit}
    return _("%(name)s already has the most meetings this event allows (%(limit)s).") % {
        "name": participant.organisation.name,
        "limit": limit,
    }


@dataclass
class RequestRules:
    """Whom ``sender`` may ask for a meeting now. Loaded with a few queries, so a page listing 200
    participants asks once, not 200 times; ``send_request`` uses the same rules for one recipient."""

    sender: Participant
    now: dt.datetime
    blocked: set[int] = field(default_factory=set)
    open_with: set[int] = field(default_factory=set)
    meeting_with: set[int] = field(default_factory=set)
    sent: int = 0
    held: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(
        cls, sender: Participant, recipients: Iterable[Participant], now: dt.datetime | None = None
    ) -> RequestRules:
        ids = [r.pk for r in recipients]
        blocks = Block.objects.filter(Q(by=sender) | Q(blocked=sender)).values_list("by_id", "blocked_id")
        open_requests = MeetingRequest.objects.filter(status__in=OPEN_REQUEST)
        pairs = [
            *open_requests.filter(sender=sender).values_list("sender_id", "recipient_id", "status"),
            *open_requests.filter(recipient=sender).values_list("sender_id", "recipient_id", "status"),
        ]
        return cls(
            sender=sender,
            now=now or timezone.now(),
            blocked={pk for pair in blocks for pk in pair} - {sender.pk},
            open_with={pk for a, b, _status in pairs for pk in (a, b)} - {sender.pk},
            meeting_with={pk for a, b, status in pairs if status == RequestStatus.ACCEPTED for pk in (a, b)}
            - {sender.pk},
            sent=MeetingRequest.objects.filter(sender=sender, status__in=OPEN_REQUEST).count(),
            held=meetings_held([sender.pk, *ids]),
        )

    def refusal(self, recipient: Participant) -> str | None:
        """Why ``sender`` may not send ``recipient`` a request now, or None when it may."""
        sender, event = self.sender, self.sender.event
        if recipient.event_id != event.pk:
            return _("You can only send requests to participants of the same event.")
        if recipient.pk == sender.pk:
            return _("You cannot send a meeting request to yourself.")
        if event.request_deadline and self.now > event.request_deadline:
            return _("Requests for this event closed on %(deadline)s.") % {"deadline": _fmt(event.request_deadline)}
        if not event.may_meet(sender.kind, recipient.kind):
            return _("At this event, a %(a)s does not book meetings with a %(b)s.") % {
                "a": sender.organisation.get_kind_display(),
                "b": recipient.organisation.get_kind_display(),
            }
        if recipient.pk in self.blocked:
            return _("This participant is not available for a meeting with you.")
        if recipient.pk in self.meeting_with:
            return _("You already have a meeting with this participant.")
        if recipient.pk in self.open_with:
            return _("There is already an open request between you and this participant.")
        if self.sent >= event.request_quota:
            return _("You have used all %(quota)s requests of this event.") % {"quota": event.request_quota}
        return _full_refusal(sender, self.held.get(sender.pk, 0), mine=True, event=event) or _full_refusal(
            recipient, self.held.get(recipient.pk, 0), mine=False, event=event
        )


def send_request(
    *,
    sender: Participant,
    recipient: Participant,
    message: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> MeetingRequest:
    """Send a meeting request; every rule of the event is checked with both participants locked."""
    with transaction.atomic():
        # Lock both sides in a fixed order: concurrent A→B and B→A requests then run one after the other.
        list(Participant.objects.select_for_update().filter(pk__in=[sender.pk, recipient.pk]).order_by("pk"))
        refusal = RequestRules.load(sender, [recipient], now).refusal(recipient)
        if refusal:
            raise PartneringError(refusal)
        request = MeetingRequest.objects.create(
            event=sender.event, sender=sender, recipient=recipient, message=message.strip()[:2000]
        )
        notify.request_received(request)
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


def is_overdue(request: MeetingRequest, now: dt.datetime | None = None) -> bool:
    """A pending request past the event's acceptance deadline can no longer be answered, even before the
    hourly housekeeping has marked it expired."""
    deadline = request.event.acceptance_deadline
    return request.status == RequestStatus.PENDING and deadline is not None and (now or timezone.now()) > deadline


def accept_refusal(
    *, request: MeetingRequest, by: User, now: dt.datetime | None = None, held: dict[int, int] | None = None
) -> str | None:
    """Why ``by`` may not accept ``request`` now (or None). Capacity is checked here: a participant at the
    meeting limit cannot accept, as on b2match and Brella, so no meeting is accepted that the schedule
    could never hold; the reason names the side that is full. ``held`` (from ``meetings_held``) spares the
    count when a page asks for many requests at once."""
    if request.status != RequestStatus.PENDING:
        return _("This request is no longer pending (it is %(status)s).") % {
            "status": request.get_status_display().lower()
        }
    if request.recipient.person.user_id != by.pk:
        return _("Only the invited participant can accept this request.")
    event = request.event
    if is_overdue(request, now):
        return _("Requests of this event could be accepted until %(deadline)s.") % {
            "deadline": _fmt(event.acceptance_deadline)
        }
    if held is None:
        held = meetings_held([request.recipient_id, request.sender_id])
    return _full_refusal(request.recipient, held.get(request.recipient_id, 0), mine=True, event=event) or (
        _full_refusal(request.sender, held.get(request.sender_id, 0), mine=False, event=event)
    )


def accept_request(*, request: MeetingRequest, by: User, now: dt.datetime | None = None) -> Meeting:
    """Turn a pending request into a meeting waiting for the schedule.

    Both participants are locked (in a fixed order) before the capacity check, so two accepts racing for
    a participant's last free place cannot both pass; the request's row lock makes a concurrent
    accept/decline of the same request wait and then see that it is no longer pending.
    """
    now = now or timezone.now()
    with transaction.atomic():
        sides = [request.sender_id, request.recipient_id]
        list(Participant.objects.select_for_update().filter(pk__in=sides).order_by("pk"))
        locked = (
            MeetingRequest.objects.select_for_update(of=("self",))
            .select_related("event", "sender__organisation", "recipient__organisation", "recipient__person")
            .get(pk=request.pk)
        )
        refusal = accept_refusal(request=locked, by=by, now=now)
        if refusal:
            raise PartneringError(refusal)
        locked.status, locked.responded_at = RequestStatus.ACCEPTED, now
        locked.save(update_fields=["status", "responded_at"])
        meeting = Meeting.objects.create(
            event=locked.event, request=locked, first=locked.sender, second=locked.recipient
        )
        notify.request_answered(locked)
    return meeting


def decline_request(
    *, request: MeetingRequest, by: User, no_thanks: bool = False, now: dt.datetime | None = None
) -> MeetingRequest:
    """Decline; "no thanks" also blocks the pair both ways (no recommendation, no new request). The sender
    is told either way (without saying which), so no request waits unanswered in their list."""
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
        notify.request_answered(locked)
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
    """Pending requests past the acceptance deadline expire and their senders are told; they never held a
    slot, so nothing else moves."""
    now = now or timezone.now()
    if not event.acceptance_deadline or now <= event.acceptance_deadline:
        return 0
    with transaction.atomic():
        pending = list(
            event.requests.select_for_update(of=("self",))  # lock the requests, not the joined rows
            .filter(status=RequestStatus.PENDING)
            .select_related("event", "sender__person__user", "recipient__organisation")
        )
        for request in pending:
            request.status, request.responded_at = RequestStatus.EXPIRED, now
            request.save(update_fields=["status", "responded_at"])  # save() so each change is audited
            notify.request_expired(request)  # the sender is not left waiting for an answer that never comes
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
            notify.pending_reminder(requests[0].recipient, requests)
            MeetingRequest.objects.filter(pk__in=[r.pk for r in requests]).update(reminded_at=now)
    return len(waiting)


# --- meetings on the day ----------------------------------------------------------------------------------

CHECK_IN_GRACE = dt.timedelta(hours=1)  # around the venue's day, for a clock or a session near midnight


def _is_side(user: User, meeting: Meeting) -> Participant | None:
    for side in (meeting.first, meeting.second):
        if side.person.user_id == user.pk:
            return side
    return None


def venue_day(meeting: Meeting) -> dt.date | None:
    """The meeting's date at the venue (None while it has no slot)."""
    if meeting.slot is None:
        return None
    return meeting.slot.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.event.time_zone)).date()


def check_in_window(meeting: Meeting) -> tuple[dt.datetime, dt.datetime] | None:
    """From the start of the meeting's day at the venue to its end, with an hour's grace either side."""
    day = venue_day(meeting)
    if day is None:
        return None
    zone = zoneinfo.ZoneInfo(meeting.event.time_zone)
    opens = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    closes = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return opens - CHECK_IN_GRACE, closes + CHECK_IN_GRACE


def _day_refusal(meeting: Meeting, now: dt.datetime) -> str | None:
    window = check_in_window(meeting)
    if window is None:
        return _("This meeting has no time yet.")
    day = venue_day(meeting).isoformat()
    if now < window[0]:
        return _("Check-in opens on the day of the meeting (%(day)s at the venue).") % {"day": day}
    if now > window[1]:
        return _("This meeting was on %(day)s; check-in is closed.") % {"day": day}
    return None


def check_in_refusal(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> str | None:
    """Why ``by`` may not check ``meeting`` in now (or None). Only on the meeting's day at the venue."""
    if _is_side(by, meeting) is None and not is_event_staff(by, meeting.event):
        return _("Only the two participants or the event staff can check this meeting in.")
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.NO_SHOW) or meeting.slot_id is None:
        return _("Only a scheduled meeting can be checked in.")
    return _day_refusal(meeting, now or timezone.now())


def no_show_refusal(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> str | None:
    """A no-show is recorded on the meeting's day, once it has started."""
    now = now or timezone.now()
    if _is_side(by, meeting) is None and not is_event_staff(by, meeting.event):
        return _("Only the two participants or the event staff can record a no-show.")
    if meeting.status != MeetingStatus.SCHEDULED or meeting.slot_id is None:
        return _("Only a scheduled meeting that has not been checked in can be a no-show.")
    if now < meeting.slot.starts_at and _day_refusal(meeting, now) is None:
        return _("A no-show can be recorded once the meeting has started.")
    return _day_refusal(meeting, now)


def cancel_meeting(*, meeting: Meeting, by: User) -> Meeting:
    side = _is_side(by, meeting)
    if side is None and not is_event_staff(by, meeting.event):
        raise PartneringError(_("Only the two participants or the event staff can cancel this meeting."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == MeetingStatus.CANCELLED:
            return locked
        locked.status, locked.table, locked.pinned = MeetingStatus.CANCELLED, None, False
        locked.sequence += 1
        locked.save()
        for participant in (locked.first, locked.second):
            if participant != side:
                notify.meeting_cancelled(locked, participant)
    return locked


def check_in(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Meeting:
    now = now or timezone.now()
    refusal = check_in_refusal(meeting=meeting, by=by, now=now)
    if refusal:
        raise PartneringError(refusal)
    meeting.status, meeting.checked_in_at, meeting.checked_in_by = MeetingStatus.CHECKED_IN, now, by
    meeting.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
    return meeting


def mark_no_show(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Meeting:
    refusal = no_show_refusal(meeting=meeting, by=by, now=now)
    if refusal:
        raise PartneringError(refusal)
    meeting.status = MeetingStatus.NO_SHOW
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


def give_feedback(*, meeting: Meeting, by: User, valuable: bool, follow_up: bool, comment: str = "") -> Feedback:
    """Record (or correct) one side's answers; the agenda then shows "Feedback sent on …" with them."""
    side = _is_side(by, meeting)
    if side is None:
        raise PartneringError(_("Only the two participants can give feedback on this meeting."))
    if meeting.status != MeetingStatus.CHECKED_IN:
        raise PartneringError(_("Feedback is for meetings that took place (checked in)."))
    feedback, _created = Feedback.objects.update_or_create(
        meeting=meeting,
        participant=side,
        defaults={"valuable": valuable, "follow_up": follow_up, "comment": comment.strip()[:2000]},
    )
    return feedback


# --- what a participant sees first ------------------------------------------------------------------------


def upcoming_meetings(participants: Iterable[Participant], now: dt.datetime | None = None) -> list[Meeting]:
    """The participants' meetings still to come: scheduled ones by start time, then those without a time.

    A meeting stays "to come" until its slot has ended; checked-in meetings in progress stay too, so the
    home page shows the meeting someone is in. One without a time stays while its event has slots to come.
    """
    now = now or timezone.now()
    ids = [p.pk for p in participants]
    # Two index look-ups rather than one OR (which PostgreSQL answers with a scan of the event's meetings).
    pks = list(Meeting.objects.filter(first_id__in=ids).values_list("pk", flat=True))
    pks += Meeting.objects.filter(second_id__in=ids).values_list("pk", flat=True)
    rows = (
        Meeting.objects.filter(pk__in=pks)
        .exclude(status__in=[MeetingStatus.CANCELLED, MeetingStatus.NO_SHOW])
        # Without a time counts only while the event still has slots to come (not an event long past).
        .filter(Q(slot__ends_at__gt=now) | Q(slot__isnull=True, event__slots__ends_at__gt=now))
        .distinct()
        .select_related(
            "event", "slot", "first__organisation", "second__organisation", "first__person", "second__person"
        )
    )
    return sorted(rows, key=lambda m: (m.slot is None, m.slot.starts_at.timestamp() if m.slot else 0.0, m.pk))
