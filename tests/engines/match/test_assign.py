from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bridgehead.engines.match import Infeasible, assign
from bridgehead.engines.match.assign import SCALE


def brute_force(scores, demand, min_load, max_load, conflicts):
    """All assignments by enumeration, or None if none exists.

    Returns (all min loads met?, best total, best (worst, total)). The engine's contract on min loads:
    hard when they can all be met; otherwise fill as many min-load units as possible, then maximise.
    """
    items = sorted({i for i, _, _ in scores})
    persons = sorted({p for _, p, _ in scores})
    cand = {i: [(p, s) for (ii, p, s) in scores if ii == i and (i, p) not in conflicts] for i in items}
    options = [list(itertools.combinations(cand[i], demand)) for i in items]
    feasible = []
    for combo in itertools.product(*options):
        loads = dict.fromkeys(persons, 0)
        for chosen in combo:
            for p, _ in chosen:
                loads[p] += 1
        if all(v <= max_load for v in loads.values()):
            sums = [sum(s for _, s in chosen) for chosen in combo]
            filled = sum(min(v, min_load) for v in loads.values())
            feasible.append((filled, sum(sums), min(sums) if sums else 0.0))
    if not feasible:
        return None
    most = max(f for f, _, _ in feasible)
    feasible = [f for f in feasible if f[0] == most]
    best_total = max(t for _, t, _ in feasible)
    best_fair = max((w, t) for _, t, w in feasible)
    return most == min_load * len(persons), best_total, best_fair


@st.composite
def instances(draw):
    n_items = draw(st.integers(1, 4))
    n_persons = draw(st.integers(1, 4))
    scores = []
    for i in range(n_items):
        for p in range(n_persons):
            if draw(st.booleans()):
                scores.append((f"i{i}", f"p{p}", draw(st.integers(0, 20)) / 4))
    if not scores:
        scores = [("i0", "p0", 1.0)]
    conflicts = {(i, p) for i, p, _ in scores if draw(st.integers(0, 9)) == 0}
    demand = draw(st.integers(1, 2))
    max_load = draw(st.integers(1, 3))
    min_load = draw(st.integers(0, 1))
    return scores, demand, min_load, max_load, conflicts


def _check(result, scores, demand, max_load, conflicts):
    by_item: dict[str, list[str]] = {}
    loads: dict[str, int] = {}
    score_of = {(i, p): s for i, p, s in scores}
    for item, person, score in result.pairs:
        assert (item, person) not in conflicts
        assert score_of[item, person] == score
        by_item.setdefault(item, []).append(person)
        loads[person] = loads.get(person, 0) + 1
    assert all(len(set(v)) == len(v) == demand for v in by_item.values())
    assert set(by_item) == {i for i, _, _ in scores}
    assert all(v <= max_load for v in loads.values())
    assert math.isclose(result.total, sum(s for _, _, s in result.pairs), abs_tol=1e-9)


@settings(max_examples=120, deadline=None)
@given(instances(), st.sampled_from(["total", "fair"]))
def test_assignment_is_optimal_and_valid(inst, objective) -> None:
    scores, demand, min_load, max_load, conflicts = inst
    expected = brute_force(scores, demand, min_load, max_load, conflicts)
    if expected is None:
        with pytest.raises(Infeasible) as err:
            assign(scores, demand, max_load, min_load, conflicts, objective)
        assert err.value.reasons
        return
    result = assign(scores, demand, max_load, min_load, conflicts, objective)
    _check(result, scores, demand, max_load, conflicts)
    all_min_loads, best_total, (best_worst, best_total_given_worst) = expected
    assert (result.notes == []) == all_min_loads
    if objective == "total":
        assert result.total == pytest.approx(best_total, abs=1e-6)
        # Small instances: the LP bound closes exactly.
        assert result.bound == pytest.approx(best_total, abs=1e-6)
        # The flow's own proof (large instances, or lp=False): a valid bound on the true optimum, above it
        # by at most the score rounding.
        flow = assign(scores, demand, max_load, min_load, conflicts, objective, lp=False)
        top = max((sc for _, _, sc in scores), default=0.0)
        assert best_total - 1e-9 <= flow.bound <= flow.total + len(flow.pairs) * top / SCALE + 1e-12
    elif not all_min_loads:
        # fair keeps the min-load units the flow filled; other fills of the same size may differ
        assert result.bound >= result.objective - 1e-6
    else:
        assert result.worst_item == pytest.approx(best_worst, abs=1e-6)
        assert result.total == pytest.approx(best_total_given_worst, abs=1e-6)
        assert result.bound >= result.objective - 1e-6
    assert result.optimal


def test_min_load_is_hard_when_it_can_be_met() -> None:
    scores = [("a", "x", 1.0), ("a", "y", 0.1), ("b", "x", 1.0), ("b", "y", 0.1)]
    plain = assign(scores, demand=1, max_load=2)
    assert [p for _, p, _ in plain.pairs] == ["x", "x"]
    spread = assign(scores, demand=1, max_load=2, min_load=1)
    assert sorted(p for _, p, _ in spread.pairs) == ["x", "y"]
    assert spread.total == pytest.approx(1.1) and spread.notes == []


