"""Generator, B2B importer and the ``bridgehead schedule`` CLI (run through an argparse harness)."""

from __future__ import annotations

import argparse
import json

import pytest
from tests.engines.schedule.sched_helpers import B2B_DIR

from bridgehead.engines.schedule import InstanceError, check, dzn, instance_from_dict, instance_to_dict, solve
from bridgehead.engines.schedule.cli import add_parser
from bridgehead.engines.schedule.generate import generate
from bridgehead.engines.schedule.model import Problem

needs_b2b = pytest.mark.skipif(
    not (B2B_DIR / "tic-12.original.dzn").exists(),
    reason=f"B2B benchmark files not found at {B2B_DIR} (they live in ../shared/bench/b2b beside the repo)",
)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bridgehead")
    add_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args(argv)
    return ns.handler(ns)


def test_generator_is_seeded_and_shaped():
    a = generate(400, seed=1)
    assert a == generate(400, seed=1)
    assert a != generate(400, seed=2)
    assert len(a.participants) == 400
    assert len(a.slots) == 64
    assert 1100 <= len(a.meetings) <= 1200
    pb = Problem(a)
    degree = sorted((len(ms) for ms in pb.meetings_of), reverse=True)
    assert degree[0] >= 4 * (2 * len(a.meetings) / 400)  # a few participants get many requests
    restricted = sum(1 for p in a.participants if p.unavailable)
    assert 0.2 <= restricted / 400 <= 0.4
    assert any(m.mode == "virtual" for m in a.meetings)
    assert a.tables == 20


def test_dense_variant_is_not_bipartite_and_attendance_is_short():
    d = generate(1000, seed=1, variant="dense")
    pb = Problem(d)
    # Two-colour the request graph: the dense variant must contain an odd cycle somewhere.
    colour: dict[int, int] = {}
    odd = False
    for start in range(pb.n_parts):
        if start in colour:
            continue
        colour[start] = 0
        stack = [start]
        while stack and not odd:
            p = stack.pop()
            for m in pb.meetings_of[p]:
                for q in pb.parts[m]:
                    if q == p:
                        continue
                    if q not in colour:
                        colour[q] = 1 - colour[p]
                        stack.append(q)
                    elif colour[q] == colour[p]:
                        odd = True
    assert odd
    one_or_two_days = sum(1 for p in d.participants if len(p.unavailable) >= 32)
    assert one_or_two_days / 1000 >= 0.7
    in_person = sum(1 for m in d.meetings if m.mode == "in_person")
    assert d.tables == -(-int(1.10 * in_person * 1000) // (64 * 1000)) or abs(d.tables - 1.10 * in_person / 64) < 1


def test_generator_rejects_bad_arguments():
    with pytest.raises(ValueError, match="variant"):
        generate(10, variant="huge")
    with pytest.raises(ValueError, match="at least 2"):
        generate(1)


def test_dzn_parsing_maps_sessions_forbidden_and_fixed():
    text = """
    nBusiness = 3; nMeetings = 3; nTables = 1; nTotalSlots = 4; nMorningSlots = 2;
    requested = [| 1, 2, 1, | 2, 3, 2, | 1, 3, 3, |];
    forbidden = [{0}, {4}, {}];
    fixed = [0, 0, 2];
    precedences = [{}, {}, {}];
    """
    inst = dzn.loads(text, "tiny")
    assert [m.slots for m in inst.meetings] == [("s01", "s02"), ("s03", "s04"), None]
    assert inst.participants[1].unavailable == ("s04",)
    assert inst.meetings[2].fixed == "s02"
    assert (inst.break_rule, inst.max_break_spread, inst.tables) == ("any", 2, 1)
    assert {s.session for s in inst.slots} == {"day"}
    sol = solve(inst, time_limit=5, threads=1)
    assert check(inst, sol) == []
    assert (sol.stats.scheduled, sol.stats.breaks, sol.stats.status) == (3, 1, "optimal")
    assert {a.meeting: a.slot for a in sol.assignments} == {"m1": "s01", "m2": "s03", "m3": "s02"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nBusiness = 2; nMeetings = 1; nTables = 1; nTotalSlots = 2; nMorningSlots = 1;", "missing requested"),
        (
            "nBusiness = 2; nMeetings = 2; nTables = 1; nTotalSlots = 2; nMorningSlots = 1; requested = [|1,2,1|];",
            "nMeetings is 2 but requested has 1 rows",
        ),
        (
            "nBusiness = 2; nMeetings = 1; nTables = 1; nTotalSlots = 2; nMorningSlots = 1; requested = [|1,5,1|];",
            "names participant 5 outside 1..2",
        ),
        (
            "nBusiness = 3; nMeetings = 2; nTables = 1; nTotalSlots = 2; nMorningSlots = 1; "
            "requested = [|1,2,3|2,3,3|]; precedences = [{2}, {}];",
            "precedences between meetings",
        ),
        ("nBusiness = x;", "nBusiness must be an integer"),
    ],
)
def test_dzn_errors_are_clear(text, message):
    with pytest.raises(InstanceError) as err:
        dzn.loads(text, "bad")
    assert message in str(err.value)


