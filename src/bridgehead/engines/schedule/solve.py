"""``solve``: a sequence of stages — rules, heuristic, bound, preferences, proof, hard rules — sharing one
deadline and one incumbent (see :func:`solve` and ``docs/engines/schedule.md``).

The returned schedule is always the best *valid* one found, whether the time limit, a stop request or a proof
ended the search; when no valid schedule exists (or none was found), :class:`~.feasibility.HardRulesError`
says which rule and who. A schedule holding every usable meeting (or meeting the weight bound) with zero
breaks is optimal by definition, and is reported so.

Determinism: the heuristic (annealing included: it runs a fixed number of steps) draws its tie-breaking from
``random.Random(seed)``, so its result depends only on the instance and the seed unless the time limit cuts it
short. CP-SAT and MaxSAT are deterministic with one thread; with more, CP-SAT's workers race (and from three
threads on, two MaxSAT encodings race), so two runs may return different schedules of equal (proven) value.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import feasibility, maxsat
from . import heuristic as hz
from .bound import Bound
from .bound import bound as compute_bound
from .check import metrics
from .exact import ExactResult, solve_exact
from .model import Assignment, Instance, Problem, Solution, Stats, validate

EXACT_MAX_VARS = 40_000
OBJECTIVES = ("weight", "fair")
# Time kept back from the search for building the result (tables, stats): a fixed part plus a part per
# meeting, measured at 60,000 meetings (~0.3 s on a quiet machine; the margin covers a loaded one).
RESERVE_FIXED = 0.05
# Share of the time left that annealing gets before a MaxSAT/CP-SAT proof on small instances. It was 15%
# while the proof needed a good incumbent to start from; the hitting-set proof does not, and the 10 s B2B
# benchmark proved more instances with that second in the proof (30 November 2026).
ANNEAL_SHARE_BEFORE_PROOF = 0.05
RESERVE_PER_MEETING = 5e-6


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


class _Run:
    """One call of :func:`solve`: the clock, the stop request, progress reports, and the best schedule.

    Every stage reads and improves ``best``; ``status``/``solver`` say how it was obtained. One deadline
    (the time limit minus what building the result needs) bounds every stage, proofs included. ``small``:
    the exact models are tractable (annealing runs, a proof is made by default, the hard-rules stage may use
    CP-SAT); ``upper_bound``/``weight_upper_bound`` start at the trivial bound (every usable meeting held).
    """

    def __init__(
        self,
        pb: Problem,
        t0: float,
        time_limit: float,
        stop: Callable[[], bool] | None,
        progress: ProgressFn | None,
        fair: bool,
        prev_slot: list[int] | None,
    ) -> None:
        self.pb = pb
        self.t0 = t0
        # Building the result costs about what compiling the instance did (both walk every meeting once or
        # twice), so the time that took — measured, hence right on a loaded machine too — is kept back.
        built = time.perf_counter() - t0
        reserve = min(0.3 * time_limit, max(RESERVE_FIXED + RESERVE_PER_MEETING * pb.n_meetings, built))
        self.time_limit = time_limit
        self.deadline = t0 + max(0.0, time_limit - reserve)
        self.limit_at = t0 + time_limit
        self._stop = stop or (lambda: False)
        self._progress = progress
        self._last_report = 0.0
        self.fair = fair
        self.prev_slot = prev_slot
        self.best: list[int] = [-1] * pb.n_meetings
        self.status = "feasible"
        self.solver = "heuristic"
        self.usable = [m for m in range(pb.n_meetings) if pb.allowed[m]]
        self.small = sum(pb.allowed[m].bit_count() for m in range(pb.n_meetings)) <= EXACT_MAX_VARS
        self.trivial = Bound(len(self.usable), sum(pb.weight[m] for m in self.usable), "trivial")
        self.upper_bound = self.trivial.upper_bound
        self.weight_upper_bound = self.trivial.weight_upper_bound

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def all_usable_held(self) -> bool:
        return all(self.best[m] >= 0 for m in self.usable)

    def should_stop(self) -> bool:
        """The caller asked to stop, or the time is up (polled by every stage and by the solvers)."""
        return self._stop() or time.perf_counter() > self.deadline

    def check_stop(self) -> None:
        if self.should_stop():
            raise hz.Stopped

    def check_limit(self) -> None:
        """Stop only at the limit itself (not the earlier deadline): for the greedy construction, whose
        partial result would be a poor schedule — it may then use the time kept for building the result."""
        if self._stop() or time.perf_counter() > self.limit_at:
            raise hz.Stopped

    def report(self, phase: str, slot_of: list[int] | None = None) -> None:
        # Recomputing the figures costs ~0.1 s at 60,000 meetings: at most a few reports per second.
        if self._progress is None:
            return
        now = time.perf_counter()
        if phase != "done" and now - self._last_report < 0.25:
            return
        self._last_report = now
        met = metrics(self.pb, self.best if slot_of is None else slot_of)
        self._progress(
            Progress(phase, met.scheduled, met.scheduled_weight, met.breaks, self.upper_bound, now - self.t0)
        )

    def offer(self, slot_of: list[int], solver: str) -> bool:
        """Keep ``slot_of`` if it is valid and at least as good as the best so far."""
        if not _valid(self.pb, slot_of):
            return False
        if _valid(self.pb, self.best) and not _better(self.pb, slot_of, self.best, self.fair, self.prev_slot):
            return False
        self.best = list(slot_of)
        self.solver = solver
        return True


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
    relax: list[str] | tuple[str, ...] = (),
) -> Solution:
    """Best valid schedule found within ``time_limit`` seconds, as a sequence of stages:

    1. **rules**: relax what ``relax`` names (``"break-spread"``, ``"fixed"``), then refuse — with
       :class:`~.feasibility.HardRulesError` naming the rule, participants and meetings — an instance whose
       hard rules provably contradict each other;
    2. **heuristic**: greedy, repair, Kempe local search (always), annealing (small instances);
    3. **bound**: the proven upper bound (the trivial one when every usable meeting is already held);
    4. **preferences**: preferred hours, never at the cost of a meeting or a break;
    5. **proof** (``exact``; by default on small instances): MaxSAT when every usable meeting is held and
       only breaks are left, else (or when it returns no schedule) CP-SAT; both improve the incumbent and
       may prove it optimal, and the preferences stage runs again on a result credited to them;
    6. **hard rules**: the best schedule must satisfy every rule (fixed meetings and the spread rule are the
       ones a stage may miss); if it does not, the exact model looks for one, and otherwise
       ``HardRulesError`` is raised — a schedule breaking a rule is never returned.

    ``stop`` is polled; when it returns True the best valid schedule so far is returned.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    t0 = time.perf_counter()
    pb, relaxed = _stage_rules(instance, relax)
    prev_slot = _previous_slots(pb, previous)
    run = _Run(pb, t0, time_limit, stop, progress, objective == "fair", prev_slot)
    prove = run.small if exact is None else exact  # whether the proof stage runs; nothing else
    # Annealing is for small instances; before a proof it takes a small share of the time.
    anneal_share = (ANNEAL_SHARE_BEFORE_PROOF if prove else 0.5) if run.small else 0.0
    _stage_heuristic(run, seed, anneal_share)
    bnd = _stage_bound(run)
    _stage_preferences(run)
    if prove and run.status != "optimal":
        _stage_proof(run, bnd, threads, seed)
    _stage_hard_rules(run, threads, seed)
    run.report("done")
    return _solution(
        pb, run.best, bnd, run.status, time.perf_counter() - t0, run.solver, prev_slot,
        _previous_tables(pb, previous), run.fair, relaxed,
    )  # fmt: skip


