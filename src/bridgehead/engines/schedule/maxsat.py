"""Break minimisation as weighted MaxSAT (UWrMaxSAT through ``hermax``), for instances where every meeting is held.

This is the formulation that proved the B2B benchmark fastest in Bofill et al. (JAIR 2022): hard clauses for
the schedule, one soft clause per possible *break start*. It applies once the weight stage is settled with
every usable meeting held (the case of the B2B events, where all meetings are required) — then the only
question left is where, and SAT solvers with core-guided MaxSAT are very good at proving "no fewer breaks".

Encoding (``x[m,s]``: meeting m in slot s; ``busy[p,s]`` ⇔ OR of p's x in s):

* each meeting in exactly one usable slot (a fixed meeting in its slot); at most one meeting per participant
  and slot; in-person meetings per slot at most the tables; ``max_meetings``;
* implied (the paper's "imp" constraints): busy slots of p = meetings of p; busy participants of a slot where
  only in-person pairs can meet at most 2·tables;
* ``pre[p,s]`` ⇐ a meeting of p at or before s, ``suf[p,s]`` ⇐ one at or after s (one direction suffices: they
  only appear negatively in the break clauses);
* ``brk[p,s]`` ⇐ s empty ∧ s-1 not empty ∧ pre[p,s-1] ∧ suf[p,s+1] — a break starts at s (the definition of
  :meth:`Problem.breaks_of`); soft ``¬brk`` with weight W;
* second criterion, the worst participant's breaks: ``lvl[k]`` ⇐ someone has ≥ k breaks, soft ``¬lvl[k]``
  with weight 1, k = 1..K, and W > K so that total breaks always dominate;
* ``max_break_spread`` d, when some participant can have at most one meeting (so the least-broken has 0): at
  most d break starts per participant.

Two back ends share this encoding: UWrMaxSAT (soft clauses as above) and an ascending SAT search with a
totaliser over the ``brk`` variables (:func:`_solve_ascending`), which starts from the heuristic's schedule
and improves it by large-neighbourhood search on small SAT models of a freed part (:func:`_encode_part`).

The optimum is exact for the worst-participant criterion when the worst found is below K (or K is the
spread bound d); otherwise the schedule is still optimal for total breaks and reported as such.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from .model import Problem, bits

LEVELS = 3
# The ascending search gives up above this many breaks when it has no incumbent to start from.
ASCENDING_MAX = 64
# Configurations: (method, cardinality encoding, at-most-one over at most this many literals as pairwise
# clauses, share of the time left, variable order). "hitting": implicit hitting sets (:mod:`.hitting`), with
# the CP-SAT checks and the rebuild; "hitting-rebuild" with the rebuild only, "hitting-plain" with neither;
# "ascending": SAT calls "at most k breaks" from k = 0, started from the incumbent (see
# :func:`_solve_ascending`), "ascending-block" the same over the block-end variables of
# :func:`_block_starts`; "maxsat": UWrMaxSAT. Which one proves an instance first varies a lot on the
# 12-table B2B variants (the benchmark's README warns about it). With one thread, CONFIGS run one after
# another, each with its share of the time left; from PORTFOLIO_MIN_THREADS on, the first ``threads`` of
# SIDE_BY_SIDE run at once for the whole time, first proof wins, the hitting-set processes sharing their
# cores. Measured on the 2-core benchmark machine (quiet, 10 s): on 1 December hitting and ascending-block
# side by side proved 16 of the 20 B2B events, the same two one after another 14 — ascending-block proved
# tic-13crafc and forum-14, where the hitting sets stalled on their 0-1 programme. Once the hitting sets
# came from a SAT solver (2 December) the hitting sets alone proved those 18, and the two hitting-set
# processes side by side 18 in two full runs of the final pair, 19 in one run of an earlier pair; the crafb
# events in some runs only (ticf-13crafb 2 of 5 at 10 s, forum-13crafb 0 of 5: its bound reaches its
# optimum, 6, at 6.4–7 s).
CONFIGS = (
    ("hitting", "seqcounter", 6, 0.8, "index"),
    ("ascending", "seqcounter", 6, 0.7, "index"),
    ("maxsat", "seqcounter", 6, 0.6, "index"),
    ("maxsat", "totalizer", 30, 1.0, "busiest"),
)
SIDE_BY_SIDE = (
    ("hitting-rebuild", "seqcounter", 6, 1.0, "index"),
    ("hitting-plain", "seqcounter", 6, 1.0, "index"),
    ("ascending-block", "seqcounter", 6, 1.0, "index"),
    ("maxsat", "seqcounter", 6, 1.0, "index"),
    ("maxsat", "totalizer", 30, 1.0, "busiest"),
)
PORTFOLIO_MIN_THREADS = 2
# Seconds before its budget ends at which a configuration's process is killed: killing and collecting it
# takes a moment on a loaded machine (seen: a 30 s solve ending at 31.0 s at load 9).
KILL_MARGIN = 0.15
# Seconds before the kill at which a configuration stops itself, so that its result (a proof, mostly) gets
# back in time: its last SAT call may outrun the rate it was sized by, and a proof is followed by the worst
# participant's stage. Was 10% of the budget: at 10 s, 0.9 s of search lost.
CHILD_MARGIN = 0.35


@dataclass
class MaxSatResult:
    slot_of: list[int] | None  # None: proven that not every usable meeting can be held
    proven: bool
    lower: int = 0  # proven: every schedule holding every usable meeting has at least this many breaks


def available() -> bool:
    """Whether the MaxSAT back end (``hermax``, with ``python-sat`` for cardinality encodings) imports."""
    try:
        import hermax.incremental  # noqa: F401 - probe: is the optional MaxSAT back end installed?
        import pysat.card  # noqa: F401
    except ImportError:
        return False
    return True


def applicable(pb: Problem, all_held_possible: bool) -> bool:
    """MaxSAT is used when holding every usable meeting is possible (found, or not excluded by the bound)
    and the spread rule (if any) reduces to a cap."""
    if not all_held_possible:
        return False
    if pb.instance.max_break_spread is None:
        return True
    return bool(pb.at_most_one_meeting())


class _Cnf:
    def __init__(self, encoding: str, pairwise_max: int) -> None:
        from pysat.formula import IDPool  # optional MaxSAT back end

        self.pool = IDPool()
        self.clauses: list[list[int]] = []
        self.encoding = encoding
        self.pairwise_max = pairwise_max

    def var(self, *key: object) -> int:
        return self.pool.id(key)

    def add(self, clause: list[int]) -> None:
        self.clauses.append(clause)

    def at_most(self, lits: list[int], k: int, guard: int | None = None, encoding: str | None = None) -> None:
        """At most k of ``lits`` (unless ``guard``), in ``encoding`` or else the one this CNF was made with."""
        from pysat.card import CardEnc, EncType  # optional MaxSAT back end

        if k >= len(lits):
            return
        if k == 0:
            for lit in lits:
                self.add([-lit] if guard is None else [-lit, guard])
            return
        if k == 1 and len(lits) <= self.pairwise_max:
            for i in range(len(lits)):
                for j in range(i + 1, len(lits)):
                    self.add([-lits[i], -lits[j]] if guard is None else [-lits[i], -lits[j], guard])
            return
        enc = CardEnc.atmost(lits=lits, bound=k, vpool=self.pool, encoding=getattr(EncType, encoding or self.encoding))
        for clause in enc.clauses:
            self.add(clause if guard is None else [*clause, guard])

    def at_least(self, lits: list[int], k: int) -> None:
        from pysat.card import CardEnc, EncType  # optional MaxSAT back end

        if k <= 0:
            return
        if k == 1:
            self.add(list(lits))
            return
        enc = CardEnc.atleast(lits=lits, bound=k, vpool=self.pool, encoding=EncType.seqcounter)
        self.clauses.extend(enc.clauses)


def solve_breaks_maxsat(
    pb: Problem,
    *,
    time_limit: float,
    threads: int = 1,
    should_stop: Callable[[], bool] = lambda: False,
    hint: list[int] | None = None,
) -> MaxSatResult | None:
    """Minimise (total breaks, worst breaks) holding every usable meeting; None if nothing was found.

    Each configuration runs in a forked process that is killed when its time is up: the solver only polls
    its stop callback between SAT calls, which on a loaded machine can be seconds late, and the time limit
    must hold. With one thread, :data:`CONFIGS` run one after another, each with its share of the time
    left, until one proves its schedule optimal; from :data:`PORTFOLIO_MIN_THREADS` on, the first
    ``threads`` of :data:`SIDE_BY_SIDE` run at once and the first proof wins. Otherwise the best schedule
    found is returned — proven after all when one configuration's lower bound meets another's schedule.
    """
    end = time.perf_counter() + time_limit
    side_by_side = threads >= PORTFOLIO_MIN_THREADS
    groups = [list(SIDE_BY_SIDE[:threads])] if side_by_side else [[c] for c in CONFIGS]
    found: list[MaxSatResult] = []
    lower = 0
    for group in groups:
        left = end - time.perf_counter()
        if left <= 0.1 or should_stop():
            break
        budget = left * (group[0][3] if len(group) == 1 else 1.0)
        results = _run_children(pb, group, budget, should_stop, hint)
        proven = [r for r in results if r.proven]
        if proven:
            return proven[0]
        found.extend(r for r in results if r.slot_of is not None)
        lower = max([lower, *(r.lower for r in results)])
        best = min(found, key=lambda r: _objective(pb, r.slot_of), default=None)
        if best is not None and _settled_by(pb, best.slot_of, lower):
            return MaxSatResult(best.slot_of, True, lower)
    if not found:
        return None
    return min(found, key=lambda r: _objective(pb, r.slot_of))


def _settled_by(pb: Problem, slot_of: list[int], lower: int) -> bool:
    """Optimal by a lower bound another configuration proved: the total meets it, and the worst
    participant's breaks cannot be lower (0 with no break, 1 with some)."""
    total, worst = _objective(pb, slot_of)
    return total <= lower and worst <= 1