@needs_b2b
def test_import_shipped_b2b_instance_round_trips(tmp_path):
    inst = dzn.load(B2B_DIR / "tic-12.original.dzn")
    assert (len(inst.participants), len(inst.meetings), len(inst.slots), inst.tables) == (42, 125, 8, 21)
    assert inst.name == "tic-12"
    assert instance_from_dict(json.loads(json.dumps(instance_to_dict(inst)))) == inst
    out = tmp_path / "tic.json"
    assert run(["schedule", "import-dzn", str(B2B_DIR / "tic-12.original.dzn"), "-o", str(out)]) == 0
    assert instance_from_dict(json.loads(out.read_text())) == inst


def test_cli_end_to_end(tmp_path, capsys):
    inst, sol = tmp_path / "i.json", tmp_path / "s.json"
    assert run(["schedule", "generate", "--participants", "300", "--seed", "2", "-o", str(inst)]) == 0
    assert run(["schedule", "solve", str(inst), "-o", str(sol), "--time-limit", "5", "--threads", "1", "-q"]) == 0
    out = capsys.readouterr().out.splitlines()[-1]
    assert out.startswith("scheduled ")
    assert " of 900 requested (bound " in out and ", breaks " in out and " s [" in out
    assert run(["schedule", "check", str(inst), str(sol)]) == 0
    assert run(["schedule", "bound", str(inst)]) == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    data = json.loads(sol.read_text())
    assert printed["upper_bound"] == data["stats"]["upper_bound"]
    # Re-solve with --previous: nothing changed, nothing moves.
    again = tmp_path / "again.json"
    assert run(["schedule", "solve", str(inst), "-o", str(again), "--previous", str(sol), "-q"]) == 0
    assert json.loads(again.read_text())["stats"]["moved"] == 0


def test_cli_check_reports_violations_with_exit_1(tmp_path, capsys):
    inst, sol = tmp_path / "i.json", tmp_path / "s.json"
    run(["schedule", "generate", "--participants", "50", "-o", str(inst)])
    run(["schedule", "solve", str(inst), "-o", str(sol), "--time-limit", "2", "-q"])
    data = json.loads(sol.read_text())
    data["assignments"].append(dict(data["assignments"][0]))
    sol.write_text(json.dumps(data))
    capsys.readouterr()
    assert run(["schedule", "check", str(inst), str(sol)]) == 1
    out = capsys.readouterr().out
    assert "[meeting-twice]" in out
    assert "violation(s)" in out


@pytest.mark.parametrize("command", ["solve", "bound", "check"])
def test_cli_bad_input_exits_2_with_a_message(tmp_path, capsys, command):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "bridgehead-schedule-instance/1",
                "slots": [],
                "tables": 1,
                "participants": [{"id": "a"}],
                "meetings": [{"id": "m", "participants": ["a", "b"]}],
            }
        )
    )
    argv = {
        "solve": ["solve", str(bad), "-o", str(tmp_path / "o.json"), "-q"],
        "bound": ["bound", str(bad)],
        "check": ["check", str(bad), str(bad)],
    }[command]
    assert run(["schedule", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "unknown participant id 'b'" in err
    assert "Traceback" not in err
    assert run(["schedule", "bound", str(tmp_path / "missing.json")]) == 2


@needs_b2b
# 1 thread: the proof configurations one after another; 2: side by side (each in a forked process).
@pytest.mark.parametrize("threads", [1, 2])
def test_b2b_instance_is_solved_to_the_published_optimum(threads):
    # tic-12: every meeting held, the published optimum is 0 breaks with fairness d = 2.
    inst = dzn.load(B2B_DIR / "tic-12.original.dzn")
    sol = solve(inst, time_limit=60, threads=threads, seed=0)
    assert check(inst, sol) == []
    assert (sol.stats.scheduled, sol.stats.breaks, sol.stats.status) == (125, 0, "optimal")
