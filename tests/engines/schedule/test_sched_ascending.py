"""The ascending SAT search of the proof stage ("at most k breaks" for k = 0, 1, …, from the incumbent)
against brute force: the optimum of (total breaks, worst participant's breaks) holding every usable meeting."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.engines.schedule.sched_helpers import instance

from bridgehead.engines.schedule import Meeting, Participant, maxsat
from bridgehead.engines.schedule.model import Problem

pytestmark = pytest.mark.skipif(not maxsat.available(), reason="MaxSAT back end not installed")


def all_held(pb: Problem) -> list[tuple[tuple[int, int], list[int]]]:
    """Every schedule holding every usable meeting that keeps the hard rules, with its (total, worst)."""
    usable = [m for m in range(pb.n_meetings) if pb.allowed[m]]
    out = []
    for combo in itertools.product(*[[s for s in range(pb.n_slots) if pb.allowed[m] >> s & 1] for m in usable]):
        slot_of = [-1] * pb.n_meetings
        busy = [0] * pb.n_parts
        count = [0] * pb.n_parts
        in_person = [0] * pb.n_slots
        ok = True
        for m, s in zip(usable, combo, strict=True):
            slot_of[m] = s
            in_person[s] += pb.in_person[m]
            for p in pb.parts[m]:
                ok &= not busy[p] >> s & 1
                busy[p] |= 1 << s
                count[p] += 1
        ok &= all(count[p] <= pb.cap[p] for p in range(pb.n_parts))
        ok &= all(in_person[s] <= pb.tables[s] for s in range(pb.n_slots))
        per = [pb.breaks_of(p, busy[p]) for p in range(pb.n_parts)]
        spread = pb.instance.max_break_spread
        if ok and (spread is None or max(per) - min(per) <= spread):
            out.append(((sum(per), max(per)), slot_of))
    return out


@st.composite
def gappy_events(draw) -> object:
    """Small events where holding every meeting often forces breaks: few allowed slots per meeting, one
    session, sometimes two sessions or the "idle" rule with an unavailable slot, sometimes a spread rule."""
    n_slots = draw(st.integers(4, 6))
    slot_ids = [f"t{i}" for i in range(n_slots)]
    n_people = draw(st.integers(3, 4))
    people = [Participant("p0", unavailable=tuple(draw(st.lists(st.sampled_from(slot_ids), max_size=1))))]
    people += [Participant(f"p{i}") for i in range(1, n_people)]
    ms = []
    for k in range(draw(st.integers(3, 5))):
        a, b = draw(st.lists(st.integers(0, n_people - 1), min_size=2, max_size=2, unique=True))
        allowed = draw(st.lists(st.sampled_from(slot_ids), min_size=1, max_size=2, unique=True))
        ms.append(Meeting(id=f"m{k}", participants=(f"p{a}", f"p{b}"), slots=tuple(sorted(allowed))))
    sessions = draw(st.sampled_from([None, (2, n_slots - 2)]))
    return instance(
        n_slots,
        people,
        ms,
        tables=2,
        sessions=sessions,
        spread=draw(st.sampled_from([None, 1, 2])),
        break_rule=draw(st.sampled_from(["any", "idle"])),
    )


def optimum_and_worst(inst):
    """The compiled event, its schedules holding every meeting (brute force), the best (total, worst) and
    the schedule with the most breaks — the incumbent a proof should start from at its worst. Examples the
    MaxSAT stage does not take, or without any such schedule, are discarded."""
    pb = Problem(inst)
    assume(maxsat.applicable(pb, True))
    schedules = all_held(pb)
    assume(schedules)
    best = min(key for key, _ in schedules)
    return pb, schedules, best, max(schedules, key=lambda ks: ks[0])[1]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(gappy_events())
def test_ascending_search_proves_the_optimum_from_the_worst_incumbent_or_none(inst):
    pb, schedules, best, worst_schedule = optimum_and_worst(inst)
    for hint in (worst_schedule, None):
        result = maxsat._solve_ascending(pb, 10.0, "seqcounter", 6, "index", hint)
        if result is None:  # nothing to prove: the incumbent has no break, or no schedule can have one
            assert best[0] == 0
            continue
        assert result.proven
        assert maxsat._objective(pb, result.slot_of) == best
        assert any(result.slot_of == s for _, s in schedules)  # a schedule that keeps every hard rule
        assert result.lower == best[0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(gappy_events(), st.data())
def test_neighbourhood_resolve_finds_fewer_breaks_exactly_when_brute_force_does(inst, data):
    """The large-neighbourhood step (`_solve_part`) against brute force: with every meeting outside the
    freed set kept in its slot, it returns a valid schedule with fewer breaks when one exists, and
    refutes the neighbourhood only when none does."""
    pb = Problem(inst)
    assume(maxsat.applicable(pb, True))
    schedules = all_held(pb)
    assume(schedules)
    (total, _), incumbent = data.draw(st.sampled_from(schedules))
    usable = [m for m in range(pb.n_meetings) if pb.allowed[m]]
    assume(usable)
    free = sorted(data.draw(st.sets(st.sampled_from(usable), min_size=1)))
    better = [s for (t, _), s in schedules if t < total and all(s[m] == incumbent[m] for m in usable if m not in free)]
    ok, slot_of = maxsat._solve_part(pb, incumbent, free, 100_000)
    assert ok is not None  # a tiny model never runs out of its budget
    if ok:
        assert slot_of in better
    else:
        assert not better


class _CountingSolver:
    """Stands in for CaDiCaL: counts the calls that reach it, each taking no conflict."""

    def __init__(self) -> None:
        self.calls = 0

    def accum_stats(self) -> dict[str, int]:
        return {"conflicts": 0}

    def conf_budget(self, budget: int) -> None:
        pass

    def solve_limited(self, assumptions: list[int]) -> None:
        self.calls += 1


def test_calls_say_out_of_time_as_soon_as_a_call_would_get_no_budget():
    """The searches loop "while not out_of_time(): solve(...)"; a call refused for want of time while
    out_of_time() still said there was some made the ascending search spin in its last tenth of a second,
    growing its conflict budget by half each turn until the float overflowed (OverflowError: the process
    died with its schedule; seen on ticf-13crafa, 1 December)."""
    fake = _CountingSolver()
    calls = maxsat._Calls(fake, deadline=time.perf_counter() + 0.1)
    calls.rate = 500.0  # a slow machine: 0.1 s is 50 conflicts, below the least budget worth a call
    assert calls.solve([], 10_000) is None and fake.calls == 0
    assert calls.out_of_time()


def _stuck_after_an_interim(better: list[int]):
    """A configuration that reports a schedule, then never returns (a SAT call far beyond its budget)."""

    def run(*_args, **_kwargs):
        maxsat.interim(better, 0)
        time.sleep(60)

    return run


def test_a_child_killed_at_its_budget_still_gives_its_best_schedule(monkeypatch):
    """The parent keeps each configuration's latest interim schedule: when the process is killed at the end
    of its budget, its best so far is returned (not proven), never lost to the caller's worse hint."""
    people = [Participant(f"p{i}") for i in range(4)]
    meetings = [Meeting(id=f"m{i}", participants=("p0", f"p{i}")) for i in (1, 2, 3)]
    pb = Problem(instance(5, people, meetings))
    hint, better = [0, 2, 4], [0, 1, 3]  # p0 with two breaks, and with one
    monkeypatch.setattr(maxsat, "_solve_ascending", _stuck_after_an_interim(better))
    monkeypatch.setattr(maxsat, "SIDE_BY_SIDE", (("ascending", "seqcounter", 6, 1.0, "index"),) * 2)
    started = time.perf_counter()
    result = maxsat.solve_breaks_maxsat(pb, time_limit=1.0, threads=2, hint=hint)
    assert time.perf_counter() - started < 3.0  # killed at the budget, not waited for
    assert result is not None and (result.slot_of, result.proven, result.lower) == (better, False, 0)


def test_a_configuration_searches_until_just_before_its_kill(monkeypatch):
    """A configuration's own time limit is its budget less the kill margin and a fixed margin for its last
    call and its result (:data:`maxsat.CHILD_MARGIN`) — not 10% of the budget, which at 10 s took 0.9 s from
    the search that proves the B2B events."""
    people = [Participant(f"p{i}") for i in range(4)]
    meetings = [Meeting(id=f"m{i}", participants=("p0", f"p{i}")) for i in (1, 2, 3)]
    pb = Problem(instance(5, people, meetings))

    def report_own_limit(_pb, time_limit, *_args, **_kwargs):  # runs in the child: say the limit it got
        return maxsat.MaxSatResult([0, 1, 2], True, round(time_limit * 1000))

    monkeypatch.setattr(maxsat, "_solve_ascending", report_own_limit)
    monkeypatch.setattr(maxsat, "SIDE_BY_SIDE", (("ascending", "seqcounter", 6, 1.0, "index"),) * 2)
    result = maxsat.solve_breaks_maxsat(pb, time_limit=10.0, threads=2)
    assert result is not None and result.proven
    assert 10.0 - 0.6 <= result.lower / 1000 <= 10.0 - maxsat.KILL_MARGIN
