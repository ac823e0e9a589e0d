"""Exact lexicographic optimisation with CP-SAT, for small and dense instances (e.g. the B2B benchmark).

Variables: ``x[m, s]`` for each usable (meeting, slot); ``busy[p, s]`` equals the number of meetings of
``p`` in ``s`` (so at most one). Breaks are counted exactly — the fairness bound ``max_break_spread`` needs
the exact value, not a relaxation: with prefix/suffix indicators ``pre[p, s]`` ("a meeting at or before s in
the session") and ``suf[p, s]``, a break starts at ``s`` iff ``s`` is empty, ``s-1`` is not, and there is a
meeting before and after. Implied constraints from Bofill et al. (JAIR 2022) are added because they prune
much of the search on the B2B instances: the busy slots of a participant equal her meetings, and at most
``2·tables`` participants are busy in a slot where every candidate meeting is an in-person pair.

The stages are solved in order, each fixing the optimum of the previous one: (1) weight — or, with
``objective="fair"``, first the smallest number of meetings of a participant with requests, then weight;
(2) moves away from ``previous`` (only when given); (3) total breaks; (4) the largest breaks of anybody.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .model import Problem, bits

WEIGHT_SCALE_DIGITS = 6


@dataclass
class ExactResult:
    slot_of: list[int] | None  # None only when ``infeasible``
    proven: bool  # every stage finished with a proof of optimality
    stages: list[str]
    infeasible: bool = False  # proven: no schedule satisfies the hard rules (e.g. fixed meetings + spread)


def _int_weights(weights: list[float]) -> list[int]:
    """Scale weights to integers exactly when they have few decimals, else round at 1e-6."""
    for digits in range(WEIGHT_SCALE_DIGITS + 1):
        k = 10**digits
        if all(abs(w * k - round(w * k)) < 1e-9 * max(1.0, w * k) for w in weights):
            return [round(w * k) for w in weights]
    return [round(w * 10**WEIGHT_SCALE_DIGITS) for w in weights]


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_solution: Callable[[float], None] | None) -> None:
        super().__init__()
        self._on_solution = on_solution

    def on_solution_callback(self) -> None:
        if self._on_solution is not None:
            self._on_solution(self.objective_value)


def solve_exact(
    problem: Problem,
    *,
    time_limit: float,
    threads: int,
    seed: int,
    hint: list[int] | None = None,
    previous: list[int] | None = None,
    fair: bool = False,
    weight_floor: list[int] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    on_progress: Callable[[str, float], None] | None = None,
) -> ExactResult | None:
    """Optimise the stages in order; returns None if no solution was found in time."""
    t0 = time.perf_counter()
    pb = problem
    model = cp_model.CpModel()
    x, per_meeting, busy = placement(model, pb)
    held: list[cp_model.LinearExprT] = [sum(per_meeting[m]) if per_meeting[m] else 0 for m in range(pb.n_meetings)]
    meetings_of_p: list[cp_model.LinearExprT] = []
    for p in range(pb.n_parts):
        mine = [held[m] for m in pb.meetings_of[p] if per_meeting[m]]
        slots_p = [busy[p, s] for s in range(pb.n_slots) if (p, s) in busy]
        total = sum(mine) if mine else 0
        meetings_of_p.append(total)
        if slots_p:
            model.add(sum(slots_p) == total)  # implied: busy slots = meetings
            if pb.cap[p] < len(slots_p):
                model.add(sum(slots_p) <= pb.cap[p])

    breaks_p = [_break_count(model, pb, p, busy) for p in range(pb.n_parts)]
    total_breaks = sum(breaks_p)
    max_breaks = model.new_int_var(0, pb.n_slots, "max_breaks")
    for bp in breaks_p:
        model.add(max_breaks >= bp)
    if pb.instance.max_break_spread is not None:
        min_breaks = model.new_int_var(0, pb.n_slots, "min_breaks")
        for bp in breaks_p:
            model.add(min_breaks <= bp)
        model.add(max_breaks - min_breaks <= pb.instance.max_break_spread)

    weights = _int_weights(pb.weight)
    weight_expr = sum(weights[m] * held[m] for m in range(pb.n_meetings) if per_meeting[m])
    stages: list[tuple[str, cp_model.LinearExprT, bool]] = []
    if fair:
        with_requests = [p for p in range(pb.n_parts) if any(per_meeting[m] for m in pb.meetings_of[p])]
        if with_requests:
            min_meet = model.new_int_var(0, pb.n_slots, "min_meetings")
            for p in with_requests:
                model.add(min_meet <= meetings_of_p[p])
            stages.append(("min_meetings", min_meet, True))
    stages.append(("weight", weight_expr, True))
    if previous is not None:
        stay = [x[m, s] for m, s in enumerate(previous) if s >= 0 and (m, s) in x]
        stages.append(("moves", sum(stay), True))
    stages.append(("breaks", total_breaks, False))
    stages.append(("max_breaks", max_breaks, False))

    if weight_floor is not None:
        # The caller already holds a schedule whose weight meets the proven bound: weight is settled.
        floor = sum(weights[m] for m in range(pb.n_meetings) if weight_floor[m] >= 0)
        positive = [m for m in range(pb.n_meetings) if per_meeting[m] and weights[m] > 0]
        if all(weight_floor[m] >= 0 for m in positive):
            # Every meeting that carries weight is held, so every optimum holds them all (zero-weight
            # meetings stay optional: dropping one may save a break).
            for m in positive:
                model.add(held[m] == 1)
        else:
            model.add(weight_expr >= floor)
        stages = [st for st in stages if st[0] != "weight"]
    if hint is not None:
        for (m, s), v in x.items():
            model.add_hint(v, hint[m] == s)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, threads)
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = False
    stop_flag = threading.Event()

    def watch() -> None:
        while not stop_flag.wait(0.05):
            if should_stop():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    best: list[int] | None = None
    proven = True
    done: list[str] = []
    try:
        for name, expr, maximise in stages:
            remaining = time_limit - (time.perf_counter() - t0)
            if remaining <= 0.05 or should_stop():
                proven = False
                break
            # CP-SAT overshoots its limit by its last presolve/LNS step (seconds on a loaded machine).
            solver.parameters.max_time_in_seconds = max(0.05, 0.85 * remaining - 0.2)
            if maximise:
                model.maximize(expr)
            else:
                model.minimize(expr)
            callback = _Callback(None if on_progress is None else (lambda v, n=name: on_progress(n, v)))
            status = solver.solve(model, callback)
            if status == cp_model.INFEASIBLE and not done:
                return ExactResult(None, True, [], infeasible=True)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                proven = False
                break
            best = [-1] * pb.n_meetings
            for (m, s), v in x.items():
                if solver.boolean_value(v):
                    best[m] = s
            value = round(solver.objective_value)
            done.append(name)
            if status != cp_model.OPTIMAL:
                proven = False
            # Fix this stage at the value reached (proven or not) and hint the next stage with it.
            if maximise:
                model.add(expr >= value)
            else:
                model.add(expr <= value)
            model.clear_hints()
            for (m, s), v in x.items():
                model.add_hint(v, best[m] == s)
            if status != cp_model.OPTIMAL:
                break
    finally:
        stop_flag.set()
        watcher.join()
    if best is None:
        return None
    return ExactResult(best, proven and len(done) == len(stages), done)


def placement(
    model: cp_model.CpModel, pb: Problem, every_usable: bool = False, implied: bool = True
) -> tuple[dict[tuple[int, int], cp_model.IntVar], list[list[cp_model.IntVar]], dict[tuple[int, int], cp_model.IntVar]]:
    """The hard rules of where meetings go, shared by the exact model and the no-break question
    (:mod:`.nobreak`): ``x[m, s]`` per usable (meeting, slot), each meeting in at most one slot (a fixed one
    in exactly one; with ``every_usable`` every meeting that has a usable slot), ``busy[p, s]`` = the
    meetings of ``p`` in ``s`` (so at most one), tables for in-person meetings, and the implied "at most
    2·tables busy participants" where every candidate is an in-person pair (``implied``). Returns (x, the
    variables of each meeting, busy). The no-break question leaves the implied rows out: with them, the
    10 s B2B run proved forum-13crafc in 0 of 6 tries, without them in 4 of 4 (3.5 s; 1 December 2026)."""
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    per_meeting: list[list[cp_model.IntVar]] = [[] for _ in range(pb.n_meetings)]
    per_ps: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    per_slot_in_person: list[list[cp_model.IntVar]] = [[] for _ in range(pb.n_slots)]
    pair_only = [True] * pb.n_slots
    for m in range(pb.n_meetings):
        for s in bits(pb.allowed[m]):
            v = model.new_bool_var(f"x{m}_{s}")
            x[m, s] = v
            per_meeting[m].append(v)
            for p in pb.parts[m]:
                per_ps.setdefault((p, s), []).append(v)
            if pb.in_person[m]:
                per_slot_in_person[s].append(v)
            if not pb.in_person[m] or len(pb.parts[m]) != 2:
                pair_only[s] = False
    for m in range(pb.n_meetings):
        if pb.fixed[m] >= 0 or (every_usable and per_meeting[m]):
            model.add(sum(per_meeting[m]) == 1)
        elif per_meeting[m]:
            model.add(sum(per_meeting[m]) <= 1)
    busy: dict[tuple[int, int], cp_model.IntVar] = {}
    for (p, s), vs in per_ps.items():
        b = model.new_bool_var(f"b{p}_{s}")
        model.add(sum(vs) == b)
        busy[p, s] = b
    for s in range(pb.n_slots):
        if per_slot_in_person[s]:
            model.add(sum(per_slot_in_person[s]) <= pb.tables[s])
        if implied and pair_only[s]:
            here = [busy[p, s] for p in range(pb.n_parts) if (p, s) in busy]
            if len(here) > 2 * pb.tables[s]:
                model.add(sum(here) <= 2 * pb.tables[s])
    return x, per_meeting, busy


def _break_count(model: cp_model.CpModel, pb: Problem, p: int, busy: dict) -> cp_model.LinearExprT:
    """Exact number of breaks of ``p`` (see module docstring)."""
    terms = []
    blocked = pb.all_mask & ~pb.avail[p]
    for lo, hi, smask in pb.sessions:
        cand = [s for s in range(lo, hi) if (p, s) in busy]
        if len(cand) < 2:
            continue
        if not (pb.idle_rule and blocked & smask):
            # Blocks of consecutive busy slots minus one when the session has a meeting: a tighter and
            # smaller encoding, exact whenever unavailable slots count as empty (or there are none).
            starts = []
            for s in cand:
                b_prev = busy.get((p, s - 1)) if s > lo else None
                if b_prev is None:
                    starts.append(busy[p, s])
                    continue
                v = model.new_bool_var("")
                model.add_bool_or([busy[p, s].Not(), b_prev, v])
                model.add_implication(v, busy[p, s])
                model.add_implication(v, b_prev.Not())
                starts.append(v)
            has_any = model.new_bool_var("")
            model.add_max_equality(has_any, [busy[p, s] for s in cand])
            model.add(sum(starts) >= has_any)
            count = model.new_int_var(0, len(cand), "")
            model.add(count == sum(starts) - has_any)
            terms.append(count)
            continue
        first, last = cand[0], cand[-1]
        pre: dict[int, cp_model.IntVar] = {}
        prev = None
        for s in range(first, last + 1):
            b = busy.get((p, s))
            if b is None:
                pre[s] = prev
                continue
            if prev is None:
                pre[s] = b
            else:
                v = model.new_bool_var("")
                model.add_bool_or([v.Not(), prev, b])
                model.add_implication(prev, v)
                model.add_implication(b, v)
                pre[s] = v
            prev = pre[s]
        suf: dict[int, cp_model.IntVar] = {}
        nxt = None
        for s in range(last, first - 1, -1):
            b = busy.get((p, s))
            if b is None:
                suf[s] = nxt
                continue
            if nxt is None:
                suf[s] = b
            else:
                v = model.new_bool_var("")
                model.add_bool_or([v.Not(), nxt, b])
                model.add_implication(nxt, v)
                model.add_implication(b, v)
                suf[s] = v
            nxt = suf[s]
        for s in range(first + 1, last):
            if pb.idle_rule and blocked >> s & 1:
                continue  # not empty under "idle"
            b = busy.get((p, s))
            prev_blocked = pb.idle_rule and blocked >> (s - 1) & 1
            b_prev = busy.get((p, s - 1))
            if not prev_blocked and b_prev is None:
                continue  # s-1 is always empty: no run starts at s
            if suf[s + 1] is None or pre[s - 1] is None:
                continue
            lits = [suf[s + 1]]
            if b is not None:
                lits.append(b.Not())
            if prev_blocked and b_prev is None:
                lits.append(pre[s - 1])
            elif prev_blocked:
                # s-1 not empty either way; need a meeting at or before s-1.
                lits.append(pre[s - 1])
            else:
                lits.append(b_prev)
            v = model.new_bool_var("")
            model.add_bool_and(lits).only_enforce_if(v)
            model.add_bool_or([lit.Not() for lit in lits] + [v])
            terms.append(v)
    return sum(terms) if terms else 0
