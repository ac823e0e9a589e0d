"""``solve``: the entry point that combines the bound, the heuristic and, on small instances, an exact stage.

Flow: compute the proven bound; build a schedule with the heuristic (greedy, repair, Kempe local search);
then, if the instance is small enough for an exact model, improve and prove it within the remaining time —
with weighted MaxSAT (:mod:`.maxsat`) when every usable meeting can be held and only breaks are left to
optimise (the B2B benchmark's case), otherwise with CP-SAT (:mod:`.exact`) hinted with the heuristic's
schedule. The returned schedule is always the best valid one found, whether the time limit, a stop request or
a proof ended the search. A heuristic schedule whose weight reaches the bound with zero breaks is optimal by
definition, and is reported so.

Determinism: the heuristic draws its tie-breaking from ``random.Random(seed)`` and runs until no move helps,
so its result depends only on the instance and the seed unless the time limit cuts it short. CP-SAT and
MaxSAT are deterministic with one thread; with more, CP-SAT's workers race (and from three threads on, two
MaxSAT encodings race), so two runs may return different schedules of equal (proven) value.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import heuristic as hz
from . import maxsat
from .bound import bound as compute_bound
from .check import metrics
from .exact import solve_exact
from .model import Assignment, Instance, Problem, Solution, Stats, validate

EXACT_MAX_VARS = 40_000
OBJECTIVES = ("weight", "fair")


@dataclass(frozen=True)
class Progress:
    """What the progress callback receives: the phase and the best schedule's figures so far."""

    phase: str
    scheduled: int
    scheduled_weight: float
    breaks: int
    upper_bound: int
    seconds: float


ProgressFn = Callable[[Progress], None]


