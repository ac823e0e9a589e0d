"""Partnering domain logic: event set-up, participants, availability, requests and meetings on the day.

Each state-changing function is a domain action (``core.actions``): keyword-only arguments, the acting user
as ``by``, checked first against the app's ``rules.py``; the whole change in one transaction, audited with
``by`` as the actor; mail and queued tasks after commit (DESIGN §5). A rule the event refuses raises
``core.errors.Refused`` with a stable ``partnering.<thing>.<reason>`` code. Views, the API and the CLI only
call these. Scheduling lives in ``scheduling.py``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgehead.core.actions import after_commit, domain_action
from bridgehead.core.deletion import refuse_if_protected
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import User
from bridgehead.partnering import notify, rules, scheduling, tasks
from bridgehead.partnering.enums import (
    FEEDBACK_COMMENT_MAX,
    REQUEST_MESSAGE_MAX,
    Attendance,
    EventStatus,
    MeetingStatus,
    RequestStatus,
)
from bridgehead.partnering.models import (
    Block,
    Event,
    EventSession,
    Feedback,
    Meeting,
    MeetingRequest,
    Participant,
    Slot,
    new_calendar_token,
)
from bridgehead.registry.memberships import acting_organisations
from bridgehead.registry.models import Organisation, Person

OPEN_REQUEST = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


# --- event set-up ----------------------------------------------------------------------------------------


def _local(date: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """A wall-clock time at the venue as an aware instant (fold=0: the first 01:30 on a fall-back night)."""
    return dt.datetime.combine(date, time, tzinfo=zone)


def check_sessions_removable(*, event: Event, sessions: list[EventSession], by: User) -> None:
    """Sessions the event form would delete: refused (``partnering.event.slots_in_use``, naming the meetings)
    while any of their slots holds a meeting — cancelled ones too, whose calendar entries keep their time.
    Called before the form deletes anything, instead of the database's ProtectedError."""
    rules.require(by, "partnering.manage_event", event)
    for session in sessions:
        refuse_if_protected(
            session,
            "partnering.event.slots_in_use",
            _("The session “%(object)s” cannot be removed: %(dependants)s are booked in its slots."),
        )


