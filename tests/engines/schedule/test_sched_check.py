"""The checker finds every kind of violation, names what is involved, and recomputes the stats."""

from __future__ import annotations

import dataclasses

from tests.engines.schedule.sched_helpers import instance, meeting

from bridgehead.engines.schedule import Assignment, Participant, Solution, Stats, check


def inst():
    return instance(
        4,
        [Participant("a", unavailable=("t3",)), Participant("b", max_meetings=2), Participant("c")],
        [
            meeting("m1", "a", "b", fixed="t0"),
            meeting("m2", "b", "c", weight=2.0, mode="virtual"),
            meeting("m3", "a", "c", mode="either", slots=("t1", "t2")),
        ],
        tables=1,
    )


def sol(assignments, **stats):
    base = {"scheduled": 3, "scheduled_weight": 4.0, "upper_bound": 3, "weight_upper_bound": 4.0, "breaks": 0}
    base.update(stats)
    return Solution(instance="t", assignments=assignments, stats=Stats(**base))


VALID = [Assignment("m1", "t0", 1), Assignment("m2", "t1", None), Assignment("m3", "t2", 1)]


def rules(violations):
    return sorted(v.rule for v in violations)


def test_valid_solution_has_no_violation():
    # b: t0, t1 -> no break; c: t1, t2 -> none; a: t0, t2 -> one break.
    assert check(inst(), sol(VALID, breaks=1, max_breaks=1)) == []


def test_stats_that_disagree_are_flagged():
    found = check(inst(), sol(VALID, scheduled=2, scheduled_weight=9.0, breaks=0, max_breaks=0, upper_bound=1))
    assert rules(found) == ["stats"] * 5
    assert "stats.scheduled is 2, recomputed 3" in str(found[0])


def test_double_booking_names_participant_slot_and_meetings():
    a = [Assignment("m1", "t0", 1), Assignment("m2", "t0", None)]
    found = [v for v in check(inst(), sol(a, scheduled=2, scheduled_weight=3.0)) if v.rule == "double-booked"]
    assert len(found) == 1
    assert (found[0].meeting, found[0].participant, found[0].slot) == ("m2", "b", "t0")
    assert "m1" in found[0].message


def test_unavailable_disallowed_fixed_and_table_rules():
    a = [Assignment("m1", "t1", None), Assignment("m3", "t3", 2), Assignment("m2", "t2", 1)]
    found = check(inst(), sol(a, breaks=1, max_breaks=1))
    got = {(v.rule, v.meeting, v.participant, v.slot) for v in found}
    assert ("fixed", "m1", None, "t1") in got
    assert ("table", "m1", None, "t1") in got  # in-person without a table
    assert ("unavailable", "m3", "a", "t3") in got
    assert ("meeting-slot", "m3", None, "t3") in got
    assert ("table", "m3", None, "t3") in got  # table 2 of 1
    assert ("table", "m2", None, "t2") in got  # virtual with a table


def test_same_table_twice_and_meeting_twice_and_unknown_ids():
    a = [
        Assignment("m1", "t0", 1),
        Assignment("m3", "t1", 1),
        Assignment("m3", "t2", 1),
        Assignment("zz", "t1", None),
        Assignment("m2", "t9", None),
    ]
    found = check(inst(), sol(a, scheduled=2, scheduled_weight=2.0, breaks=0))
    assert rules(found) == ["meeting-twice", "unknown-meeting", "unknown-slot"]
    two = instance(2, 4, [meeting("x", "p0", "p1"), meeting("y", "p2", "p3")], tables=2)
    same = [Assignment("x", "t0", 2), Assignment("y", "t0", 2)]
    found = check(two, Solution("t", same, Stats(2, 2.0, 2, 2.0, 0, 0)))
    assert [(v.rule, v.meeting) for v in found] == [("table", "y")]


def test_missing_fixed_meeting_and_max_meetings():
    people = [Participant("a", max_meetings=1), Participant("b"), Participant("c")]
    i = instance(3, people, [meeting("f", "b", "c", fixed="t2"), meeting("x", "a", "b"), meeting("y", "a", "c")])
    a = [Assignment("x", "t0", 1), Assignment("y", "t1", 1)]
    found = check(i, Solution("t", a, Stats(2, 2.0, 3, 3.0, 0, 0)))
    assert sorted((v.rule, v.meeting, v.participant) for v in found) == [
        ("fixed", "f", None),
        ("max-meetings", None, "a"),
    ]


def test_break_spread_and_instance_name():
    i = dataclasses.replace(instance(3, 3, [meeting("x", "p0", "p1"), meeting("y", "p0", "p2")]), max_break_spread=0)
    a = [Assignment("x", "t0", 1), Assignment("y", "t2", 1)]
    found = check(i, Solution("other", a, Stats(2, 2.0, 2, 2.0, 1, 1)))
    assert rules(found) == ["break-spread", "instance"]
    spread = next(v for v in found if v.rule == "break-spread")
    assert spread.participant == "p0"