def _stage_rules(instance: Instance, relax: list[str] | tuple[str, ...]) -> tuple[Problem, list[str]]:
    """Relax what ``relax`` names, then refuse an instance whose hard rules provably contradict each other
    (:class:`~.feasibility.HardRulesError`); the compiled problem and what was relaxed."""
    relaxed: list[str] = []
    if relax:
        instance, relaxed = feasibility.relax(instance, tuple(relax))
    conflicts = feasibility.fixed_conflicts(instance)
    if conflicts:
        raise feasibility.HardRulesError(conflicts, proven=True)
    validate(instance)
    pb = Problem(instance)
    conflicts = feasibility.explain(pb)
    if conflicts:
        raise feasibility.HardRulesError(conflicts, proven=True)
    return pb, relaxed


def _stage_heuristic(run: _Run, seed: int, anneal_share: float) -> None:
    """Greedy, repair, local search, then (small instances) annealing for ``anneal_share`` of the time left;
    the schedule is optimal outright if it holds every usable meeting (or meets the weight bound) with
    zero breaks."""
    pb = run.pb
    rng = random.Random(seed)
    state = hz.State(pb)
    if run.prev_slot is not None:
        _seed_previous(state, run.prev_slot)
    try:
        order = hz.meeting_order(pb, rng, fair=run.fair)
        hz.greedy(state, order, run.check_limit)
        run.report("greedy", state.slot_of)
        left = [m for m in order if state.slot_of[m] < 0 and pb.allowed[m]]
        if left:
            hz.repair(state, left, run.check_stop)
            run.report("repair", state.slot_of)
        hz.local_search(state, rng, run.check_stop, report=lambda _n: run.report("local search", state.slot_of))
        if anneal_share > 0 and not (run.fair or run.prev_slot is not None):
            hz.anneal(state, rng, anneal_share * run.remaining(), run.check_stop)
            run.report("annealing", state.slot_of)
    except hz.Stopped:
        pass
    hz.enforce_spread(state)
    run.best = list(state.slot_of)
    _settle(run)