def _run_children(
    pb: Problem,
    configs: list[tuple[str, str, int, float, str]],
    budget: float,
    should_stop: Callable[[], bool],
    hint: list[int] | None,
) -> list[MaxSatResult]:
    """Run each configuration in a forked process for at most ``budget`` seconds; kill what is left."""
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("fork")
    runs = []
    # Hitting-set configurations running side by side share their cores (see share_core): one inbox each.
    hitting = [i for i, config in enumerate(configs) if config[0].startswith("hitting")]
    inboxes = {i: ctx.Queue() for i in hitting} if len(hitting) > 1 else {}
    for k, (method, encoding, pairwise, _share, order) in enumerate(configs):
        exchange = (inboxes[k], [q for i, q in inboxes.items() if i != k]) if k in inboxes else None
        receive, send = ctx.Pipe(duplex=False)
        # The child stops itself a little early so that its best schedule gets back before the kill.
        child_limit = max(0.05, budget - KILL_MARGIN - CHILD_MARGIN)
        budget_end = t0 + max(0.05, budget - KILL_MARGIN)
        proc = ctx.Process(
            target=_child,
            args=(send, pb, child_limit, method, encoding, pairwise, order, hint, exchange),
            daemon=True,
        )
        proc.start()
        send.close()
        runs.append((proc, receive))
    results: list[MaxSatResult] = []
    latest: dict[object, MaxSatResult] = {}  # the last interim schedule of each child without a result
    pending = [r for _, r in runs]
    try:
        while pending:
            if should_stop() or time.perf_counter() > budget_end:
                break
            for conn in wait(pending, timeout=0.05):
                try:
                    kind, result = conn.recv()
                except EOFError:
                    pending.remove(conn)
                    continue
                if kind == INTERIM:
                    latest[conn] = result
                    continue
                pending.remove(conn)
                latest.pop(conn, None)
                if isinstance(result, MaxSatResult):
                    results.append(result)
                    if result.proven:
                        pending = []
                        break
        results.extend(latest.values())  # children killed (or dead) before their result: their best so far
    finally:
        for proc, _conn in runs:
            if proc.is_alive():
                proc.kill()
        for proc, conn in runs:
            # A killed child's memory is torn down by the kernel; on a loaded machine that can take a while,
            # and waiting for it would cost the caller's time limit (multiprocessing reaps it later).
            proc.join(timeout=0.05)
            conn.close()
        for inbox in inboxes.values():
            inbox.close()
            inbox.cancel_join_thread()  # what a killed child left unread must not hold this process up
    return results


