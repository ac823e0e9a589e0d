"""Is there a schedule that holds every usable meeting with no break at all — or none but for a few given
participants? (CP-SAT, one worker.)

Questions of the break proof (:mod:`.hitting`) asked of CP-SAT because its presolve answers them where
clause learning struggles: on the 12-table B2B events CP-SAT's probing over the linear "busy slots = meetings"
rows refutes it in about 0.3 s, while CaDiCaL on the clauses of :mod:`.maxsat` takes 2–30 s (measured 30
November 2026 on forum-13crafc and ticf-13crafc; CP-SAT on the same clauses without the linear rows: 4–5 s),
and "everyone but participant 69 without a break" on forum-13crafc is found in 0.5–1.1 s where CaDiCaL
took 8–34 s.

"No break" is a convexity rule: in each session, a slot between two occupied slots of a participant is
occupied too (by a meeting, or — under the "idle" rule — by being unavailable).
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

from .exact import _break_count, placement
from .model import Problem


def no_break_schedule(
    pb: Problem, time_limit: float, seed: int = 0, allowed: dict[int, int] | None = None
) -> tuple[str, list[int] | None]:
    """A schedule holding every usable meeting where nobody has a break — except that participant ``p``
    may have up to ``allowed[p]`` (the hitting-set search asks "everyone but these few").

    ``("found", slot_of)``, ``("none", None)`` (proven: no such schedule) or ``("unknown", None)`` when the
    time ran out. Hard rules as everywhere: one usable slot per meeting (fixed ones at theirs), one meeting
    per participant and slot, tables for in-person meetings, ``max_meetings``."""
    allowed = allowed or {}
    if time_limit <= 0.05:
        return "unknown", None
    model = cp_model.CpModel()
    x, _per_meeting, busy = placement(model, pb, every_usable=True, implied=False)
    for p in range(pb.n_parts):
        held = len(pb.usable_of[p])
        if held > pb.cap[p]:
            return "none", None  # cannot hold every usable meeting, with or without breaks
        mine = [b for (q, _s), b in busy.items() if q == p]
        if mine:
            model.add(sum(mine) == held)
        if allowed.get(p, 0) > 0:
            model.add(_break_count(model, pb, p, busy) <= allowed[p])
        else:
            _convex(model, pb, p, busy)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = time_limit
    # CP-SAT checks its own time limit, but a watcher makes sure a slow presolve step cannot overrun it.
    done = threading.Event()
    deadline = time.perf_counter() + time_limit

    def watch() -> None:
        while not done.wait(0.05):
            if time.perf_counter() > deadline:
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        status = solver.solve(model)
    finally:
        done.set()
    if status == cp_model.INFEASIBLE:
        return "none", None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "unknown", None
    slot_of = [-1] * pb.n_meetings
    for (m, s), v in x.items():
        if solver.boolean_value(v):
            slot_of[m] = s
    return "found", slot_of


def _convex(model: cp_model.CpModel, pb: Problem, p: int, busy: dict[tuple[int, int], cp_model.IntVar]) -> None:
    """No slot of a session left empty between two occupied ones of ``p``: with ``pre[s]`` (a meeting at or
    before s) and ``suf[s]`` (at or after s), ``pre[s-1] ∧ suf[s+1] ⇒ s occupied``."""
    blocked = pb.all_mask & ~pb.avail[p] if pb.idle_rule else 0
    for lo, hi, _ in pb.sessions:
        cand = [s for s in range(lo, hi) if (p, s) in busy]
        if len(cand) < 2:
            continue
        first, last = cand[0], cand[-1]
        pre: dict[int, cp_model.IntVar] = {}
        suf: dict[int, cp_model.IntVar] = {}
        for s in range(first, last + 1):
            v = model.new_bool_var(f"pre{p}_{s}")
            parts = ([pre[s - 1]] if s > first else []) + ([busy[p, s]] if (p, s) in busy else [])
            model.add_max_equality(v, parts)
            pre[s] = v
        for s in range(last, first - 1, -1):
            v = model.new_bool_var(f"suf{p}_{s}")
            parts = ([suf[s + 1]] if s < last else []) + ([busy[p, s]] if (p, s) in busy else [])
            model.add_max_equality(v, parts)
            suf[s] = v
        for s in range(first + 1, last):
            if blocked >> s & 1:
                continue
            if (p, s) in busy:
                model.add_bool_or([pre[s - 1].Not(), suf[s + 1].Not(), busy[p, s]])
            else:
                model.add_bool_or([pre[s - 1].Not(), suf[s + 1].Not()])