def solve(
    instance: Instance,
    time_limit: float = 10.0,
    threads: int = 2,
    seed: int = 0,
    previous: Solution | None = None,
    *,
    objective: str = "weight",
    progress: ProgressFn | None = None,
    stop: Callable[[], bool] | None = None,
    exact: bool | None = None,
) -> Solution:
    """Best schedule found within ``time_limit`` seconds (see the module docstring).

    ``stop`` is polled during the search; when it returns True the best schedule so far is returned.
    ``exact`` forces (True) or forbids (False) the CP-SAT stage; by default it runs on small instances.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    t0 = time.perf_counter()
    validate(instance)
    pb = Problem(instance)
    should_stop = stop or (lambda: False)
    fair = objective == "fair"
    deadline = t0 + max(0.0, time_limit)

    bnd = compute_bound(pb, time_limit=max(0.2, 0.25 * time_limit))

    last_report = [0.0]

    def report(phase: str, slot_of: list[int]) -> None:
        # Recomputing the figures costs ~0.1 s at 60,000 meetings: at most a few reports per second.
        if progress is None:
            return
        now = time.perf_counter()
        if phase != "done" and now - last_report[0] < 0.25:
            return
        last_report[0] = now
        met = metrics(pb, slot_of)
        progress(
            Progress(phase, met.scheduled, met.scheduled_weight, met.breaks, bnd.upper_bound, time.perf_counter() - t0)
        )

    def check_stop() -> None:
        if should_stop() or time.perf_counter() > deadline:
            raise hz.Stopped

    rng = random.Random(seed)
    state = hz.State(pb)
    prev_slot = _previous_slots(pb, previous)
    prev_tables = _previous_tables(pb, previous)
    if prev_slot is not None:
        _seed_previous(state, prev_slot)
    try:
        order = hz.meeting_order(pb, rng, fair=fair)
        hz.greedy(state, order)
        report("greedy", state.slot_of)
        left = [m for m in order if state.slot_of[m] < 0 and pb.allowed[m]]
        if left:
            hz.repair(state, left, check_stop)
            report("repair", state.slot_of)
        hz.local_search(state, rng, check_stop, report=lambda _n: report("local search", state.slot_of))
    except hz.Stopped:
        pass
    hz.enforce_spread(state)
    best = list(state.slot_of)
    solver_name = "heuristic"
    status = "feasible"
    met = metrics(pb, best)
    settled = not fair and _weight_settled(pb, best, met.scheduled_weight, bnd.weight_upper_bound)
    if settled and met.breaks == 0 and prev_slot is None:
        status = "optimal"

    n_vars = sum(pb.allowed[m].bit_count() for m in range(pb.n_meetings))
    run_exact = exact if exact is not None else n_vars <= EXACT_MAX_VARS
    remaining = deadline - time.perf_counter()
    # MaxSAT holds every usable meeting, which is what every optimum does only if each carries weight.
    all_positive = all(pb.weight[m] > 0 for m in range(pb.n_meetings) if pb.allowed[m])
    all_held = all(best[m] >= 0 for m in range(pb.n_meetings) if pb.allowed[m])
    use_maxsat = (
        run_exact
        and status != "optimal"
        and not fair
        and prev_slot is None
        and all_positive
        and maxsat.available()
        and maxsat.applicable(pb, all_held or bnd.upper_bound >= sum(1 for m in pb.allowed if m))
    )
    if use_maxsat and remaining > 0.05 and not should_stop():
        report("maxsat", best)
        ms = maxsat.solve_breaks_maxsat(pb, time_limit=remaining, threads=threads, should_stop=should_stop)
        if ms is not None and ms.slot_of is not None:
            if _better(pb, ms.slot_of, best, fair, prev_slot):
                best = ms.slot_of
                solver_name = "maxsat"
            if ms.proven:
                status = "optimal"
                solver_name = "maxsat"
        use_maxsat = ms is not None and ms.slot_of is not None
        remaining = deadline - time.perf_counter()
    if not use_maxsat and run_exact and status != "optimal" and remaining > 0.05 and not should_stop():
        result = solve_exact(
            pb,
            time_limit=remaining,
            threads=threads,
            seed=seed,
            hint=best,
            previous=prev_slot,
            fair=fair,
            weight_floor=best if settled else None,
            should_stop=should_stop,
            on_progress=(None if progress is None else lambda stage, _v: report(f"cp-sat {stage}", best)),
        )
        if result is not None and _better(pb, result.slot_of, best, fair, prev_slot):
            best = result.slot_of
            solver_name = "cp-sat"
        if result is not None and result.proven:
            status = "optimal"
            solver_name = "cp-sat"
        elif result is not None:
            solver_name = "heuristic+cp-sat"
    report("done", best)
    return _solution(pb, best, bnd, status, time.perf_counter() - t0, solver_name, prev_slot, prev_tables, fair)


def _weight_settled(pb: Problem, slot_of: list[int], weight: float, weight_bound: float) -> bool:
    """True when no schedule can be heavier: every usable meeting is held, or the weight meets the bound
    (up to the relative slack the bound adds for floating-point safety)."""
    if all(slot_of[m] >= 0 for m in range(pb.n_meetings) if pb.allowed[m]):
        return True
    return weight >= weight_bound * (1 - 2e-6) - 2e-7


def _key(pb: Problem, slot_of: list[int], fair: bool, prev: list[int] | None) -> tuple:
    met = metrics(pb, slot_of)
    min_meet = _min_meetings(pb, met.meetings_of) if fair else 0
    moves = _moved(slot_of, prev) if prev is not None else 0
    return (min_meet, round(met.scheduled_weight, 9), -moves, -met.breaks, -met.max_breaks)


def _better(pb: Problem, a: list[int], b: list[int], fair: bool, prev: list[int] | None) -> bool:
    return _key(pb, a, fair, prev) >= _key(pb, b, fair, prev)


def _min_meetings(pb: Problem, counts: tuple[int, ...]) -> int:
    with_requests = [p for p in range(pb.n_parts) if any(pb.allowed[m] for m in pb.meetings_of[p])]
    return min((counts[p] for p in with_requests), default=0)


def _moved(slot_of: list[int], prev: list[int]) -> int:
    return sum(1 for m, s in enumerate(prev) if s >= 0 and slot_of[m] != s)


def _previous_slots(pb: Problem, previous: Solution | None) -> list[int] | None:
    if previous is None:
        return None
    out = [-1] * pb.n_meetings
    for a in previous.assignments:
        m = pb.meeting_index.get(a.meeting)
        s = pb.slot_index.get(a.slot)
        if m is not None and s is not None:
            out[m] = s
    return out


def _previous_tables(pb: Problem, previous: Solution | None) -> dict[int, int]:
    out: dict[int, int] = {}
    if previous is None:
        return out
    for a in previous.assignments:
        m = pb.meeting_index.get(a.meeting)
        if m is not None and a.table is not None:
            out[m] = a.table
    return out


def _seed_previous(state: hz.State, prev_slot: list[int]) -> None:
    """Put back every previous meeting that is still valid where it was, and pin it there.

    Fixed meetings go first so that a previous meeting now clashing with a fixed one is the one dropped
    (it is then scheduled again like a new meeting, and counted as moved if it lands elsewhere).
    """
    pb = state.pb
    order = sorted(range(pb.n_meetings), key=lambda m: (pb.fixed[m] < 0, -pb.weight[m], m))
    for m in order:
        if pb.fixed[m] >= 0:
            if state.free_slots(m) >> pb.fixed[m] & 1:
                state.place(m, pb.fixed[m])
            continue
        s = prev_slot[m]
        if s >= 0 and state.free_slots(m) >> s & 1:
            state.place(m, s)
            state.pinned[m] = True


def _solution(
    pb: Problem,
    slot_of: list[int],
    bnd,
    status: str,
    seconds: float,
    solver_name: str,
    prev_slot: list[int] | None,
    prev_tables: dict[int, int],
    fair: bool,
) -> Solution:
    tables = hz.assign_tables(pb, slot_of, prev_tables)
    met = metrics(pb, slot_of)
    assignments = [
        Assignment(meeting=pb.meeting_ids[m], slot=pb.slot_ids[s], table=tables[m])
        for m, s in enumerate(slot_of)
        if s >= 0
    ]
    stats = Stats(
        scheduled=met.scheduled,
        scheduled_weight=met.scheduled_weight,
        upper_bound=bnd.upper_bound,
        weight_upper_bound=bnd.weight_upper_bound,
        breaks=met.breaks,
        max_breaks=met.max_breaks,
        status=status,
        seconds=round(seconds, 3),
        solver=solver_name,
        moved=None if prev_slot is None else _moved(slot_of, prev_slot),
        min_meetings=_min_meetings(pb, met.meetings_of) if fair else None,
    )
    return Solution(instance=pb.instance.name, assignments=assignments, stats=stats)
