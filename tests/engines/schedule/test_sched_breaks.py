"""``breaks_by_participant``: the engine's own break count, per participant, for callers that show it."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from tests.engines.schedule.sched_helpers import instance, meeting

from bridgehead.engines.schedule import Assignment, Participant, Solution, breaks_by_participant, check, solve
from bridgehead.engines.schedule.baseline import first_come_first_served
from bridgehead.engines.schedule.generate import generate


def old_app_breaks(inst, solution) -> dict[str, int]:
    """What ``partnering.scheduling._breaks`` counted before the engine exported its count (on engine ids):
    under the "idle" rule, one break per two consecutive meetings of one session with an available slot
    between them."""
    order = {s.id: i for i, s in enumerate(inst.slots)}
    session_of = {s.id: s.session for s in inst.slots}
    ordered = [s.id for s in inst.slots]
    unavailable = {p.id: set(p.unavailable) for p in inst.participants}
    sides = {m.id: m.participants for m in inst.meetings}
    busy: dict[str, list[str]] = {}
    for a in solution.assignments:
        for p in sides[a.meeting]:
            busy.setdefault(p, []).append(a.slot)
    result = {}
    for p, slots in busy.items():
        mine = sorted(slots, key=order.get)
        breaks = 0
        for left, right in itertools.pairwise(mine):
            if session_of[left] != session_of[right]:
                continue
            between = ordered[order[left] + 1 : order[right]]
            if any(s not in unavailable[p] for s in between):
                breaks += 1
        if breaks:
            result[p] = breaks
    return result


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("variant", ["normal", "dense"])
def test_per_participant_breaks_agree_with_the_old_app_count_and_add_up_to_the_stats(seed, variant):
    inst = generate(60, seed=seed, variant=variant, days=1, requests_per_participant=4.0)
    baseline = first_come_first_served(inst)  # earliest slots first: many breaks to compare
    assert baseline.stats.breaks > 0
    for solution in (baseline, solve(inst, time_limit=2, threads=1, exact=False)):
        per = breaks_by_participant(inst, solution)
        assert set(per) == {p.id for p in inst.participants}
        assert sum(per.values()) == solution.stats.breaks and max(per.values()) == solution.stats.max_breaks
        assert {p: n for p, n in per.items() if n} == old_app_breaks(inst, solution)


def test_an_unavailable_slot_inside_a_gap_makes_two_breaks_as_the_objective_counts_them():
    # The one case the old app count got wrong (none of the schedules above has it): a gap of empty slots
    # cut in two by an unavailable one is two breaks for the objective, ``stats.breaks`` and ``check``.
    inst = instance(5, [Participant("p0", unavailable=("t2",)), Participant("p1")], [], break_rule="idle")
    inst = replace(inst, meetings=(meeting("m0", "p0", "p1"), meeting("m1", "p0", "p1")))
    schedule = Solution(instance="t", assignments=[Assignment("m0", "t0", 1), Assignment("m1", "t4", 1)])
    assert breaks_by_participant(inst, schedule) == {"p0": 2, "p1": 1}
    assert old_app_breaks(inst, schedule) == {"p0": 1, "p1": 1}  # what the breaks table used to show
    stats = replace(
        schedule.stats, scheduled=2, scheduled_weight=2.0, upper_bound=2, weight_upper_bound=2.0, breaks=3, max_breaks=2
    )
    assert check(inst, replace(schedule, stats=stats)) == []  # the run's totals count 2 + 1


def test_assignments_of_unknown_meetings_are_ignored():
    inst = instance(3, 2, [meeting("m0", "p0", "p1")])
    schedule = Solution(instance="t", assignments=[Assignment("m0", "t0", 1), Assignment("gone", "t2", 1)])
    assert breaks_by_participant(inst, schedule) == {"p0": 0, "p1": 0}
