"""The hitting-set proof of the fewest breaks (``hitting.py``), its block-end encoding with span clauses
(``maxsat._block_starts``) and the CP-SAT question "no break, but for these few?" (``nobreak.py``), each
against brute force on small events where holding every meeting often forces breaks (sessions, the
"idle" rule with an unavailable slot, spread rules)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.engines.schedule.sched_helpers import instance
from tests.engines.schedule.test_sched_ascending import all_held, gappy_events, optimum_and_worst

from bridgehead.engines.schedule import maxsat
from bridgehead.engines.schedule.model import Meeting, Participant, Problem

pytestmark = pytest.mark.skipif(not maxsat.available(), reason="MaxSAT back end not installed")

SLOW = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


def _breaks(pb: Problem, slot_of: list[int]) -> list[int]:
    return [pb.breaks_of(p, maxsat._busy_mask(pb, slot_of, p)) for p in range(pb.n_parts)]


@SLOW
@given(gappy_events())
def test_block_encoding_counts_exactly_the_breaks_of_every_schedule(inst):
    """For each valid schedule, its slots as assumptions: "at most b break ends" is satisfiable for its
    breaks b and not below — a span clause that cut off a valid schedule, or a break end that a break
    does not force, fails here."""
    from pysat.card import ITotalizer
    from pysat.solvers import Solver

    pb = Problem(inst)
    assume(maxsat.applicable(pb, True))
    schedules = all_held(pb)
    assume(schedules)
    enc = maxsat._encode(pb, "seqcounter", 6, "index", breaks="block")
    brk = [v for lits in enc.brk_of for v in lits]
    assume(brk)
    tot = ITotalizer(lits=brk, ubound=len(brk), top_id=enc.cnf.pool.top)
    with Solver(name="cadical195", bootstrap_with=enc.cnf.clauses + tot.cnf.clauses) as solver:
        for (total, _), slot_of in schedules:
            fix = [v if slot_of[m] == s else -v for (m, s), v in enc.x.items()]
            at_most = [-tot.rhs[total]] if total < len(tot.rhs) else []
            assert solver.solve(assumptions=fix + at_most), "a valid schedule was cut off"
            if total:
                assert not solver.solve(assumptions=[*fix, -tot.rhs[total - 1]]), "a break went uncounted"


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 7).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n - 1))),
    st.sampled_from(["mtotalizer", "kmtotalizer", "seqcounter"]),
    st.booleans(),
)
def test_at_most_in_a_given_encoding_keeps_exactly_the_assignments_within_the_bound(nk, encoding, guarded):
    """``_Cnf.at_most(..., encoding=e)`` (the busy cap of the hitting sets is a modulo totaliser while the
    rest of the CNF uses the sequential counter): every assignment of the literals with at most k true is
    kept, every one with more is refuted — unless the guard holds, which keeps them all."""
    import itertools

    from pysat.solvers import Solver

    n, k = nk
    cnf = maxsat._Cnf("seqcounter", 1)  # k = 1 over more than one literal goes through the encoding too
    lits = [cnf.var("x", i) for i in range(n)]
    guard = cnf.var("guard") if guarded else None
    cnf.at_most(lits, k, guard=guard, encoding=encoding)
    with Solver(name="cadical195", bootstrap_with=cnf.clauses) as solver:
        for values in itertools.product([False, True], repeat=n):
            fix = [v if on else -v for v, on in zip(lits, values, strict=True)]
            assert solver.solve(assumptions=fix + ([-guard] if guarded else [])) == (sum(values) <= k)
            if guarded:
                assert solver.solve(assumptions=[*fix, guard])


def test_the_busy_cap_in_its_own_encoding_keeps_exactly_the_valid_schedules():
    """Three pairs, three slots, one table, so that "at most 2 × tables participants busy in a slot" is
    tight: the hitting sets' encoding (busy cap in :data:`hitting.BUSY_CAP`) is a different CNF from the
    plain one, and keeps exactly the placements with one meeting per slot, as the plain one does."""
    import itertools

    from pysat.solvers import Solver

    from bridgehead.engines.schedule.hitting import BUSY_CAP

    people = [Participant(f"p{i}") for i in range(6)]
    ms = [Meeting(id=f"m{i}", participants=(f"p{2 * i}", f"p{2 * i + 1}")) for i in range(3)]
    pb = Problem(instance(3, people, ms, tables=1))
    plain = maxsat._encode(pb, "seqcounter", 6, "index", breaks="block")
    enc = maxsat._encode(pb, "seqcounter", 6, "index", breaks="block", busy_cap=BUSY_CAP)
    assert sorted(map(sorted, enc.cnf.clauses)) != sorted(map(sorted, plain.cnf.clauses))
    for e in (plain, enc):
        with Solver(name="cadical195", bootstrap_with=e.cnf.clauses) as solver:
            for placement in itertools.product(range(3), repeat=3):
                fix = [v if placement[m] == s else -v for (m, s), v in e.x.items()]
                assert solver.solve(assumptions=fix) == (len(set(placement)) == 3)


@SLOW
@given(gappy_events())
def test_run_starts_keep_exactly_the_schedules_in_which_the_participant_has_no_break(inst):
    """With its guard false, ``_run_starts`` keeps a valid schedule exactly when the participant has no
    break in it (a start variable that cut off a run, or let a gap through, fails here); with the guard
    true, or for a participant it does not apply to, it keeps them all."""
    from pysat.solvers import Solver

    pb = Problem(inst)
    schedules = all_held(pb)
    assume(schedules)
    enc = maxsat._encode(pb, "seqcounter", 6, "index", breaks="block")
    guard = {p: enc.cnf.var("guard", p) for p in range(pb.n_parts)}
    applies = {p: maxsat._run_starts(enc.cnf, pb, p, enc.busy, guard[p]) for p in range(pb.n_parts)}
    with Solver(name="cadical195", bootstrap_with=enc.cnf.clauses) as solver:
        for _, slot_of in schedules:
            fix = [v if slot_of[m] == s else -v for (m, s), v in enc.x.items()]
            for p, no_break in enumerate(b == 0 for b in _breaks(pb, slot_of)):
                assert solver.solve(assumptions=[*fix, guard[p]])
                assert solver.solve(assumptions=[*fix, -guard[p]]) == (no_break or not applies[p])


def test_run_starts_apply_only_within_one_session_free_of_unavailable_slots():
    """p1's and p3's meetings can take either session, p0 cannot attend t0: none of them gets start
    variables; p2, with two meetings in the first session and every slot free, does — and then her two
    meetings are adjacent."""
    from pysat.solvers import Solver

    people = [Participant("p0", unavailable=("t0",)), Participant("p1"), Participant("p2"), Participant("p3")]
    meetings = [
        Meeting(id="a", participants=("p0", "p2"), slots=("t0", "t1", "t2")),
        Meeting(id="b", participants=("p2", "p3"), slots=("t0", "t2")),
        Meeting(id="c", participants=("p1", "p3"), slots=("t1", "t4")),
        Meeting(id="d", participants=("p1", "p0"), slots=("t1", "t2")),
    ]
    pb = Problem(instance(6, people, meetings, tables=2, sessions=(3, 3)))
    enc = maxsat._encode(pb, "seqcounter", 6, "index", breaks="block")
    guard = {p: enc.cnf.var("guard", p) for p in range(pb.n_parts)}
    applies = [maxsat._run_starts(enc.cnf, pb, p, enc.busy, guard[p]) for p in range(pb.n_parts)]
    assert applies == [False, False, True, False]
    with Solver(name="cadical195", bootstrap_with=enc.cnf.clauses) as solver:
        assert solver.solve(assumptions=[-guard[2]])
        held = {s for (m, s), v in enc.x.items() if m in (0, 1) and v in set(solver.get_model())}
        assert sorted(held) in ([0, 1], [1, 2])  # a in t0 and b in t2 would leave her a gap
        x = enc.x
        assert not solver.solve(assumptions=[-guard[2], x[0, 2], x[1, 0]])  # t0 and t2: a gap in t1
        assert solver.solve(assumptions=[guard[2], x[0, 2], x[1, 0]])


@SLOW
@given(gappy_events())
def test_hitting_sets_prove_the_optimum_from_the_worst_incumbent_or_none(inst):
    from bridgehead.engines.schedule.hitting import solve_hitting

    pb, schedules, best, worst_schedule = optimum_and_worst(inst)
    for hint in (worst_schedule, None):
        result = solve_hitting(pb, 10.0, hint)
        assert result is not None and result.proven
        assert maxsat._objective(pb, result.slot_of) == best
        assert any(result.slot_of == s for _, s in schedules)  # a schedule that keeps every hard rule
        assert result.lower == best[0]


@SLOW
@given(gappy_events(), st.data())
def test_no_break_question_matches_brute_force_with_and_without_exceptions(inst, data):
    """``no_break_schedule`` finds a schedule exactly when one exists in which only the named participants
    have breaks (at most as many as allowed), and what it finds is such a schedule."""
    from bridgehead.engines.schedule.nobreak import no_break_schedule

    pb = Problem(inst)
    assume(maxsat.applicable(pb, True))
    schedules = all_held(pb)
    allowed = data.draw(st.dictionaries(st.integers(0, pb.n_parts - 1), st.integers(1, 2), max_size=2))
    status, found = no_break_schedule(pb, 10.0, 0, allowed)
    fitting = [s for _, s in schedules if all(b <= allowed.get(p, 0) for p, b in enumerate(_breaks(pb, s)))]
    if fitting:
        assert status == "found"
        assert found in fitting
    else:
        assert status == "none" and found is None


def _hitting_set(n, cores, nested, floor=0, lean=None, avoid=(), most=None):
    """A minimum hitting set of these cores from a fresh ``_HittingSets`` (the search keeps one)."""
    from bridgehead.engines.schedule.hitting import _HittingSets

    sets = _HittingSets(n, nested)
    try:
        for core in cores:
            sets.add(core)
        return sets.minimum(floor, lean, avoid, most)
    finally:
        sets.delete()


def test_hitting_set_is_minimum_keeps_levels_nested_and_respects_the_floor():
    # Levels 0,1 of participant A (1 nested on 0) and level 2 of participant B.
    nested = [(1, 0)]
    chosen, cost = _hitting_set(3, [[1, 2], [0, 2]], nested)
    assert (chosen, cost) == ({2}, 1)
    chosen, cost = _hitting_set(3, [[1]], nested)
    assert (chosen, cost) == ({0, 1}, 2)  # level 1 given up only with level 0
    chosen, cost = _hitting_set(3, [[0, 2]], nested, floor=2)
    assert cost == 2 and len(chosen) == 2
    chosen, cost = _hitting_set(3, [[0, 2]], nested, lean={0})
    assert chosen == {0}  # of two minimum sets, the one the incumbent gives up


@SLOW
@given(gappy_events())
def test_ascending_search_over_block_ends_proves_the_brute_force_optimum(inst):
    """The side-by-side partner of the hitting sets on two threads: "at most k break ends" from below."""
    pb, schedules, best, worst_schedule = optimum_and_worst(inst)
    result = maxsat._solve_ascending(pb, 10.0, "seqcounter", 6, "index", worst_schedule, breaks="block")
    assert result is not None and result.proven
    assert maxsat._objective(pb, result.slot_of) == best
    assert any(result.slot_of == s for _, s in schedules)


def test_two_threads_run_two_hitting_set_searches_side_by_side(monkeypatch):
    """Which configurations start, and that they start together: on two threads one group of two."""
    started: list[list[str]] = []

    def fake_run(pb, group, budget, should_stop, hint):
        started.append([c[0] for c in group])
        return []

    monkeypatch.setattr(maxsat, "_run_children", fake_run)
    maxsat.solve_breaks_maxsat(None, time_limit=5.0, threads=2)
    assert started == [["hitting-rebuild", "hitting-plain"]]
    started.clear()
    maxsat.solve_breaks_maxsat(None, time_limit=5.0, threads=1)
    assert started == [[c[0]] for c in maxsat.CONFIGS]


# Found by the property test above: the neighbourhood search proves the total (3) optimal at once, and the
# hitting sets returned its schedule as proven — with one participant at 2 breaks where (3, 1) exists.
LNS_SETTLES_THE_TOTAL_ONLY = {
    "format": "bridgehead-schedule-instance/1",
    "name": "t",
    "slots": [
        {"id": "t0", "start": "2024-06-03T09:00:00Z", "minutes": 30, "session": "S0"},
        {"id": "t1", "start": "2024-06-03T09:30:00Z", "minutes": 30, "session": "S0"},
        {"id": "t2", "start": "2024-06-03T10:00:00Z", "minutes": 30, "session": "S0"},
        {"id": "t3", "start": "2024-06-03T10:30:00Z", "minutes": 30, "session": "S0"},
        {"id": "t4", "start": "2024-06-03T11:00:00Z", "minutes": 30, "session": "S0"},
    ],
    "tables": 2,
    "break_rule": "any",
    "max_break_spread": None,
    "participants": [
        {"id": "p0", "unavailable": ["t0"], "max_meetings": None},
        {"id": "p1", "unavailable": [], "max_meetings": None},
        {"id": "p2", "unavailable": [], "max_meetings": None},
        {"id": "p3", "unavailable": [], "max_meetings": None},
    ],
    "meetings": [
        {
            "id": "m0",
            "participants": ["p1", "p2"],
            "weight": 1.0,
            "mode": "in_person",
            "fixed": None,
            "slots": ["t1", "t3"],
        },
        {
            "id": "m1",
            "participants": ["p1", "p3"],
            "weight": 1.0,
            "mode": "in_person",
            "fixed": None,
            "slots": ["t0", "t1"],
        },
        {"id": "m2", "participants": ["p0", "p3"], "weight": 1.0, "mode": "in_person", "fixed": None, "slots": ["t2"]},
        {
            "id": "m3",
            "participants": ["p0", "p3"],
            "weight": 1.0,
            "mode": "in_person",
            "fixed": None,
            "slots": ["t0", "t4"],
        },
    ],
}


def test_a_total_proved_by_the_neighbourhood_search_still_gets_the_worst_participant_stage():
    from bridgehead.engines.schedule import io
    from bridgehead.engines.schedule.hitting import solve_hitting

    pb = Problem(io.instance_from_dict(LNS_SETTLES_THE_TOTAL_ONLY))
    schedules = all_held(pb)
    best = min(key for key, _ in schedules)
    worst_schedule = max(schedules, key=lambda ks: ks[0])[1]
    assert best == (3, 1)
    result = solve_hitting(pb, 10.0, worst_schedule)
    assert result is not None and result.proven
    assert maxsat._objective(pb, result.slot_of) == best


def test_another_hitting_set_of_the_same_size_or_none():
    """The put-aside sets are excluded, the size is capped, and the minimum itself is unchanged."""
    cores = [[0, 1], [1, 2]]
    assert _hitting_set(3, cores, []) == ({1}, 1)
    assert _hitting_set(3, cores, [], avoid=[{1}], most=1) == (None, 0)  # {1} is the only one of size 1
    assert _hitting_set(3, cores, [], avoid=[{1}], most=2)[0] in ({0, 2}, {0, 1}, {1, 2})
    assert _hitting_set(3, [[0, 1]], [], avoid=[{0}], most=1) == ({1}, 1)
    # Nested levels (level 1 of a participant only after her level 0): {1} alone is not allowed.
    assert _hitting_set(3, [[0, 1]], [(1, 0)], avoid=[{0}], most=1) == (None, 0)
    assert _hitting_set(2, [], [], avoid=[set()], most=0) == (None, 0)  # the empty set was the only one


def _every_quick_call_undecided(patch: pytest.MonkeyPatch) -> None:
    """Leave every quick question of the hitting sets undecided — the SAT call on its small budget, over
    either busy cap, and CP-SAT — so that sets are put aside; longer calls answer as usual."""
    from bridgehead.engines.schedule import hitting

    quick = object()
    real_solve = maxsat._Calls.solve

    def undecided_when_quick(self, assumptions, budget):
        return None if budget is quick else real_solve(self, assumptions, budget)

    patch.setattr(hitting, "QUICK_BUDGET", quick)
    patch.setattr(hitting, "SWITCHED_QUICK_BUDGET", quick)
    patch.setattr(maxsat._Calls, "solve", undecided_when_quick)
    patch.setattr(hitting, "no_break_schedule", lambda *args: ("unknown", None))
    patch.setattr(hitting, "LNS_SHARE", 0.0)  # the neighbourhood search settles small events on its own


@SLOW
@given(gappy_events())
def test_hitting_sets_put_aside_when_undecided_still_prove_the_optimum(inst):
    """Every quick call undecided (the SAT call on its small budget and CP-SAT): the loop puts sets aside,
    tries others of the same size, then asks one until it is answered — and still proves the optimum."""
    from bridgehead.engines.schedule import hitting

    pb, _schedules, best, worst_schedule = optimum_and_worst(inst)
    with pytest.MonkeyPatch.context() as patch:
        _every_quick_call_undecided(patch)
        result = hitting.solve_hitting(pb, 10.0, worst_schedule)
    assert result is not None and result.proven
    assert maxsat._objective(pb, result.slot_of) == best
    assert result.lower == best[0]


def _two_undecided_sets() -> Problem:
    """Three people, five slots, two tables: with every quick call undecided, two minimum hitting sets are
    put aside, so the solver is rebuilt; the optimum is 2 breaks, worst 1 (by brute force)."""
    people = [Participant(f"p{i}") for i in range(3)]
    ms = [
        Meeting(id="m0", participants=("p2", "p0"), slots=("t0", "t4")),
        Meeting(id="m1", participants=("p0", "p2"), slots=("t1", "t4")),
        Meeting(id="m2", participants=("p2", "p1"), slots=("t4",)),
        Meeting(id="m3", participants=("p0", "p1"), slots=("t2", "t3")),
    ]
    return Problem(instance(5, people, ms, tables=2))


def test_undecided_hitting_sets_rebuild_the_solver_once_with_the_other_busy_cap_and_keep_their_cores():
    """Two minimum hitting sets, both undecided by the quick calls: the solver is built again with the busy
    cap in :data:`hitting.BUSY_CAP` — once, however often the sets stay undecided after it — and the cores
    found before still count, so the optimum (2 breaks, worst 1, by brute force) is proven."""
    from bridgehead.engines.schedule import hitting

    pb = _two_undecided_sets()
    assert min(key for key, _ in all_held(pb)) == (2, 1)
    builds: list[str | None] = []
    real_build = hitting._build

    def build(pb, busy_cap):
        builds.append(busy_cap)
        return real_build(pb, busy_cap)

    with pytest.MonkeyPatch.context() as patch:
        _every_quick_call_undecided(patch)
        patch.setattr(hitting, "_build", build)
        result = hitting.solve_hitting(pb, 10.0, None)
    assert builds == [None, hitting.BUSY_CAP]
    assert result is not None and result.proven and result.lower == 2
    assert maxsat._objective(pb, result.slot_of) == (2, 1)


def test_no_rebuild_when_less_time_is_left_than_two_builds_take():
    """The rebuild costs about what the first build did (0.6–1.9 s on the B2B events at calibration 400 ms):
    with less than twice that left, the sets stay with the solver they have instead of the search ending in
    a build (seen: a 30 s search ending at 31.3 s, rebuilding at 30.05 s)."""
    from bridgehead.engines.schedule import hitting

    pb = _two_undecided_sets()
    builds: list[str | None] = []
    real_build = hitting._build

    def slow_build(pb, busy_cap):
        builds.append(busy_cap)
        time.sleep(0.5)  # a slow machine's build
        return real_build(pb, busy_cap)

    with pytest.MonkeyPatch.context() as patch:
        _every_quick_call_undecided(patch)
        patch.setattr(hitting, "_build", slow_build)
        hitting.solve_hitting(pb, 1.2, None)
    assert builds == [None]


def test_the_rebuilt_solver_s_calls_are_sized_by_the_rate_measured_before():
    """A new solver's first call is capped by the conflicts a second measured on the old one, not by the
    default of 20,000: on ticf-13crafc (about 4,000 a second) the rebuilt solver's 20,000-conflict call, made
    with 2.2 s left, ended 2.9 s past the deadline, and the process was killed with its proof."""
    from bridgehead.engines.schedule import hitting

    pb = _two_undecided_sets()
    calls: list[maxsat._Calls] = []
    rates: list[float] = []
    real_init, real_build = maxsat._Calls.__init__, hitting._build

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        calls.append(self)
        rates.append(self.rate)

    def build(pb, busy_cap):
        if calls:  # the rebuild: the old solver has measured a slow machine
            calls[-1].rate = 1234.0
        return real_build(pb, busy_cap)

    with pytest.MonkeyPatch.context() as patch:
        _every_quick_call_undecided(patch)
        patch.setattr(maxsat._Calls, "__init__", init)
        patch.setattr(hitting, "_build", build)
        result = hitting.solve_hitting(pb, 10.0, None)
    assert rates == [20_000.0, 1234.0]
    assert result is not None and result.proven


def test_only_one_minimum_hitting_set_or_several():
    from bridgehead.engines.schedule.hitting import _HittingSets, _only_one

    def sets(n: int, cores: list[list[int]]) -> _HittingSets:
        hits = _HittingSets(n, [])
        for core in cores:
            hits.add(core)
        return hits

    assert _only_one(sets(3, [[0], [1]]), 0, {0, 1}, 2)
    assert not _only_one(sets(3, [[0], [1, 2]]), 0, {0, 1}, 2)  # {0, 2} as well
    assert _only_one(sets(2, []), 0, set(), 0)  # no core: nothing given up is the only minimum


@SLOW
@given(gappy_events())
def test_an_undecided_set_with_no_other_of_its_size_is_asked_on_not_sent_to_cp_sat(inst):
    """With no other set to turn to, the SAT call goes on (CP-SAT took 2.6 s and did not answer forum-14's
    only set of size 2, which CaDiCaL then answered in 1 s more). The first question ("no break at all")
    is CP-SAT's before any core; after it, CP-SAT is never asked when every set is the only one."""
    from bridgehead.engines.schedule import hitting

    pb, _schedules, best, worst_schedule = optimum_and_worst(inst)
    quick = object()
    real_solve = maxsat._Calls.solve
    asked: list[object] = []

    def undecided_when_quick(self, assumptions, budget):
        return None if budget is quick else real_solve(self, assumptions, budget)

    def no_break(pb, seconds, seed, limits=None):
        asked.append(limits)
        return "unknown", None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hitting, "QUICK_BUDGET", quick)
        patch.setattr(maxsat._Calls, "solve", undecided_when_quick)
        patch.setattr(hitting, "no_break_schedule", no_break)
        patch.setattr(hitting, "_only_one", lambda *args: True, raising=False)
        patch.setattr(hitting, "LNS_SHARE", 0.0)
        result = hitting.solve_hitting(pb, 10.0, worst_schedule)
    assert all(limits is None for limits in asked)  # only the first question, "no break at all"
    assert result is not None and result.proven
    assert maxsat._objective(pb, result.slot_of) == best


