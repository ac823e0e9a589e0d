"""Hard rules that cannot all hold: explained (rule, participants, meetings), exit 3, explicit relaxation."""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from tests.engines.schedule.sched_helpers import brute_force, instance, meeting, small_instances

from bridgehead.engines.schedule import Participant, check, instance_to_dict, solve
from bridgehead.engines.schedule.cli import add_parser
from bridgehead.engines.schedule.feasibility import HardRulesError, explain, relax
from bridgehead.engines.schedule.model import Problem

# The module, not the function the package re-exports under the same name.
solve_module = importlib.import_module("bridgehead.engines.schedule.solve")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bridgehead")
    add_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args(argv)
    return ns.handler(ns)


def forced_break_event(spread: int = 0):
    """p0 meets p1 at t0 and p2 at t2 (both fixed) and cannot attend t1: one break in every schedule.
    p3 and p4 have a single meeting each, so they never have a break."""
    people = [Participant("p0", unavailable=("t1",)), *(Participant(f"p{i}") for i in range(1, 5))]
    ms = [
        meeting("m1", "p0", "p1", fixed="t0"),
        meeting("m2", "p0", "p2", fixed="t2"),
        meeting("m3", "p3", "p4"),
    ]
    return instance(3, people, ms, spread=spread)


def test_explain_names_the_rule_the_participants_and_the_meetings():
    conflicts = explain(Problem(forced_break_event()))
    assert [(c.rule, c.participants, c.meetings, c.slots, c.relaxation) for c in conflicts] == [
        ("break-spread", ("p0", "p1"), ("m1", "m2"), ("t1",), "break-spread")
    ]
    assert explain(Problem(forced_break_event(spread=1))) == []


def test_solve_refuses_instead_of_returning_a_schedule_that_breaks_the_spread_rule():
    with pytest.raises(HardRulesError) as err:
        solve(forced_break_event(), time_limit=5, threads=1)
    assert err.value.proven is True
    assert err.value.relaxations == ["break-spread"]
    assert "participant p0 has at least 1 breaks in every schedule" in str(err.value)
    assert "--relax break-spread" in str(err.value)


def test_relaxed_result_states_what_was_relaxed_and_is_valid_for_the_relaxed_rules():
    inst = forced_break_event()
    sol = solve(inst, time_limit=5, threads=1, relax=["break-spread"])
    assert sol.stats.relaxed == ["break-spread (max_break_spread 0 not enforced)"]
    assert sol.stats.scheduled == 3
    assert check(dataclasses.replace(inst, max_break_spread=None), sol) == []
    assert [v.rule for v in check(inst, sol)] == ["break-spread"]


def test_exact_model_proves_a_conflict_the_quick_argument_misses():
    # p1 always ends with 0 breaks (m3 fits only at t1, right after m1) but has two usable meetings, so the
    # quick argument does not see it; the exact stage proves that no schedule exists.
    people = [Participant("p0", unavailable=("t1",)), Participant("p1"), Participant("p2")]
    ms = [
        meeting("m1", "p0", "p1", fixed="t0"),
        meeting("m2", "p0", "p2", fixed="t2"),
        meeting("m3", "p1", "p2"),
    ]
    inst = instance(3, people, ms, spread=0)
    assert explain(Problem(inst)) == []
    with pytest.raises(HardRulesError) as err:
        solve(inst, time_limit=5, threads=1)
    assert err.value.proven is True
    assert [c.rule for c in err.value.conflicts] == ["break-spread"]
    assert "no schedule keeps every participant within max_break_spread 0" in str(err.value)


def test_relax_fixed_unfixes_only_the_meetings_in_conflict():
    people = [Participant("p0", unavailable=("t0",)), Participant("p1"), Participant("p2")]
    ms = [meeting("m1", "p0", "p1", fixed="t0"), meeting("m2", "p1", "p2", fixed="t2")]
    inst = instance(3, people, ms)
    with pytest.raises(HardRulesError) as err:
        solve(inst, time_limit=5, threads=1)
    assert [(c.rule, c.meetings, c.participants) for c in err.value.conflicts] == [("fixed", ("m1",), ("p0",))]
    relaxed, done = relax(inst, ["fixed"])
    assert done == ["fixed: m1"]
    assert [m.fixed for m in relaxed.meetings] == [None, "t2"]
    sol = solve(inst, time_limit=5, threads=1, relax=["fixed"])
    assert {a.meeting: a.slot for a in sol.assignments} == {"m1": "t1", "m2": "t2"}
    assert sol.stats.relaxed == ["fixed: m1"]


