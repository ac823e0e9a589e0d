"""The day itself, as a participant sees it: their agenda as cards and the "next meeting" of the home page.

Each item carries what the viewer can do now and, when they can't, the reason (from the services), so a
page shows a button only when the action would succeed and says why otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from bridgehead.core.errors import Refused
from bridgehead.core.models import User
from bridgehead.partnering import calendar, services
from bridgehead.partnering.enums import EventStatus, MeetingStatus, RequestStatus
from bridgehead.partnering.forms import FeedbackForm
from bridgehead.partnering.models import Feedback, Meeting, MeetingRequest, Participant


@dataclass
class AgendaItem:
    """One meeting on a participant's agenda: the partner, what the viewer may do now, and why not."""

    meeting: Meeting
    partner: Participant
    check_in_refusal: Refused | None
    no_show_refusal: Refused | None
    feedback: Feedback | None = None
    feedback_form: FeedbackForm | None = None
    is_next: bool = False


def _sort_key(meeting: Meeting) -> tuple[bool, float, int]:
    """Scheduled meetings by start time first, then those still without a time."""
    return (meeting.slot is None, meeting.slot.starts_at.timestamp() if meeting.slot else 0.0, meeting.pk)


def _feedback_form(meeting: Meeting, feedback: Feedback | None) -> FeedbackForm:
    """Ids unique per meeting (several forms on one page); the answers already sent are filled in."""
    initial = {}
    if feedback is not None:
        initial = {
            "valuable": "yes" if feedback.valuable else "no",
            "follow_up": "yes" if feedback.follow_up else "no",
            "comment": feedback.comment,
        }
    return FeedbackForm(auto_id=f"feedback-{meeting.pk}-%s", initial=initial)


def _is_upcoming(meeting: Meeting, now: dt.datetime) -> bool:
    return (
        meeting.slot is not None
        and meeting.slot.ends_at > now
        and meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.CHECKED_IN)
    )


def _items(participant: Participant, meetings: list[Meeting], user: User, now: dt.datetime) -> list[AgendaItem]:
    mine = {f.meeting_id: f for f in Feedback.objects.filter(participant=participant, meeting__in=meetings)}
    own = participant.person.user_id == user.pk
    return [
        AgendaItem(
            meeting=m,
            partner=m.partner_of(participant),
            check_in_refusal=services.check_in_refusal(meeting=m, by=user, now=now),
            no_show_refusal=services.no_show_refusal(meeting=m, by=user, now=now),
            feedback=mine.get(m.pk),
            feedback_form=_feedback_form(m, mine.get(m.pk)) if own and m.status == MeetingStatus.CHECKED_IN else None,
        )
        for m in meetings
    ]


def agenda_items(participant: Participant, user: User, *, now: dt.datetime | None = None) -> list[AgendaItem]:
    """Every live (not cancelled) meeting of the participant, scheduled first; the next one is marked."""
    now = now or timezone.now()
    meetings = sorted(
        (m for m in calendar.agenda_meetings(participant) if m.status != MeetingStatus.CANCELLED), key=_sort_key
    )
    items = _items(participant, meetings, user, now)
    for item in items:
        if _is_upcoming(item.meeting, now):
            item.is_next = True
            break
    return items


@dataclass
class DaySummary:
    """What a signed-in participant's home page opens on."""

    next: AgendaItem | None = None
    later: list[AgendaItem] = field(default_factory=list)
    unscheduled: list[AgendaItem] = field(default_factory=list)
    waiting: list[tuple[Participant, int]] = field(default_factory=list)  # requests awaiting my answer, per event

    @property
    def is_participant(self) -> bool:
        return bool(self.next or self.later or self.unscheduled or self.waiting)


def summary(user: User, *, now: dt.datetime | None = None, later: int = 4) -> DaySummary:
    """The user's next meeting across the events they take part in (scheduled before unscheduled), the few
    after it, the meetings still without a time, and the requests waiting for their answer."""
    now = now or timezone.now()
    participations = list(
        Participant.objects.filter(person__user=user)
        .exclude(event__status=EventStatus.DRAFT)
        .select_related("event", "person", "organisation")
    )
    result = DaySummary()
    if not participations:
        return result
    items: list[AgendaItem] = []
    by_pk = {p.pk: p for p in participations}
    for meeting in services.upcoming_meetings(participations, now):
        participant = by_pk.get(meeting.first_id) or by_pk[meeting.second_id]
        items.extend(_items(participant, [meeting], user, now))
    scheduled = [i for i in items if _is_upcoming(i.meeting, now)]
    if scheduled:
        result.next = scheduled[0]
        result.next.is_next = True
        result.later = scheduled[1 : 1 + later]
    result.unscheduled = [i for i in items if i.meeting.slot is None]
    pending = MeetingRequest.objects.filter(recipient__in=participations, status=RequestStatus.PENDING).filter(
        Q(event__acceptance_deadline__isnull=True) | Q(event__acceptance_deadline__gte=now)
    )
    counts: dict[int, int] = {}
    for recipient_id in pending.values_list("recipient_id", flat=True):
        counts[recipient_id] = counts.get(recipient_id, 0) + 1
    result.waiting = [(by_pk[pk], n) for pk, n in counts.items()]
    return result