def _objective(pb: Problem, slot_of: list[int]) -> tuple[int, int]:
    per = [pb.breaks_of(p, _busy_mask(pb, slot_of, p)) for p in range(pb.n_parts)]
    return sum(per), max(per, default=0)


def _child(
    conn: Connection,
    pb: Problem,
    time_limit: float,
    method: str,
    encoding: str,
    pairwise: int,
    order: str,
    hint: list[int] | None,
    exchange: tuple[object, list[object]] | None = None,
) -> None:
    global _send_interim, _exchange
    _send_interim = lambda result: conn.send((INTERIM, result))  # noqa: E731 - this process's channel
    _exchange = exchange
    try:
        if method.startswith("hitting"):
            from .hitting import solve_hitting  # imports this module

            # Beside another, each leaves CP-SAT out; the plain one starts from another seed: its
            # neighbourhood search, hence the levels its hitting sets lean towards, differ, and the cores
            # the two share overlap less.
            alone = method == "hitting"
            plain = method == "hitting-plain"
            result = solve_hitting(pb, time_limit, hint, seed=int(plain), rebuild=not plain, cp_checks=alone)
        elif method == "ascending":
            result = _solve_ascending(pb, time_limit, encoding, pairwise, order, hint)
        elif method == "ascending-block":
            result = _solve_ascending(pb, time_limit, encoding, pairwise, order, hint, breaks="block")
        else:
            result = _solve_one(pb, time_limit, lambda: False, encoding, pairwise, order)
        conn.send((FINAL, result))
    finally:
        conn.close()


# What a configuration's process sends: its best schedule so far (INTERIM, possibly many) and its result
# (FINAL, once). The parent keeps the latest of each child, so a child killed at its budget's end (a SAT call
# can outrun its conflict budget when the machine slows down) still gives its schedule: in a B2B run at
# calibration 301 ms both children of ticf-14crafa were killed and the heuristic's 32 breaks were returned
# where the children had 11 (1 December 2026).
INTERIM, FINAL = "interim", "final"
_send_interim: Callable[[MaxSatResult], None] | None = None  # set in a configuration's process
_last_interim: tuple[list[int] | None, int] = (None, -1)  # the schedule object last sent (kept: ids get reused)


# In a hitting-set configuration's process beside another: its own inbox of cores and the others' inboxes.
# Queues, not pipes: a put never blocks (a feeder thread writes), where a full pipe to a process busy in a long
# SAT call would stall the sender.
_exchange: tuple[object, list[object]] | None = None


def share_core(core: list[int]) -> None:
    """Give a core (level numbers, the same in every hitting-set process of one problem) to the others."""
    if _exchange is not None:
        for inbox in _exchange[1]:
            inbox.put(core)


def shared_cores() -> list[list[int]]:
    """The cores the other hitting-set processes found since the last call (none when running alone)."""
    out: list[list[int]] = []
    if _exchange is None:
        return out
    while True:
        try:
            out.append(_exchange[0].get_nowait())
        except (queue.Empty, OSError, EOFError):
            return out


def interim(best: list[int] | None, lower: int) -> None:
    """Tell the parent (when running as a configuration's process) the best schedule so far and the lower
    bound proved so far; repeats of the last report are not sent."""
    global _last_interim
    if _send_interim is None or best is None or (best is _last_interim[0] and lower == _last_interim[1]):
        return
    _last_interim = (best, lower)
    _send_interim(MaxSatResult(list(best), False, lower))


@dataclass
class _Encoding:
    """The hard clauses of the schedule, the break-start variables per participant and the level literals
    (``lvl[k-1]`` false ⇒ nobody has ≥ k break starts), for both back ends."""

    cnf: _Cnf
    x: dict[tuple[int, int], int]
    brk_of: list[list[int]]
    lvl: list[int]
    levels: int
    busy: dict[tuple[int, int], int]


