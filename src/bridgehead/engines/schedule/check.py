"""Independent checker: every hard rule of DESIGN §4.1, and the solution's stats recomputed.

It deliberately re-derives everything from the instance and the assignments (it does not trust the
solver's internal state), so the solver's own tests can use it as the oracle. It reports *all* violations,
each naming the meeting, participant and slot involved, rather than stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Instance, Problem, Solution, Violation

WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Metrics:
    """What a schedule achieves, in the terms of the objective."""

    scheduled: int
    scheduled_weight: float
    breaks: int
    max_breaks: int
    breaks_of: tuple[int, ...]
    meetings_of: tuple[int, ...]


def metrics(problem: Problem, slot_of: list[int]) -> Metrics:
    """Objective values of an assignment given as ``slot_of[m]`` (-1 = not scheduled)."""
    busy = [0] * problem.n_parts
    count = [0] * problem.n_parts
    scheduled = 0
    weight = 0.0
    for m, s in enumerate(slot_of):
        if s < 0:
            continue
        scheduled += 1
        weight += problem.weight[m]
        for p in problem.parts[m]:
            busy[p] |= 1 << s
            count[p] += 1
    per = tuple(problem.breaks_of(p, busy[p]) for p in range(problem.n_parts))
    return Metrics(scheduled, weight, sum(per), max(per, default=0), per, tuple(count))


def breaks_by_participant(instance: Instance, solution: Solution) -> dict[str, int]:
    """Breaks of each participant (by id) in ``solution`` — the count the objective, ``stats.breaks`` and
    :func:`check` use (:meth:`~.model.Problem.breaks_of`), for callers that show it per person.
    Assignments of unknown meetings or slots are ignored (:func:`check` reports them)."""
    problem = Problem(instance)
    slot_of = [-1] * problem.n_meetings
    for a in solution.assignments:
        m = problem.meeting_index.get(a.meeting)
        s = problem.slot_index.get(a.slot)
        if m is not None and s is not None:
            slot_of[m] = s
    return dict(zip(problem.part_ids, metrics(problem, slot_of).breaks_of, strict=True))


def check(instance: Instance, solution: Solution) -> list[Violation]:
    """All violations of the hard rules, plus stats that disagree with the recomputed values."""
    problem = Problem(instance)
    out: list[Violation] = []
    if solution.instance != instance.name:
        out.append(Violation("instance", f"solution is for instance {solution.instance!r}, not {instance.name!r}"))
    slot_of = [-1] * problem.n_meetings
    tables_used: dict[tuple[int, int], str] = {}
    for a in solution.assignments:
        m = problem.meeting_index.get(a.meeting)
        s = problem.slot_index.get(a.slot)
        if m is None:
            out.append(Violation("unknown-meeting", "assignment of an unknown meeting", meeting=a.meeting))
            continue
        if s is None:
            out.append(Violation("unknown-slot", "meeting assigned to an unknown slot", meeting=a.meeting, slot=a.slot))
            continue
        if slot_of[m] >= 0:
            out.append(Violation("meeting-twice", "meeting scheduled more than once", meeting=a.meeting, slot=a.slot))
            continue
        slot_of[m] = s
        meeting = instance.meetings[m]
        if meeting.fixed is not None and meeting.fixed != a.slot:
            out.append(Violation("fixed", f"fixed meeting must be at {meeting.fixed}", meeting=a.meeting, slot=a.slot))
        if meeting.slots is not None and a.slot not in meeting.slots:
            out.append(Violation("meeting-slot", "slot not allowed by the meeting", meeting=a.meeting, slot=a.slot))
        for p in problem.parts[m]:
            if not problem.avail[p] >> s & 1:
                out.append(
                    Violation(
                        "unavailable",
                        "participant is unavailable in this slot",
                        meeting=a.meeting,
                        participant=problem.part_ids[p],
                        slot=a.slot,
                    )
                )
        if meeting.mode == "virtual" and a.table is not None:
            out.append(Violation("table", "virtual meeting must not take a table", meeting=a.meeting, slot=a.slot))
        if meeting.mode == "in_person" and a.table is None:
            out.append(Violation("table", "in-person meeting needs a table", meeting=a.meeting, slot=a.slot))
        if a.table is not None:
            if not 1 <= a.table <= problem.tables[s]:
                out.append(
                    Violation(
                        "table",
                        f"table {a.table} outside 1..{problem.tables[s]}",
                        meeting=a.meeting,
                        slot=a.slot,
                    )
                )
            other = tables_used.get((s, a.table))
            if other is not None:
                out.append(
                    Violation(
                        "table",
                        f"table {a.table} also used by meeting {other}",
                        meeting=a.meeting,
                        slot=a.slot,
                    )
                )
            tables_used[(s, a.table)] = a.meeting
    for m, meeting in enumerate(instance.meetings):
        if meeting.fixed is not None and slot_of[m] < 0:
            out.append(Violation("fixed", "fixed meeting is not scheduled", meeting=meeting.id, slot=meeting.fixed))
    # One meeting per participant and slot; max_meetings.
    seen: dict[tuple[int, int], int] = {}
    count = [0] * problem.n_parts
    for m, s in enumerate(slot_of):
        if s < 0:
            continue
        for p in problem.parts[m]:
            count[p] += 1
            other = seen.get((p, s))
            if other is not None:
                out.append(
                    Violation(
                        "double-booked",
                        f"participant also in meeting {problem.meeting_ids[other]} in this slot",
                        meeting=problem.meeting_ids[m],
                        participant=problem.part_ids[p],
                        slot=problem.slot_ids[s],
                    )
                )
            seen[(p, s)] = m
    for p, participant in enumerate(instance.participants):
        if participant.max_meetings is not None and count[p] > participant.max_meetings:
            out.append(
                Violation(
                    "max-meetings",
                    f"{count[p]} meetings but max_meetings {participant.max_meetings}",
                    participant=participant.id,
                )
            )
    met = metrics(problem, slot_of)
    spread = instance.max_break_spread
    if spread is not None and met.breaks_of:
        hi = max(range(problem.n_parts), key=lambda p: met.breaks_of[p])
        lo = min(range(problem.n_parts), key=lambda p: met.breaks_of[p])
        if met.breaks_of[hi] - met.breaks_of[lo] > spread:
            out.append(
                Violation(
                    "break-spread",
                    f"participant has {met.breaks_of[hi]} breaks, participant {problem.part_ids[lo]} has "
                    f"{met.breaks_of[lo]}: spread above max_break_spread {spread}",
                    participant=problem.part_ids[hi],
                )
            )
    st = solution.stats
    if st.scheduled != met.scheduled:
        out.append(Violation("stats", f"stats.scheduled is {st.scheduled}, recomputed {met.scheduled}"))
    if abs(st.scheduled_weight - met.scheduled_weight) > WEIGHT_TOLERANCE * max(1.0, met.scheduled_weight):
        out.append(
            Violation("stats", f"stats.scheduled_weight is {st.scheduled_weight}, recomputed {met.scheduled_weight}")
        )
    if st.breaks != met.breaks:
        out.append(Violation("stats", f"stats.breaks is {st.breaks}, recomputed {met.breaks}"))
    if st.max_breaks != met.max_breaks:
        out.append(Violation("stats", f"stats.max_breaks is {st.max_breaks}, recomputed {met.max_breaks}"))
    if st.upper_bound < met.scheduled:
        out.append(Violation("stats", f"stats.upper_bound {st.upper_bound} is below the {met.scheduled} scheduled"))
    if st.weight_upper_bound + WEIGHT_TOLERANCE * max(1.0, met.scheduled_weight) < met.scheduled_weight:
        out.append(
            Violation(
                "stats",
                f"stats.weight_upper_bound {st.weight_upper_bound} is below the scheduled weight "
                f"{met.scheduled_weight}",
            )
        )
    return out