@domain_action
def build_slots(*, event: Event, by: User) -> int:
    """Create the meeting slots of every session, converting venue wall-clock times to UTC.

    Existing slots are kept (meetings point at them); slots a session no longer covers are removed only when
    no meeting uses them. Returns the number of slots of the event.
    """
    rules.require(by, "partnering.manage_event", event)
    zone = zoneinfo.ZoneInfo(event.time_zone)
    length = dt.timedelta(minutes=event.slot_minutes)
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
        raise Refused(
            "partnering.event.slots_in_use",
            _("A session change would remove slots that already hold meetings; move or cancel those meetings first."),
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


@domain_action
def publish_event(*, event: Event, by: User) -> None:
    rules.require(by, "partnering.manage_event", event)
    if not event.slots.exists():
        raise Refused(
            "partnering.event.no_slots",
            _("Add at least one session with meeting slots before publishing the event."),
        )
    event.status = EventStatus.PUBLISHED
    event.save(update_fields=["status"])


@domain_action
def refresh_recommendations(*, event: Event, by: User) -> None:
    """Recompute every participant's recommendations in the background (after profiles changed)."""
    rules.require(by, "partnering.manage_event", event)
    after_commit(lambda: tasks.refresh_recommendations.enqueue(event.pk))


# --- participants and availability -----------------------------------------------------------------------


@domain_action
def register_participant(
    *,
    event: Event,
    person: Person,
    by: User,
    organisation: Organisation | None = None,
    seeks: str = "",
    offers: str = "",
    language: str = "",
    attendance: str = Attendance.IN_PERSON,
    max_meetings: int | None = None,
) -> Participant:
    """Register ``person`` for ``event``: themselves (for a published event), or anyone by the event's staff.

    The participant acts for ``organisation``, which must be one the person is a verified member of
    (``registry.memberships.acting_organisations``) — never the organisation they typed on their record.
    Without ``organisation``, their only one (or the one shown on their record, when it is verified) is used.
    """
    rules.require(by, "partnering.register_participant", Participant(event=event, person=person))
    organisation = acting_organisation(person, organisation)
    if attendance == Attendance.VIRTUAL and not event.virtual_allowed:
        raise Refused(
            "partnering.participant.virtual_not_allowed",
            _("This event has no virtual meetings; register to attend in person."),
            kind=Kind.INVALID,
            field="attendance",
        )
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
        raise Refused(
            "partnering.participant.already_registered",
            _("%(name)s is already registered for this event."),
            params={"name": str(person)},
        ) from None


def acting_organisation(person: Person, wanted: Organisation | None) -> Organisation:
    """The organisation ``person`` registers for: ``wanted`` when they are a member of it, else their only
    (or shown and verified) one. Refusals: no verified membership at all, several to choose from, or a
    ``wanted`` organisation they do not belong to."""
    allowed = {o.pk: o for o in acting_organisations(person)}
    if wanted is not None:
        if wanted.pk not in allowed:
            raise Refused(
                "partnering.participant.not_a_member",
                _("%(name)s is not a verified member of %(organisation)s."),
                kind=Kind.FORBIDDEN,
                field="organisation",
                params={"name": str(person), "organisation": str(wanted)},
            )
        return allowed[wanted.pk]
    if not allowed:
        raise Refused(
            "partnering.participant.no_organisation",
            _("%(name)s is not a verified member of any organisation; an organisation's admins approve members."),
            params={"name": str(person)},
        )
    if len(allowed) == 1:
        return next(iter(allowed.values()))
    if person.organisation_id in allowed:
        return allowed[person.organisation_id]
    raise Refused(
        "partnering.participant.choose_organisation",
        _("%(name)s is a member of several organisations; choose the one to register for."),
        kind=Kind.INVALID,
        field="organisation",
        params={"name": str(person)},
    )


@domain_action
def save_profile(*, form: forms.ModelForm, by: User) -> Participant:
    """Save a participant's event profile (a valid ``ProfileForm`` bound to the participant)."""
    rules.require(by, "partnering.change_participant", form.instance)
    return form.save()


@domain_action
def rotate_calendar_token(*, participant: Participant, by: User) -> Participant:
    """Give the participant a new secret calendar address; the old one answers 404 from this commit on
    (a leaked address, a phone handed on). The audit log records that it happened, never the token
    (``core.audit`` leaves the field out)."""
    rules.require(by, "partnering.rotate_calendar_token", participant)
    participant.calendar_token = new_calendar_token()
    participant.save(update_fields=["calendar_token"])
    return participant


def unknown_slots(ids: Iterable[int]) -> Refused:
    """The refusal for slot ids that are not the event's (the availability page checks its own form too)."""
    return Refused(
        "partnering.availability.unknown_slots",
        _("These slots are not part of this event: %(ids)s."),
        kind=Kind.INVALID,
        field="unavailable",
        params={"ids": ", ".join(str(i) for i in sorted(ids))},
    )


@domain_action
def set_availability(*, participant: Participant, unavailable: Iterable[int], by: User) -> None:
    """Replace the participant's unavailable slots. Slot ids outside this event are refused, not ignored."""
    rules.require(by, "partnering.change_participant", participant)
    wanted = set(unavailable)
    slots = list(Slot.objects.filter(event=participant.event, pk__in=wanted))
    unknown = wanted - {slot.pk for slot in slots}
    if unknown:
        raise unknown_slots(unknown)
    participant.unavailable.set(slots)


def participant_for(user: User, event: Event) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(event=event, person__user=user).select_related("person", "organisation").first()


# --- requests ---------------------------------------------------------------------------------------------
#
# What a participant may do is decided in one place: ``RequestRules.refusal`` and ``accept_refusal`` return
# the refusal an action would meet (or None). The services raise it; the pages show it instead of a button
# that would only be refused after the click. Who may act at all is a permission in ``rules.py``.


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


def _full_refusal(participant: Participant, held: int, *, mine: bool, event: Event) -> Refused | None:
    limit = meeting_limit(participant, event)
    if held < limit:
        return None
    if mine:
        return Refused(
            "partnering.request.capacity_full",
            _("You already have %(held)s meetings, the most this event allows you (%(limit)s); cancel one first."),
            params={"held": held, "limit": limit},
        )
    return Refused(
        "partnering.request.partner_full",
        _("%(name)s already has the most meetings this event allows (%(limit)s)."),
        params={"name": participant.organisation.name, "limit": limit},
    )


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

    def refusal(self, recipient: Participant) -> Refused | None:
        """Why ``sender`` may not send ``recipient`` a request now, or None when it may."""
        sender, event = self.sender, self.sender.event
        if recipient.event_id != event.pk:
            return Refused(
                "partnering.request.other_event",
                _("You can only send requests to participants of the same event."),
                kind=Kind.INVALID,
                field="recipient",
            )
        if recipient.pk == sender.pk:
            return Refused("partnering.request.to_self", _("You cannot send a meeting request to yourself."))
        if event.request_deadline and self.now > event.request_deadline:
            return Refused(
                "partnering.request.closed",
                _("Requests for this event closed on %(deadline)s."),
                params={"deadline": _fmt(event.request_deadline)},
            )
        if not event.may_meet(sender.kind, recipient.kind):
            return Refused(
                "partnering.request.pair_not_allowed",
                _("At this event, a %(a)s does not book meetings with a %(b)s."),
                params={
                    "a": sender.organisation.get_kind_display(),
                    "b": recipient.organisation.get_kind_display(),
                },
            )
        if recipient.pk in self.blocked:
            return Refused("partnering.request.blocked", _("This participant is not available for a meeting with you."))
        if recipient.pk in self.meeting_with:
            return Refused("partnering.request.already_meeting", _("You already have a meeting with this participant."))
        if recipient.pk in self.open_with:
            return Refused(
                "partnering.request.already_open",
                _("There is already an open request between you and this participant."),
            )
        if self.sent >= event.request_quota:
            return Refused(
                "partnering.request.quota_used",
                _("You have used all %(quota)s requests of this event."),
                params={"quota": event.request_quota},
            )
        return _full_refusal(sender, self.held.get(sender.pk, 0), mine=True, event=event) or _full_refusal(
            recipient, self.held.get(recipient.pk, 0), mine=False, event=event
        )


def message_too_long() -> Refused:
    """The refusal for a request message over :data:`REQUEST_MESSAGE_MAX` (the request page says it too)."""
    return Refused(
        "partnering.request.message_too_long",
        _("The message is too long (%(limit)s characters at most)."),
        kind=Kind.INVALID,
        field="message",
        params={"limit": f"{REQUEST_MESSAGE_MAX:,}"},
    )


@domain_action
def send_request(
    *,
    sender: Participant,
    recipient: Participant,
    message: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> MeetingRequest:
    """Send a meeting request after the same checks the pages show, with both participants locked."""
    rules.require(by, "partnering.send_request", sender)
    message = message.strip()
    if len(message) > REQUEST_MESSAGE_MAX:
        raise message_too_long()
    # Lock both sides in a fixed order: concurrent A→B and B→A requests then run one after the other.
    list(Participant.objects.select_for_update().filter(pk__in=[sender.pk, recipient.pk]).order_by("pk"))
    refusal = RequestRules.load(sender, [recipient], now).refusal(recipient)
    if refusal:
        raise refusal
    request = MeetingRequest.objects.create(event=sender.event, sender=sender, recipient=recipient, message=message)
    notify.request_received(request)
    return request


def _not_pending(request: MeetingRequest) -> Refused:
    return Refused(
        "partnering.request.not_pending",
        _("This request is no longer pending (it is %(status)s)."),
        params={"status": request.get_status_display().lower()},
    )


def _lock_pending(request: MeetingRequest) -> MeetingRequest:
    locked = (
        MeetingRequest.objects.select_for_update().select_related("event", "sender", "recipient").get(pk=request.pk)
    )
    if locked.status != RequestStatus.PENDING:
        raise _not_pending(locked)
    return locked


def is_overdue(request: MeetingRequest, now: dt.datetime | None = None) -> bool:
    """A pending request past the event's acceptance deadline can no longer be answered, even before the
    hourly housekeeping has marked it expired."""
    deadline = request.event.acceptance_deadline
    return request.status == RequestStatus.PENDING and deadline is not None and (now or timezone.now()) > deadline


def _accept_state_refusal(
    request: MeetingRequest, now: dt.datetime | None, held: dict[int, int] | None
) -> Refused | None:
    if request.status != RequestStatus.PENDING:
        return _not_pending(request)
    event = request.event
    if is_overdue(request, now):
        return Refused(
            "partnering.request.answers_closed",
            _("Requests of this event could be accepted until %(deadline)s."),
            params={"deadline": _fmt(event.acceptance_deadline)},
        )
    if held is None:
        held = meetings_held([request.recipient_id, request.sender_id])
    return _full_refusal(request.recipient, held.get(request.recipient_id, 0), mine=True, event=event) or (
        _full_refusal(request.sender, held.get(request.sender_id, 0), mine=False, event=event)
    )


def accept_refusal(
    *, request: MeetingRequest, by: User, now: dt.datetime | None = None, held: dict[int, int] | None = None
) -> Refused | None:
    """Why ``by`` may not accept ``request`` now (or None). Capacity is checked here: a participant at the
    meeting limit cannot accept, as on b2match and Brella, so no meeting is accepted that the schedule
    could never hold; the reason names the side that is full. ``held`` (from ``meetings_held``) spares the
    count when a page asks for many requests at once."""
    return rules.why_not(by, "partnering.accept_request", request) or _accept_state_refusal(request, now, held)


@domain_action
def accept_request(*, request: MeetingRequest, by: User, now: dt.datetime | None = None) -> Meeting:
    """Turn a pending request into a meeting waiting for the schedule.

    Both participants are locked (in a fixed order) before the capacity check, so two accepts racing for
    a participant's last free place cannot both pass; the request's row lock makes a concurrent
    accept/decline of the same request wait and then see that it is no longer pending. After publication
    the meeting gets its time at once, in the same transaction (live booking, moving nobody).
    """
    rules.require(by, "partnering.accept_request", request)
    now = now or timezone.now()
    sides = [request.sender_id, request.recipient_id]
    list(Participant.objects.select_for_update().filter(pk__in=sides).order_by("pk"))
    locked = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("event", "sender__organisation", "recipient__organisation", "recipient__person")
        .get(pk=request.pk)
    )
    refusal = _accept_state_refusal(locked, now, None)
    if refusal:
        raise refusal
    locked.status, locked.responded_at = RequestStatus.ACCEPTED, now
    locked.save(update_fields=["status", "responded_at"])
    meeting = Meeting.objects.create(event=locked.event, request=locked, first=locked.sender, second=locked.recipient)
    notify.request_answered(locked)
    meeting.booking = None
    if locked.event.schedule_published_at:
        # The result (placed, or why not and the nearest options) rides on the meeting for the page to show.
        meeting.booking = scheduling.book_live(meeting=meeting)
        meeting.refresh_from_db()
    return meeting


@domain_action
def decline_request(
    *, request: MeetingRequest, by: User, no_thanks: bool = False, now: dt.datetime | None = None
) -> MeetingRequest:
    """Decline; "no thanks" also blocks the pair both ways (no recommendation, no new request). The sender
    is told either way (without saying which), so no request waits unanswered in their list."""
    rules.require(by, "partnering.decline_request", request)
    locked = _lock_pending(request)
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


@domain_action
def withdraw_request(*, request: MeetingRequest, by: User) -> MeetingRequest:
    rules.require(by, "partnering.withdraw_request", request)
    locked = _lock_pending(request)
    locked.status, locked.responded_at = RequestStatus.WITHDRAWN, timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    return locked


@domain_action
def expire_requests(*, event: Event, now: dt.datetime | None = None) -> int:
    """Pending requests past the acceptance deadline expire and their senders are told; they never held a
    slot, so nothing else moves. Housekeeping: the platform acts, nobody is ``by``."""
    now = now or timezone.now()
    if not event.acceptance_deadline or now <= event.acceptance_deadline:
        return 0
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


@domain_action
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
    for requests in waiting.values():
        notify.pending_reminder(requests[0].recipient, requests)
        MeetingRequest.objects.filter(pk__in=[r.pk for r in requests]).update(reminded_at=now)
    return len(waiting)


# --- meetings on the day ----------------------------------------------------------------------------------

CHECK_IN_GRACE = dt.timedelta(hours=1)  # around the venue's day, for a clock or a session near midnight


def _side_of(user: User, meeting: Meeting) -> Participant | None:
    """The meeting's participant that is ``user`` (None for staff or anyone else)."""
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


def _day_refusal(meeting: Meeting, now: dt.datetime, thing: str) -> Refused | None:
    """Outside the meeting's day at the venue; ``thing`` names the action in the code (checkin, no_show)."""
    window = check_in_window(meeting)
    if window is None:
        return Refused(f"partnering.{thing}.no_time", _("This meeting has no time yet."))
    day = venue_day(meeting).isoformat()
    if now < window[0]:
        return Refused(
            f"partnering.{thing}.not_today",
            _("Check-in opens on the day of the meeting (%(day)s at the venue)."),
            params={"day": day},
        )
    if now > window[1]:
        return Refused(
            f"partnering.{thing}.day_over",
            _("This meeting was on %(day)s; check-in is closed."),
            params={"day": day},
        )
    return None


def _check_in_state_refusal(meeting: Meeting, now: dt.datetime) -> Refused | None:
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.NO_SHOW) or meeting.slot_id is None:
        return Refused("partnering.checkin.not_scheduled", _("Only a scheduled meeting can be checked in."))
    return _day_refusal(meeting, now, "checkin")