def _encode(
    pb: Problem,
    encoding: str,
    pairwise: int,
    order: str = "index",
    breaks: str = "start",
    busy_cap: str | None = None,
) -> _Encoding:
    """The schedule's hard clauses and one variable per possible break: at the first empty slot of the run
    (``breaks="start"``, :func:`_break_starts`) or at the occupied slot that ends it, with the span clauses
    (``"block"``, :func:`_block_starts`). ``busy_cap``: the cardinality encoding of the implied "at most
    2 × tables participants busy in a slot" (None: ``encoding``, as every other constraint)."""
    cnf = _Cnf(encoding, pairwise)
    usable = [m for m in range(pb.n_meetings) if pb.allowed[m]]
    if order == "busiest":
        # Meetings of the busiest participants first: the SAT solver's first decisions then place the
        # hardest-to-fit blocks. Measured: it slows the default encoding on forum-13 (proof lost at 10 s),
        # so only the second encoding uses it.
        degree = [len(mine) for mine in pb.usable_of]
        usable.sort(key=lambda m: (-max(degree[p] for p in pb.parts[m]), -min(degree[p] for p in pb.parts[m]), m))
    x: dict[tuple[int, int], int] = {}
    by_ps: dict[tuple[int, int], list[int]] = {}
    in_person_at: list[list[int]] = [[] for _ in range(pb.n_slots)]
    pair_only = [True] * pb.n_slots
    for m in usable:
        lits = []
        for s in bits(pb.allowed[m]):
            v = cnf.var("x", m, s)
            x[m, s] = v
            lits.append(v)
            for p in pb.parts[m]:
                by_ps.setdefault((p, s), []).append(v)
            if pb.in_person[m]:
                in_person_at[s].append(v)
            if not pb.in_person[m] or len(pb.parts[m]) != 2:
                pair_only[s] = False
        cnf.add(lits)
        cnf.at_most(lits, 1)
    busy: dict[tuple[int, int], int] = {}
    for (p, s), lits in by_ps.items():
        b = cnf.var("busy", p, s)
        busy[p, s] = b
        cnf.add([-b, *lits])
        for lit in lits:
            cnf.add([-lit, b])
        cnf.at_most(lits, 1)
    for s in range(pb.n_slots):
        cnf.at_most(in_person_at[s], pb.tables[s])
        if pair_only[s]:
            here = [busy[p, s] for p in range(pb.n_parts) if (p, s) in busy]
            cnf.at_most(here, 2 * pb.tables[s], encoding=busy_cap)
    for p in range(pb.n_parts):
        mine = len(pb.usable_of[p])
        slots_p = [busy[p, s] for s in range(pb.n_slots) if (p, s) in busy]
        if slots_p:
            cnf.at_most(slots_p, mine)
            cnf.at_least(slots_p, mine)

    spread = pb.instance.max_break_spread
    levels = spread if spread is not None else LEVELS
    if breaks == "block":
        held = [min(pb.cap[p], len(pb.usable_of[p])) for p in range(pb.n_parts)]
        brk_of = [_block_starts(cnf, pb, p, busy, held[p]) for p in range(pb.n_parts)]
    else:
        brk_of = [_break_starts(cnf, pb, p, busy) for p in range(pb.n_parts)]
    lvl = [cnf.var("lvl", k) for k in range(1, levels + 1)]
    for p in range(pb.n_parts):
        for k in range(1, levels + 1):
            if len(brk_of[p]) >= k:
                # Unless lvl[k] holds, p has at most k-1 break starts.
                cnf.at_most(brk_of[p], k - 1, guard=lvl[k - 1])
        if spread is not None:
            cnf.at_most(brk_of[p], spread)
    return _Encoding(cnf, x, brk_of, lvl, levels, busy)


def _slots_from(pb: Problem, x: dict[tuple[int, int], int], true: Callable[[int], bool]) -> list[int]:
    slot_of = [-1] * pb.n_meetings
    for (m, s), v in x.items():
        if true(v):
            slot_of[m] = s
    return slot_of


def _solve_one(
    pb: Problem,
    time_limit: float,
    should_stop: Callable[[], bool],
    encoding: str,
    pairwise: int,
    order: str = "index",
) -> MaxSatResult | None:
    """Weighted MaxSAT: soft ``¬brk`` (weight above the levels) and soft ``¬lvl`` (weight 1)."""
    from hermax.core.ipamir_solver_interface import SolveStatus  # optional MaxSAT back end
    from hermax.incremental import UWrMaxSAT

    t0 = time.perf_counter()
    enc = _encode(pb, encoding, pairwise, order)
    heavy = enc.levels + 1
    softs = [(-v, heavy) for lits in enc.brk_of for v in lits] + [(-v, 1) for v in enc.lvl]
    if time.perf_counter() > t0 + time_limit or should_stop():
        return None

    solver = UWrMaxSAT()
    stopped = threading.Event()
    try:
        for clause in enc.cnf.clauses:
            solver.add_clause(clause)
        for lit, weight in softs:
            solver.set_soft(lit, weight)
        deadline = t0 + time_limit
        solver.set_terminate(lambda: 1 if stopped.is_set() or should_stop() or time.perf_counter() > deadline else 0)
        solver.solve()
        status = solver.get_status()
        if status == SolveStatus.UNSAT:
            return MaxSatResult(None, True)
        if status not in (SolveStatus.OPTIMUM, SolveStatus.INTERRUPTED_SAT):
            return None
        slot_of = _slots_from(pb, enc.x, lambda v: solver.val(v) > 0)
    finally:
        stopped.set()
        solver.close()
    worst = max((pb.breaks_of(p, _busy_mask(pb, slot_of, p)) for p in range(pb.n_parts)), default=0)
    exact_worst = pb.instance.max_break_spread is not None or worst < enc.levels
    return MaxSatResult(slot_of, status == SolveStatus.OPTIMUM and exact_worst)


