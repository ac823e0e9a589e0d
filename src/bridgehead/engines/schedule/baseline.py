"""First-come-first-served booking: what partnering tools do today, kept as the benchmark's baseline.

Requests are booked in arrival order (the order of ``instance.meetings``) at the earliest slot that every
participant can attend, that the meeting allows, and that still has a table when one is needed. Fixed
meetings are booked first at their slot. Nothing is ever moved afterwards.
"""

from __future__ import annotations

import time

from .bound import Bound
from .heuristic import State, assign_tables
from .model import Assignment, Instance, Problem, Solution, Stats, validate


def first_come_first_served(instance: Instance, bound: Bound | None = None) -> Solution:
    """The baseline schedule; ``bound`` only fills the stats' bound fields (no bound is computed here)."""
    t0 = time.perf_counter()
    validate(instance)
    pb = Problem(instance)
    state = State(pb)
    for m in sorted(range(pb.n_meetings), key=lambda m: pb.fixed[m] < 0):
        free = state.free_slots(m)
        if free:
            state.place(m, (free & -free).bit_length() - 1)
    tables = assign_tables(pb, state.slot_of)
    per = [state.breaks(p) for p in range(pb.n_parts)]
    held = [m for m in range(pb.n_meetings) if state.slot_of[m] >= 0]
    stats = Stats(
        scheduled=len(held),
        scheduled_weight=sum(pb.weight[m] for m in held),
        upper_bound=bound.upper_bound if bound else pb.n_meetings,
        weight_upper_bound=bound.weight_upper_bound if bound else sum(pb.weight),
        breaks=sum(per),
        max_breaks=max(per, default=0),
        status="feasible",
        seconds=round(time.perf_counter() - t0, 3),
        solver="first-come-first-served",
    )
    assignments = [Assignment(pb.meeting_ids[m], pb.slot_ids[state.slot_of[m]], tables[m]) for m in held]
    return Solution(instance=instance.name, assignments=assignments, stats=stats)
