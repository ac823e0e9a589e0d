"""Proven upper bounds on the number and the weight of meetings any valid schedule can hold.

Why the bound is valid
----------------------
Take any valid schedule and let ``y[m, s] = 1`` when meeting ``m`` is held in slot ``s``. It satisfies:

1. ``y[m, s] = 0`` unless ``s`` is allowed by the meeting and every participant can attend it
   (so a meeting with no such slot is never held);
2. ``sum_s y[m, s] <= 1`` (a meeting at most once), and ``= 1`` for a fixed meeting at its slot;
3. ``sum_{m ∋ p} y[m, s] <= 1`` for every participant ``p`` and slot ``s``;
4. ``sum_{m in person} y[m, s] <= tables(s)`` for every slot;
5. ``sum_{m ∋ p, s} y[m, s] <= max_meetings(p)``.

Relaxing integrality gives a linear programme whose optimum is >= the value of every valid schedule — the
**time-indexed LP bound**. Summing the rows of (3)-(4) over a *group* of slots keeps every valid schedule
feasible: with ``y[m, g] = sum_{s in g} y[m, s]``, participant p holds at most as many meetings in g as g has
slots she could use for one of her meetings, and the in-person meetings of g need at most the tables of the
slots of g. So the LP over groups is a bound too, weaker but smaller. The engine uses the finest grouping that
stays small: one group per slot (time-indexed) on small instances, one per session (session-indexed) on
medium ones, one group for the whole event (**aggregated LP**: ``0 <= x[m] <= 1``, ``sum_{m ∋ p} x[m] <=
cap(p)`` with ``cap(p) = min(max_meetings(p), |slots p can use for at least one of her meetings|)``, total
in-person meetings at most the tables of the slots they can use) at 60,000 requests, where it is the
fractional b-matching bound of the request graph and solves in well under a second.

The count bound is the LP with unit weights, rounded down (a count is an integer); the weight bound is the
LP with the meeting weights. Both are taken after a small relative
tolerance is added to the solver's optimum so floating-point error cannot push them below the truth. When
HiGHS does not report an optimum (time limit), only the trivial bounds are used: the number/weight of the
meetings that have a usable slot. The minimum of valid bounds is valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csc_matrix

from .model import Instance, Problem, bits

TIME_INDEXED_MAX_VARS = 40_000
SESSION_INDEXED_MAX_VARS = 40_000
LP_TIME_LIMIT = 20.0


@dataclass(frozen=True)
class Bound:
    upper_bound: int
    weight_upper_bound: float
    method: str


def _slack(value: float) -> float:
    return value + 1e-6 * max(1.0, abs(value)) + 1e-7


def bound(
    instance: Instance | Problem, *, time_indexed: bool | None = None, time_limit: float = LP_TIME_LIMIT
) -> Bound:
    """Upper bounds on scheduled count and weight (see the module docstring for the argument)."""
    problem = instance if isinstance(instance, Problem) else Problem(instance)
    usable = [m for m in range(problem.n_meetings) if problem.allowed[m]]
    trivial_count = len(usable)
    trivial_weight = sum(problem.weight[m] for m in usable)
    if not usable:
        return Bound(0, 0.0, "trivial")
    n_vars = sum(problem.allowed[m].bit_count() for m in usable)
    if time_indexed is None:
        time_indexed = n_vars <= TIME_INDEXED_MAX_VARS
    session_cols = sum(1 for m in usable for _, _, smask in problem.sessions if problem.allowed[m] & smask)
    if time_indexed:
        method, groups = "time-indexed LP", list(range(problem.n_slots))
    elif session_cols <= SESSION_INDEXED_MAX_VARS and len(problem.sessions) > 1:
        method, groups = "session-indexed LP", list(problem.session_of)
    else:
        method, groups = "aggregated LP", [0] * problem.n_slots
    a_ub, b_ub, lower, n_cols, col_meeting = _grouped(problem, usable, groups)
    weights = np.array([problem.weight[m] for m in usable])
    best_count, best_weight, proved = trivial_count, trivial_weight, False
    # With equal weights the weighted LP is the unit one scaled: solve once (halves the time on B2B events).
    same = len({problem.weight[m] for m in usable}) == 1
    for unit in (True,) if same else (True, False):
        cost = -(np.ones(n_cols) if unit else weights[col_meeting])
        res = linprog(
            cost,
            A_ub=a_ub,
            b_ub=b_ub,
            bounds=np.column_stack([lower, np.ones(n_cols)]),
            method="highs",
            options={"time_limit": max(0.1, time_limit / 2), "presolve": True},
        )
        if res.status != 0:
            continue
        value = _slack(-res.fun)
        proved = True
        if unit:
            best_count = min(best_count, math.floor(value))
            if same:
                best_weight = min(best_weight, _slack(-res.fun * problem.weight[usable[0]]))
        else:
            best_weight = min(best_weight, value)
    return Bound(best_count, best_weight, method if proved else "trivial")


def _rows(n_rows: int, entries: list[tuple[int, int]], n_cols: int) -> csc_matrix:
    r = np.fromiter((e[0] for e in entries), dtype=np.int64, count=len(entries))
    c = np.fromiter((e[1] for e in entries), dtype=np.int64, count=len(entries))
    return csc_matrix((np.ones(len(entries)), (r, c)), shape=(n_rows, n_cols))


def _grouped(problem: Problem, usable: list[int], group_of: list[int]):
    """One column per (meeting, group of slots it can use); rows are rules 2-5 summed inside each group.

    With one group per slot this is the time-indexed LP; with one group per session it is its aggregation
    over the slots of a session: a participant holds at most as many meetings in a group as there are slots
    in it she could use, and the in-person meetings of a group need at most the tables of its slots.
    """
    n_groups = max(group_of) + 1
    group_mask = [0] * n_groups
    for s, g in enumerate(group_of):
        group_mask[g] |= 1 << s
    col_meeting: list[int] = []
    col_group: list[int] = []
    for i, m in enumerate(usable):
        for g in range(n_groups):
            if problem.allowed[m] & group_mask[g]:
                col_meeting.append(i)
                col_group.append(g)
    n = len(col_meeting)
    reach = [0] * problem.n_parts
    in_person_reach = 0
    for m in usable:
        for p in problem.parts[m]:
            reach[p] |= problem.allowed[m]
        if problem.in_person[m]:
            in_person_reach |= problem.allowed[m]
    entries: list[tuple[int, int]] = [(i, col) for col, i in enumerate(col_meeting)]
    rhs: list[float] = [1.0] * len(usable)
    pg_row: dict[tuple[int, int], int] = {}
    p_row: dict[int, int] = {}
    g_row: dict[int, int] = {}
    for col in range(n):
        m = usable[col_meeting[col]]
        g = col_group[col]
        for p in problem.parts[m]:
            key = (p, g)
            row = pg_row.get(key)
            if row is None:
                row = pg_row[key] = len(rhs)
                rhs.append(float((reach[p] & group_mask[g]).bit_count()))
            entries.append((row, col))
            if problem.cap[p] < reach[p].bit_count():
                row = p_row.get(p)
                if row is None:
                    row = p_row[p] = len(rhs)
                    rhs.append(float(problem.cap[p]))
                entries.append((row, col))
        if problem.in_person[m]:
            row = g_row.get(g)
            if row is None:
                row = g_row[g] = len(rhs)
                rhs.append(float(sum(problem.tables[s] for s in bits(in_person_reach & group_mask[g]))))
            entries.append((row, col))
    lower = np.array([1.0 if problem.fixed[usable[i]] >= 0 else 0.0 for i in col_meeting])
    return _rows(len(rhs), entries, n), np.array(rhs), lower, n, np.array(col_meeting)
