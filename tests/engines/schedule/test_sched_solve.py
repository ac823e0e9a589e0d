"""Solver properties: valid, within the bound, optimal on tiny instances, deterministic, stoppable, previous."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, assume, given, settings
from tests.engines.schedule.sched_helpers import brute_force, instance, meeting, small_instances

from bridgehead.engines.schedule import Participant, bound, check, solve
from bridgehead.engines.schedule.generate import generate
from bridgehead.engines.schedule.model import Problem

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(small_instances())
def test_every_solution_is_valid_and_within_the_bound(inst):
    assume(brute_force(inst) is not None)  # no valid schedule: test_sched_rules covers the refusal
    sol = solve(inst, time_limit=10, threads=1, seed=1)
    assert check(inst, sol) == []
    b = bound(inst)
    assert sol.stats.scheduled <= b.upper_bound
    assert sol.stats.scheduled_weight <= b.weight_upper_bound + 1e-9


@PROPS
@given(small_instances(max_slots=3, max_people=4, max_meetings=4))
def test_exact_optimum_matches_brute_force_and_bound_holds(inst):
    best = brute_force(inst)
    assume(best is not None)
    sol = solve(inst, time_limit=10, threads=1, seed=0)
    key = (round(sol.stats.scheduled_weight, 9), -sol.stats.breaks, -sol.stats.max_breaks)
    assert key == best
    assert sol.stats.status == "optimal"
    b = bound(inst)
    assert best[0] <= b.weight_upper_bound + 1e-9
    assert b.upper_bound >= sol.stats.scheduled


@PROPS
@given(small_instances(max_slots=3, max_people=4, max_meetings=4))
def test_heuristic_alone_is_valid_and_never_beats_the_optimum(inst):
    best = brute_force(inst)
    assume(best is not None)
    sol = solve(inst, time_limit=10, threads=1, seed=0, exact=False)
    assert check(inst, sol) == []
    assert (round(sol.stats.scheduled_weight, 9), -sol.stats.breaks, -sol.stats.max_breaks) <= best


def test_bound_is_exact_on_a_table_limited_instance():
    # 6 disjoint pairs, 2 slots, 2 tables: at most 4 in person; one virtual meeting adds one more.
    ms = [meeting(f"m{i}", f"p{2 * i}", f"p{2 * i + 1}") for i in range(6)]
    ms[5] = dataclasses.replace(ms[5], mode="virtual", weight=3.0)
    inst = instance(2, 12, ms, tables=2)
    b = bound(inst)
    assert b.upper_bound == 5
    assert abs(b.weight_upper_bound - 7.0) < 1e-4
    sol = solve(inst, time_limit=5, threads=1)
    assert sol.stats.scheduled == 5
    assert sol.stats.status == "optimal"


def test_bound_counts_participant_capacity_and_unusable_meetings():
    people = [Participant("hub", max_meetings=2), *[Participant(f"s{i}") for i in range(5)]]
    ms = [meeting(f"m{i}", "hub", f"s{i}") for i in range(4)]
    ms.append(meeting("never", "s4", "s3", slots=("t0",)))
    people[4] = Participant("s3", unavailable=("t0",))
    inst = instance(3, people, ms)
    for time_indexed in (True, False):
        b = bound(inst, time_indexed=time_indexed)
        assert b.upper_bound == 2
    assert solve(inst, time_limit=5, threads=1).stats.scheduled == 2


def test_lexicographic_objective_prefers_weight_then_breaks():
    # p0 meets p1 and p2; with 3 slots the two meetings should be adjacent (no break).
    inst = instance(3, 3, [meeting("a", "p0", "p1", slots=("t0",)), meeting("b", "p0", "p2")])
    sol = solve(inst, time_limit=5, threads=1)
    slots = {a.meeting: a.slot for a in sol.assignments}
    assert slots == {"a": "t0", "b": "t1"}
    assert (sol.stats.breaks, sol.stats.status) == (0, "optimal")


def test_fair_objective_gives_everyone_a_meeting():
    # One slot. Weight alone picks the heavy meeting a-b and leaves c, d without any; "fair" holds two.
    ms = [meeting("heavy", "a", "b", weight=5.0), meeting("x", "a", "c"), meeting("y", "b", "d")]
    inst = instance(1, [Participant(x) for x in "abcd"], ms)
    assert {a.meeting for a in solve(inst, time_limit=5, threads=1).assignments} == {"heavy"}
    fair = solve(inst, time_limit=5, threads=1, objective="fair")
    assert {a.meeting for a in fair.assignments} == {"x", "y"}
    assert fair.stats.min_meetings == 1
    assert check(inst, fair) == []


def test_same_seed_same_schedule():
    inst = generate(300, seed=5, variant="dense")
    one = solve(inst, time_limit=30, threads=1, seed=7, exact=False)
    two = solve(inst, time_limit=30, threads=1, seed=7, exact=False)
    assert one.assignments == two.assignments
    tiny = generate(12, seed=2)
    assert (
        solve(tiny, time_limit=20, threads=1, seed=3).assignments
        == solve(tiny, time_limit=20, threads=1, seed=3).assignments
    )


def test_stop_request_returns_a_valid_schedule_quickly():
    inst = generate(3000, seed=1, variant="dense")
    calls = []

    def stop() -> bool:
        calls.append(1)
        return True

    sol = solve(inst, time_limit=60, threads=2, seed=0, stop=stop)
    assert calls
    assert check(inst, sol) == []
    assert sol.stats.status == "feasible"
    assert sol.stats.seconds < 30


def test_progress_callback_reports_phases():
    seen = []
    inst = generate(200, seed=4)
    sol = solve(inst, time_limit=5, threads=2, seed=0, progress=seen.append, exact=False)
    phases = [p.phase for p in seen]
    assert phases[0] == "greedy"
    assert phases[-1] == "done"
    assert seen[-1].scheduled == sol.stats.scheduled
    assert all(p.upper_bound == sol.stats.upper_bound for p in seen)


def test_previous_keeps_meetings_and_never_moves_fixed():
    inst = generate(600, seed=9, variant="dense")
    first = solve(inst, time_limit=20, threads=2, seed=0, exact=False)
    placed = {a.meeting: a.slot for a in first.assignments}
    # Cancel every 20th meeting and add new requests between participants with spare time.
    kept = [m for k, m in enumerate(inst.meetings) if k % 20 != 0]
    new = [
        meeting(f"new{k}", m.participants[0], m.participants[1], mode="virtual")
        for k, m in enumerate(inst.meetings[::20])
    ]
    changed = dataclasses.replace(inst, meetings=(*kept, *new))
    again = solve(changed, time_limit=20, threads=2, seed=0, previous=first, exact=False)
    assert check(changed, again) == []
    now = {a.meeting: a.slot for a in again.assignments}
    untouched = [m.id for m in kept if m.id in placed]
    moved = sum(1 for mid in untouched if now.get(mid) != placed[mid])
    assert again.stats.moved == moved
    assert moved <= 0.01 * len(untouched)
    for m in changed.meetings:
        if m.fixed is not None:
            assert now[m.id] == m.fixed
    assert again.stats.scheduled >= first.stats.scheduled - len(inst.meetings[::20])


def test_previous_moves_a_meeting_only_to_make_room():
    # Slot t0 holds x(p0,p1) from before; new heavy meeting y(p0,p2) can only be in t0; x can go to t1.
    base = instance(2, 3, [meeting("x", "p0", "p1")])
    first = solve(base, time_limit=5, threads=1)
    first = dataclasses.replace(first, assignments=[dataclasses.replace(first.assignments[0], slot="t0")])
    grown = dataclasses.replace(base, meetings=(*base.meetings, meeting("y", "p0", "p2", slots=("t0",))))
    for exact in (True, False):
        again = solve(grown, time_limit=5, threads=1, previous=first, exact=exact)
        assert {a.meeting: a.slot for a in again.assignments} == {"x": "t1", "y": "t0"}
        assert again.stats.moved == 1
    steady = solve(base, time_limit=5, threads=1, previous=first)
    assert steady.stats.moved == 0


def test_max_break_spread_is_respected_by_the_heuristic():
    inst = dataclasses.replace(generate(150, seed=3, variant="dense"), max_break_spread=0)
    sol = solve(inst, time_limit=10, threads=1, exact=False)
    assert check(inst, sol) == []
    assert Problem(inst).n_meetings > 0


def test_maxsat_stage_minimises_breaks_when_all_meetings_fit():
    # A hub meets four people; two of them can only come early or late, so a perfect block needs care.
    ms = [
        meeting("a", "hub", "p1", slots=("t0",)),
        meeting("b", "hub", "p2"),
        meeting("c", "hub", "p3"),
        meeting("d", "hub", "p4", slots=("t3",)),
        meeting("e", "p2", "p3", slots=("t4",)),
    ]
    people = [Participant(x) for x in ("hub", "p1", "p2", "p3", "p4")]
    inst = instance(6, people, ms, tables=2, spread=2)
    sol = solve(inst, time_limit=10, threads=1)
    assert sol.stats.solver == "maxsat"
    assert check(inst, sol) == []
    key = (round(sol.stats.scheduled_weight, 9), -sol.stats.breaks, -sol.stats.max_breaks)
    assert key == brute_force(inst)
    assert sol.stats.status == "optimal"


def test_zero_weight_meeting_is_dropped_when_it_would_cost_a_break():
    # Holding z adds nothing to the weight but gives p0 a break (t0, then t2): the optimum leaves it out.
    ms = [meeting("a", "p0", "p1", slots=("t0",)), meeting("z", "p0", "p2", weight=0.0, slots=("t2",))]
    inst = instance(3, 3, ms)
    assert brute_force(inst) == (1.0, 0, 0)
    sol = solve(inst, time_limit=10, threads=1)
    assert [a.meeting for a in sol.assignments] == ["a"]
    assert (sol.stats.breaks, sol.stats.status) == (0, "optimal")
