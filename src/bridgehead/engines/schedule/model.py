"""Instance and solution dataclasses, validation, and the compiled (index-based) form the algorithms use.

The public dataclasses mirror the JSON formats of DESIGN §4.1 one to one so that services can build them
without touching JSON. Every algorithm works on :class:`Problem`, a compiled view with integer indices and
slot *bitmasks* (Python ints: bit ``s`` is slot ``s``). Bitmasks keep the hot loops of the heuristic in cheap
integer operations instead of per-slot Python loops, which is what lets 60,000 meetings be handled in seconds.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

INSTANCE_FORMAT = "bridgehead-schedule-instance/1"
SOLUTION_FORMAT = "bridgehead-schedule-solution/1"
MODES = ("in_person", "virtual", "either")
BREAK_RULES = ("idle", "any")

Mode = Literal["in_person", "virtual", "either"]


class InstanceError(ValueError):
    """An instance or solution that cannot be used; the message names every offending item."""


@dataclass(frozen=True)
class Slot:
    id: str
    start: str
    minutes: int
    session: str


@dataclass(frozen=True)
class PreferredHours:
    """Local hours a participant prefers to meet in (``start``–``end``, "HH:MM", in ``zone``), every day.

    A slot is preferred when it starts and ends inside those hours on its local date — so the same UTC slot
    can be preferred on one day and not on the next across a daylight-saving change.
    """

    zone: str
    start: str = "08:00"
    end: str = "20:00"


@dataclass(frozen=True)
class Participant:
    id: str
    unavailable: tuple[str, ...] = ()
    max_meetings: int | None = None
    # Soft: slots she prefers (ids), or hours in her zone; both None = every slot is fine. Preferences
    # come after the count and the breaks in the objective, never before, and never override availability.
    preferred: tuple[str, ...] | None = None
    preferred_hours: PreferredHours | None = None


@dataclass(frozen=True)
class Meeting:
    id: str
    participants: tuple[str, ...]
    weight: float = 1.0
    mode: Mode = "in_person"
    fixed: str | None = None
    slots: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Instance:
    name: str
    slots: tuple[Slot, ...]
    tables: int | dict[str, int]
    participants: tuple[Participant, ...]
    meetings: tuple[Meeting, ...]
    break_rule: Literal["idle", "any"] = "idle"
    max_break_spread: int | None = None

    def tables_at(self, slot_id: str) -> int:
        """Physical tables available in one slot (a single number applies to every slot)."""
        if isinstance(self.tables, int):
            return self.tables
        return self.tables[slot_id]


@dataclass(frozen=True)
class Assignment:
    meeting: str
    slot: str
    table: int | None = None


@dataclass
class Stats:
    scheduled: int = 0
    scheduled_weight: float = 0.0
    upper_bound: int = 0
    weight_upper_bound: float = 0.0
    breaks: int = 0
    max_breaks: int = 0
    status: Literal["optimal", "feasible"] = "feasible"
    seconds: float = 0.0
    solver: str = ""
    moved: int | None = None
    min_meetings: int | None = None
    preferred: int | None = None  # (meeting, participant) pairs inside the participant's preferred slots
    relaxed: list[str] | None = None  # hard rules relaxed on request, e.g. ["break-spread (...)"]


@dataclass
class Solution:
    instance: str
    assignments: list[Assignment] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)


@dataclass(frozen=True)
class Violation:
    """One broken rule; the ids point at what to look at (any of them may be None)."""

    rule: str
    message: str
    meeting: str | None = None
    participant: str | None = None
    slot: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            f"{k} {v}"
            for k, v in (("meeting", self.meeting), ("participant", self.participant), ("slot", self.slot))
            if v is not None
        )
        return f"[{self.rule}] {self.message}" + (f" ({where})" if where else "")


def validate(instance: Instance) -> None:
    """Raise :class:`InstanceError` listing every problem that makes the instance unusable.

    Checked up front so that the solvers can assume a consistent instance, and so that a user who typed a
    wrong slot id gets told which one instead of a traceback from deep inside a solver.
    """
    errors: list[str] = []
    if not instance.slots:
        errors.append("the instance has no slots")
    slot_ids: set[str] = set()
    previous_start: datetime | None = None
    sessions_seen: list[str] = []
    for slot in instance.slots:
        if slot.id in slot_ids:
            errors.append(f"duplicate slot id {slot.id!r}")
        slot_ids.add(slot.id)
        if not isinstance(slot.minutes, int) or slot.minutes <= 0:
            errors.append(f"slot {slot.id!r}: minutes must be a positive integer, got {slot.minutes!r}")
        try:
            start = datetime.fromisoformat(slot.start.replace("Z", "+00:00"))
        except (ValueError, AttributeError):
            errors.append(f"slot {slot.id!r}: start {slot.start!r} is not an ISO 8601 date-time")
            start = None
        if start is not None:
            if start.tzinfo is None:
                errors.append(f"slot {slot.id!r}: start {slot.start!r} has no time zone (use Z or an offset)")
            elif previous_start is not None and previous_start.tzinfo is not None and start <= previous_start:
                errors.append(f"slots out of time order: {slot.id!r} does not start after the slot before it")
            previous_start = start
        if not sessions_seen or sessions_seen[-1] != slot.session:
            if slot.session in sessions_seen:
                errors.append(
                    f"slot {slot.id!r}: session {slot.session!r} is interrupted by another session; "
                    "the slots of a session must be consecutive"
                )
            sessions_seen.append(slot.session)
    if isinstance(instance.tables, bool) or not isinstance(instance.tables, int | dict):
        errors.append("tables must be a non-negative integer or an object {slot id: tables}")
    elif isinstance(instance.tables, int):
        if instance.tables < 0:
            errors.append(f"tables must be non-negative, got {instance.tables}")
    else:
        for sid, count in instance.tables.items():
            if sid not in slot_ids:
                errors.append(f"tables: unknown slot id {sid!r}")
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                errors.append(f"tables[{sid!r}] must be a non-negative integer, got {count!r}")
        missing = [s.id for s in instance.slots if s.id not in instance.tables]
        if missing:
            errors.append(f"tables: no entry for slot(s) {', '.join(map(repr, missing[:5]))}")
    if instance.break_rule not in BREAK_RULES:
        errors.append(f"break_rule must be one of {BREAK_RULES}, got {instance.break_rule!r}")
    spread = instance.max_break_spread
    if spread is not None and (isinstance(spread, bool) or not isinstance(spread, int) or spread < 0):
        errors.append(f"max_break_spread must be null or a non-negative integer, got {spread!r}")

    people: dict[str, Participant] = {}
    for p in instance.participants:
        if p.id in people:
            errors.append(f"duplicate participant id {p.id!r}")
        people[p.id] = p
        for sid in p.unavailable:
            if sid not in slot_ids:
                errors.append(f"participant {p.id!r}: unknown slot id {sid!r} in unavailable")
        mm = p.max_meetings
        if mm is not None and (isinstance(mm, bool) or not isinstance(mm, int) or mm < 0):
            errors.append(f"participant {p.id!r}: max_meetings must be null or >= 0, got {mm!r}")
        for sid in p.preferred or ():
            if sid not in slot_ids:
                errors.append(f"participant {p.id!r}: unknown slot id {sid!r} in preferred")
        if p.preferred_hours is not None:
            errors.extend(f"participant {p.id!r}: {e}" for e in _hours_errors(p.preferred_hours))

    meeting_ids: set[str] = set()
    fixed_at: dict[tuple[str, str], str] = {}
    fixed_count: dict[str, int] = {}
    fixed_in_person: dict[str, int] = {}
    for m in instance.meetings:
        if m.id in meeting_ids:
            errors.append(f"duplicate meeting id {m.id!r}")
        meeting_ids.add(m.id)
        if len(set(m.participants)) < 2 or len(set(m.participants)) != len(m.participants):
            errors.append(f"meeting {m.id!r}: needs at least two distinct participants, got {list(m.participants)}")
        unknown = [pid for pid in m.participants if pid not in people]
        for pid in unknown:
            errors.append(f"meeting {m.id!r}: unknown participant id {pid!r}")
        w = m.weight
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
            errors.append(f"meeting {m.id!r}: weight must be a finite number >= 0, got {w!r}")
        if m.mode not in MODES:
            errors.append(f"meeting {m.id!r}: mode must be one of {MODES}, got {m.mode!r}")
        if m.slots is not None:
            for sid in m.slots:
                if sid not in slot_ids:
                    errors.append(f"meeting {m.id!r}: unknown slot id {sid!r} in slots")
        if m.fixed is None:
            continue
        if m.fixed not in slot_ids:
            errors.append(f"meeting {m.id!r}: fixed at unknown slot id {m.fixed!r}")
            continue
        if m.slots is not None and m.fixed not in m.slots:
            errors.append(f"meeting {m.id!r}: fixed slot {m.fixed!r} is not among its allowed slots")
        for pid in m.participants:
            if pid in people and m.fixed in people[pid].unavailable:
                errors.append(f"meeting {m.id!r}: fixed at slot {m.fixed!r}, which participant {pid!r} cannot attend")
            key = (pid, m.fixed)
            if key in fixed_at and fixed_at[key] != m.id:
                errors.append(
                    f"participant {pid!r} has two fixed meetings in slot {m.fixed!r}: {fixed_at[key]!r} and {m.id!r}"
                )
            fixed_at[key] = m.id
            fixed_count[pid] = fixed_count.get(pid, 0) + 1
        if m.mode == "in_person":
            fixed_in_person[m.fixed] = fixed_in_person.get(m.fixed, 0) + 1
    for pid, count in fixed_count.items():
        mm = people[pid].max_meetings if pid in people else None
        if isinstance(mm, int) and count > mm:
            errors.append(f"participant {pid!r} has {count} fixed meetings but max_meetings {mm}")
    if not any("tables" in e for e in errors):
        for sid, count in fixed_in_person.items():
            if count > instance.tables_at(sid):
                errors.append(
                    f"slot {sid!r} has {count} fixed in-person meetings but only {instance.tables_at(sid)} tables"
                )
    if errors:
        shown = errors[:50]
        more = f"\n... and {len(errors) - 50} more" if len(errors) > 50 else ""
        raise InstanceError("invalid instance:\n  " + "\n  ".join(shown) + more)


_HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")


def _hours_errors(hours: PreferredHours) -> list[str]:
    out = []
    try:
        ZoneInfo(hours.zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        out.append(f"preferred_hours: unknown time zone {hours.zone!r}")
    for name, value in (("start", hours.start), ("end", hours.end)):
        if not isinstance(value, str) or not _HHMM.match(value):
            out.append(f"preferred_hours: {name} must be HH:MM (00:00-24:00), got {value!r}")
    if not out and _minutes(hours.start) >= _minutes(hours.end):
        out.append(f"preferred_hours: start {hours.start} must be before end {hours.end}")
    return out


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def preferred_mask(slots: tuple[Slot, ...], hours: PreferredHours) -> int:
    """Bitmask of the slots lying inside ``hours`` in their zone, each on its own local date (DST-aware)."""
    zone = ZoneInfo(hours.zone)
    lo, hi = _minutes(hours.start), _minutes(hours.end)
    mask = 0
    for i, slot in enumerate(slots):
        start = datetime.fromisoformat(slot.start.replace("Z", "+00:00")).astimezone(zone)
        a = start.hour * 60 + start.minute  # wall-clock minutes of the local day
        b = a + slot.minutes
        if lo <= a and b <= hi:
            mask |= 1 << i
    return mask


class Problem:
    """Compiled instance: integer indices and slot bitmasks (bit ``s`` = slot ``s`` in time order).

    ``allowed[m]`` already intersects the meeting's own slot list with every participant's availability,
    so "slot s is usable by meeting m" is a single bit test everywhere.
    """

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.n_slots = len(instance.slots)
        self.slot_ids = [s.id for s in instance.slots]
        self.slot_index = {sid: i for i, sid in enumerate(self.slot_ids)}
        self.all_mask = (1 << self.n_slots) - 1
        self.tables = [instance.tables_at(sid) for sid in self.slot_ids]
        # Sessions: consecutive runs of slots (validate() guarantees a session is one run).
        self.sessions: list[tuple[int, int, int]] = []  # (first slot, end slot exclusive, mask)
        self.session_of: list[int] = []
        start = 0
        for i in range(1, self.n_slots + 1):
            if i == self.n_slots or instance.slots[i].session != instance.slots[start].session:
                self.sessions.append((start, i, ((1 << (i - start)) - 1) << start))
                start = i
        for k, (lo, hi, _) in enumerate(self.sessions):
            self.session_of.extend([k] * (hi - lo))
        # Masks for segmented shifts: bit s of ``down`` (``up``) is set when slot s+k (s-k) is in s's session.
        self._smear: list[tuple[int, int, int]] = []
        longest = max((hi - lo for lo, hi, _ in self.sessions), default=1)
        k = 1
        while k < longest:
            down = sum(1 << s for s in range(self.n_slots - k) if self.session_of[s] == self.session_of[s + k])
            up = sum(1 << s for s in range(k, self.n_slots) if self.session_of[s] == self.session_of[s - k])
            self._smear.append((k, down, up))
            k *= 2
        same = [s for s in range(1, self.n_slots) if self.session_of[s] == self.session_of[s - 1]]
        self._same_prev = sum(1 << s for s in same)  # slot s-1 is in the session of s
        self._same_next = sum(1 << (s - 1) for s in same)  # slot s+1 is in the session of s
        self.session_first_mask = sum(1 << lo for lo, _, _ in self.sessions)
        self.session_last_mask = sum(1 << (hi - 1) for _, hi, _ in self.sessions)

        self.part_ids = [p.id for p in instance.participants]
        self.part_index = {pid: i for i, pid in enumerate(self.part_ids)}
        self.n_parts = len(self.part_ids)
        self.avail: list[int] = []
        self.cap: list[int] = []
        for p in instance.participants:
            blocked = 0
            for sid in p.unavailable:
                blocked |= 1 << self.slot_index[sid]
            self.avail.append(self.all_mask & ~blocked)
            self.cap.append(self.n_slots if p.max_meetings is None else min(p.max_meetings, self.n_slots))
        self.idle_rule = instance.break_rule == "idle"
        # Preferred slots (soft); all slots when a participant states no preference.
        self.pref: list[int] = []
        hours_mask: dict[PreferredHours, int] = {}  # most participants share a few zones and hours
        for p in instance.participants:
            mask = self.all_mask
            if p.preferred is not None:
                mask = 0
                for sid in p.preferred:
                    mask |= 1 << self.slot_index[sid]
            if p.preferred_hours is not None:
                if p.preferred_hours not in hours_mask:
                    hours_mask[p.preferred_hours] = preferred_mask(instance.slots, p.preferred_hours)
                mask &= hours_mask[p.preferred_hours]
            self.pref.append(mask)
        self.has_preferences = any(m != self.all_mask for m in self.pref)

        self.meeting_ids = [m.id for m in instance.meetings]
        self.meeting_index = {mid: i for i, mid in enumerate(self.meeting_ids)}
        self.n_meetings = len(self.meeting_ids)
        self.parts: list[tuple[int, ...]] = []
        self.weight: list[float] = []
        self.in_person: list[bool] = []
        self.mode: list[str] = []
        self.fixed: list[int] = []
        self.allowed: list[int] = []
        self.meetings_of: list[list[int]] = [[] for _ in range(self.n_parts)]
        for m_i, m in enumerate(instance.meetings):
            parts = tuple(self.part_index[pid] for pid in m.participants)
            self.parts.append(parts)
            self.weight.append(float(m.weight))
            self.mode.append(m.mode)
            self.in_person.append(m.mode == "in_person")
            self.fixed.append(-1 if m.fixed is None else self.slot_index[m.fixed])
            mask = self.all_mask
            if m.slots is not None:
                mask = 0
                for sid in m.slots:
                    mask |= 1 << self.slot_index[sid]
            for p in parts:
                mask &= self.avail[p]
                self.meetings_of[p].append(m_i)
            if self.fixed[-1] >= 0:
                mask = 1 << self.fixed[-1]
            self.allowed.append(mask)
        # Each participant's usable meetings (a slot they may take): what every break rule and count is about.
        self.usable_of = [[m for m in ms if self.allowed[m]] for ms in self.meetings_of]
        # Slots preferred by every participant of a meeting, and by at least one.
        self.pref_all = [self.all_mask] * self.n_meetings
        self.pref_any = [self.all_mask] * self.n_meetings
        if self.has_preferences:
            for m_i, parts in enumerate(self.parts):
                both, one = self.all_mask, 0
                for p in parts:
                    both &= self.pref[p]
                    one |= self.pref[p]
                self.pref_all[m_i], self.pref_any[m_i] = both, one

    def at_most_one_meeting(self) -> list[int]:
        """Participants with at most one usable meeting: they never have a break, so under the spread rule
        nobody may have more than ``max_break_spread`` (the rule becomes a cap)."""
        return [p for p in range(self.n_parts) if len(self.usable_of[p]) <= 1]

    def preferred_score(self, m: int, s: int) -> int:
        """How many participants of meeting ``m`` prefer slot ``s``."""
        return sum(self.pref[p] >> s & 1 for p in self.parts[m])

    def breaks_of(self, p: int, busy: int) -> int:
        """Breaks of participant ``p`` whose meetings occupy the slots in ``busy`` (DESIGN §4.1).

        A break is a maximal run of empty slots strictly between two meetings of one session; under the
        "idle" rule an unavailable slot is not empty, so it ends a run (time spent elsewhere is not idle).
        A run starts at every empty slot whose predecessor is not empty and that has a meeting before and
        after it in its session — which is what is counted, with segmented prefix/suffix ORs on bitmasks
        (no loop over slots or sessions: this is the innermost function of the local search).
        """
        if busy & (busy - 1) == 0:
            return 0
        empty, occ = self._gaps(p, busy)
        return (empty & (occ << 1)).bit_count()

    def gap_cost(self, p: int, busy: int) -> int:
        """``3·breaks + idle slots`` of participant ``p``: zero exactly when she has no break, and it falls
        slot by slot as a gap closes — the gradient the annealing needs (breaks alone are flat)."""
        if busy & (busy - 1) == 0:
            return 0
        empty, occ = self._gaps(p, busy)
        return 3 * (empty & (occ << 1)).bit_count() + empty.bit_count()

    def _gaps(self, p: int, busy: int) -> tuple[int, int]:
        """(empty slots between two meetings of one session, occupied slots) of ``p`` as bitmasks: what both
        ``breaks`` and ``gap_cost`` count, computed with segmented prefix/suffix ORs (no loop over slots)."""
        occ = busy | (self.all_mask & ~self.avail[p]) if self.idle_rule else busy
        pre = suf = busy
        for k, down, up in self._smear:
            suf |= (suf >> k) & down
            pre |= (pre << k) & up
        inside = (pre << 1) & self._same_prev & (suf >> 1) & self._same_next
        return inside & ~occ, occ

    def slot_mask(self, slot_ids: list[str] | tuple[str, ...]) -> int:
        mask = 0
        for sid in slot_ids:
            mask |= 1 << self.slot_index[sid]
        return mask


def bits(mask: int) -> list[int]:
    """Indices of the set bits of ``mask`` in increasing order."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
