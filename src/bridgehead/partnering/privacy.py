"""The partnering app's share of privacy rights (``core.privacy``).

Export: the person's participations (profile texts, attendance, hours — never the calendar token), the
meeting requests they sent and received (with the other side named by organisation only), their meetings,
the feedback they gave and the organisations they blocked.

Erase: a participation stays (the other side's meetings and the event's figures rely on it) and shows the
anonymised person. Its calendar token is replaced, so a feed URL copied into a calendar stops answering.
Requests still waiting are closed (theirs withdrawn, those to them declined), so nobody waits on a former
user, and recommendations to or of them are deleted (they are derived and recomputed).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgehead.core.privacy import Collector, ExportPart, Step, Subject, as_row
from bridgehead.partnering.enums import RequestStatus
from bridgehead.partnering.models import Block, Feedback, Meeting, MeetingRequest, Participant, Recommendation, _token


def _participants(subject: Subject):
    if subject.person is None:
        return Participant.objects.none()
    return Participant.objects.filter(person=subject.person)


def export(subject: Subject) -> ExportPart:
    part = ExportPart()
    mine = list(_participants(subject).select_related("event", "organisation").order_by("pk"))
    ids = [p.pk for p in mine]
    part.sections["participations"] = [
        as_row(
            p,
            exclude=("calendar_token",),
            extra={
                "event": p.event.title,
                "organisation": p.organisation.name,
                "unavailable_slot_ids": sorted(p.unavailable.values_list("pk", flat=True)),
            },
        )
        for p in mine
    ]
    sent = MeetingRequest.objects.filter(sender_id__in=ids).select_related("recipient__organisation")
    part.sections["requests_sent"] = [
        as_row(r, exclude=("recipient",), extra={"to_organisation": r.recipient.organisation.name})
        for r in sent.order_by("pk")
    ]
    received = MeetingRequest.objects.filter(recipient_id__in=ids).select_related("sender__organisation")
    part.sections["requests_received"] = [
        as_row(r, exclude=("sender",), extra={"from_organisation": r.sender.organisation.name})
        for r in received.order_by("pk")
    ]
    meetings = Meeting.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids)).select_related(
        "slot", "first__organisation", "second__organisation"
    )
    part.sections["meetings"] = [
        as_row(
            m,
            exclude=("first", "second", "checked_in_by"),
            extra={
                "starts_at": m.slot.starts_at if m.slot else None,
                "with_organisation": (m.second if m.first_id in ids else m.first).organisation.name,
            },
        )
        for m in meetings.order_by("pk")
    ]
    part.sections["feedback_given"] = [as_row(f) for f in Feedback.objects.filter(participant_id__in=ids)]
    part.sections["blocks_made"] = [
        as_row(b, exclude=("blocked",), extra={"blocked_organisation": b.blocked.organisation.name})
        for b in Block.objects.filter(by_id__in=ids).select_related("blocked__organisation")
    ]
    return part


def erase(subject: Subject) -> list[Step]:
    mine = list(_participants(subject))
    if not mine:
        return []
    ids = [p.pk for p in mine]
    for participant in mine:
        Participant.objects.filter(pk=participant.pk).update(calendar_token=_token())
    now = timezone.now()
    withdrawn = MeetingRequest.objects.filter(sender_id__in=ids, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, responded_at=now
    )
    declined = MeetingRequest.objects.filter(recipient_id__in=ids, status=RequestStatus.PENDING).update(
        status=RequestStatus.DECLINED, responded_at=now
    )
    recommendations = Recommendation.objects.filter(Q(participant_id__in=ids) | Q(partner_id__in=ids)).delete()[0]
    return [
        Step("partnering", len(ids), _("event participations kept; calendar links replaced")),
        Step("partnering", withdrawn + declined, _("pending meeting requests closed")),
        Step("partnering", recommendations, _("recommendations deleted")),
    ]


COLLECTOR = Collector(app="partnering", export=export, erase=erase)