def _no_show_state_refusal(meeting: Meeting, now: dt.datetime) -> Refused | None:
    if meeting.status != MeetingStatus.SCHEDULED or meeting.slot_id is None:
        return Refused(
            "partnering.no_show.not_scheduled",
            _("Only a scheduled meeting that has not been checked in can be a no-show."),
        )
    if now < meeting.slot.starts_at and _day_refusal(meeting, now, "no_show") is None:
        return Refused("partnering.no_show.not_started", _("A no-show can be recorded once the meeting has started."))
    return _day_refusal(meeting, now, "no_show")


def check_in_refusal(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Refused | None:
    """Why ``by`` may not check ``meeting`` in now (or None). Only on the meeting's day at the venue."""
    return rules.why_not(by, "partnering.check_in", meeting) or _check_in_state_refusal(meeting, now or timezone.now())


def no_show_refusal(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Refused | None:
    """A no-show is recorded on the meeting's day, once it has started."""
    return rules.why_not(by, "partnering.record_no_show", meeting) or _no_show_state_refusal(
        meeting, now or timezone.now()
    )


@domain_action
def cancel_meeting(*, meeting: Meeting, by: User) -> Meeting:
    rules.require(by, "partnering.cancel_meeting", meeting)
    side = _side_of(by, meeting)
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


@domain_action
def check_in(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Meeting:
    rules.require(by, "partnering.check_in", meeting)
    now = now or timezone.now()
    refusal = _check_in_state_refusal(meeting, now)
    if refusal:
        raise refusal
    meeting.status, meeting.checked_in_at, meeting.checked_in_by = MeetingStatus.CHECKED_IN, now, by
    meeting.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
    return meeting


@domain_action
def mark_no_show(*, meeting: Meeting, by: User, now: dt.datetime | None = None) -> Meeting:
    rules.require(by, "partnering.record_no_show", meeting)
    refusal = _no_show_state_refusal(meeting, now or timezone.now())
    if refusal:
        raise refusal
    meeting.status = MeetingStatus.NO_SHOW
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


@domain_action
def give_feedback(*, meeting: Meeting, by: User, valuable: bool, follow_up: bool, comment: str = "") -> Feedback:
    """Record (or correct) one side's answers; the agenda then shows "Feedback sent on …" with them."""
    rules.require(by, "partnering.give_feedback", meeting)
    if meeting.status != MeetingStatus.CHECKED_IN:
        raise Refused("partnering.feedback.not_checked_in", _("Feedback is for meetings that took place (checked in)."))
    comment = comment.strip()
    if len(comment) > FEEDBACK_COMMENT_MAX:
        raise Refused(
            "partnering.feedback.comment_too_long",
            _("The comment is too long (%(limit)s characters at most)."),
            kind=Kind.INVALID,
            field="comment",
            params={"limit": f"{FEEDBACK_COMMENT_MAX:,}"},
        )
    feedback, _created = Feedback.objects.update_or_create(
        meeting=meeting,
        participant=_side_of(by, meeting),
        defaults={"valuable": valuable, "follow_up": follow_up, "comment": comment},
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
