"""Importer for the MiniZinc data files (``.dzn``) of the published B2B meeting-scheduling benchmark.

Mapping (Bofill et al., JAIR 2022; see ``shared/bench/b2b/README.md``):

* ``nTotalSlots`` slots in **one session** with ``break_rule: "any"`` — the paper counts a break at any gap
  between two consecutive meetings of the day (Definition 2.3), across the lunch boundary too;
* ``nMorningSlots``: slots 1..nMorningSlots are morning; a requested meeting's third column (1 morning only,
  2 afternoon only, 3 either) becomes the meeting's allowed ``slots``;
* ``nTables``: tables per slot; all meetings are in person;
* ``forbidden``: per participant, 1-based slots she cannot attend (``{0}`` or ``{}`` = none);
* ``fixed``: per meeting, 1-based slot or 0;
* ``precedences``: ordering constraints between meetings, which the DESIGN format cannot express — an
  instance that uses them is rejected with a message;
* the fairness bound d = 2 of the benchmark becomes ``max_break_spread`` (a parameter, default 2).

All meetings are required in the benchmark; here every meeting has weight 1, so any schedule holding all of
them beats any that does not, and the bound tells whether all fit.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .model import Instance, InstanceError, Meeting, Participant, Slot, validate

_ASSIGN = re.compile(r"(\w+)\s*=\s*(.*?);", re.S)


def _parse(text: str) -> dict[str, str]:
    text = re.sub(r"%[^\n]*", "", text)
    return {k: v.strip() for k, v in _ASSIGN.findall(text)}


def _int(fields: dict[str, str], key: str, where: str) -> int:
    if key not in fields:
        raise InstanceError(f"{where}: missing {key}")
    try:
        return int(fields[key])
    except ValueError:
        raise InstanceError(f"{where}: {key} must be an integer, got {fields[key][:40]!r}") from None


def _int_rows(value: str, width: int, key: str, where: str) -> list[list[int]]:
    body = value.strip()
    if not (body.startswith("[|") and body.endswith("|]")):
        raise InstanceError(f"{where}: {key} must be a 2-d array [| ... |]")
    rows = []
    for row in body[2:-2].split("|"):
        nums = [t for t in re.split(r"[\s,]+", row) if t]
        if not nums:
            continue
        try:
            ints = [int(t) for t in nums]
        except ValueError:
            raise InstanceError(f"{where}: {key} has a non-integer entry in row {row.strip()!r}") from None
        if len(ints) != width:
            raise InstanceError(f"{where}: {key} rows must have {width} entries, got {row.strip()!r}")
        rows.append(ints)
    return rows


def _sets(value: str, key: str, where: str) -> list[set[int]]:
    body = value.strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise InstanceError(f"{where}: {key} must be an array of sets")
    out = []
    for inner in re.findall(r"\{([^}]*)\}", body):
        try:
            out.append({int(t) for t in re.split(r"[\s,]+", inner) if t})
        except ValueError:
            raise InstanceError(f"{where}: {key} has a non-integer set element in {{{inner}}}") from None
    return out


def _ints(value: str, key: str, where: str) -> list[int]:
    body = value.strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise InstanceError(f"{where}: {key} must be an array")
    try:
        return [int(t) for t in re.split(r"[\s,]+", body[1:-1]) if t]
    except ValueError:
        raise InstanceError(f"{where}: {key} must hold integers") from None


def loads(text: str, name: str, *, fairness: int | None = 2) -> Instance:
    """Build an instance from ``.dzn`` text (see the module docstring for the mapping)."""
    where = name or "dzn"
    fields = _parse(text)
    n_business = _int(fields, "nBusiness", where)
    n_meetings = _int(fields, "nMeetings", where)
    n_tables = _int(fields, "nTables", where)
    n_slots = _int(fields, "nTotalSlots", where)
    n_morning = _int(fields, "nMorningSlots", where)
    if "requested" not in fields:
        raise InstanceError(f"{where}: missing requested")
    requested = _int_rows(fields["requested"], 3, "requested", where)
    if len(requested) != n_meetings:
        raise InstanceError(f"{where}: nMeetings is {n_meetings} but requested has {len(requested)} rows")
    if not 0 <= n_morning <= n_slots:
        raise InstanceError(f"{where}: nMorningSlots {n_morning} outside 0..nTotalSlots {n_slots}")
    forbidden = _sets(fields["forbidden"], "forbidden", where) if "forbidden" in fields else []
    if forbidden and len(forbidden) != n_business:
        raise InstanceError(f"{where}: forbidden has {len(forbidden)} sets for {n_business} participants")
    fixed = _ints(fields["fixed"], "fixed", where) if "fixed" in fields else []
    if fixed and len(fixed) != n_meetings:
        raise InstanceError(f"{where}: fixed has {len(fixed)} entries for {n_meetings} meetings")
    if "precedences" in fields:
        prec = _sets(fields["precedences"], "precedences", where)
        used = [i + 1 for i, s in enumerate(prec) if s - {0}]
        if used:
            raise InstanceError(
                f"{where}: precedences between meetings (e.g. meeting {used[0]}) are not supported by the "
                "bridgehead-schedule-instance/1 format"
            )

    day = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    slot_ids = [f"s{i:02d}" for i in range(1, n_slots + 1)]
    slots = tuple(
        Slot(
            id=sid,
            start=(day + timedelta(minutes=30 * i)).isoformat().replace("+00:00", "Z"),
            minutes=30,
            session="day",
        )
        for i, sid in enumerate(slot_ids)
    )
    participants = []
    for b in range(1, n_business + 1):
        bad = sorted(forbidden[b - 1] - {0}) if forbidden else []
        for s in bad:
            if not 1 <= s <= n_slots:
                raise InstanceError(f"{where}: forbidden slot {s} of participant {b} outside 1..{n_slots}")
        participants.append(Participant(id=f"b{b}", unavailable=tuple(slot_ids[s - 1] for s in bad)))
    morning = tuple(slot_ids[:n_morning])
    afternoon = tuple(slot_ids[n_morning:])
    meetings = []
    for i, (p1, p2, session) in enumerate(requested, start=1):
        for p in (p1, p2):
            if not 1 <= p <= n_business:
                raise InstanceError(f"{where}: requested meeting {i} names participant {p} outside 1..{n_business}")
        if session not in (1, 2, 3):
            raise InstanceError(f"{where}: requested meeting {i} has session {session}, expected 1, 2 or 3")
        allowed = {1: morning, 2: afternoon, 3: None}[session]
        fix = fixed[i - 1] if fixed else 0
        if fix and not 1 <= fix <= n_slots:
            raise InstanceError(f"{where}: fixed slot {fix} of meeting {i} outside 1..{n_slots}")
        meetings.append(
            Meeting(
                id=f"m{i}",
                participants=(f"b{p1}", f"b{p2}"),
                weight=1.0,
                mode="in_person",
                fixed=slot_ids[fix - 1] if fix else None,
                slots=allowed,
            )
        )
    instance = Instance(
        name=name,
        slots=slots,
        tables=n_tables,
        participants=tuple(participants),
        meetings=tuple(meetings),
        break_rule="any",
        max_break_spread=fairness,
    )
    validate(instance)
    return instance


def load(path: str | Path, *, fairness: int | None = 2) -> Instance:
    """Read a B2B ``.dzn`` file; the instance is named after the file (without ``.original.dzn``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InstanceError(f"cannot read {path}: {exc.strerror or exc}") from None
    name = path.name.removesuffix(".dzn").removesuffix(".original")
    return loads(text, name, fairness=fairness)
