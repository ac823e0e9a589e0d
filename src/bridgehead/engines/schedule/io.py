"""JSON reading and writing of instances and solutions in the versioned formats of DESIGN §4.1.

Parsing is strict about shape (types, required keys, the ``format`` field) and reports problems as
:class:`InstanceError` with the path of the offending value, so the CLI can print a message, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import (
    INSTANCE_FORMAT,
    SOLUTION_FORMAT,
    Assignment,
    Instance,
    InstanceError,
    Meeting,
    Participant,
    PreferredHours,
    Slot,
    Solution,
    Stats,
    validate,
)


def _need(obj: Any, key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise InstanceError(f"{where}: missing required key {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        raise InstanceError(f"{where}.{key}: expected {_kind_name(kind)}, got {type(value).__name__}")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in _as_tuple(kind))


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InstanceError(f"{where}: expected a list of strings")
    return tuple(value)


def _hours(value: Any, where: str) -> PreferredHours | None:
    if value is None:
        return None
    w = f"{where}.preferred_hours"
    if not isinstance(value, dict):
        raise InstanceError(f'{w}: expected an object {{"zone": …, "start": "08:00", "end": "20:00"}}')
    return PreferredHours(
        zone=_need(value, "zone", w, str),
        start=value.get("start", "08:00"),
        end=value.get("end", "20:00"),
    )


def _participant_dict(p: Participant) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "unavailable": list(p.unavailable), "max_meetings": p.max_meetings}
    if p.preferred is not None:
        out["preferred"] = list(p.preferred)
    if p.preferred_hours is not None:
        h = p.preferred_hours
        out["preferred_hours"] = {"zone": h.zone, "start": h.start, "end": h.end}
    return out


def instance_from_dict(data: Any, *, check: bool = True) -> Instance:
    """Build an :class:`Instance` from parsed JSON; validates it unless ``check`` is false."""
    if not isinstance(data, dict):
        raise InstanceError("instance: expected a JSON object")
    fmt = data.get("format")
    if fmt != INSTANCE_FORMAT:
        raise InstanceError(f"instance: format must be {INSTANCE_FORMAT!r}, got {fmt!r}")
    slots = []
    for i, s in enumerate(_need(data, "slots", "instance", list)):
        w = f"slots[{i}]"
        slots.append(
            Slot(
                id=_need(s, "id", w, str),
                start=_need(s, "start", w, str),
                minutes=_need(s, "minutes", w, int),
                session=_need(s, "session", w, str),
            )
        )
    tables = _need(data, "tables", "instance", (int, dict))
    if isinstance(tables, dict):
        tables = dict(tables)
    participants = []
    for i, p in enumerate(_need(data, "participants", "instance", list)):
        w = f"participants[{i}]"
        mm = p.get("max_meetings") if isinstance(p, dict) else None
        if mm is not None and (not isinstance(mm, int) or isinstance(mm, bool)):
            raise InstanceError(f"{w}.max_meetings: expected an integer or null")
        preferred = p.get("preferred") if isinstance(p, dict) else None
        participants.append(
            Participant(
                id=_need(p, "id", w, str),
                unavailable=_str_list(p.get("unavailable") or [], f"{w}.unavailable"),
                max_meetings=mm,
                preferred=None if preferred is None else _str_list(preferred, f"{w}.preferred"),
                preferred_hours=_hours(p.get("preferred_hours") if isinstance(p, dict) else None, w),
            )
        )
    meetings = []
    for i, m in enumerate(_need(data, "meetings", "instance", list)):
        w = f"meetings[{i}]"
        weight = m.get("weight", 1.0) if isinstance(m, dict) else 1.0
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise InstanceError(f"{w}.weight: expected a number")
        fixed = m.get("fixed") if isinstance(m, dict) else None
        if fixed is not None and not isinstance(fixed, str):
            raise InstanceError(f"{w}.fixed: expected a slot id or null")
        allowed = m.get("slots") if isinstance(m, dict) else None
        mode = m.get("mode", "in_person") if isinstance(m, dict) else "in_person"
        meetings.append(
            Meeting(
                id=_need(m, "id", w, str),
                participants=_str_list(_need(m, "participants", w, list), f"{w}.participants"),
                weight=weight,
                mode=mode,
                fixed=fixed,
                slots=None if allowed is None else _str_list(allowed, f"{w}.slots"),
            )
        )
    spread = data.get("max_break_spread")
    instance = Instance(
        name=str(data.get("name", "")),
        slots=tuple(slots),
        tables=tables,
        participants=tuple(participants),
        meetings=tuple(meetings),
        break_rule=data.get("break_rule", "idle"),
        max_break_spread=spread,
    )
    if check:
        validate(instance)
    return instance


def instance_to_dict(instance: Instance) -> dict[str, Any]:
    return {
        "format": INSTANCE_FORMAT,
        "name": instance.name,
        "slots": [{"id": s.id, "start": s.start, "minutes": s.minutes, "session": s.session} for s in instance.slots],
        "tables": instance.tables if isinstance(instance.tables, int) else dict(instance.tables),
        "break_rule": instance.break_rule,
        "max_break_spread": instance.max_break_spread,
        "participants": [_participant_dict(p) for p in instance.participants],
        "meetings": [
            {
                "id": m.id,
                "participants": list(m.participants),
                "weight": m.weight,
                "mode": m.mode,
                "fixed": m.fixed,
                "slots": None if m.slots is None else list(m.slots),
            }
            for m in instance.meetings
        ],
    }


def solution_from_dict(data: Any) -> Solution:
    if not isinstance(data, dict):
        raise InstanceError("solution: expected a JSON object")
    fmt = data.get("format")
    if fmt != SOLUTION_FORMAT:
        raise InstanceError(f"solution: format must be {SOLUTION_FORMAT!r}, got {fmt!r}")
    assignments = []
    for i, a in enumerate(_need(data, "assignments", "solution", list)):
        w = f"assignments[{i}]"
        table = a.get("table") if isinstance(a, dict) else None
        if table is not None and (not isinstance(table, int) or isinstance(table, bool)):
            raise InstanceError(f"{w}.table: expected an integer or null")
        assignments.append(Assignment(meeting=_need(a, "meeting", w, str), slot=_need(a, "slot", w, str), table=table))
    raw = data.get("stats") or {}
    if not isinstance(raw, dict):
        raise InstanceError("solution.stats: expected an object")
    known = set(Stats.__dataclass_fields__)
    stats = Stats(**{k: v for k, v in raw.items() if k in known})
    return Solution(instance=str(data.get("instance", "")), assignments=assignments, stats=stats)


def solution_to_dict(solution: Solution) -> dict[str, Any]:
    st = solution.stats
    stats: dict[str, Any] = {
        "scheduled": st.scheduled,
        "scheduled_weight": st.scheduled_weight,
        "upper_bound": st.upper_bound,
        "weight_upper_bound": st.weight_upper_bound,
        "breaks": st.breaks,
        "max_breaks": st.max_breaks,
        "status": st.status,
        "seconds": st.seconds,
        "solver": st.solver,
    }
    if st.moved is not None:
        stats["moved"] = st.moved
    if st.min_meetings is not None:
        stats["min_meetings"] = st.min_meetings
    if st.preferred is not None:
        stats["preferred"] = st.preferred
    if st.relaxed:
        stats["relaxed"] = list(st.relaxed)
    return {
        "format": SOLUTION_FORMAT,
        "instance": solution.instance,
        "assignments": [{"meeting": a.meeting, "slot": a.slot, "table": a.table} for a in solution.assignments],
        "stats": stats,
    }


def _read_json(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InstanceError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def load_instance(path: str | Path, *, check: bool = True) -> Instance:
    """Read (and, unless ``check`` is false, validate) an instance file; raises :class:`InstanceError` with
    a readable message. The CLI reads unchecked so that ``solve`` can explain conflicting fixed meetings."""
    data = _read_json(path)
    try:
        return instance_from_dict(data, check=check)
    except InstanceError as exc:
        raise InstanceError(f"{path}: {exc}") from None


def load_solution(path: str | Path) -> Solution:
    data = _read_json(path)
    try:
        return solution_from_dict(data)
    except InstanceError as exc:
        raise InstanceError(f"{path}: {exc}") from None


def dump_instance(instance: Instance, path: str | Path) -> None:
    Path(path).write_text(json.dumps(instance_to_dict(instance), ensure_ascii=False) + "\n", encoding="utf-8")


def dump_solution(solution: Solution, path: str | Path) -> None:
    Path(path).write_text(json.dumps(solution_to_dict(solution), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