@st.composite
def _levels_and_cores(draw) -> tuple[int, list[tuple[int, int]], list[list[int]]]:
    """Levels of 2–4 participants (1–3 each, nested bottom-up) and cores over them, in the order found."""
    counts = draw(st.lists(st.integers(1, 3), min_size=2, max_size=4))
    nested = []
    n = 0
    for c in counts:
        nested += [(n + j, n + j - 1) for j in range(1, c)]
        n += c
    cores = draw(st.lists(st.lists(st.integers(0, n - 1), min_size=1, max_size=4, unique=True), max_size=8))
    return n, nested, cores


def _brute_minimum(n, nested, cores, floor, avoid=()):
    """Every hitting set of the least size (nested, at least ``floor`` levels, none of ``avoid``)."""
    import itertools

    for k in range(n + 1):
        found = [
            set(c)
            for c in itertools.combinations(range(n), k)
            if all(set(c) & set(core) for core in cores)
            and all(u not in c or low in c for u, low in nested)
            and k >= floor
            and set(c) not in avoid
        ]
        if found:
            return found
    return []


@settings(max_examples=150, deadline=None)
@given(_levels_and_cores(), st.data())
def test_incremental_hitting_sets_match_brute_force_as_cores_floors_and_put_aside_sets_come(case, data):
    """The loop keeps one solver for its hitting sets: cores added one by one, a floor that rises, calls for
    "another set than these" in between (their clauses must not outlive the call) and a lean that changes
    — after each, the minimum is brute force's, and among minimum sets one with most lean levels."""
    from bridgehead.engines.schedule.hitting import _HittingSets

    n, nested, cores = case
    hits = _HittingSets(n, nested)
    floor = 0
    try:
        for i, core in enumerate(cores):
            hits.add(core)
            floor = max(floor, data.draw(st.integers(0, 2)) if i % 3 == 2 else floor)
            lean = set(data.draw(st.lists(st.integers(0, n - 1), max_size=3)))
            minimum = _brute_minimum(n, nested, cores[: i + 1], floor)
            chosen, cost = hits.minimum(floor, lean)
            assert (chosen is None) == (not minimum)
            if chosen is None:
                continue
            assert chosen in minimum and cost == len(chosen)
            assert len(chosen & lean) == max(len(h & lean) for h in minimum)
            other, _ = hits.minimum(floor, lean, [chosen], cost)
            others = [h for h in minimum if h != chosen]
            assert (other is None) == (not others)
            assert other is None or other in others
            again, _ = hits.minimum(floor, lean)  # the put-aside set is a minimum again after the call
            assert again in minimum and (others or again == chosen)
    finally:
        hits.delete()