def _solve_ascending(
    pb: Problem,
    time_limit: float,
    encoding: str,
    pairwise: int,
    order: str = "index",
    hint: list[int] | None = None,
    seed: int = 0,
    breaks: str = "start",
) -> MaxSatResult | None:
    """SAT with a totaliser over the break starts, in one incremental CaDiCaL: the lower bound from below
    ("at most k breaks" for k = 0, 1, … unsatisfiable), the incumbent from above by large-neighbourhood
    search (:class:`_Lns`), until they meet; then the worst participant's breaks the same way, from the top.

    Why: on the B2B events the lower-bound calls (unsatisfiable) are quick, but the call that finds a
    schedule at the optimum from scratch is slow (25 s and more); re-solving a few participants' meetings
    with everything else fixed improves the heuristic's schedule in small, cheap steps. CaDiCaL cannot be
    interrupted through python-sat, so every call has a conflict budget, sized from the conflicts per
    second measured so far to end before the deadline.
    """
    from pysat.card import ITotalizer  # optional MaxSAT back end
    from pysat.solvers import Solver

    t0 = time.perf_counter()
    deadline = t0 + time_limit
    best = hint if hint is not None and all(hint[m] >= 0 for m in range(pb.n_meetings) if pb.allowed[m]) else None
    lns = _Lns(pb, best, seed) if best is not None else None
    if lns is not None:
        # First bring the incumbent down (the whole model takes a while to build, and the calls "at most
        # k" above the optimum are the slow ones).
        lns.run(t0 + LNS_FIRST_SHARE * time_limit, 0)
        best = lns.best
        interim(best, 0)
    enc = _encode(pb, encoding, pairwise, order, breaks)
    brk = [v for lits in enc.brk_of for v in lits]
    incumbent = _objective(pb, best)[0] if best is not None else ASCENDING_MAX
    if not brk or incumbent == 0:
        return MaxSatResult(best, True, 0) if best is not None else None  # no break: optimal
    # Up to 'at most incumbent': the worst participant's stage below caps the total at the optimum.
    tot = ITotalizer(lits=brk, ubound=min(incumbent + 1, len(brk)), top_id=enc.cnf.pool.top)
    solver = Solver(name=SAT_SOLVER, bootstrap_with=enc.cnf.clauses + tot.cnf.clauses)
    sat = _Calls(solver, deadline)
    try:
        at_most = [-v for v in tot.rhs]  # at_most[k]: at most k break starts
        lower = 0
        upper = incumbent if best is not None else len(brk) + 1  # none yet: "at most len(brk)" is no limit
        # No incumbent given (the heuristic's left meetings out): any schedule holding every meeting, to
        # return if the search finds none (see _first_schedule) — not one to start from.
        fallback = _first_schedule(pb, enc, sat) if best is None else None
        interim(fallback, 0)
        if best is not None:
            solver.set_phases([v if best[m] == s else -v for (m, s), v in enc.x.items()])
        lb_budget = LB_FIRST_BUDGET
        while lower < upper and not sat.out_of_time():
            if lns is not None and lns.run(min(deadline, time.perf_counter() + LNS_SLICE), lower):
                best, upper = lns.best, lns.total()
                solver.set_phases([v if best[m] == s else -v for (m, s), v in enc.x.items()])
            if lns is not None and lns.optimal:
                lower = upper
            if lower >= upper:
                break
            interim(best, lower)
            k = lower
            ok = sat.solve([at_most[k]] if k < len(at_most) else [], lb_budget)
            if ok is False:
                if k >= len(at_most):
                    return None  # not even without a limit: no schedule holds every usable meeting
                lower = k + 1
            elif ok:
                best = _slots_from(pb, enc.x, sat.model().__contains__)
                upper = _objective(pb, best)[0]
                break
            else:
                lb_budget += lb_budget // 2
        if best is None:
            return MaxSatResult(fallback, False, lower)
        if lower < upper:
            return MaxSatResult(best, False, lower)
        total = upper
        worst = _objective(pb, best)[1]
        cap = [at_most[total]] if total < len(at_most) else []
        while worst > (1 if total else 0):
            if worst > enc.levels or (not cap and total < len(brk)):
                return MaxSatResult(best, False, total)  # no level literal says "nobody above worst − 1"
            ok = sat.solve([*cap, -enc.lvl[worst - 1]], None)
            if ok is None:
                return MaxSatResult(best, False, total)
            if not ok:
                break
            best = _slots_from(pb, enc.x, sat.model().__contains__)
            worst = _objective(pb, best)[1]
            interim(best, total)
        return MaxSatResult(best, True, total)
    finally:
        solver.delete()


# Conflicts for the first "at most k" call (it grows by half each time it runs out), the seconds of
# large-neighbourhood search between two such calls, and the conflicts one neighbourhood may take.
SAT_SOLVER = "cadical153"
LB_FIRST_BUDGET = 3000
LNS_SLICE = 1.0
# Share of the time that the search takes before the whole model is built.
LNS_FIRST_SHARE = 0.3
LNS_BUDGET = 3000
# Share of neighbourhoods that are a window of consecutive slots (the rest: a few participants).
WINDOW_SHARE = 0.5


# Fewer conflicts than this left before the deadline: no SAT call is made (and ``out_of_time`` says so).
MIN_CALL_CONFLICTS = 50
# Conflicts for the call that looks for any schedule holding every usable meeting when the searches are
# given none (the heuristic's left some out): on the B2B events it takes 350–1,250 (0.2–0.9 s).
FIRST_BUDGET = 20_000


def _first_schedule(pb: Problem, enc: _Encoding, sat: _Calls) -> list[int] | None:
    """A schedule holding every usable meeting, whatever its breaks: one SAT call without assumptions.

    Why: given no incumbent, the searches only ask questions with few breaks, the hard ones, and on
    forum-13crafb, ticf-13crafb, ticf-13crafc and ticf-14crafa the hitting sets found none in 9 s, so the
    heuristic's, with meetings left out, was returned (1 December 2026). This call finds one in under a
    second. Only the ascending search makes it, and only as a fallback, not a start: started from it (after
    a neighbourhood search) tic-13crafc lost its proof, and the same call in the hitting sets' solver (its
    saved phases) cost forum-14 its proof."""
    if sat.solve([], FIRST_BUDGET) is not True:
        return None
    return _slots_from(pb, enc.x, sat.model().__contains__)