def _settle(run: _Run) -> None:
    """A valid schedule holding every usable meeting (or meeting the weight bound) with zero breaks is
    optimal by definition."""
    pb = run.pb
    met = metrics(pb, run.best)
    if (
        _valid(pb, run.best)
        and not run.fair
        and run.prev_slot is None
        and met.breaks == 0
        and _weight_settled(pb, run.best, met.scheduled_weight, run.weight_upper_bound)
    ):
        run.status = "optimal"


def _stage_bound(run: _Run) -> Bound:
    """The proven upper bound. The trivial one when every usable meeting is already held (it is attained:
    the LP — seconds on a loaded machine for the B2B events — would only confirm it) or when no time is left
    for the LP (still a proven bound); else the LP's, which may settle the incumbent as optimal."""
    if run.all_usable_held() or run.remaining() < 0.15 * run.time_limit:
        return run.trivial
    bnd = compute_bound(run.pb, time_limit=max(0.2, min(0.25 * run.time_limit, run.remaining())))
    run.upper_bound, run.weight_upper_bound = bnd.upper_bound, bnd.weight_upper_bound
    _settle(run)
    return bnd


def _stage_preferences(run: _Run) -> None:
    """Humane hours: move meetings into their participants' preferred slots without changing anyone's
    breaks or the count (so it never undoes what the stages before it proved). Previous meetings stay."""
    pb = run.pb
    if not pb.has_preferences:
        return
    state = hz.State(pb)
    for m, s in enumerate(run.best):
        if s >= 0:
            state.place(m, s)
            state.pinned[m] = run.prev_slot is not None and run.prev_slot[m] == s
    with contextlib.suppress(hz.Stopped):
        hz.prefer(state, run.check_stop)
    run.report("preferred hours", state.slot_of)
    run.best = list(state.slot_of)


def _stage_proof(run: _Run, bnd: Bound, threads: int, seed: int) -> None:
    """MaxSAT when only breaks are left to minimise, else — or when it returned no schedule — CP-SAT. The
    solver's schedule replaces the incumbent if it is at least as good, and its proof makes the result
    optimal; when the result is then the solver's (CP-SAT's: always), preferred hours are placed again."""
    by_maxsat = _maxsat(run, threads) if _maxsat_applies(run, bnd) else None
    if by_maxsat is not None:
        credited = _take(run, by_maxsat.slot_of, by_maxsat.proven, "maxsat")
    elif (by_cpsat := _cpsat(run, bnd, threads, seed)) is not None:
        credited = True
        if not _take(run, by_cpsat.slot_of, by_cpsat.proven, "cp-sat"):
            run.solver = "heuristic+cp-sat"  # CP-SAT ran but neither improved nor proved the incumbent
    else:
        credited = False
    if credited:
        _stage_preferences(run)


def _take(run: _Run, slot_of: list[int], proven: bool, solver: str) -> bool:
    """Offer a proof solver's schedule: True when it became the result or proved the result optimal."""
    pb = run.pb
    kept = run.offer(slot_of, solver)
    if proven and (kept or _key(pb, run.best, run.fair, run.prev_slot) == _key(pb, slot_of, run.fair, run.prev_slot)):
        run.status = "optimal"
        run.solver = solver
        return True
    return kept