def test_hitting_set_processes_pass_cores_to_each_other_and_ignore_what_does_not_fit():
    """Side by side, each hitting-set process puts its cores in the others' inboxes and reads its own before
    each hitting set; a core that does not fit its levels (empty, or a level it does not have) is dropped,
    and the search still proves the brute-force optimum."""
    import multiprocessing

    from bridgehead.engines.schedule import hitting

    pb = _two_undecided_sets()
    ctx = multiprocessing.get_context("fork")
    mine, theirs = ctx.Queue(), ctx.Queue()
    for junk in ([], [10_000], [-1]):
        mine.put(junk)
    deadline = time.perf_counter() + 5
    while mine.empty() and time.perf_counter() < deadline:  # the feeder thread has written them
        time.sleep(0.01)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(maxsat, "_exchange", (mine, [theirs]))
            patch.setattr(hitting, "LNS_SHARE", 0.0)
            result = hitting.solve_hitting(pb, 10.0, None, cp_checks=False, rebuild=False)
            time.sleep(0.2)  # the feeder thread passes what was put on to the pipe
            patch.setattr(maxsat, "_exchange", (theirs, []))
            received = maxsat.shared_cores()
        assert result is not None and result.proven and result.lower == 2
        assert maxsat._objective(pb, result.slot_of) == (2, 1)
        assert received, "the cores found were not passed on"
        assert all(core and all(0 <= i < 10_000 for i in core) for core in received)
        assert mine.empty()  # read, junk and all
    finally:
        for q in (mine, theirs):
            q.close()
            q.cancel_join_thread()
