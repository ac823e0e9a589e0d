"""Optimal assignment of people (reviewers, mentors) to items (applications, startups).

Only candidate pairs carry a score (sparse input), conflicts remove pairs, every item gets exactly its
demand, every person stays within [min_load, max_load]. Two objectives:

* ``"total"`` — maximum total score, solved exactly as a min-cost flow (OR-Tools). Min loads are modelled
  as arcs with a bonus larger than any achievable score, so they are met whenever they can be met at all
  (hard when feasible) and otherwise filled as far as possible, with a note.
* ``"fair"`` — maximise the worst-off item's total score, then the total. Small instances are solved
  exactly as a mixed-integer programme (HiGHS); large ones start from the total-optimal flow and apply
  improving moves to the worst-off items (never ending below the total-only solution's worst-off item).

Every result carries a proven upper bound, so the optimality gap is visible. For ``"total"`` the proof
is the min-cost flow itself: the flow polytope is integral and the solver is exact on the integer-scaled
scores, so the true optimum exceeds the flow's value by at most the rounding of the scaled scores
(½ unit per assigned pair each way: ``assigned × top score / SCALE``, about 10⁻⁷ relative) — no LP needed,
which keeps 10,000 × 2,000 within a few hundred MiB. The LP relaxation (HiGHS) is still used for ``"fair"``,
for ``"total"`` on instances up to 100,000 candidate pairs (where it is cheap and closes exactly), and on
request (``lp=True``).

Before solving, a fast diagnosis (per-item counts and one max-flow with its min cut) turns an infeasible
input into reasons that name the items and people responsible — by their labels when the caller passes
them (``item_labels``/``person_labels``: ids stay opaque keys, names are only for people to read).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .model import Assignment, Infeasible

#: Scores are scaled so the largest becomes this integer for the flow solver (relative precision 1e-7).
SCALE = 10_000_000
#: Up to this many candidate pairs, ``total`` also proves its bound by the LP relaxation (cheap there, and
#: the bound then equals the optimum exactly); above, the flow's own proof keeps memory low (module doc).
LP_BOUND_MAX_PAIRS = 100_000
#: Fair instances up to this many candidate pairs are solved exactly as a MIP.
FAIR_MIP_LIMIT = 4_000
#: How many names an explanation lists before "and N more".
NAMES_SHOWN = 8


@dataclass
class Problem:
    """Arrays describing an assignment instance (after conflicts are removed)."""

    items: list[str]
    persons: list[str]
    e_item: np.ndarray  # (E,) int64 item position of each candidate pair
    e_person: np.ndarray  # (E,) int64
    e_score: np.ndarray  # (E,) float64, ≥ 0
    demand: np.ndarray  # (I,) int64
    min_load: np.ndarray  # (P,) int64
    max_load: np.ndarray  # (P,) int64
    conflicted: dict[int, list[int]] = field(default_factory=dict)  # item → persons removed by conflicts
    item_labels: Mapping[str, str] = field(default_factory=dict)  # id → name in explanations (default: id)
    person_labels: Mapping[str, str] = field(default_factory=dict)

    def item_name(self, i: int) -> str:
        return self.item_labels.get(self.items[i], self.items[i])

    def person_name(self, p: int) -> str:
        return self.person_labels.get(self.persons[p], self.persons[p])


def _per(value: int | Mapping[str, int], keys: Sequence[str], what: str) -> np.ndarray:
    if isinstance(value, Mapping):
        out = np.array([int(value.get(k, 0)) for k in keys], dtype=np.int64)
    else:
        out = np.full(len(keys), int(value), dtype=np.int64)
    if (out < 0).any():
        bad = keys[int(np.flatnonzero(out < 0)[0])]
        raise ValueError(f"{what} of {bad!r} is negative")
    return out


def build_problem(
    scores: Iterable[tuple[str, str, float]],
    demand: int | Mapping[str, int],
    max_load: int | Mapping[str, int],
    min_load: int | Mapping[str, int] = 0,
    conflicts: Iterable[tuple[str, str]] = (),
    *,
    item_labels: Mapping[str, str] | None = None,
    person_labels: Mapping[str, str] | None = None,
) -> Problem:
    """Validate and index the input. Raises ValueError for NaN/negative scores or duplicate pairs.
    ``item_labels``/``person_labels`` name ids in explanations (an id without a label is shown as is)."""
    conflict_set = set(conflicts)
    items: dict[str, int] = {}
    persons: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    ei, ep, es = [], [], []
    conflicted: dict[int, list[int]] = {}
    for item, person, score in scores:
        score = float(score)
        if math.isnan(score) or math.isinf(score) or score < 0:
            raise ValueError(f"score of ({item!r}, {person!r}) must be a finite number ≥ 0, got {score}")
        if (item, person) in seen:
            raise ValueError(f"pair ({item!r}, {person!r}) appears twice")
        seen.add((item, person))
        i = items.setdefault(item, len(items))
        p = persons.setdefault(person, len(persons))
        if (item, person) in conflict_set:
            conflicted.setdefault(i, []).append(p)
            continue
        ei.append(i)
        ep.append(p)
        es.append(score)
    if isinstance(demand, Mapping):
        for item in demand:
            items.setdefault(item, len(items))
    item_list, person_list = list(items), list(persons)
    mins = _per(min_load, person_list, "min load")
    maxs = _per(max_load, person_list, "max load")
    if (mins > maxs).any():
        bad = person_list[int(np.flatnonzero(mins > maxs)[0])]
        raise ValueError(f"min load of {bad!r} exceeds its max load")
    return Problem(
        items=item_list,
        persons=person_list,
        e_item=np.asarray(ei, dtype=np.int64),
        e_person=np.asarray(ep, dtype=np.int64),
        e_score=np.asarray(es, dtype=np.float64),
        demand=_per(demand, item_list, "demand"),
        min_load=mins,
        max_load=maxs,
        conflicted=conflicted,
        item_labels=dict(item_labels or {}),
        person_labels=dict(person_labels or {}),
    )


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


def diagnose(pb: Problem) -> list[str]:
    """Reasons why no assignment can satisfy demand and max loads (empty when one exists).

    First per-item shortages (too few eligible people, saying which were removed by conflicts), then a
    max-flow: if it falls short, the source side of its min cut is a set of items whose eligible people
    cannot, even together, cover their demand — the smallest certificate of infeasibility there is.
    """
    from ortools.graph.python import max_flow  # OR-Tools loads only for this solver path

    reasons: list[str] = []
    eligible = np.bincount(pb.e_item, minlength=len(pb.items))
    for i in np.flatnonzero(eligible < pb.demand):
        people = [pb.person_name(p) for p in pb.e_person[pb.e_item == i]]
        msg = f"item {pb.item_name(i)} needs {pb.demand[i]} people but only {eligible[i]} are eligible"
        msg += f" ({_names(people)})" if people else ""
        if pb.conflicted.get(int(i)):
            msg += f"; conflicts exclude {_names([pb.person_name(p) for p in pb.conflicted[int(i)]])}"
        reasons.append(msg)
    if reasons:
        return reasons
    n_i, n_p = len(pb.items), len(pb.persons)
    total = int(pb.demand.sum())
    if total == 0:
        return []
    source, sink = n_i + n_p, n_i + n_p + 1
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(np.full(n_i, source), np.arange(n_i), pb.demand)
    mf.add_arcs_with_capacity(pb.e_item, n_i + pb.e_person, np.ones(len(pb.e_item), dtype=np.int64))
    mf.add_arcs_with_capacity(n_i + np.arange(n_p), np.full(n_p, sink), pb.max_load)
    status = mf.solve(source, sink)
    if status != mf.OPTIMAL:
        return [f"the max-flow feasibility check failed (status {status})"]
    flow = mf.optimal_flow()
    if flow >= total:
        return []
    cut = np.asarray(mf.get_source_side_min_cut())
    items_side = sorted(int(v) for v in cut if v < n_i)
    people_side = sorted(int(v) - n_i for v in cut if n_i <= v < n_i + n_p)
    need = int(pb.demand[items_side].sum()) if items_side else total
    cap = int(pb.max_load[people_side].sum()) if people_side else 0
    if len(items_side) == n_i:
        reasons.append(
            f"total demand {total} exceeds what the eligible people can take ({flow} at most, "
            f"total max load {int(pb.max_load.sum())})"
        )
    else:
        reasons.append(
            f"items {_names([pb.item_name(i) for i in items_side])} need {need} assignments together, but their "
            f"only eligible people {_names([pb.person_name(p) for p in people_side])} can take {cap} "
            f"(max loads); {total - flow} assignment(s) cannot be made"
        )
    return reasons


def _min_load_notes(pb: Problem, loads: np.ndarray) -> list[str]:
    short = np.flatnonzero(loads < pb.min_load)
    if len(short) == 0:
        return []
    names = [f"{pb.person_name(p)} ({loads[p]}/{pb.min_load[p]})" for p in short]
    return [f"min load relaxed (cannot be met together with demand and conflicts): {_names(names)}"]


def _solve_total(pb: Problem, weight: np.ndarray | None = None) -> np.ndarray:
    """Chosen-edge mask of a maximum-score assignment (min loads filled first as far as possible)."""
    from ortools.graph.python import min_cost_flow  # OR-Tools loads only for this solver path

    n_i, n_p = len(pb.items), len(pb.persons)
    sink = n_i + n_p
    w = pb.e_score if weight is None else weight
    top = float(w.max()) if len(w) else 0.0
    scale = SCALE / top if top > 0 else 1.0
    cost = -np.rint(w * scale).astype(np.int64)
    bonus = int(SCALE) * int(pb.demand.sum()) + 1  # exceeds any achievable total score
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        pb.e_item, n_i + pb.e_person, np.ones(len(pb.e_item), dtype=np.int64), cost
    )
    has_min = np.flatnonzero(pb.min_load > 0)
    smcf.add_arcs_with_capacity_and_unit_cost(
        n_i + has_min, np.full(len(has_min), sink), pb.min_load[has_min], np.full(len(has_min), -bonus)
    )
    rest = pb.max_load - pb.min_load
    smcf.add_arcs_with_capacity_and_unit_cost(
        n_i + np.arange(n_p), np.full(n_p, sink), rest, np.zeros(n_p, dtype=np.int64)
    )
    supplies = np.concatenate([pb.demand, np.zeros(n_p, dtype=np.int64), [-int(pb.demand.sum())]])
    smcf.set_nodes_supplies(np.arange(n_i + n_p + 1), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise Infeasible(diagnose(pb) or [f"the min-cost flow solver returned status {status}"])
    return np.asarray(smcf.flows(np.arange(len(pb.e_item)))) > 0


def flow_rounding_slack(pb: Problem, chosen: np.ndarray) -> float:
    """How far the true optimum can exceed the flow's value: the flow is optimal for scores rounded to
    multiples of top/SCALE, and each of the ``assigned`` pairs of either solution is off by at most half a
    unit, so optimum_true ≤ value_true + assigned · top / SCALE."""
    top = float(pb.e_score.max()) if len(pb.e_score) else 0.0
    return int(chosen.sum()) * top / SCALE


def _item_sums(pb: Problem, chosen: np.ndarray) -> np.ndarray:
    return np.bincount(pb.e_item[chosen], weights=pb.e_score[chosen], minlength=len(pb.items))


def _lp(
    pb: Problem,
    objective: str,
    integer: bool = False,
    worst_at_least: float | None = None,
    mins: np.ndarray | None = None,
    time_limit: float = 60.0,
) -> tuple[float, np.ndarray | None, bool]:
    """Solve the LP relaxation (or the MIP with ``integer``) with HiGHS.

    Variables: x_e ∈ [0, 1] for each candidate pair, plus t (worst-off item total) for ``"fair"``.
    Rows: item demand (equality), person load [min, max], and for fair ``Σ s·x − t ≥ 0`` per item.
    ``worst_at_least`` fixes t's lower bound (second, total-maximising stage of the fair MIP).
    Returns (objective value, x or None, proven optimal).
    """
    import highspy  # HiGHS loads only for the LP bound

    n_i, n_p, n_e = len(pb.items), len(pb.persons), len(pb.e_item)
    fair = objective == "fair"
    mins = pb.min_load if mins is None else mins
    n_col = n_e + (1 if fair else 0)
    # Column-wise matrix: each x_e touches its item row, its person row, and (fair) its item's sum row.
    per_col = 3 if fair else 2
    rows = [pb.e_item, n_i + pb.e_person] + ([n_i + n_p + pb.e_item] if fair else [])
    vals = [np.ones(n_e), np.ones(n_e)] + ([pb.e_score] if fair else [])
    index = np.stack(rows, axis=1).reshape(-1)
    value = np.stack(vals, axis=1).reshape(-1)
    start = np.arange(0, per_col * n_e + 1, per_col, dtype=np.int64)
    if fair:
        index = np.concatenate([index, n_i + n_p + np.arange(n_i)])
        value = np.concatenate([value, -np.ones(n_i)])
        start = np.append(start, start[-1] + n_i)
    row_lo = np.concatenate([pb.demand, mins] + ([np.zeros(n_i)] if fair else [])).astype(np.float64)
    row_hi = np.concatenate([pb.demand, pb.max_load] + ([np.full(n_i, np.inf)] if fair else [])).astype(np.float64)
    cost = (
        np.concatenate([pb.e_score, [0.0]])
        if fair and worst_at_least is not None
        else (np.concatenate([np.zeros(n_e), [1.0]]) if fair else pb.e_score.copy())
    )
    col_lo = np.zeros(n_col)
    col_hi = np.ones(n_col)
    if fair:
        col_lo[-1] = worst_at_least if worst_at_least is not None else 0.0
        col_hi[-1] = np.inf
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    if fair and not integer:
        # The max-min LP is slow for dual simplex at 500k columns; interior point solves it in seconds.
        # Without crossover the value is accurate to the solver tolerance (about 1e-8 relative).
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = len(row_lo)
    lp.col_cost_ = cost
    lp.col_lower_ = col_lo
    lp.col_upper_ = col_hi
    lp.row_lower_ = row_lo
    lp.row_upper_ = row_hi
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start.astype(np.int32)
    lp.a_matrix_.index_ = index.astype(np.int32)
    lp.a_matrix_.value_ = value.astype(np.float64)
    if integer:
        kinds = [highspy.HighsVarType.kInteger] * n_e + ([highspy.HighsVarType.kContinuous] if fair else [])
        lp.integrality_ = kinds
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal and not (integer and h.getInfo().primal_solution_status == 2):
        return math.nan, None, False
    x = np.asarray(h.getSolution().col_value)
    obj = float(h.getInfo().objective_function_value)
    if integer:
        # A MIP's proven bound: the dual bound (equal to obj when solved to optimality).
        return obj, x, status == highspy.HighsModelStatus.kOptimal
    return obj, x, True


def lp_bound(pb: Problem, objective: str, mins: np.ndarray | None = None) -> float:
    """Upper bound on the objective from the LP relaxation (NaN if the LP could not be solved)."""
    return _lp(pb, objective, mins=mins)[0]


def _improve_worst(pb: Problem, chosen: np.ndarray, deadline_moves: int = 2_000_000) -> np.ndarray:
    """Raise the worst-off item's total by local moves, then raise the total without lowering the worst.

    Moves: give the worst item a better candidate who has spare capacity (the person it drops keeps their
    min load), or take a better candidate from another item that then receives a spare person and stays
    above the current worst. Items are processed from a heap; stops when the worst item cannot improve.
    """
    chosen = chosen.copy()
    n_p = len(pb.persons)
    order = np.argsort(pb.e_item, kind="stable")
    starts = np.searchsorted(pb.e_item[order], np.arange(len(pb.items) + 1))
    edges_of = [order[starts[i] : starts[i + 1]] for i in range(len(pb.items))]
    edge_of: dict[tuple[int, int], int] = {
        (int(i), int(p)): e for e, (i, p) in enumerate(zip(pb.e_item, pb.e_person, strict=True))
    }
    loads = np.bincount(pb.e_person[chosen], minlength=n_p)
    sums = _item_sums(pb, chosen)
    assigned_items: list[set[int]] = [set() for _ in range(n_p)]
    for e in np.flatnonzero(chosen):
        assigned_items[pb.e_person[e]].add(int(pb.e_item[e]))
    spare = loads < pb.max_load

    def move(e_out: int, e_in: int) -> None:
        i = int(pb.e_item[e_out])
        p_out, p_in = int(pb.e_person[e_out]), int(pb.e_person[e_in])
        chosen[e_out], chosen[e_in] = False, True
        loads[p_out] -= 1
        loads[p_in] += 1
        spare[p_out] = loads[p_out] < pb.max_load[p_out]
        spare[p_in] = loads[p_in] < pb.max_load[p_in]
        assigned_items[p_out].discard(i)
        assigned_items[p_in].add(i)
        sums[i] += pb.e_score[e_in] - pb.e_score[e_out]

    def try_raise(i: int, floor: float) -> bool:
        cand = edges_of[i]
        mine = cand[chosen[cand]]
        others = cand[~chosen[cand]]
        if len(mine) == 0 or len(others) == 0:
            return False
        worst_mine = mine[np.argmin(pb.e_score[mine])]
        p_out = int(pb.e_person[worst_mine])
        if loads[p_out] - 1 < pb.min_load[p_out]:
            return False
        for e_in in others[np.argsort(-pb.e_score[others])]:
            gain = pb.e_score[e_in] - pb.e_score[worst_mine]
            if gain <= 1e-12:
                return False
            q = int(pb.e_person[e_in])
            if spare[q]:
                move(int(worst_mine), int(e_in))
                return True
            # q is full: free one of q's slots by moving another item j of q to a spare person.
            for j in assigned_items[q]:
                e_jq = edge_of[(j, q)]
                for e_jr in edges_of[j][~chosen[edges_of[j]]]:
                    r = int(pb.e_person[e_jr])
                    if r == q or not spare[r]:
                        continue
                    if sums[j] - pb.e_score[e_jq] + pb.e_score[e_jr] > floor + 1e-12:
                        move(e_jq, int(e_jr))
                        move(int(worst_mine), int(e_in))
                        return True
        return False

    heap = [(float(sums[i]), i) for i in range(len(pb.items)) if pb.demand[i] > 0]
    heapq.heapify(heap)
    steps = 0
    while heap and steps < deadline_moves:
        s, i = heapq.heappop(heap)
        if abs(s - sums[i]) > 1e-12:
            continue  # stale entry
        if not try_raise(i, s):
            break
        steps += 1
        heapq.heappush(heap, (float(sums[i]), i))
    return chosen


def assign(
    scores: Iterable[tuple[str, str, float]] | Problem,
    demand: int | Mapping[str, int] = 1,
    max_load: int | Mapping[str, int] = 1,
    min_load: int | Mapping[str, int] = 0,
    conflicts: Iterable[tuple[str, str]] = (),
    objective: str = "total",
    *,
    bound: bool = True,
    lp: bool | None = None,
    progress: Callable[[str], None] | None = None,
    item_labels: Mapping[str, str] | None = None,
    person_labels: Mapping[str, str] | None = None,
) -> Assignment:
    """Assign people to items; see the module docstring. Raises :class:`Infeasible` with reasons.

    ``scores`` are (item, person, score ≥ 0) candidate pairs; ``demand`` per item and loads per person
    are ints or mappings by id; ``item_labels``/``person_labels`` map ids to the names that reasons and
    notes show (``pairs`` hold ids either way). ``progress`` is called with a short stage name as the
    solver moves on.
    ``bound`` asks for a proven upper bound: for ``"total"`` from the LP relaxation up to
    :data:`LP_BOUND_MAX_PAIRS` candidate pairs or with ``lp=True``, otherwise (or with ``lp=False``) from
    the flow itself; for ``"fair"`` from the LP relaxation (``lp`` defaults to ``bound``).
    """
    if objective not in ("total", "fair"):
        raise ValueError("objective must be 'total' or 'fair'")
    pb = scores if isinstance(scores, Problem) else build_problem(scores, demand, max_load, min_load, conflicts)
    if item_labels or person_labels:
        pb = replace(pb, item_labels=item_labels or pb.item_labels, person_labels=person_labels or pb.person_labels)
    step = progress or (lambda _stage: None)
    step("diagnose")
    reasons = diagnose(pb)
    if reasons:
        raise Infeasible(reasons)
    step("flow")
    chosen = _solve_total(pb)
    loads = np.bincount(pb.e_person[chosen], minlength=len(pb.persons))
    notes = _min_load_notes(pb, loads)
    # Min loads are hard when they can be met; otherwise the flow filled as many min-load units as
    # possible, and later stages (bound, fair) keep exactly the units it filled.
    mins = None if not notes else np.minimum(loads, pb.min_load)
    optimal = True
    if objective == "total":
        value = float(pb.e_score[chosen].sum())
        ub = None
        if lp is None:
            lp = len(pb.e_score) <= LP_BOUND_MAX_PAIRS
        if bound and lp:
            step("bound")
            ub = lp_bound(pb, "total", mins=mins)
        elif bound:
            ub = value + flow_rounding_slack(pb, chosen)
    else:
        chosen, optimal, ub = _solve_fair(pb, chosen, mins, bound if lp is None else lp, step)
        loads = np.bincount(pb.e_person[chosen], minlength=len(pb.persons))
        notes = _min_load_notes(pb, loads)
        value = float(_item_sums(pb, chosen).min()) if len(pb.items) else 0.0
    sums = _item_sums(pb, chosen)
    pairs = [
        (pb.items[int(pb.e_item[e])], pb.persons[int(pb.e_person[e])], float(pb.e_score[e]))
        for e in np.flatnonzero(chosen)
    ]
    pairs.sort()
    return Assignment(
        pairs=pairs,
        objective_name=objective,
        objective=value,
        total=float(pb.e_score[chosen].sum()),
        worst_item=float(sums[pb.demand > 0].min()) if (pb.demand > 0).any() else 0.0,
        bound=ub,
        optimal=optimal,
        notes=notes,
    )


def _solve_fair(
    pb: Problem, total_chosen: np.ndarray, mins: np.ndarray | None, bound: bool, step: Callable[[str], None]
) -> tuple[np.ndarray, bool, float | None]:
    """Max-min then max-total. Exact MIP on small instances, flow + local moves on large ones."""
    has_demand = pb.demand > 0

    def key(ch: np.ndarray) -> tuple[float, float]:
        s = _item_sums(pb, ch)
        return (float(s[has_demand].min()) if has_demand.any() else 0.0, float(pb.e_score[ch].sum()))

    if len(pb.e_item) <= FAIR_MIP_LIMIT:
        step("mip")
        t, x, ok_t = _lp(pb, "fair", integer=True, mins=mins)
        if x is not None:
            _, x2, ok_2 = _lp(pb, "fair", integer=True, worst_at_least=t - 1e-9, mins=mins)
            if x2 is not None:
                chosen = x2[: len(pb.e_item)] > 0.5
                if key(chosen) >= key(total_chosen):
                    ub = t if ok_t else (lp_bound(pb, "fair", mins) if bound else None)
                    return chosen, ok_t and ok_2, ub
    step("local search")
    improved = _improve_worst(pb, total_chosen)
    chosen = improved if key(improved) >= key(total_chosen) else total_chosen
    ub = None
    if bound:
        step("bound")
        ub = lp_bound(pb, "fair", mins=mins)
    optimal = ub is not None and not math.isnan(ub) and key(chosen)[0] >= ub - 1e-9
    return chosen, optimal, ub