def _maxsat_applies(run: _Run, bnd: Bound) -> bool:
    """MaxSAT minimises breaks with every usable meeting held: for the weight objective from scratch, with
    positive weights, when every usable meeting is (or, by the bound, may be) held."""
    pb = run.pb
    if run.fair or run.prev_slot is not None or not maxsat.available():
        return False
    if not all(pb.weight[m] > 0 for m in run.usable):
        return False  # zero-weight meetings may be left out to save a break: MaxSAT holds every one
    return maxsat.applicable(pb, run.all_usable_held() or bnd.upper_bound >= len(run.usable))


def _maxsat(run: _Run, threads: int) -> maxsat.MaxSatResult | None:
    """MaxSAT's schedule (proven optimal or not), or None when there is no time or it found none."""
    if run.remaining() <= 0.05 or run.should_stop():
        return None
    run.report("maxsat")
    result = maxsat.solve_breaks_maxsat(
        run.pb, time_limit=run.remaining(), threads=threads, should_stop=run.should_stop, hint=run.best
    )
    return result if result is not None and result.slot_of is not None else None


def _cpsat(run: _Run, bnd: Bound, threads: int, seed: int) -> ExactResult | None:
    """Lexicographic CP-SAT's schedule, hinted with the incumbent (None when there is no time or it found
    none)."""
    pb = run.pb
    if run.remaining() <= 0.05 or run.should_stop():
        return None
    met = metrics(pb, run.best)
    settled = (
        not run.fair
        and _valid(pb, run.best)
        and _weight_settled(pb, run.best, met.scheduled_weight, bnd.weight_upper_bound)
    )
    result = solve_exact(
        pb,
        time_limit=run.remaining(),
        threads=threads,
        seed=seed,
        hint=run.best,
        previous=run.prev_slot,
        fair=run.fair,
        weight_floor=run.best if settled else None,
        should_stop=run.should_stop,
        on_progress=lambda stage, _v: run.report(f"cp-sat {stage}"),
    )
    return result if result is not None and result.slot_of is not None else None


def _stage_hard_rules(run: _Run, threads: int, seed: int) -> None:
    """Make sure the result satisfies every hard rule, or raise :class:`HardRulesError`."""
    pb = run.pb
    if _valid(pb, run.best):
        return
    per = metrics(pb, run.best).breaks_of
    # The search could not meet the spread rule; the exact model either finds a schedule or proves there is
    # none. It may use the time kept back for building the result (small instances build fast) but never
    # more than the limit: when none is left, the error says no schedule was found in the time allowed.
    budget = max(run.remaining(), run.limit_at - time.perf_counter() - RESERVE_FIXED)
    if run.small and budget > 0.05:
        result = solve_exact(
            pb,
            time_limit=budget,
            threads=threads,
            seed=seed,
            fair=run.fair,
            previous=run.prev_slot,
            should_stop=lambda: run._stop(),
        )
        if result is not None and result.infeasible:
            raise feasibility.HardRulesError([feasibility.spread_conflict(pb, per, proven=True)], proven=True)
        if result is not None and result.slot_of is not None and _valid(pb, result.slot_of):
            run.best = result.slot_of
            run.solver = "cp-sat"
            run.status = "optimal" if result.proven else "feasible"
            return
    raise feasibility.HardRulesError([feasibility.spread_conflict(pb, per, proven=False)], proven=False)


def _valid(pb: Problem, slot_of: list[int]) -> bool:
    """Fixed meetings held, and the break spread — the rules a stage could miss (a stopped greedy, or a
    heuristic that cannot meet the spread); the others hold by construction."""
    if any(pb.fixed[m] >= 0 and slot_of[m] != pb.fixed[m] for m in range(pb.n_meetings)):
        return False
    if pb.instance.max_break_spread is None:
        return True
    return feasibility.spread_violation(pb, metrics(pb, slot_of).breaks_of) is None


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
    """At least as good as ``b``: the objective's key, then (a tie-break, third in the objective) the
    preferred hours."""
    ka, kb = _key(pb, a, fair, prev), _key(pb, b, fair, prev)
    if ka != kb or not pb.has_preferences:
        return ka >= kb
    return hz.preferred_pairs(pb, a) >= hz.preferred_pairs(pb, b)


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
    relaxed: list[str] | None = None,
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
        preferred=hz.preferred_pairs(pb, slot_of) if pb.has_preferences else None,
        relaxed=relaxed or None,
    )
    return Solution(instance=pb.instance.name, assignments=assignments, stats=stats)