def test_unknown_relaxation_is_a_clear_error():
    with pytest.raises(ValueError, match="cannot relax 'tables': choose from break-spread, fixed"):
        solve(forced_break_event(), time_limit=5, threads=1, relax=["tables"])


def test_cli_exits_3_with_the_explanation_and_relaxes_on_request(tmp_path, capsys):
    src = tmp_path / "event.json"
    src.write_text(json.dumps(instance_to_dict(forced_break_event())))
    out = tmp_path / "schedule.json"
    assert run(["schedule", "solve", str(src), "-o", str(out), "-q", "--time-limit", "5"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: the hard rules cannot all hold:\n")
    assert "participant p0 has at least 1 breaks in every schedule (fixed meetings m1, m2; nothing can fill t1)" in err
    assert err.rstrip().endswith("to schedule anyway, relax: --relax break-spread")
    assert not out.exists()
    argv = ["schedule", "solve", str(src), "-o", str(out), "-q", "--time-limit", "5", "--relax", "break-spread"]
    assert run(argv) == 0
    line = capsys.readouterr().out
    assert "relaxed: break-spread (max_break_spread 0 not enforced)" in line
    assert json.loads(out.read_text())["stats"]["relaxed"] == ["break-spread (max_break_spread 0 not enforced)"]


def test_cli_explains_a_fixed_meeting_at_an_unavailable_slot(tmp_path, capsys):
    people = [Participant("p0", unavailable=("t0",)), Participant("p1")]
    src = tmp_path / "event.json"
    src.write_text(json.dumps(instance_to_dict(instance(2, people, [meeting("m1", "p0", "p1", fixed="t0")]))))
    out = tmp_path / "schedule.json"
    assert run(["schedule", "solve", str(src), "-o", str(out), "-q"]) == 3
    assert "meeting m1 is fixed at t0, which participant p0 cannot attend" in capsys.readouterr().err
    assert run(["schedule", "solve", str(src), "-o", str(out), "-q", "--relax", "fixed"]) == 0
    assert json.loads(out.read_text())["assignments"] == [{"meeting": "m1", "slot": "t1", "table": 1}]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(max_slots=3, max_people=4, max_meetings=4))
def test_solve_returns_a_valid_schedule_exactly_when_one_exists(inst):
    best = brute_force(inst)
    if best is None:
        with pytest.raises(HardRulesError):
            solve(inst, time_limit=10, threads=1)
    else:
        assert check(inst, solve(inst, time_limit=10, threads=1)) == []


def test_hard_rules_stage_searches_within_the_time_limit(monkeypatch):
    # Issue 15 item 3 (the time limit is a limit): the stage that looks for a schedule within the spread
    # rule used to get at least 2 s even past the limit ("an explanation is owed"), so a 0.5 s solve could
    # take 2.5 s. Its budget is now what is left of the limit itself.
    people = [Participant("p0", unavailable=("t1",)), Participant("p1"), Participant("p2")]
    ms = [
        meeting("m1", "p0", "p1", fixed="t0"),
        meeting("m2", "p0", "p2", fixed="t2"),
        meeting("m3", "p1", "p2"),
    ]
    inst = instance(3, people, ms, spread=0)
    budgets: list[float] = []
    real = solve_module.solve_exact

    def recording(*args, **kwargs):
        budgets.append(kwargs["time_limit"])
        return real(*args, **kwargs)

    monkeypatch.setattr(solve_module, "solve_exact", recording)
    with pytest.raises(HardRulesError):
        solve(inst, time_limit=0.5, threads=1, exact=False)
    assert budgets and all(b <= 0.5 for b in budgets)
