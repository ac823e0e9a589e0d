"""From accepted requests to a published schedule, through the scheduler engine.

``start_solve`` queues a :class:`ScheduleRun`; the worker's task calls ``execute``, which builds the
engine instance straight from the database, solves with the previous published schedule as ``previous`` (so
published meetings move only when that serves a new or higher-priority meeting) and stores the result on the
run. Nothing touches the meetings until a manager calls ``publish_run``, which applies the run in one
transaction and tells both sides of every moved meeting. A crashed, killed or cancelled run therefore leaves
the published schedule exactly as it was; a run whose worker stopped answering is marked failed when the next
solve is requested or a worker starts (the run lifecycle is ``bridgehead.core.runs``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bridgehead.core.actions import after_commit, domain_action, record
from bridgehead.core.engine_ids import EngineIds
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import User
from bridgehead.core.runs import RunCancelled, RunFailed
from bridgehead.engines import schedule as engine
from bridgehead.engines.schedule import live
from bridgehead.partnering import notify, rules
from bridgehead.partnering.enums import (
    SOLVE_TIME_LIMIT_DEFAULT,
    SOLVE_TIME_LIMIT_MAX,
    SOLVE_TIME_LIMIT_MIN,
    Attendance,
    MeetingMode,
    MeetingStatus,
    Objective,
    RunStatus,
    UnplacedReason,
)
from bridgehead.partnering.models import Event, Meeting, Participant, ScheduleRun, Slot

LIVE_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.CHECKED_IN, MeetingStatus.NO_SHOW)
PROGRESS_EVERY = 0.5  # seconds between progress writes: enough for a live page, cheap for the database


# --- instance -------------------------------------------------------------------------------------------

# The scheduler's ids (see core.engine_ids): the only place a slot, participant or meeting key becomes an
# engine id and back — for solves, stored runs (``ScheduleRun.solution``) and live bookings alike.
SLOT_IDS, SESSION_IDS = EngineIds("s"), EngineIds("session")
PARTICIPANT_IDS, MEETING_IDS = EngineIds("p"), EngineIds("m")


@dataclass
class Compiled:
    """An engine instance plus the rows behind it (keys; engine ids are mapped by the ``*_IDS`` above)."""

    instance: engine.Instance
    previous: engine.Solution | None
    slots: list[int]  # slot pks in time order
    unavailable: dict[int, set[int]]  # participant pk -> slot pks
    meeting_sides: dict[int, tuple[int, int]]
    max_meetings: dict[int, int]


def _mode(event: Event, a: str, b: str) -> str:
    if not event.virtual_allowed:
        return "in_person"
    if Attendance.VIRTUAL in (a, b):
        return "virtual"
    if Attendance.EITHER in (a, b):
        return "either"
    return "in_person"


def _preferred_hours(start: dt.time, end: dt.time, zone: str) -> engine.PreferredHours | None:
    """The participant's preferred local hours for the engine (None when they are the whole day)."""
    if start >= end or (start == dt.time(0) and end == dt.time(23, 59)):
        return None
    return engine.PreferredHours(zone=zone, start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))


