"""Validation of instances (every bad-input case of the issue), JSON round trips and the break rule."""

from __future__ import annotations

import dataclasses
import json

import pytest
from tests.engines.schedule.sched_helpers import instance, meeting

from bridgehead.engines.schedule import (
    InstanceError,
    Participant,
    instance_from_dict,
    instance_to_dict,
    load_instance,
    solution_from_dict,
    solution_to_dict,
    solve,
    validate,
)
from bridgehead.engines.schedule.model import Problem


def good():
    return instance(
        4,
        [Participant("a", unavailable=("t3",)), Participant("b", max_meetings=2), Participant("c")],
        [meeting("m1", "a", "b", fixed="t0"), meeting("m2", "b", "c", weight=2.0), meeting("m3", "a", "c")],
        tables=1,
    )


def test_good_instance_validates():
    validate(good())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda i: dataclasses.replace(i, participants=(*i.participants, Participant("a"))),
            "duplicate participant id 'a'",
        ),
        (
            lambda i: dataclasses.replace(i, meetings=(*i.meetings, meeting("m1", "b", "c"))),
            "duplicate meeting id 'm1'",
        ),
        (lambda i: dataclasses.replace(i, slots=(*i.slots, i.slots[0])), "duplicate slot id 't0'"),
        (lambda i: dataclasses.replace(i, meetings=(meeting("x", "a", "zz"),)), "unknown participant id 'zz'"),
        (lambda i: dataclasses.replace(i, meetings=(meeting("x", "a", "b", slots=("t9",)),)), "unknown slot id 't9'"),
        (lambda i: dataclasses.replace(i, meetings=(meeting("x", "a", "b", fixed="t9"),)), "fixed at unknown slot id"),
        (
            lambda i: dataclasses.replace(i, participants=(Participant("a", unavailable=("t7",)), *i.participants[1:])),
            "unknown slot id 't7' in unavailable",
        ),
        (lambda i: dataclasses.replace(i, meetings=(meeting("x", "a", "a"),)), "at least two distinct participants"),
        (lambda i: dataclasses.replace(i, meetings=(meeting("x", "a"),)), "at least two distinct participants"),
        (
            lambda i: dataclasses.replace(i, meetings=(meeting("x", "a", "b", fixed="t3"),)),
            "fixed at slot 't3', which participant 'a' cannot attend",
        ),
        (
            lambda i: dataclasses.replace(
                i, meetings=(meeting("x", "a", "b", fixed="t1"), meeting("y", "a", "c", fixed="t1"))
            ),
            "participant 'a' has two fixed meetings in slot 't1'",
        ),
        (
            lambda i: dataclasses.replace(
                i,
                meetings=(meeting("x", "a", "b", fixed="t1"), meeting("y", "c", "b", fixed="t2")),
                tables={"t0": 1, "t1": 1, "t2": 0, "t3": 1},
            ),
            "slot 't2' has 1 fixed in-person meetings but only 0 tables",
        ),
        (
            lambda i: dataclasses.replace(i, meetings=(meeting("x", "a", "b", weight=-1.0),)),
            "weight must be a finite number >= 0",
        ),
        (lambda i: dataclasses.replace(i, slots=(i.slots[1], i.slots[0], *i.slots[2:])), "slots out of time order"),
        (lambda i: dataclasses.replace(i, tables=-3), "tables must be non-negative"),
        (lambda i: dataclasses.replace(i, tables={"t0": 1}), "tables: no entry for slot(s)"),
        (lambda i: dataclasses.replace(i, break_rule="never"), "break_rule must be one of"),
        (lambda i: dataclasses.replace(i, max_break_spread=-1), "max_break_spread must be null"),
        (lambda i: dataclasses.replace(i, meetings=(meeting("x", "a", "b", mode="teleport"),)), "mode must be one of"),
        (
            lambda i: dataclasses.replace(
                i,
                participants=(Participant("a", max_meetings=0), *i.participants[1:]),
                meetings=(meeting("x", "a", "b", fixed="t0"),),
            ),
            "participant 'a' has 1 fixed meetings but max_meetings 0",
        ),
    ],
)
def test_validation_rejects_bad_instances(change, message):
    with pytest.raises(InstanceError) as err:
        validate(change(good()))
    assert message in str(err.value)


