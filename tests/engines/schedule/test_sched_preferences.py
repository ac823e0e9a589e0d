"""Humane hours (preferred slots / local hours), multi-day events and daylight saving."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.engines.schedule.sched_helpers import brute_force, small_instances

from bridgehead.engines.schedule import (
    Instance,
    InstanceError,
    Meeting,
    Participant,
    PreferredHours,
    Slot,
    check,
    instance_from_dict,
    instance_to_dict,
    solve,
    validate,
)
from bridgehead.engines.schedule.generate import generate
from bridgehead.engines.schedule.model import Problem, bits, preferred_mask


def three_days_over_dst() -> tuple[Slot, ...]:
    """31 Oct – 2 Nov 2026 (US daylight saving ends on 1 Nov): each day a session of four 30-minute slots
    from 16:00 UTC, and an evening session from 00:30 UTC the next morning."""
    out = []
    for day in (31, 1, 2):
        month = "10" if day == 31 else "11"
        for i in range(4):
            out.append(
                Slot(f"d{day}-{i}", f"2026-{month}-{day:02d}T{16 + i // 2:02d}:{30 * (i % 2):02d}:00Z", 30, f"d{day}")
            )
        nxt = {31: "2026-11-01", 1: "2026-11-02", 2: "2026-11-03"}[day]
        out.append(Slot(f"d{day}-eve", f"{nxt}T00:30:00Z", 30, f"d{day}-eve"))
    return tuple(out)


def test_preferred_hours_follow_daylight_saving_day_by_day():
    slots = three_days_over_dst()
    mask = preferred_mask(slots, PreferredHours("America/Los_Angeles", "09:00", "17:00"))
    chosen = [slots[s].id for s in bits(mask)]
    # 16:00 UTC is 09:00 PDT on 31 Oct but 08:00 PST after the change; 00:30 UTC is 17:30 PDT, then 16:30 PST.
    assert chosen == [
        "d31-0", "d31-1", "d31-2", "d31-3",
        "d1-2", "d1-3", "d1-eve",
        "d2-2", "d2-3", "d2-eve",
    ]  # fmt: skip
    seoul = preferred_mask(slots, PreferredHours("Asia/Seoul"))  # 08:00–20:00 KST = 23:00–11:00 UTC
    assert [slots[s].id for s in bits(seoul)] == ["d31-eve", "d1-eve", "d2-eve"]


def test_multi_day_event_counts_breaks_per_day_and_meets_preferred_hours_across_dst():
    slots = three_days_over_dst()
    la = PreferredHours("America/Los_Angeles", "09:00", "17:00")
    people = (Participant("host", preferred_hours=la), Participant("a"), Participant("b"), Participant("c"))
    # host meets a on day 1 (31 Oct) and b, c on day 3 (2 Nov): inside 09:00-17:00 PST only d2-2, d2-3, d2-eve.
    ms = (
        Meeting("m1", ("host", "a"), slots=("d31-0", "d31-1", "d31-2", "d31-3")),
        Meeting("m2", ("host", "b"), slots=("d2-0", "d2-1", "d2-2", "d2-3")),
        Meeting("m3", ("host", "c"), slots=("d2-0", "d2-1", "d2-2", "d2-3")),
    )
    inst = Instance("dst", slots, 4, people, ms, break_rule="any")
    sol = solve(inst, time_limit=10, threads=1)
    assert check(inst, sol) == []
    placed = {a.meeting: a.slot for a in sol.assignments}
    assert placed["m1"] in {"d31-0", "d31-1", "d31-2", "d31-3"}
    assert {placed["m2"], placed["m3"]} == {"d2-2", "d2-3"}  # 09:00–09:30 PST and later, not 08:00
    assert sol.stats.breaks == 0  # a day-1 meeting and day-3 meetings are not a break: breaks are per day
    assert sol.stats.preferred == 6
    assert sol.stats.status == "optimal"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(max_slots=3, max_people=4, max_meetings=4), st.data())
def test_preferences_never_change_the_count_or_the_breaks(inst, data):
    assume(brute_force(inst) is not None)
    slot_ids = [s.id for s in inst.slots]
    people = tuple(
        dataclasses.replace(p, preferred=tuple(data.draw(st.lists(st.sampled_from(slot_ids), unique=True))))
        for p in inst.participants
    )
    with_prefs = dataclasses.replace(inst, participants=people)
    plain = solve(inst, time_limit=10, threads=1)
    pref = solve(with_prefs, time_limit=10, threads=1)
    assert check(with_prefs, pref) == []
    assert (round(pref.stats.scheduled_weight, 9), pref.stats.breaks, pref.stats.max_breaks) == (
        round(plain.stats.scheduled_weight, 9),
        plain.stats.breaks,
        plain.stats.max_breaks,
    )


def test_hybrid_event_puts_virtual_meetings_in_both_parties_hours_without_losing_meetings_or_adding_breaks():
    inst = generate(600, seed=2, virtual_share=1 / 3)
    plain = dataclasses.replace(
        inst, participants=tuple(dataclasses.replace(p, preferred_hours=None) for p in inst.participants)
    )
    pb = Problem(inst)
    virtual = {pb.meeting_ids[m]: m for m in range(pb.n_meetings) if pb.mode[m] == "virtual"}

    def inside(sol) -> int:
        held = [(virtual[a.meeting], pb.slot_index[a.slot]) for a in sol.assignments if a.meeting in virtual]
        return sum(1 for m, s in held if pb.pref_all[m] >> s & 1)

    before = solve(plain, time_limit=10, threads=2, exact=False)
    after = solve(inst, time_limit=10, threads=2, exact=False)
    assert check(inst, after) == []
    assert (after.stats.scheduled, after.stats.breaks) == (before.stats.scheduled, before.stats.breaks)
    assert inside(after) >= 2 * inside(before)
    assert after.stats.preferred > before.stats.scheduled  # most pairs now inside their hours


def test_preferences_round_trip_and_bad_values_are_named():
    slots = three_days_over_dst()
    people = (
        Participant("a", preferred=("d31-0",)),
        Participant("b", preferred_hours=PreferredHours("Asia/Seoul", "07:30", "21:00")),
    )
    inst = Instance("r", slots, 1, people, (Meeting("m", ("a", "b")),))
    data = instance_to_dict(inst)
    assert data["participants"][0]["preferred"] == ["d31-0"]
    assert data["participants"][1]["preferred_hours"] == {"zone": "Asia/Seoul", "start": "07:30", "end": "21:00"}
    assert instance_from_dict(data) == inst
    bad = dataclasses.replace(
        inst,
        participants=(
            Participant("a", preferred=("nope",)),
            Participant("b", preferred_hours=PreferredHours("Mars/Olympus", "8:00", "20:00")),
        ),
    )
    with pytest.raises(InstanceError) as err:
        validate(bad)
    assert "participant 'a': unknown slot id 'nope' in preferred" in str(err.value)
    assert "participant 'b': preferred_hours: unknown time zone 'Mars/Olympus'" in str(err.value)
    assert "participant 'b': preferred_hours: start must be HH:MM (00:00-24:00), got '8:00'" in str(err.value)
    night = Participant("b", preferred_hours=PreferredHours("UTC", "20:00", "08:00"))
    late = dataclasses.replace(inst, participants=(people[0], night))
    with pytest.raises(InstanceError, match="start 20:00 must be before end 08:00"):
        validate(late)


def test_cli_generates_a_hybrid_event_whose_remote_third_prefers_seoul_hours(tmp_path):
    import argparse
    import json

    from bridgehead.engines.schedule.cli import add_parser

    parser = argparse.ArgumentParser(prog="bridgehead")
    add_parser(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "hybrid.json"
    ns = parser.parse_args(
        [
            "schedule",
            "generate",
            "--participants",
            "300",
            "--days",
            "2",
            "--requests",
            "2",
            "--virtual-share",
            "0.33",
            "-o",
            str(out),
        ]
    )
    assert ns.handler(ns) == 0
    data = json.loads(out.read_text())
    zones = [p["preferred_hours"]["zone"] for p in data["participants"]]
    assert set(zones) == {"Asia/Seoul", "America/Los_Angeles"}
    assert 0.25 <= zones.count("Asia/Seoul") / 300 <= 0.42
    assert len(data["slots"]) == 32
    assert 500 <= len(data["meetings"]) <= 600
    remote = {p["id"] for p in data["participants"] if p["preferred_hours"]["zone"] == "Asia/Seoul"}
    assert all(m["mode"] == "virtual" for m in data["meetings"] if remote & set(m["participants"]))