class _Calls:
    """CaDiCaL calls with a conflict budget that ends before the deadline: the budget is capped by the
    conflicts per second measured so far (a loaded machine has fewer)."""

    def __init__(self, solver: object, deadline: float, rate: float = 20_000.0) -> None:
        self.solver = solver
        self.deadline = deadline
        self.rate = rate  # conflicts per second, until measured (or as measured on another solver)
        self.conflicts = 0
        self.seconds = 0.0

    def _cap(self) -> int:
        """The most conflicts a call may take now: four fifths of the time left at the measured rate."""
        return int(self.rate * (self.deadline - time.perf_counter()) * 0.8)

    def out_of_time(self) -> bool:
        """No call is worth making any more: too few conflicts left for one (see :meth:`solve`)."""
        return time.perf_counter() >= self.deadline - 0.02 or self._cap() < MIN_CALL_CONFLICTS

    def solve(self, assumptions: list[int], budget: int | None) -> bool | None:
        """True/False as the solver says; None when the budget (or the time) ran out first."""
        cap = self._cap()
        if cap < MIN_CALL_CONFLICTS:
            return None
        budget = cap if budget is None else min(budget, cap)
        before = self.solver.accum_stats()["conflicts"]
        t = time.perf_counter()
        self.solver.conf_budget(budget)
        ok = self.solver.solve_limited(assumptions=assumptions)
        self.conflicts += self.solver.accum_stats()["conflicts"] - before
        self.seconds += time.perf_counter() - t
        if self.seconds > 0.05 and self.conflicts > 200:
            self.rate = max(500.0, self.conflicts / self.seconds)
        return ok

    def model(self) -> set[int]:
        return {v for v in self.solver.get_model() if v > 0}