def test_min_load_is_relaxed_with_a_note_when_impossible() -> None:
    scores = [("a", "x", 1.0), ("a", "y", 0.5)]
    result = assign(scores, demand=1, max_load=1, min_load=1)
    assert result.pairs == [("a", "x", 1.0)]
    assert result.notes == ["min load relaxed (cannot be met together with demand and conflicts): y (0/1)"]


def test_infeasible_item_with_too_few_eligible_people_names_them() -> None:
    scores = [
        ("app1", "rev1", 1.0),
        ("app1", "rev2", 1.0),
        ("app1", "rev3", 1.0),
        ("app2", "rev1", 0.5),
        ("app2", "rev2", 0.5),
        ("app2", "rev3", 0.5),
    ]
    with pytest.raises(Infeasible) as err:
        assign(scores, demand=3, max_load=2, conflicts=[("app1", "rev3")])
    assert err.value.reasons == [
        "item app1 needs 3 people but only 2 are eligible (rev1, rev2); conflicts exclude rev3"
    ]


def test_infeasible_group_is_named_from_the_min_cut() -> None:
    scores = [("a", "x", 1.0), ("b", "x", 1.0), ("c", "y", 1.0), ("c", "z", 1.0)]
    with pytest.raises(Infeasible) as err:
        assign(scores, demand=1, max_load=1)
    assert err.value.reasons == [
        "items a, b need 2 assignments together, but their only eligible people x "
        "can take 1 (max loads); 1 assignment(s) cannot be made"
    ]


def test_explanations_name_items_and_people_by_their_labels_and_pairs_keep_the_ids() -> None:
    # Two items share a name: ids keep them apart, labels are only what the explanation shows.
    scores = [("a1", "u1", 1.0), ("a2", "u1", 1.0), ("a3", "u2", 1.0), ("a3", "u3", 1.0)]
    names = {"item_labels": {"a1": "Acme", "a2": "Acme", "a3": "Beta"}, "person_labels": {"u1": "Kim (#1)"}}
    with pytest.raises(Infeasible) as err:
        assign(scores, demand=1, max_load=1, **names)
    assert err.value.reasons == [
        "items Acme, Acme need 2 assignments together, but their only eligible people Kim (#1) "
        "can take 1 (max loads); 1 assignment(s) cannot be made"
    ]
    with pytest.raises(Infeasible) as err:
        assign(scores, demand={"a1": 2}, max_load=1, **names)
    assert err.value.reasons == ["item Acme needs 2 people but only 1 are eligible (Kim (#1))"]
    result = assign(scores, demand={"a1": 1, "a3": 1}, max_load=1, min_load={"u2": 1, "u3": 1}, **names)
    assert [(i, p) for i, p, _s in result.pairs] == [("a1", "u1"), ("a3", "u2")]
    assert result.notes == ["min load relaxed (cannot be met together with demand and conflicts): u3 (0/1)"]


def test_infeasible_total_capacity() -> None:
    scores = [(f"i{i}", f"p{p}", 1.0) for i in range(4) for p in range(2)]
    with pytest.raises(Infeasible) as err:
        assign(scores, demand=2, max_load=3)
    assert err.value.reasons == [
        "total demand 8 exceeds what the eligible people can take (6 at most, total max load 6)"
    ]


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ([("a", "x", float("nan"))], "must be a finite number"),
        ([("a", "x", -1.0)], "must be a finite number ≥ 0"),
        ([("a", "x", 1.0), ("a", "x", 2.0)], "appears twice"),
    ],
)
def test_bad_scores_are_rejected(scores, message) -> None:
    with pytest.raises(ValueError, match=message):
        assign(scores, demand=1, max_load=1)


def test_fair_lifts_the_worst_item_above_total_only() -> None:
    # Total prefers a←x, b←y (1.2, worst 0.2); fair prefers a←y, b←x (1.1, worst 0.5).
    scores = [("a", "x", 1.0), ("a", "y", 0.5), ("b", "x", 0.6), ("b", "y", 0.2)]
    total = assign(scores, demand=1, max_load=1, objective="total")
    fair = assign(scores, demand=1, max_load=1, objective="fair")
    assert total.pairs == [("a", "x", 1.0), ("b", "y", 0.2)]
    assert total.worst_item == pytest.approx(0.2)
    assert fair.pairs == [("a", "y", 0.5), ("b", "x", 0.6)]
    assert fair.objective == pytest.approx(0.5) and fair.bound == pytest.approx(0.5)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_fair_local_search_never_ends_below_total_only(seed) -> None:
    import importlib
    import random

    assign_module = importlib.import_module("bridgehead.engines.match.assign")
    rng = random.Random(seed)
    scores = [(f"i{i}", f"p{p}", round(rng.random(), 3)) for i in range(30) for p in rng.sample(range(12), 6)]
    conflicts = {(i, p) for i, p, _ in scores if rng.random() < 0.05}
    try:
        total = assign(scores, 2, 6, 0, conflicts, "total")
    except Infeasible:
        return
    limit = assign_module.FAIR_MIP_LIMIT
    assign_module.FAIR_MIP_LIMIT = 0  # force the large-instance path
    try:
        fair = assign(scores, 2, 6, 0, conflicts, "fair")
    finally:
        assign_module.FAIR_MIP_LIMIT = limit
    _check(fair, scores, 2, 6, conflicts)
    assert fair.worst_item >= total.worst_item - 1e-9
    assert fair.bound >= fair.worst_item - 1e-6