def compile_event(event: Event) -> Compiled:
    """Read the event with a handful of flat queries (it must scale to 20,000 participants)."""
    slots = list(event.slots.order_by("starts_at").values_list("pk", "starts_at", "ends_at", "session_id", "tables"))
    engine_slots = tuple(
        engine.Slot(
            id=SLOT_IDS.id(pk),
            start=start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            minutes=int((end - start).total_seconds() // 60),
            session=SESSION_IDS.id(session),
        )
        for pk, start, end, session, _tables in slots
    )
    tables = {SLOT_IDS.id(pk): count for pk, _s, _e, _session, count in slots}
    unavailable: dict[int, set[int]] = defaultdict(set)
    through = Participant.unavailable.through
    for participant_id, slot_id in through.objects.filter(participant__event=event).values_list(
        "participant_id", "slot_id"
    ):
        unavailable[participant_id].add(slot_id)
    attendance: dict[int, str] = {}
    max_meetings: dict[int, int] = {}
    participants = []
    rows = event.participants.values_list(
        "pk",
        "attendance",
        "max_meetings",
        "preferred_start",
        "preferred_end",
        "person__user__time_zone",
        "person__time_zone",
    )
    for pk, mode, limit, start, end, user_zone, person_zone in rows:
        attendance[pk] = mode
        max_meetings[pk] = limit if limit is not None else event.max_meetings
        participants.append(
            engine.Participant(
                id=PARTICIPANT_IDS.id(pk),
                unavailable=tuple(SLOT_IDS.id(s) for s in sorted(unavailable.get(pk, ()))),
                max_meetings=max_meetings[pk],
                preferred_hours=_preferred_hours(start, end, user_zone or person_zone or event.time_zone),
            )
        )
    meetings = []
    previous = []
    sides: dict[int, tuple[int, int]] = {}
    rows = event.meetings.exclude(status=MeetingStatus.CANCELLED).values_list(
        "pk", "first_id", "second_id", "weight", "pinned", "slot_id", "table", "status"
    )
    for pk, first, second, weight, pinned, slot_id, table, status in rows:
        sides[pk] = (first, second)
        fixed = SLOT_IDS.id(slot_id) if pinned and slot_id else None
        meetings.append(
            engine.Meeting(
                id=MEETING_IDS.id(pk),
                participants=(PARTICIPANT_IDS.id(first), PARTICIPANT_IDS.id(second)),
                weight=float(weight),
                mode=_mode(event, attendance[first], attendance[second]),
                fixed=fixed,
            )
        )
        if event.schedule_published_at and slot_id and status in LIVE_STATUSES:
            previous.append(engine.Assignment(meeting=MEETING_IDS.id(pk), slot=SLOT_IDS.id(slot_id), table=table))
    instance = engine.Instance(
        name=event.slug,
        slots=engine_slots,
        tables=tables,
        participants=tuple(participants),
        meetings=tuple(meetings),
        break_rule="idle",
    )
    return Compiled(
        instance=instance,
        previous=engine.Solution(instance=event.slug, assignments=previous) if previous else None,
        slots=[pk for pk, *_rest in slots],
        unavailable=unavailable,
        meeting_sides=sides,
        max_meetings=max_meetings,
    )


# --- runs -----------------------------------------------------------------------------------------------


def start_solve(
    *,
    event: Event,
    by: User,
    time_limit: float = SOLVE_TIME_LIMIT_DEFAULT,
    objective: str = Objective.WEIGHT,
    relax: list[str] | None = None,
) -> ScheduleRun:
    """Queue a solve. A second solve is refused while one is queued or running (``runs.already_active``; a
    database constraint backs this check up, so two managers clicking at once still get one run). ``relax``
    names hard rules the manager agreed to relax after a run explained that they cannot all hold (e.g.
    ``["fixed"]``)."""
    rules.require(by, "partnering.manage_event", event)
    if objective not in Objective.values:
        raise Refused(
            "partnering.solve.unknown_objective",
            gettext_lazy("Unknown objective."),
            kind=Kind.INVALID,
            field="objective",
        )
    relax = sorted(set(relax or []))
    if any(r not in RELAXATIONS for r in relax):
        raise Refused(
            "partnering.solve.unknown_relaxation", gettext_lazy("Unknown relaxation."), kind=Kind.INVALID, field="relax"
        )
    if not SOLVE_TIME_LIMIT_MIN <= time_limit <= SOLVE_TIME_LIMIT_MAX:
        raise Refused(
            "partnering.solve.time_limit",
            gettext_lazy("The time limit must be between %(min)s and %(max)s seconds."),
            kind=Kind.INVALID,
            field="time_limit",
            params={"min": SOLVE_TIME_LIMIT_MIN, "max": SOLVE_TIME_LIMIT_MAX},
        )
    if not event.meetings.exclude(status=MeetingStatus.CANCELLED).exists():
        raise Refused(
            "partnering.solve.nothing_to_schedule", gettext_lazy("There is no accepted meeting to schedule yet.")
        )
    return ScheduleRun.queue(event, by=by, time_limit=time_limit, objective=objective, relax=relax)


def cancel_run(*, run: ScheduleRun, by: User) -> None:
    run.cancel(by=by)


def execute(run_id: int, *, threads: int = 2, seed: int = 0) -> ScheduleRun:
    """The worker's side: claim the run, solve, store the result on the run (never on the meetings)."""
    return ScheduleRun.execute(run_id, lambda run: _solve(run, threads=threads, seed=seed))


def _solve(run: ScheduleRun, *, threads: int, seed: int) -> dict:
    """Solve the run's event; the result fields for the run (failures are recorded by ``BackgroundRun``)."""
    last_write = [0.0]
    last_poll = [0.0, False]

    def progress(p: engine.Progress) -> None:
        now = time.monotonic()
        if now - last_write[0] < PROGRESS_EVERY:
            return
        last_write[0] = now
        run.set_progress(
            min(1.0, p.seconds / max(run.time_limit, 1e-6)),
            solver_progress={
                "phase": p.phase,
                "scheduled": p.scheduled,
                "upper_bound": p.upper_bound,
                "breaks": p.breaks,
                "seconds": round(p.seconds, 1),
            },
        )

    def stop() -> bool:
        now = time.monotonic()
        if now - last_poll[0] >= 1.0:
            last_poll[0] = now
            last_poll[1] = run.stop_requested()
        return bool(last_poll[1])

    compiled = compile_event(run.event)
    try:
        solution = engine.solve(
            compiled.instance,
            time_limit=run.time_limit,
            threads=threads,
            seed=seed,
            previous=compiled.previous,
            objective=run.objective,
            progress=progress,
            stop=stop,
            relax=run.relax,
        )
    except engine.HardRulesError as exc:
        # Not a crash: the rules contradict each other. Keep who and what, so the manager's page can say it
        # in her language and offer the relaxation.
        raise RunFailed(str(exc), diagnostics={"conflicts": _conflicts(compiled, exc), "proven": exc.proven}) from exc
    checked = engine.feasibility.relax(compiled.instance, run.relax)[0] if run.relax else compiled.instance
    violations = engine.check(checked, solution)
    if violations:
        raise RuntimeError("the solver returned an invalid schedule: " + "; ".join(map(str, violations[:5])))
    stats = engine.solution_to_dict(solution)["stats"]
    result = {
        "stats": {**stats, "requested": len(compiled.instance.meetings)},
        "solution": {a.meeting: [a.slot, a.table] for a in solution.assignments},
        "diagnostics": diagnose(compiled, solution),
        "solver_progress": {
            "phase": "done",
            "scheduled": stats["scheduled"],
            "upper_bound": stats["upper_bound"],
            "breaks": stats["breaks"],
        },
    }
    if last_poll[1]:
        raise RunCancelled(**result)  # stopped early: the best schedule found so far is kept, not publishable
    return result


# The hard rules a manager may relax when a run explains they cannot all hold, and the button that does it.
RELAXATIONS = {
    "fixed": gettext_lazy("Solve again, letting the pinned meetings in conflict move"),
    "break-spread": gettext_lazy("Solve again without the limit on how unevenly breaks fall"),
}
# What a run that relaxed a rule tells the manager it did.
RELAXED = {
    "fixed": gettext_lazy("pinned meetings in conflict could move"),
    "break-spread": gettext_lazy("breaks could fall unevenly"),
}


def _conflicts(compiled: Compiled, exc: engine.HardRulesError) -> list[dict]:
    """The engine's conflicts with its ids turned into database keys (names are looked up when shown)."""
    sides = {pk for pair in compiled.meeting_sides.values() for pk in pair}  # only people with a meeting
    return [
        {
            "rule": c.rule,
            "relaxation": c.relaxation,
            "participants": [pk for pk in PARTICIPANT_IDS.pks(c.participants) if pk in sides],
            "meetings": MEETING_IDS.pks(c.meetings),
            "slots": SLOT_IDS.pks(c.slots),
        }
        for c in exc.conflicts
    ]


def diagnose(compiled: Compiled, solution: engine.Solution) -> dict:
    """Why each accepted meeting did not get a slot, and each participant's breaks, for the manager."""
    placed = {MEETING_IDS.pk(a.meeting) for a in solution.assignments}
    count: dict[int, int] = defaultdict(int)
    for pk in placed:
        for side in compiled.meeting_sides[pk]:
            count[side] += 1
    all_slots = set(compiled.slots)
    unscheduled = {}
    for pk, (a, b) in compiled.meeting_sides.items():
        if pk in placed:
            continue
        common = all_slots - compiled.unavailable.get(a, set()) - compiled.unavailable.get(b, set())
        if not common:
            reason = "no_common_slot"
        elif count[a] >= compiled.max_meetings[a] or count[b] >= compiled.max_meetings[b]:
            reason = "meeting_limit"
        else:
            reason = "no_free_common_slot"
        unscheduled[str(pk)] = reason
    breaks = {
        str(PARTICIPANT_IDS.pk(p)): n for p, n in engine.breaks_by_participant(compiled.instance, solution).items() if n
    }
    return {"unscheduled": unscheduled, "breaks": breaks}


@domain_action
def publish_run(*, run: ScheduleRun, by: User) -> dict[str, int]:
    """Apply a finished run to the meetings in one transaction; then both sides of every change are told.

    Every meeting that gets a time, moves, loses its time or cannot be placed is recorded as a notice; a
    background task (queued after commit) sends each participant one e-mail listing their changes and an
    inbox entry per change, so a 60,000-meeting publish stays one quick transaction. A meeting the schedule
    could not place keeps the reason (``unplaced_reason``), shown on both agendas; its two sides are told
    once, not again at every publish while the reason stays the same.

    The meetings are written in bulk (:func:`write_placements`, no per-row audit), so the publish leaves one
    audit entry on the event, ``partnering.schedule.published``, naming ``by`` and every meeting it moved
    (from and to which slot), gave a time or took one from.
    """
    from bridgehead.partnering import tasks  # tasks import this module (the worker runs execute)

    rules.require(by, "partnering.manage_event", run.event)
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().select_related("event").get(pk=run.pk)
        event = Event.objects.select_for_update().get(pk=run.event_id)
        if run.status != RunStatus.SUCCEEDED:
            raise Refused("partnering.run.not_finished", gettext_lazy("Only a finished run can be published."))
        if run.published_at:
            raise Refused("partnering.run.already_published", gettext_lazy("This run is already published."))
        newer = ScheduleRun.objects.filter(event=event, published_at__gt=run.created_at).exists()
        if newer:
            raise Refused(
                "partnering.run.superseded",
                gettext_lazy("A newer schedule has been published since this run started; solve again."),
            )
        placed = {MEETING_IDS.pk(key): (SLOT_IDS.pk(slot), table) for key, (slot, table) in run.solution.items()}
        reasons = {int(pk): reason for pk, reason in run.diagnostics.get("unscheduled", {}).items()}
        meetings = list(
            event.meetings.exclude(status=MeetingStatus.CANCELLED).only(
                "pk",
                "event_id",
                "slot_id",
                "table",
                "status",
                "pinned",
                "sequence",
                "uid",
                "mode",
                "video_link",
                "first_id",
                "second_id",
                "unplaced_reason",
            )
        )
        _keep_pinned_tables(placed, meetings)
        changed: list[Meeting] = []
        notices: dict[str, list[int]] = {"scheduled": [], "moved": [], "dropped": [], "unplaced": []}
        was: dict[int, tuple[int | None, int | None]] = {}  # slot and table before, for the audit entry
        for meeting in meetings:
            before = (meeting.slot_id, meeting.table)
            notice = _apply(event, meeting, placed.get(meeting.pk), reasons.get(meeting.pk, ""))
            if notice is not None:
                changed.append(meeting)
                was[meeting.pk] = before
                if notice:
                    notices[notice].append(meeting.pk)
        write_placements(changed)
        now = timezone.now()
        event.schedule_published_at = now
        event.save(update_fields=["schedule_published_at"])
        run.published_at = now
        run.diagnostics = {**run.diagnostics, "notices": notices}
        run.save(update_fields=["published_at", "diagnostics"])
        _record_publish(event, run, notices, was, {m.pk: (m.slot_id, m.table) for m in changed})
        if not notify.is_silenced():
            after_commit(lambda: tasks.send_schedule_notices.enqueue(run.pk))
    return {"changed": len(changed), "moved": len(notices["moved"])}


def _record_publish(
    event: Event,
    run: ScheduleRun,
    notices: dict[str, list[int]],
    was: dict[int, tuple[int | None, int | None]],
    now_at: dict[int, tuple[int | None, int | None]],
) -> None:
    """The publish's one audit entry: which meetings moved (slot start times in UTC, and tables), which got a
    time ("created") and which lost theirs ("removed"); the acting user is the domain action's ``by``."""
    slot_ids = {slot for pk in notices["moved"] for slot in (was[pk][0], now_at[pk][0])}
    starts = {
        pk: at.astimezone(dt.UTC).isoformat()
        for pk, at in Slot.objects.filter(pk__in=slot_ids).values_list("pk", "starts_at")
    }
    moved = [
        {
            "meeting": pk,
            "from": starts.get(was[pk][0]),
            "to": starts.get(now_at[pk][0]),
            "from_table": was[pk][1],
            "to_table": now_at[pk][1],
        }
        for pk in notices["moved"]
    ]
    record(
        event,
        "partnering.schedule.published",
        summary=f"Schedule run {run.pk} published: {len(moved)} meetings moved, {len(notices['scheduled'])} given "
        f"a time, {len(notices['dropped'])} lost their time.",
        detail={"run": run.pk, "moved": moved, "created": notices["scheduled"], "removed": notices["dropped"]},
    )


def _apply(event: Event, meeting: Meeting, target: tuple[int, int | None] | None, reason: str) -> str | None:
    """Put the run's placement on ``meeting`` (in memory). Returns None when nothing changed, else the
    notice its two sides get ("scheduled", "moved", "dropped", "unplaced"), or "" for a silent change."""
    new_slot, new_table = target if target else (None, None)
    new_reason = "" if target else (reason or UnplacedReason.NO_FREE_COMMON_SLOT)
    if (meeting.slot_id, meeting.table) == (new_slot, new_table):
        # Placed as before; announced if it waited, or if staff pinned it before the first publish (unsent).
        if target and (meeting.status == MeetingStatus.UNSCHEDULED or event.schedule_published_at is None):
            if meeting.status == MeetingStatus.UNSCHEDULED:
                meeting.status = MeetingStatus.SCHEDULED
            return "scheduled"
        if not target and meeting.unplaced_reason != new_reason:
            told = bool(meeting.unplaced_reason)
            meeting.unplaced_reason = new_reason
            return "" if told else "unplaced"
        return None
    was_published = meeting.slot_id is not None and event.schedule_published_at is not None
    had_slot = meeting.slot_id is not None
    meeting.slot_id, meeting.table, meeting.unplaced_reason = new_slot, new_table, new_reason
    meeting.mode = (MeetingMode.IN_PERSON if new_table else MeetingMode.VIRTUAL) if target else ""
    meeting.video_link = _video_link(event, meeting) if target and not new_table else ""
    if meeting.status in (MeetingStatus.UNSCHEDULED, MeetingStatus.SCHEDULED):
        meeting.status = MeetingStatus.SCHEDULED if target else MeetingStatus.UNSCHEDULED
    meeting.sequence += 1
    if not target:
        return "dropped" if had_slot else "unplaced"
    return "moved" if was_published else "scheduled"


WRITE_BATCH = 2000


def write_placements(meetings: list[Meeting]) -> None:
    """Write slot, table, mode, link, status and sequence of many meetings in a few statements.

    Django's bulk_update builds a CASE per column and row, which takes minutes at 60,000 meetings. Here the
    new values go into a temporary table (COPY on PostgreSQL, multi-row INSERT on SQLite) and two joined
    UPDATEs apply them: the first frees the changed meetings' tables, so that two meetings swapping tables
    never trip the one-meeting-per-table constraint, the second writes the values. Runs inside the caller's
    transaction, so a failure leaves every meeting as it was.
    """
    if not meetings:
        return
    rows = [(m.pk, m.slot_id, m.table, m.mode, m.video_link, m.status, m.sequence, m.unplaced_reason) for m in meetings]
    meeting_table = connection.ops.quote_name(Meeting._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bh_placement (id bigint PRIMARY KEY, slot_id bigint, tbl integer, "
            "mode varchar(20), video_link varchar(200), status varchar(20), sequence integer, reason varchar(30))"
        )
        try:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(
                    "COPY bh_placement (id, slot_id, tbl, mode, video_link, status, sequence, reason) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                for start in range(0, len(rows), WRITE_BATCH):
                    batch = rows[start : start + WRITE_BATCH]
                    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
                    cursor.execute(
                        f"INSERT INTO bh_placement VALUES {values}",  # noqa: S608 - placeholders only
                        [value for row in batch for value in row],
                    )
            where = f"FROM bh_placement AS p WHERE {meeting_table}.id = p.id"
            cursor.execute(f'UPDATE {meeting_table} SET "table" = NULL {where}')  # noqa: S608 - model table name
            cursor.execute(
                f'UPDATE {meeting_table} SET slot_id = p.slot_id, "table" = p.tbl, mode = p.mode, '  # noqa: S608
                f"video_link = p.video_link, status = p.status, sequence = p.sequence, unplaced_reason = p.reason, "
                f"updated_at = %s {where}",
                [timezone.now()],
            )
        finally:
            cursor.execute("DROP TABLE bh_placement")


def _keep_pinned_tables(placed: dict[int, tuple[int, int | None]], meetings: list[Meeting]) -> None:
    """The engine fixes a pinned meeting's slot; its table is ours to keep: swap tables within the slot."""
    at = {(slot, table): pk for pk, (slot, table) in placed.items() if table is not None}
    for meeting in meetings:
        target = placed.get(meeting.pk)
        if not (meeting.pinned and meeting.table and target and target[0] == meeting.slot_id):
            continue
        slot, given = target
        if given == meeting.table or given is None:
            continue
        holder = at.get((slot, meeting.table))
        if holder is not None:
            placed[holder] = (slot, given)
            at[(slot, given)] = holder
        placed[meeting.pk] = (slot, meeting.table)
        at[(slot, meeting.table)] = meeting.pk


def _video_link(event: Event, meeting: Meeting) -> str:
    base = event.video_link_base.rstrip("/") if event.video_link_base else ""
    return f"{base}/{meeting.uid.hex[:12]}" if base else ""


@domain_action
def pin_meeting(*, meeting: Meeting, slot: Slot, table: int | None, by: User) -> Meeting:
    """A manual edit by staff: the meeting goes to this slot (and table) now and stays there in later solves."""
    rules.require(by, "partnering.move_meeting", meeting)
    if slot.event_id != meeting.event_id:
        raise Refused(
            "partnering.meeting.slot_of_other_event",
            gettext_lazy("That slot belongs to another event."),
            kind=Kind.INVALID,
            field="slot",
        )
    if table is not None and not 1 <= table <= slot.tables:
        raise Refused(
            "partnering.meeting.no_such_table",
            gettext_lazy("Table %(table)s does not exist in that slot (1–%(tables)s)."),
            kind=Kind.INVALID,
            field="table",
            params={"table": table, "tables": slot.tables},
        )
    sides = [meeting.first_id, meeting.second_id]
    if slot.unavailable_participants.filter(pk__in=sides).exists():
        raise Refused(
            "partnering.meeting.participant_unavailable",
            gettext_lazy("One of the two participants is not available in that slot."),
        )
    with transaction.atomic():
        clash = Meeting.objects.filter(slot=slot).exclude(pk=meeting.pk).exclude(status=MeetingStatus.CANCELLED)
        if clash.filter(first_id__in=sides).exists() or clash.filter(second_id__in=sides).exists():
            raise Refused(
                "partnering.meeting.participant_busy",
                gettext_lazy("One of the two participants already has a meeting in that slot."),
            )
        if table is not None and clash.filter(table=table).exists():
            raise Refused(
                "partnering.meeting.table_taken",
                gettext_lazy("Table %(table)s is taken in that slot."),
                params={"table": table},
            )
        had_slot = meeting.slot_id is not None
        moved = had_slot and (meeting.slot_id, meeting.table) != (slot.pk, table)
        meeting.slot, meeting.table, meeting.pinned, meeting.unplaced_reason = slot, table, True, ""
        meeting.mode = MeetingMode.IN_PERSON if table else MeetingMode.VIRTUAL
        meeting.video_link = "" if table else _video_link(meeting.event, meeting)
        if meeting.status == MeetingStatus.UNSCHEDULED:
            meeting.status = MeetingStatus.SCHEDULED
        meeting.sequence += 1
        meeting.save()
        if moved or (meeting.event.schedule_published_at and not had_slot):
            for participant in (meeting.first, meeting.second):
                notify.schedule_changes(participant, {"moved" if moved else "scheduled": [meeting]})
    return meeting


# --- live booking ---------------------------------------------------------------------------------------


LIVE_TRIES = 6  # ranked slots whose tables are counted per query (usually the first few decide)
LIVE_RETRIES = 4  # tables lost to a concurrent booking (the unique constraint fired) before giving up
LIVE_CLAIM_LOCK = 0x4C495645  # the advisory-lock class of live booking's table claims (ASCII "LIVE")


def _free_table(slot: Slot, after: int = 0) -> int | None:
    """The lowest free table of a slot above ``after``, or None, from the (slot, table) unique index without
    reading the slot's meetings into Python: ``after + 1`` when it is free, else the first taken table
    whose successor is free. Nothing is locked here (see :func:`_claim`)."""
    if after + 1 > slot.tables:
        return None
    taken = Meeting.objects.filter(slot=slot, table__isnull=False).exclude(status=MeetingStatus.CANCELLED).order_by()
    if not taken.filter(table=after + 1).exists():
        return after + 1
    gap = (
        taken.filter(table__gt=after, table__lt=slot.tables)
        .exclude(Exists(taken.filter(table=OuterRef("table") + 1)))
        .order_by("table")
        .values_list("table", flat=True)
        .first()
    )
    return None if gap is None else gap + 1


def _claim(slot: Slot, table: int) -> bool:
    """Claim a table of a slot for this transaction, without waiting: False when a concurrent booking has
    claimed it and not committed yet. Without the claim both would write the same (slot, table) and the
    second would wait for the first's commit on the unique index before failing (PostgreSQL; SQLite runs
    one writer at a time, so there is nothing to claim)."""
    if connection.vendor != "postgresql":
        return True
    # One 64-bit key: live booking's class above, (slot, table) mixed below. Two pairs that mix to the same
    # key only make one booking skip to the next table; the unique constraint still decides.
    key = (LIVE_CLAIM_LOCK << 32) | ((slot.pk * 65_536 + table) & 0xFFFFFFFF)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return bool(cursor.fetchone()[0])


def _claimed_table(slot: Slot, table: int | None) -> int | None:
    """``table`` or the next free one that no concurrent booking has claimed (None: the slot is full)."""
    while table is not None and not _claim(slot, table):
        table = _free_table(slot, after=table)
    return table


def _unplaced(meeting: Meeting, reason: str) -> None:
    """Record why a live booking found no time, and tell both sides (inside the booking's transaction)."""
    common = reason.startswith("no common free slot")
    meeting.unplaced_reason = UnplacedReason.NO_COMMON_SLOT if common else UnplacedReason.NO_FREE_COMMON_SLOT
    meeting.save(update_fields=["unplaced_reason", "updated_at"])
    for participant in (meeting.first, meeting.second):
        notify.schedule_changes(participant, {"unplaced": [meeting]})


@dataclass(frozen=True)
class LiveBooking:
    """What a live booking did: the meeting placed, or why not and the nearest options (slot, mode, why)."""

    meeting: Meeting
    placed: bool
    reason: str = ""
    options: tuple[tuple[Slot, str, str], ...] = ()


def book_live(*, meeting: Meeting, day: dt.date | None = None) -> LiveBooking:
    """Give a meeting accepted after publication a slot and table at once, moving nobody.

    Only the two participants' rows are locked (in key order, so two bookings sharing a person queue instead
    of deadlocking), and the meeting's own row: nobody can be booked twice into one slot, and bookings of
    unrelated people never wait for each other — no event or slot row is locked. The table is the lowest
    free one that no booking in flight has claimed (:func:`_claim`, a non-blocking advisory lock), read
    without a lock. Should another writer still take the same table first (a manager pinning a meeting),
    the database's unique (slot, table) constraint refuses the second write, which is rolled back to its
    savepoint and tried again with the next free table (``LIVE_RETRIES`` times, then refused as
    ``partnering.meeting.booking_contended``). The slot itself comes from the engine's
    :func:`~bridgehead.engines.schedule.live.place` (fewest new breaks, then preferred hours, then earliest).
    Both sides are told; their calendar entries carry a new SEQUENCE.
    """
    sides = sorted({meeting.first_id, meeting.second_id})
    with transaction.atomic():
        list(Participant.objects.select_for_update().filter(pk__in=sides).order_by("pk"))
        # of=("self",): the joined event and participants are read, not locked — locking the event row
        # made every booking of the event wait for the one before it.
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related(
                "event", "first__person__user", "first__organisation", "second__person__user", "second__organisation"
            )
            .get(pk=meeting.pk)
        )
        if meeting.status == MeetingStatus.CANCELLED or meeting.slot_id is not None:
            return LiveBooking(meeting, meeting.slot_id is not None)
        event = meeting.event
        slots = list(event.slots.order_by("starts_at"))
        busy: dict[int, set[str]] = defaultdict(set)
        for first, second, slot_id in (
            Meeting.objects.filter(Q(first_id__in=sides) | Q(second_id__in=sides), slot__isnull=False)
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by()
            .values_list("first_id", "second_id", "slot_id")
        ):
            for pk in (first, second):
                if pk in sides:
                    busy[pk].add(SLOT_IDS.id(slot_id))
        unavailable: dict[int, set[str]] = defaultdict(set)
        for pk, slot_id in Participant.unavailable.through.objects.filter(participant_id__in=sides).values_list(
            "participant_id", "slot_id"
        ):
            unavailable[pk].add(SLOT_IDS.id(slot_id))
        zone = ZoneInfo(event.time_zone)
        people = [live.Person(busy=frozenset(busy[pk]), unavailable=frozenset(unavailable[pk])) for pk in sides]
        mode = _mode(event, meeting.first.attendance, meeting.second.attendance)
        by_id = {SLOT_IDS.id(s.pk): s for s in slots}
        on_day = None if day is None else day.isoformat()

        def live_slots(free: dict[int, int] | None) -> list[live.LiveSlot]:
            return [
                live.LiveSlot(
                    id=SLOT_IDS.id(s.pk),
                    day=s.starts_at.astimezone(zone).date().isoformat(),
                    session=str(s.session_id),
                    free_tables=s.tables if free is None else free.get(s.pk, s.tables),
                )
                for s in slots
            ]

        # Rank the slots as if every table were free (the order does not depend on tables), then look for a
        # table in rank order — the same choice as live.place with every slot's tables counted, at the cost
        # of one indexed count per few slots instead of one over the whole event.
        ranked = [by_id[c.id] for c in live.ranked(live_slots(None), people, mode=mode, day=on_day)]
        unbooked = {name: getattr(meeting, name) for name in _BOOKED_FIELDS}
        for attempt in range(LIVE_RETRIES + 1):
            chosen = _first_with_table(ranked, mode)
            if chosen is None:
                outcome = _place_counting_every_slot(meeting, slots, people, mode, on_day, by_id, live_slots)
                if isinstance(outcome, LiveBooking):
                    return outcome
                chosen = outcome
            try:
                with transaction.atomic():  # a savepoint: a table lost to a concurrent booking is rolled back
                    _write_booking(meeting, *chosen)
                break
            except IntegrityError:
                # Another booking committed this (slot, table) first; PostgreSQL waited for it, so the next
                # read sees it. The savepoint undid the row, not the object: put its old values back.
                for name, value in unbooked.items():
                    setattr(meeting, name, value)
                if attempt == LIVE_RETRIES:
                    raise Refused(
                        "partnering.meeting.booking_contended",
                        gettext_lazy("Many meetings are being booked at this moment. Please try again."),
                        kind=Kind.CONFLICT,
                    ) from None
        for participant in (meeting.first, meeting.second):
            notify.schedule_changes(participant, {"scheduled": [meeting]})  # inbox entry + e-mail
    return LiveBooking(meeting, True)


def _first_with_table(ranked: list[Slot], mode: str) -> tuple[Slot, int | None] | None:
    """The best-ranked slot that can take the meeting in this mode, with its table (None: virtual), or None
    when every ranked slot's tables are taken (in person).

    The slots are checked in batches of ``LIVE_TRIES``: one indexed count per batch (the (slot, table) index
    answers it without reading the meetings) says which are full and where the tables stop; the lowest free
    table is then the one after the last when no table below it is free, else the first gap. Usually the
    first batch decides."""
    if mode != "in_person":
        if not ranked:
            return None
        # Virtual never takes a table; "either" takes the best slot, with a table when one is free.
        return ranked[0], (_claimed_table(ranked[0], _free_table(ranked[0])) if mode == "either" else None)
    for start in range(0, len(ranked), LIVE_TRIES):
        batch = ranked[start : start + LIVE_TRIES]
        stats = {
            slot_id: (n, top)
            for slot_id, n, top in Meeting.objects.filter(slot__in=batch, table__isnull=False)
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by()
            .values_list("slot_id")
            .annotate(n=Count("table"), top=Max("table"))
        }
        for slot in batch:
            n, top = stats.get(slot.pk, (0, 0))
            if n >= slot.tables:
                continue
            table = _claimed_table(slot, top + 1 if n == top and top < slot.tables else _free_table(slot))
            if table is not None:
                return slot, table
    return None


def _place_counting_every_slot(
    meeting: Meeting,
    slots: list[Slot],
    people: list[live.Person],
    mode: str,
    on_day: str | None,
    by_id: dict[str, Slot],
    live_slots,
) -> tuple[Slot, int | None] | LiveBooking:
    """When no ranked slot has a table: count every slot's tables and ask live.place why, and for the nearest
    options (the meeting stays unplaced and both sides are told); a placement when a table was freed
    meanwhile."""
    event = meeting.event
    used = dict(
        Meeting.objects.filter(event=event, table__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by()
        .values_list("slot_id")
        .annotate(n=Count("pk"))
    )
    free = {s.pk: max(0, s.tables - used.get(s.pk, 0)) for s in slots}
    placement = live.place(live_slots(free), people, mode=mode, day=on_day)
    if placement.slot is None:
        options = tuple(
            (by_id[o.slot], o.mode, o.reason) for o in placement.options if o.mode != "virtual" or event.virtual_allowed
        )
        _unplaced(meeting, placement.reason)
        return LiveBooking(meeting, False, placement.reason, options)
    slot = by_id[placement.slot]
    table = _claimed_table(slot, _free_table(slot)) if placement.mode == "in_person" else None
    if table is None and mode == "in_person":
        _unplaced(meeting, "no table free in any common free slot")
        options = ((slot, "virtual", "virtual"),) if event.virtual_allowed else ()
        return LiveBooking(meeting, False, "no table free in any common free slot", options)
    return slot, table


_BOOKED_FIELDS = ("slot", "table", "unplaced_reason", "mode", "video_link", "status", "sequence")


def _write_booking(meeting: Meeting, slot: Slot, table: int | None) -> None:
    """Write the meeting's slot and table (or video link): every field named in ``_BOOKED_FIELDS``."""
    meeting.slot, meeting.table, meeting.unplaced_reason = slot, table, ""
    meeting.mode = MeetingMode.IN_PERSON if table else MeetingMode.VIRTUAL
    meeting.video_link = "" if table else _video_link(meeting.event, meeting)
    meeting.status = MeetingStatus.SCHEDULED
    meeting.sequence += 1
    meeting.save()