class _Lns:
    """Large-neighbourhood search on the incumbent: free the meetings of a few participants (one with
    breaks, then partners of those chosen, then others with breaks), keep every other meeting in its slot,
    and ask a small SAT model of the freed part for fewer breaks among the participants it touches.

    The sub-model (:func:`_encode_part`) has only the freed meetings' slot variables — milliseconds to
    build and to solve, where the same question asked of the whole model by assumptions ran at a few
    thousand conflicts per second. A neighbourhood refuted within its conflict budget grows the next one;
    one left undecided shrinks it.
    """

    def __init__(self, pb: Problem, best: list[int], seed: int) -> None:
        import random  # only the search's tie-breaking; seeded, hence deterministic

        self.pb = pb
        self.best = list(best)
        self.per = [pb.breaks_of(p, _busy_mask(pb, best, p)) for p in range(pb.n_parts)]
        self.rng = random.Random(seed)
        self.size = 3  # participants per neighbourhood
        self.optimal = False  # the whole schedule was freed and no better one exists

    def total(self) -> int:
        return sum(self.per)

    def run(self, until: float, lower: int) -> bool:
        """Improve ``best`` until ``until`` or the total meets ``lower``; whether it improved."""
        improved = False
        while self.total() > lower and time.perf_counter() < until:
            whole = self.size >= self.pb.n_parts
            if whole:
                free = [m for m in range(self.pb.n_meetings) if self.pb.allowed[m]]
            elif self.rng.random() < WINDOW_SHARE:
                free = self._window()
            else:
                chosen = self._participants()
                free = sorted({m for p in chosen for m in self.pb.usable_of[p]})
            ok, slot_of = _solve_part(self.pb, self.best, free, LNS_BUDGET)
            if ok is False and whole:
                self.optimal = True  # nothing fixed, and no schedule has fewer breaks
                break
            if ok is False:
                self.size = min(self.pb.n_parts, self.size + 1)
            elif ok is None:
                self.size = max(2, self.size - 1)
            if slot_of is not None:
                per = [self.pb.breaks_of(p, _busy_mask(self.pb, slot_of, p)) for p in range(self.pb.n_parts)]
                if sum(per) < self.total():
                    self.best, self.per, improved = slot_of, per, True
        return improved

    def _window(self) -> list[int]:
        """The meetings held in a few consecutive slots around a break of someone (the width follows the
        neighbourhood size): they can then trade slots with each other and with the empty ones."""
        pb, rng = self.pb, self.rng
        broken = [p for p in range(pb.n_parts) if self.per[p]]
        p = rng.choice(broken) if broken else rng.randrange(pb.n_parts)
        mine = [self.best[m] for m in pb.meetings_of[p] if self.best[m] >= 0]
        centre = rng.choice(mine) if mine else rng.randrange(pb.n_slots)
        lo, hi, _ = pb.sessions[pb.session_of[centre]]
        width = max(2, self.size // 2)
        first = max(lo, min(centre - rng.randrange(width), hi - width))
        window = range(first, min(hi, first + width))
        return [m for m, s in enumerate(self.best) if s in window]

    def _participants(self) -> set[int]:
        pb, rng = self.pb, self.rng
        broken = [p for p in range(pb.n_parts) if self.per[p]]
        chosen: set[int] = {rng.choice(broken)} if broken else {rng.randrange(pb.n_parts)}
        for _ in range(4 * self.size):
            if len(chosen) >= self.size:
                break
            mine = pb.usable_of[rng.choice(sorted(chosen))]
            if mine and rng.random() < 0.6:
                # A partner of someone chosen: their meetings can then trade slots.
                chosen.update(pb.parts[rng.choice(mine)])
            else:
                chosen.add(rng.choice(broken) if broken and rng.random() < 0.7 else rng.randrange(pb.n_parts))
        return chosen


def _solve_part(pb: Problem, best: list[int], free: list[int], budget: int) -> tuple[bool | None, list[int] | None]:
    """Re-place the meetings ``free`` with every other meeting of ``best`` fixed, with fewer breaks among
    the participants they touch than now: (False, None) when there is no such placement, (None, None)
    when the budget ran out, (True, the whole schedule) otherwise."""
    from pysat.card import ITotalizer  # optional MaxSAT back end
    from pysat.solvers import Solver

    touched = sorted({p for m in free for p in pb.parts[m]})
    cnf, x, brk, span = _encode_part(pb, best, free, touched)
    if cnf is None:
        return False, None
    # Only the sessions where a freed meeting can go change anyone's breaks.
    now = sum(pb.breaks_of(p, _busy_mask(pb, best, p) & span[p]) for p in touched)
    if now == 0:
        return False, None
    lits = [v for vs in brk for v in vs]
    if not lits:
        return False, None  # nobody touched can have a break in the span: none to save here
    tot = ITotalizer(lits=lits, ubound=now, top_id=cnf.pool.top)
    solver = Solver(name=SAT_SOLVER, bootstrap_with=cnf.clauses + tot.cnf.clauses)
    try:
        solver.set_phases([v if best[m] == s else -v for (m, s), v in x.items()])
        solver.conf_budget(budget)
        ok = solver.solve_limited(assumptions=[-tot.rhs[now - 1]])
        if not ok:
            return ok, None
        on = {v for v in solver.get_model() if v > 0}
    finally:
        solver.delete()
    slot_of = list(best)
    for (m, s), v in x.items():
        if v in on:
            slot_of[m] = s
    return True, slot_of


def _encode_part(
    pb: Problem, best: list[int], free: list[int], touched: list[int]
) -> tuple[_Cnf | None, dict[tuple[int, int], int], list[list[int]], dict[int, int]]:
    """The schedule's clauses for the meetings ``free`` around the fixed rest of ``best``: slot variables
    only where every participant is free and (in person) a table is left; a participant's slot taken by a
    fixed meeting is a busy variable set true. Break starts are encoded for each touched participant in the
    sessions where one of the freed meetings can go (``span``, a slot mask per participant): elsewhere her
    breaks cannot change. None when some freed meeting has no slot left."""
    freed = set(free)
    cnf = _Cnf("seqcounter", 6)
    fixed_busy = dict.fromkeys(touched, 0)
    tables_left = list(pb.tables)
    for m, s in enumerate(best):
        if s < 0 or m in freed:
            continue
        if pb.in_person[m]:
            tables_left[s] -= 1
        for p in pb.parts[m]:
            if p in fixed_busy:
                fixed_busy[p] |= 1 << s
    x: dict[tuple[int, int], int] = {}
    by_ps: dict[tuple[int, int], list[int]] = {}
    by_s: dict[int, list[int]] = {}
    for m in free:
        mask = pb.allowed[m]
        for p in pb.parts[m]:
            mask &= ~fixed_busy[p]
        lits = []
        for s in bits(mask):
            if pb.in_person[m] and tables_left[s] <= 0:
                continue
            v = cnf.var("x", m, s)
            x[m, s] = v
            lits.append(v)
            for p in pb.parts[m]:
                by_ps.setdefault((p, s), []).append(v)
            if pb.in_person[m]:
                by_s.setdefault(s, []).append(v)
        if not lits:
            return None, x, [], {}
        cnf.add(lits)
        cnf.at_most(lits, 1)
    for s, lits in by_s.items():
        cnf.at_most(lits, tables_left[s])
    span = dict.fromkeys(touched, 0)
    for p, s in by_ps:
        span[p] |= pb.sessions[pb.session_of[s]][2]
    busy: dict[tuple[int, int], int] = {}
    for p in touched:
        for s in bits(fixed_busy[p] & span[p]):
            b = cnf.var("busy", p, s)
            busy[p, s] = b
            cnf.add([b])
    for (p, s), lits in by_ps.items():
        b = cnf.var("busy", p, s)
        busy[p, s] = b
        cnf.add([-b, *lits])
        for lit in lits:
            cnf.add([-lit, b])
        cnf.at_most(lits, 1)
    spread = pb.instance.max_break_spread
    brk = []
    for p in touched:
        mine = _break_starts(cnf, pb, p, busy)
        if spread is not None:
            # The incumbent's meetings outside the span are all fixed: their breaks count against the cap.
            cnf.at_most(mine, spread - pb.breaks_of(p, fixed_busy[p] & ~span[p]))
        brk.append(mine)
    return cnf, x, brk, span


def _run_starts(cnf: _Cnf, pb: Problem, p: int, busy: dict[tuple[int, int], int], guard: int) -> bool:
    """Unless ``guard`` holds, ``p``'s meetings fill one run of consecutive slots: one variable per slot
    where that run can start, at most one of them true, and p busy in a slot only if the chosen run covers
    it. Returns whether p qualifies (nothing is added otherwise).

    It applies to a participant whose usable meetings all lie in one session in which she has no
    unavailable slot: then "no break" says exactly that her n meetings take n consecutive slots. Why: the
    break clauses say "no gap" slot by slot, and the solver rarely learns the length of the run from them;
    with the run's start as a variable, placing one meeting fixes where the others can go. Measured on the
    B2B events, "no break at all" with the block encoding (CaDiCaL, 5 clause orders, median): ticf-14crafa
    10.6 s → 4.0 s, ticf-13crafa 3.3 s → 0.4 s, forum-13 1.4 s → 1.3 s. Participants with an unavailable
    slot are left out: with them too, the 10 s B2B solve proved forum-13 in 4.4–7.3 s instead of 2.1–2.4 s
    and forum-14 in 7.1–8.0 s instead of 5.2–5.8 s (three runs each).
    """
    mine = pb.usable_of[p]
    n = len(mine)
    if n < 2:
        return False
    reach = 0
    for m in mine:
        reach |= pb.allowed[m]
    lo, hi, mask = pb.sessions[pb.session_of[(reach & -reach).bit_length() - 1]]
    if reach & ~mask or mask & ~pb.avail[p]:
        return False
    starts = {a: cnf.var("run", p, a) for a in range(lo, hi - n + 1) if all((p, s) in busy for s in range(a, a + n))}
    cnf.add([guard, *starts.values()])
    cnf.at_most(list(starts.values()), 1)
    for a, v in starts.items():
        for s in range(a, a + n):
            cnf.add([-v, busy[p, s]])
    for s in range(lo, hi):
        if (p, s) in busy:
            cnf.add([guard, -busy[p, s], *(v for a, v in starts.items() if a <= s < a + n)])
    return True


def _busy_mask(pb: Problem, slot_of: list[int], p: int) -> int:
    mask = 0
    for m in pb.meetings_of[p]:
        if slot_of[m] >= 0:
            mask |= 1 << slot_of[m]
    return mask


def _break_starts(cnf: _Cnf, pb: Problem, p: int, busy: dict[tuple[int, int], int]) -> list[int]:
    """Variables forced true at every slot where a break of ``p`` starts (see module docstring)."""
    out: list[int] = []
    blocked = pb.all_mask & ~pb.avail[p]
    for lo, hi, _ in pb.sessions:
        cand = [s for s in range(lo, hi) if (p, s) in busy]
        if len(cand) < 2:
            continue
        first, last = cand[0], cand[-1]
        pre: dict[int, int] = {}
        prev = 0
        for s in range(first, last + 1):
            b = busy.get((p, s))
            if b is not None:
                v = cnf.var("pre", p, s)
                cnf.add([-b, v])
                if prev:
                    cnf.add([-prev, v])
                prev = v
            pre[s] = prev
        suf: dict[int, int] = {}
        nxt = 0
        for s in range(last, first - 1, -1):
            b = busy.get((p, s))
            if b is not None:
                v = cnf.var("suf", p, s)
                cnf.add([-b, v])
                if nxt:
                    cnf.add([-nxt, v])
                nxt = v
            suf[s] = nxt
        for s in range(first + 1, last):
            if pb.idle_rule and blocked >> s & 1:
                continue
            prev_blocked = pb.idle_rule and blocked >> (s - 1) & 1
            b_prev = busy.get((p, s - 1))
            if (not prev_blocked and b_prev is None) or not suf[s + 1] or not pre[s - 1]:
                continue
            body = [suf[s + 1], pre[s - 1] if prev_blocked else b_prev]
            b = busy.get((p, s))
            v = cnf.var("brk", p, s)
            cnf.add([-lit for lit in body] + ([b] if b is not None else []) + [v])
            out.append(v)
    return out


def _block_starts(cnf: _Cnf, pb: Problem, p: int, busy: dict[tuple[int, int], int], held: int) -> list[int]:
    """Variables forced true at every slot that ends a break of ``p`` (the occupied slot right after the
    empty run), with the *span clauses* that make "no break" propagate at once.

    ``brk[s]`` ⇐ s occupied ∧ s-1 not ∧ a meeting before s in the session (∧ one at or after s, when s is
    occupied only by being unavailable under the "idle" rule). Span clause, for two slots s < t where p
    could meet: when more slots between them could be empty than the ``held - 2`` other meetings can fill,
    p busy at both ⇒ a break ends somewhere in (s, t]. Why: with "at most k breaks" for small k, the solver
    learns from them in one step what it otherwise finds by search over the slots in between (measured on
    the B2B events: "no schedule without a break" refuted in 0.01–2 s instead of tens of seconds).
    """
    out: list[int] = []
    blocked = pb.all_mask & ~pb.avail[p] if pb.idle_rule else 0  # occupied by being unavailable

    def occupied(s: int) -> int | bool:
        """The literal "p occupied at s", or a constant."""
        if blocked >> s & 1:
            return True
        return busy.get((p, s), False)

    for lo, hi, _ in pb.sessions:
        cand = [s for s in range(lo, hi) if (p, s) in busy]
        if len(cand) < 2:
            continue
        first, last = cand[0], cand[-1]
        pre: dict[int, int] = {}  # pre[s] ⇔ a meeting at or before s (from ``first``)
        for s in range(first, last + 1):
            v = cnf.var("bpre", p, s)
            b = busy.get((p, s))
            back = [-v] + ([pre[s - 1]] if s > first else []) + ([b] if b is not None else [])
            cnf.add(back)
            if b is not None:
                cnf.add([-b, v])
            if s > first:
                cnf.add([-pre[s - 1], v])
            pre[s] = v
        suf: dict[int, int] = {}  # only where an unavailable slot is occupied: a meeting at or after s
        if blocked:
            nxt = 0
            for s in range(last, first - 1, -1):
                b = busy.get((p, s))
                if b is not None:
                    v = cnf.var("bsuf", p, s)
                    cnf.add([-b, v])
                    if nxt:
                        cnf.add([-nxt, v])
                    nxt = v
                suf[s] = nxt
        ends: dict[int, int] = {}
        for s in range(first + 1, last + 1):
            here, before = occupied(s), occupied(s - 1)
            if here is False or before is True:
                continue
            body = [-pre[s - 1]]
            if here is True:
                if not suf.get(s):
                    continue
                body.append(-suf[s])
            else:
                body.append(-here)
            if before is not False:
                body.append(before)
            v = cnf.var("bend", p, s)
            cnf.add([*body, v])
            ends[s] = v
            out.append(v)
        for i, s in enumerate(cand):
            for t in cand[i + 1 :]:
                empty_able = sum(1 for u in range(s + 1, t) if not blocked >> u & 1)
                if empty_able > held - 2:
                    cnf.add([-busy[p, s], -busy[p, t], *(ends[u] for u in range(s + 1, t + 1) if u in ends)])
    return out