def test_bad_instance_is_rejected_by_solve_with_the_same_message():
    bad = dataclasses.replace(good(), meetings=(meeting("x", "a", "zz"),))
    with pytest.raises(InstanceError, match="unknown participant id 'zz'"):
        solve(bad, time_limit=1)


def test_interrupted_session_is_rejected():
    inst = instance(3, 2, [meeting("m", "p0", "p1")], sessions=(1, 1, 1))
    inst = dataclasses.replace(
        inst, slots=(inst.slots[0], inst.slots[1], dataclasses.replace(inst.slots[2], session="S0"))
    )
    with pytest.raises(InstanceError, match="interrupted by another session"):
        validate(inst)


def test_instance_json_round_trip(tmp_path):
    data = instance_to_dict(good())
    assert data["format"] == "bridgehead-schedule-instance/1"
    assert instance_from_dict(json.loads(json.dumps(data))) == good()
    path = tmp_path / "i.json"
    path.write_text(json.dumps(data))
    assert load_instance(path) == good()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "other/1"}, "format must be 'bridgehead-schedule-instance/1'"),
        ({"format": "bridgehead-schedule-instance/1", "slots": "x"}, "instance.slots: expected list"),
        ({"format": "bridgehead-schedule-instance/1", "slots": [{"id": 1}]}, "slots[0].id: expected str"),
        (
            {"format": "bridgehead-schedule-instance/1", "slots": [], "tables": 1, "participants": []},
            "missing required key 'meetings'",
        ),
    ],
)
def test_malformed_json_gives_a_message(data, message):
    with pytest.raises(InstanceError) as err:
        instance_from_dict(data)
    assert message in str(err.value)


def test_unreadable_and_invalid_json_files(tmp_path):
    with pytest.raises(InstanceError, match="cannot read"):
        load_instance(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InstanceError, match="not valid JSON"):
        load_instance(bad)


def test_solution_round_trip():
    sol = solve(good(), time_limit=5, threads=1)
    again = solution_from_dict(json.loads(json.dumps(solution_to_dict(sol))))
    assert again == sol


def _busy(*slots: int) -> int:
    return sum(1 << s for s in slots)


@pytest.mark.parametrize(
    ("rule", "busy", "expected"),
    [
        ("any", (0, 1, 2), 0),
        ("any", (0, 2), 1),
        ("any", (0, 3), 1),  # one run of two empty slots is one break
        ("any", (0, 2, 4), 2),
        ("any", (1,), 0),
        ("idle", (0, 2), 0),  # slot 1 is unavailable: not idle time
        ("idle", (0, 3), 1),  # slot 2 is empty and follows the unavailable slot 1
        ("idle", (0, 4), 1),  # 1 unavailable, 2-3 one run
        ("any", (0, 4), 1),
        ("any", (0, 6), 0),  # different sessions: no break across them
        ("any", (5, 7), 1),
        ("any", (4, 6), 0),
    ],
)
def test_break_rule(rule, busy, expected):
    people = [Participant("a", unavailable=("t1",)), Participant("b")]
    inst = instance(8, people, [meeting("m", "a", "b")], break_rule=rule, sessions=(5, 3))
    assert Problem(inst).breaks_of(0, _busy(*busy)) == expected


def test_idle_rule_unavailable_slot_splits_a_run():
    people = [Participant("a", unavailable=("t2",)), Participant("b")]
    inst = instance(5, people, [meeting("m", "a", "b")], break_rule="idle")
    # meetings at 0 and 4; slots 1 and 3 are empty runs separated by the unavailable slot 2.
    assert Problem(inst).breaks_of(0, _busy(0, 4)) == 2
    assert Problem(dataclasses.replace(inst, break_rule="any")).breaks_of(0, _busy(0, 4)) == 1
