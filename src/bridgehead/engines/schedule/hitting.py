"""Fewest breaks by implicit hitting sets, for instances where every usable meeting is held.

The soft constraints are per participant and level: "p has fewer than j breaks" (j = 1 … the most p can
have, or the spread limit). The loop alternates two questions:

* a **minimum hitting set** H of the cores found so far (the least k for which a SAT solver with
  cardinality constraints hits every core with k levels, :class:`_HittingSets`): the cheapest set of levels
  to give up. Its size is a lower bound on the breaks of every schedule, because the
  levels any schedule gives up hit every core;
* **SAT with every other level kept** (CaDiCaL, assumptions): a schedule proves the bound optimal at once —
  its breaks are at most |H|; a refutation yields a new core (the assumptions it used, trimmed by asking
  again with only those). When neither a short SAT call nor CP-SAT answers, H is put aside and another
  minimum hitting set tried (up to ``ROTATE_MAX``); only then is one question asked until it is answered.
  Which set of a given size is asked matters: on forum-13crafc "everyone but participant p without a
  break" is settled within a second for 64 of the 70 participants and open after 30 s for the rest, and
  the incumbent's lean picked one of the open ones in 2 of 3 runs (measured 1 December 2026).

Why this and not "at most k breaks" over one counter: with all but a few participants held to no break,
the span clauses of :func:`.maxsat._block_starts` propagate whole blocks, so each call is small; one
cardinality constraint over every break variable propagates almost nothing until most slots are placed.
Measured on the B2B events (30 November 2026, quiet machine, one core): forum-13crafb proven at 6 breaks
in 6.2 s (ascending: 12.9 s), ticf-13crafb at 3 in 6.4 s (32.5 s), forum-14 at 2 in 6.1 s, ticf-14crafa
at 0 in 4.7 s (the two crafb times were not seen again: on 1 December that version took 12–16 s and
27 s from scratch, and the version of 1 December proved neither in 30 s — docs/engines/schedule.md, "The
two events left"; since the hitting sets come from a SAT solver and two searches share their cores, both
are proven within 10 s in some runs and not in others — same file, 2 December). The first question —
nobody with a break — is asked of CP-SAT first (:mod:`.nobreak`):
its refutation is the core "somebody has a break" over every participant.

This is the approach of MaxHS (Davies and Bacchus, 2011), specialised: the levels of one participant are
nested, so a hitting set that gives up level j+1 gives up level j too (valid: the levels a schedule gives
up are nested in the same way).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .maxsat import (
    MaxSatResult,
    _busy_mask,
    _Calls,
    _encode,
    _Encoding,
    _Lns,
    _objective,
    _run_starts,
    _slots_from,
    interim,
    share_core,
    shared_cores,
)
from .model import Problem
from .nobreak import no_break_schedule

# Share of the time the CP-SAT question "no break at all?" may take (it answers in ~0.3 s or not soon).
NO_BREAK_SHARE = 0.1
NO_BREAK_MAX_SECONDS = 1.0
SLICE_SECONDS = 2.0
# Share of the time the large-neighbourhood search on the incumbent takes first.
LNS_SHARE = 0.1
# Conflicts a SAT call with the hitting set's assumptions gets before CP-SAT is asked the same question
# (with this share of the time left, at most so many seconds), then the rest of the time — unless no other
# set of its size exists, when the SAT call goes on at once.
QUICK_BUDGET = 3000
CP_CHECK_SHARE = 0.3
CP_CHECK_MAX_SECONDS = 3.0
# Conflicts allowed to the call that trims a core (a re-solve with only the core's assumptions).
TRIM_BUDGET = 2000
TRIM_ROUNDS = 2
# Cores without a rise of the bound after which the counter "at most k breaks in all" is asked (with a
# conflict budget): many cores of one cost are weak, while on the B2B events the counter's "at most k" for
# k just below the optimum is refuted in milliseconds (tic-13crafc). At the optimum the same call is
# satisfiable and slow (ticf-13crafb: 20 s with a doubling budget), so the budget stays small.
STALE_CORES = 20
COUNTER_BUDGET = 3000
# When a minimum hitting set is left undecided by both quick calls (SAT and CP-SAT), the solver is built
# again with "at most 2 × tables participants busy in a slot" as a modulo totaliser instead of the
# sequential counter (see _encode), once, and its quick calls get more conflicts. Why: on the 12-table
# B2B events that one constraint decides how hard the questions are. One CaDiCaL asked "everyone but p
# without a break" for each participant in turn, 2–4 s each (1 December 2026): forum-13crafc 57 of 58
# settled in 3.4 s in all against 42 of 58 in 45 s; ticf-13crafc's 19 questions that CP-SAT leaves open
# after 3 s, all 19 in 4 s in all (10 have a schedule: its optimum) against 5 of 19 in 6 s each — the
# first asked takes 9,000–13,000 conflicts, the rest a few hundred; with no cap at all they are as quick.
# The counter and the modulo totaliser side by side, or the totaliser, a cardinality network or the
# modulo totaliser on other constraints leave them open as before. Not from the start: on the 22-table
# events the modulo totaliser cost the proof (forum-14 98 breaks, ticf-14crafa 28, each proven with the
# counter in 6 s); those two never leave a set undecided. Rebuilt only after ROTATE_MAX sets,
# ticf-13crafc was proven in 9.6–9.8 s; after the first, 6.7–7.1 s.
BUSY_CAP = "mtotalizer"
SWITCHED_QUICK_BUDGET = 20_000
SWITCHED_MISSES = 2  # undecided quick calls in a row after which the rebuilt solver's budget is QUICK_BUDGET
SWITCH_AFTER = 1  # undecided sets before the rebuild
# Minimum hitting sets put aside undecided (quick SAT call and CP-SAT) before the first of them is asked
# until it is answered.
ROTATE_MAX = 3


def solve_hitting(
    pb: Problem,
    time_limit: float,
    hint: list[int] | None = None,
    seed: int = 0,
    *,
    rebuild: bool = True,
    cp_checks: bool = True,
) -> MaxSatResult | None:
    """Minimise (total breaks, worst participant's breaks) holding every usable meeting.

    Returns the best schedule found (the hint when nothing better), ``proven`` when both criteria are
    settled, and the lower bound proved on total breaks; None when no schedule is known and none was found.

    ``rebuild``: build the solver again over the modulo totaliser when a set is left undecided (see
    :data:`BUSY_CAP`); ``cp_checks``: ask CP-SAT the questions the quick SAT call leaves open. Both pay on the
    12-table events and cost the 14-table crafb ones their proof, so on two threads one process runs with
    the rebuild and one with neither, sharing their cores (:func:`.maxsat.share_core`); CP-SAT checks are
    left to the one-thread sequence, where no partner covers what they found (ticf-13crafa).
    """
    from pysat.card import ITotalizer  # optional MaxSAT back end

    t0 = time.perf_counter()
    deadline = t0 + time_limit
    usable = [m for m in range(pb.n_meetings) if pb.allowed[m]]
    best = hint if hint is not None and all(hint[m] >= 0 for m in usable) else None
    if best is not None and _objective(pb, best)[0] == 0:
        return MaxSatResult(best, True, 0)
    total_proved = False
    cores: list[list[int]] = []
    asked: set[frozenset[tuple[int, int]]] = {frozenset()}  # limits CP-SAT was asked about
    status, found = no_break_schedule(pb, min(NO_BREAK_MAX_SECONDS, NO_BREAK_SHARE * time_limit), seed)
    if status == "found" and found is not None:
        return MaxSatResult(found, True, 0)
    if best is not None:
        # A better incumbent first (large-neighbourhood search, as in the ascending search): it is what is
        # returned when no proof comes in time, and the hitting sets lean towards the levels it gives up.
        lns = _Lns(pb, best, seed)
        lns.run(t0 + LNS_SHARE * time_limit, 0)
        best = lns.best
        if _objective(pb, best)[0] == 0:
            return MaxSatResult(best, True, 0)
        interim(best, 0)
        # A neighbourhood search that proved the total optimal has not settled the worst participant's
        # breaks: that stage (below) still runs, from the proved total.
        total_proved = lns.optimal

    started = time.perf_counter()
    model = _build(pb, None)
    built = time.perf_counter() - started  # a rebuild takes about as long: none when less time is left
    enc, softs, solver = model.enc, model.softs, model.solver
    nested, first_level, owner, levels_of = model.nested, model.first_level, model.owner, model.levels_of
    if not softs:
        solver.delete()
        return MaxSatResult(best, True, 0) if best is not None else None
    if status == "none":
        cores.append(first_level)  # proven by CP-SAT: somebody has a break
    sat = _Calls(solver, deadline)
    quick = QUICK_BUDGET
    switched = False  # the busy cap rebuilt in BUSY_CAP (once, see there)
    upper = _objective(pb, best)[0] if best is not None else None
    lower = upper if total_proved and upper is not None else 0
    counter = None  # "at most k breaks in all", built when the cores stop raising the bound
    floor = 0  # proved by that counter: every schedule has at least this many breaks
    stale = 0  # cores since the bound last rose (or since the counter was last asked)
    wait = STALE_CORES  # stale cores before the counter is asked (doubles while it is left undecided)
    hits = _HittingSets(len(softs), nested)
    missed = 0  # quick calls of the rebuilt solver left undecided in a row
    given = 0  # cores handed to `hits` so far
    skipped: list[set[int]] = []  # minimum hitting sets whose question neither quick call settled
    try:
        while not sat.out_of_time():
            # Cores another hitting-set process found (same level numbers; checked all the same).
            cores.extend(c for c in shared_cores() if c and all(0 <= i < len(softs) for i in c))
            for core in cores[given:]:
                hits.add(core)
            given = len(cores)
            lean = _given_up(pb, levels_of, best)
            chosen, cost = hits.minimum(floor, lean)
            if chosen is None:
                break
            if cost > lower:
                stale, wait = 0, STALE_CORES
            lower = max(lower, cost)
            interim(best, lower)
            if upper is not None and upper <= lower:
                break
            # Put-aside sets still open: of the current size, and meeting every core found since.
            skipped = [h for h in skipped if len(h) == cost and all(h.intersection(core) for core in cores)]
            if rebuild and len(skipped) >= SWITCH_AFTER and not switched and deadline - time.perf_counter() > 2 * built:
                # Sets undecided by both quick calls: the same questions again over the other encoding of
                # the busy cap (a new solver; the cores, over level numbers, still hold).
                solver.delete()
                model = _build(pb, BUSY_CAP)
                enc, softs, solver = model.enc, model.softs, model.solver
                # The rate measured so far sizes the new solver's first call too: at the default (20,000
                # conflicts a second) its 20,000-conflict call ran 2.9 s past the deadline (rate ~4,000).
                sat = _Calls(solver, deadline, sat.rate)
                switched, quick, counter, skipped = True, SWITCHED_QUICK_BUDGET, None, []
            sink = False
            if skipped:
                other = None
                if len(skipped) < ROTATE_MAX:
                    other, _size = hits.minimum(floor, lean, skipped, cost)
                chosen, sink = (skipped[0], True) if other is None else (other, False)
            if stale >= wait:
                # Many cores of equal cost: ask the counter whether `lower` breaks in all can be.
                if counter is None:
                    brk = [v for lits in enc.brk_of for v in lits]
                    pool = enc.cnf.pool
                    counter = ITotalizer(lits=brk, ubound=min(len(brk), (upper or lower + 8) + 1), top_id=pool.top)
                    pool.top = counter.top_id
                    for clause in counter.cnf.clauses:
                        solver.add_clause(clause)
                if lower >= len(counter.rhs):
                    break
                ok = sat.solve([-counter.rhs[lower]], COUNTER_BUDGET)
                if ok is False:
                    floor = lower + 1
                    stale = 0
                    continue
                if ok:
                    best = _slots_from(pb, enc.x, sat.model().__contains__)
                    upper = _objective(pb, best)[0]
                    break
                # Undecided (at the optimum it is satisfiable, and slow): more cores first, twice as many
                # before the same question again (each such call took 0.3–0.75 s on the 14-table crafb
                # events, asked every 20 cores along a plateau of 40–60: 1–1.3 s of an 8.5 s search).
                stale, wait = 0, 2 * wait
            assumptions = [-softs[i] for i in range(len(softs)) if i not in chosen]
            ok = _ask(sat, assumptions) if sink else sat.solve(assumptions, quick)
            if switched and not sink:
                # The rebuilt solver's longer quick calls pay where they answer (ticf-13crafc's first:
                # 9,000–13,000 conflicts, the rest a few hundred); where they are left open in a row, as on
                # forum-13crafb (six 20,000-conflict calls, 6.8 s of a 9 s search, 2 December 2026), the
                # quick budget goes back to what it was.
                missed = missed + 1 if ok is None else 0
                if missed >= SWITCHED_MISSES:
                    quick = QUICK_BUDGET
            if ok is None and not sink and _only_one(hits, floor, chosen, cost):
                # No other set of this size to turn to: the call goes on where it stopped (CP-SAT, asked
                # first, ran out of time on forum-14's only set of size 2 — 2.6 s — where CaDiCaL went on
                # to find the schedule in 1 s more; 1 December 2026, calibration 300 ms).
                ok = _ask(sat, assumptions)
            if ok is None and not sink:
                # Hard for clause learning: CP-SAT's presolve often settles it at once (no core, though:
                # a refutation only says "not all the levels outside this set").
                limits: dict[int, int] = {}
                for i in chosen:
                    limits[owner[i]] = limits.get(owner[i], 0) + 1
                key = frozenset(limits.items())
                left = deadline - time.perf_counter()
                if key in asked or not cp_checks:
                    status, found = "unknown", None  # asked before (the first question, mostly)
                else:
                    asked.add(key)
                    cp_seconds = min(CP_CHECK_MAX_SECONDS, CP_CHECK_SHARE * left)
                    status, found = no_break_schedule(pb, cp_seconds, seed, limits)
                if status == "found" and found is not None:
                    total = _objective(pb, found)[0]
                    if upper is None or total < upper:
                        best, upper = found, total
                    break  # at most |H| breaks: meets the bound
                if status == "none":
                    cores.append([i for i in range(len(softs)) if i not in chosen])
                    share_core(cores[-1])
                    stale += 1
                    continue
                # Undecided: another set of the same size may be easy (on forum-13crafc "everyone but
                # participant p without a break" is found or refuted within a second for 64 of the 70
                # participants, and open after 30 s for the rest). Only after ROTATE_MAX such sets does
                # one get the rest of the time.
                skipped.append(chosen)
                continue
            if ok is None:
                break
            if ok:
                found = _slots_from(pb, enc.x, sat.model().__contains__)
                total = _objective(pb, found)[0]
                if upper is None or total < upper:
                    best, upper = found, total
                if upper <= lower:
                    break
                continue
            core = _trim(sat, [model.index[-lit] for lit in solver.get_core() or []], softs)
            if not core:
                # Refuted without any level: no schedule holds every usable meeting.
                return MaxSatResult(None, True, 0) if best is None else MaxSatResult(best, False, lower)
            cores.append(core)
            share_core(core)
            stale += 1
        if best is None:
            return None
        if upper is None or upper > lower:
            return MaxSatResult(best, False, lower)
        interim(best, upper)
        levels = [[softs[i] for i in mine] for mine in levels_of.values()]
        return MaxSatResult(*_least_worst(pb, enc, sat, levels, best, upper), upper)
    finally:
        solver.delete()
        hits.delete()


@dataclass
class _Model:
    """The hard clauses, the level literals and the solver holding them. The levels are numbered the same
    way in every build (participant by participant, "more than 0, 1, … breaks"), so cores and hitting
    sets — lists of those numbers — carry over from one build to another."""

    enc: _Encoding
    softs: list[int]  # the level literals: softs[i] true ⇔ (at least) owner[i] has more than j breaks
    nested: list[tuple[int, int]]  # (index of level j+1, index of level j) of one participant
    first_level: list[int]
    owner: list[int]  # the participant of each level
    levels_of: dict[int, list[int]]  # participant → her levels, "more than 0, 1, … breaks"
    index: dict[int, int]  # level literal → its number
    solver: object


def _build(pb: Problem, busy_cap: str | None) -> _Model:
    """The block encoding with a totaliser of levels per participant and her run starts, in CaDiCaL."""
    from pysat.card import ITotalizer  # optional MaxSAT back end
    from pysat.solvers import Solver

    enc = _encode(pb, "seqcounter", 6, "index", breaks="block", busy_cap=busy_cap)
    pool = enc.cnf.pool
    softs: list[int] = []
    nested: list[tuple[int, int]] = []
    first_level: list[int] = []
    owner: list[int] = []
    levels_of: dict[int, list[int]] = {}
    spread = pb.instance.max_break_spread
    for p, lits in enumerate(enc.brk_of):
        if not lits:
            continue
        top = len(lits) if spread is None else min(len(lits), spread)
        if top == 0:
            continue
        owner.extend([p] * top)
        levels_of[p] = list(range(len(softs), len(softs) + top))
        tot = ITotalizer(lits=lits, ubound=top, top_id=pool.top)
        pool.top = tot.top_id
        enc.cnf.clauses.extend(tot.cnf.clauses)
        for j in range(top):
            if j:
                nested.append((len(softs), len(softs) - 1))
            else:
                first_level.append(len(softs))
            softs.append(tot.rhs[j])
        # Asked "p has no break" (her first level false), the solver also knows her meetings fill one run.
        _run_starts(enc.cnf, pb, p, enc.busy, tot.rhs[0])
    index = {v: i for i, v in enumerate(softs)}
    solver = Solver(name="cadical195", bootstrap_with=enc.cnf.clauses)
    return _Model(enc, softs, nested, first_level, owner, levels_of, index, solver)


def _ask(sat: _Calls, assumptions: list[int]) -> bool | None:
    """One question until it is answered or the time is up, in slices of about :data:`SLICE_SECONDS` at
    the measured rate: a single call sized from the rate so far overran the deadline by seconds when the
    rate fell (4,000 against 12,000 conflicts a second measured earlier), and the process was killed with
    its schedule."""
    ok = None
    while ok is None and not sat.out_of_time():
        ok = sat.solve(assumptions, max(5000, int(sat.rate * SLICE_SECONDS)))
    return ok


def _trim(sat: _Calls, core: list[int], softs: list[int]) -> list[int]:
    """A smaller core when asking again with only this one's assumptions yields one (bounded effort)."""
    for _ in range(TRIM_ROUNDS):
        if len(core) <= 1:
            break
        ok = sat.solve([-softs[i] for i in core], TRIM_BUDGET)
        if ok is not False:
            break
        used = set(sat.solver.get_core() or [])
        smaller = [i for i in range(len(softs)) if -softs[i] in used]
        if len(smaller) >= len(core):
            break
        core = smaller
    return core


def _given_up(pb: Problem, levels_of: dict[int, list[int]], best: list[int] | None) -> set[int]:
    """The levels the incumbent gives up (participant p with b breaks: her levels 0 … b-1)."""
    if best is None:
        return set()
    out: set[int] = set()
    for p, levels in levels_of.items():
        out.update(levels[: pb.breaks_of(p, _busy_mask(pb, best, p))])
    return out


def _only_one(hits: _HittingSets, floor: int, chosen: set[int], cost: int) -> bool:
    """Whether ``chosen`` is the only minimum hitting set (of ``cost`` levels) of the cores so far."""
    other, _size = hits.minimum(floor, None, [chosen], cost)
    return other is None


class _HittingSets:
    """Minimum hitting sets of the cores found so far, with a participant's levels given up bottom-up.

    Every level costs 1, so the minimum is the least k for which "every core hit with at most k levels" is
    satisfiable: a small incremental SAT solver (level i is variable i + 1) holding each core as a clause,
    with totalisers for "at most k" (and "at least ``floor``", "at least w of the lean levels") asked
    through assumptions. A totaliser's clauses only define its outputs, so one that is not assumed
    constrains nothing, and the clauses for sets to avoid hang on a selector switched off after the call.
    It was a 0-1 programme (HiGHS through scipy) before, with the lean as a fractional tie-break: with
    60–160 cores of 25–43 levels its branch and bound took 0.07–0.4 s a call — 15.6 s of a 25 s search on
    ticf-13crafb, more than the SAT calls themselves (1–2 December 2026) — and a fresh solver a call was
    slow again at tic-13crafc's 2,000 small cores.
    """

    def __init__(self, n: int, nested: list[tuple[int, int]]) -> None:
        from pysat.solvers import Solver  # optional MaxSAT back end

        self.n = n
        self.solver = Solver(name="glucose4")
        for upper_level, lower_level in nested:
            self.solver.add_clause([-(upper_level + 1), lower_level + 1])
        self.top = n
        self.size = self._totaliser([i + 1 for i in range(n)], min(n, 8)) if n else None
        self.least = 0  # no hitting set of the cores added so far is smaller (they are only ever added)
        self.floor_at: tuple[int, list[int]] | None = None  # "at least floor": (floor, its totaliser's outputs)
        self.lean_at: tuple[frozenset[int], object] | None = None

    def _totaliser(self, lits: list[int], ubound: int) -> object:
        from pysat.card import ITotalizer  # optional MaxSAT back end

        tot = ITotalizer(lits=lits, ubound=ubound, top_id=self.top)
        self.top = tot.top_id
        for clause in tot.cnf.clauses:
            self.solver.add_clause(clause)
        return tot

    def _at_most(self, k: int) -> list[int]:
        """The assumption "at most k levels given up" (the totaliser grown as needed)."""
        if k >= self.n:
            return []
        if k >= len(self.size.rhs):
            before = len(self.size.cnf.clauses)
            self.size.increase(ubound=min(self.n, 2 * k + 1), top_id=self.top)
            self.top = max(self.top, self.size.top_id)
            for clause in self.size.cnf.clauses[before:]:
                self.solver.add_clause(clause)
        return [-self.size.rhs[k]]

    def _at_least_floor(self, floor: int) -> list[int]:
        """The assumption "at least ``floor`` levels given up": at most n − floor levels kept."""
        if floor <= 0:
            return []
        if self.floor_at is None or self.floor_at[0] != floor:
            tot = self._totaliser([-(i + 1) for i in range(self.n)], self.n - floor + 1)
            self.floor_at = (floor, tot.rhs)
        rhs = self.floor_at[1]
        return [-rhs[self.n - floor]] if self.n - floor < len(rhs) else []

    def _at_least_lean(self, lean: frozenset[int], wanted: int) -> list[int]:
        """The assumption "at least ``wanted`` of ``lean`` given up" (a totaliser per lean set, kept)."""
        if self.lean_at is None or self.lean_at[0] != lean:
            self.lean_at = (lean, self._totaliser([-(i + 1) for i in sorted(lean)], len(lean)))
        rhs = self.lean_at[1].rhs
        return [-rhs[len(lean) - wanted]] if len(lean) - wanted < len(rhs) else []

    def add(self, core: list[int]) -> None:
        self.solver.add_clause([i + 1 for i in core])

    def _solve(self, assumptions: list[int]) -> set[int] | None:
        if not self.solver.solve(assumptions=assumptions):
            return None
        model = self.solver.get_model()
        return {i for i in range(self.n) if model[i] > 0}

    def minimum(
        self,
        floor: int = 0,
        lean: set[int] | None = None,
        avoid: list[set[int]] = (),
        most: int | None = None,
    ) -> tuple[set[int] | None, int]:
        """A minimum hitting set of at least ``floor`` levels (a bound the counter proved) and its size;
        among minimum ones, one with most of ``lean`` (the incumbent's: the SAT call then starts near a
        schedule it knows). ``avoid`` and ``most`` ask for another set of at most ``most`` levels than those
        in ``avoid`` (None when there is none): its size is no lower bound then."""
        base = self._at_least_floor(floor)
        selector = None
        if avoid:
            self.top += 1
            selector = self.top
            for seen in avoid:
                # Not this set again: a level outside it given up, or one of its levels kept.
                out = [i + 1 for i in range(self.n) if i not in seen] + [-(i + 1) for i in seen]
                self.solver.add_clause([-selector, *out])
            base.append(selector)
        try:
            if most is not None:
                sizes: range | list[int] = [most]
            else:
                sizes = range(max(self.least, floor), self.n + 1)
            for k in sizes:
                chosen = self._solve([*base, *self._at_most(k)])
                if chosen is None:
                    if most is None and not avoid:
                        self.least = k + 1
                    continue
                if most is None and not avoid:
                    self.least = k
                leaning = frozenset(lean or ())
                # The most lean levels a minimum set can hold, from the most possible down.
                for wanted in range(min(k, len(leaning)), len(chosen & leaning), -1):
                    leaner = self._solve([*base, *self._at_most(k), *self._at_least_lean(leaning, wanted)])
                    if leaner is not None:
                        chosen = leaner
                        break
                return chosen, len(chosen)
            return None, 0
        finally:
            if selector is not None:
                self.solver.add_clause([-selector])

    def delete(self) -> None:
        self.solver.delete()


def _least_worst(
    pb: Problem, enc: _Encoding, sat: _Calls, levels: list[list[int]], best: list[int], total: int
) -> tuple[list[int], bool]:
    """Among schedules with ``total`` breaks, lower the worst participant's breaks while a SAT call finds
    one ("nobody above worst − 1", total capped by a counter over every break variable); ``levels`` holds
    each participant's level literals, "more than 0, 1, … breaks"."""
    from pysat.card import ITotalizer  # optional MaxSAT back end

    worst = _objective(pb, best)[1]
    floor = 1 if total else 0
    if worst <= floor:
        return best, True
    brk = [v for lits in enc.brk_of for v in lits]
    tot = ITotalizer(lits=brk, ubound=min(total + 1, len(brk)), top_id=enc.cnf.pool.top)
    for clause in tot.cnf.clauses:
        sat.solver.add_clause(clause)
    cap = [-tot.rhs[total]] if total < len(tot.rhs) else []
    while worst > floor:
        forbid = [-mine[worst - 1] for mine in levels if len(mine) >= worst]  # nobody at `worst` or more
        ok = _ask(sat, [*cap, *forbid])
        if ok is None:
            return best, False
        if not ok:
            return best, True
        best = _slots_from(pb, enc.x, sat.model().__contains__)
        worst = _objective(pb, best)[1]
        interim(best, total)
    return best, True
