"""Load a scheduler instance (DESIGN §4.1 JSON, e.g. a generated 20,000-person event or a published B2B
benchmark) into an event as participants, accepted requests and meetings, with bulk inserts.

Used by the benchmarks and by tests that need a realistic event in the database, and by operators who want
to re-run an event planned elsewhere (``bridgehead partnering import-instance``). Organisations and people are
created as synthetic placeholders named after the instance's ids.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict

from bridgehead.core.actions import domain_action, record
from bridgehead.engines import schedule as engine
from bridgehead.partnering.enums import Attendance, MeetingStatus, RequestStatus
from bridgehead.partnering.models import Event, EventSession, Meeting, MeetingRequest, Participant, Slot
from bridgehead.registry.models import Organisation, Person

BATCH = 5000


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


@domain_action
def import_instance(*, event: Event, instance: engine.Instance) -> dict[str, int]:
    """Create sessions, slots, participants and accepted meetings; returns counts. All or nothing.

    The rows are bulk-inserted (no per-row audit), so the import leaves one audit entry on the event,
    ``partnering.instance.imported``, with the counts; its actor is whoever the door names (``acting_as``).
    """
    engine.validate(instance)
    groups = [m.id for m in instance.meetings if len(m.participants) != 2]
    if groups:
        raise ValueError(f"only one-on-one meetings can be imported; these have other sizes: {groups[:5]}")
    zone = zoneinfo.ZoneInfo(event.time_zone)
    by_session: dict[str, list[engine.Slot]] = defaultdict(list)
    for slot in instance.slots:
        by_session[slot.session].append(slot)
    slot_pk: dict[str, int] = {}
    for name, slots in by_session.items():
        first, last = _parse(slots[0].start), _parse(slots[-1].start) + dt.timedelta(minutes=slots[-1].minutes)
        session = EventSession.objects.create(
            event=event,
            name_en=name,
            name_ko=name,
            date=first.astimezone(zone).date(),
            starts=first.astimezone(zone).time(),
            ends=last.astimezone(zone).time(),
        )
        created = Slot.objects.bulk_create(
            [
                Slot(
                    event=event,
                    session=session,
                    starts_at=_parse(s.start),
                    ends_at=_parse(s.start) + dt.timedelta(minutes=s.minutes),
                    tables=instance.tables_at(s.id),
                )
                for s in slots
            ]
        )
        slot_pk.update({s.id: row.pk for s, row in zip(slots, created, strict=True)})

    modes: dict[str, set[str]] = defaultdict(set)
    for meeting in instance.meetings:
        for pid in meeting.participants:
            modes[pid].add(meeting.mode)
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                slug=f"{event.slug}-{p.id}"[:120],
                name_en=f"{p.id} (synthetic)",
                kind="startup",
                country="US",
                is_synthetic=True,
                search_text=p.id,
            )
            for p in instance.participants
        ],
        batch_size=BATCH,
    )
    people = Person.objects.bulk_create(
        [
            Person(organisation=org, name_en=p.id, is_synthetic=True, search_text=p.id, time_zone=event.time_zone)
            for p, org in zip(instance.participants, organisations, strict=True)
        ],
        batch_size=BATCH,
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                event=event,
                person=person,
                organisation=org,
                kind="startup",
                language="en",
                attendance=Attendance.VIRTUAL if modes.get(p.id) == {"virtual"} else Attendance.IN_PERSON,
                max_meetings=p.max_meetings,
            )
            for p, person, org in zip(instance.participants, people, organisations, strict=True)
        ],
        batch_size=BATCH,
    )
    participant_pk = {p.id: row.pk for p, row in zip(instance.participants, participants, strict=True)}
    through = Participant.unavailable.through
    through.objects.bulk_create(
        [
            through(participant_id=participant_pk[p.id], slot_id=slot_pk[s])
            for p in instance.participants
            for s in p.unavailable
        ],
        batch_size=BATCH,
    )

    requests = MeetingRequest.objects.bulk_create(
        [
            MeetingRequest(
                event=event,
                sender_id=participant_pk[m.participants[0]],
                recipient_id=participant_pk[m.participants[1]],
                status=RequestStatus.ACCEPTED,
            )
            for m in instance.meetings
        ],
        batch_size=BATCH,
    )
    Meeting.objects.bulk_create(
        [
            Meeting(
                event=event,
                request=request,
                first_id=request.sender_id,
                second_id=request.recipient_id,
                weight=m.weight,
                pinned=m.fixed is not None,
                slot_id=slot_pk.get(m.fixed) if m.fixed else None,
                status=MeetingStatus.SCHEDULED if m.fixed else MeetingStatus.UNSCHEDULED,
            )
            for m, request in zip(instance.meetings, requests, strict=True)
        ],
        batch_size=BATCH,
    )
    counts = {"slots": len(slot_pk), "participants": len(participants), "meetings": len(requests)}
    record(
        event,
        "partnering.instance.imported",
        summary=f"Instance {instance.name!r} imported: {counts['participants']} participants, "
        f"{counts['meetings']} accepted meetings, {counts['slots']} slots.",
        detail={"instance": instance.name, **counts},
    )
    return counts
