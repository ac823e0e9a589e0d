"""When the hard rules cannot all hold: explain which rule and who is involved, and relax it on request.

The scheduler never returns a schedule that breaks a hard rule. Most rules can always be met by leaving
meetings out, but three together can contradict each other: **fixed meetings** (always held, at their slot),
**unavailable slots** (and a meeting's own allowed slots) and the **break-spread limit** ``max_break_spread``.
Example: p has fixed meetings at 09:00 and 11:00, cannot attend 10:00 (rule ``"any"``), so she has a break in
every schedule; q has a single request, so she has none — with ``max_break_spread`` 0 no schedule exists.

:func:`explain` finds such contradictions *before* searching, with a sound argument (each reported conflict is
proven): a participant's **forced breaks** are the runs of empty slots between two of her fixed meetings that
contain a slot none of her other meetings could fill; a participant with at most one usable meeting always has
zero breaks. If someone's forced breaks exceed the limit while someone else always has none, the rule cannot
hold. Conflicts between fixed meetings themselves (a fixed slot a participant cannot attend, two fixed
meetings of one person in a slot, more fixed in-person meetings than tables) are reported by
:func:`fixed_conflicts`; :func:`~.model.validate` rejects them too.

:func:`relax` returns a copy of the instance with named rules relaxed (``"break-spread"``: no spread limit;
``"fixed"``: the fixed meetings involved in a conflict may move or be left out) and says what it changed, so
the result can state what was relaxed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import Instance, Problem

RELAXABLE = ("break-spread", "fixed")


@dataclass(frozen=True)
class Conflict:
    """One reason the hard rules cannot all hold; ``relaxation`` names the ``--relax`` value that lifts it."""

    rule: str
    message: str
    relaxation: str
    participants: tuple[str, ...] = ()
    meetings: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message} (relax with --relax {self.relaxation})"


class HardRulesError(Exception):
    """No schedule satisfies every hard rule. ``proven``: the conflicts are proven (else: none was found in
    the time allowed). ``conflicts`` say which rule and who; each names the relaxation that lifts it."""

    def __init__(self, conflicts: list[Conflict], *, proven: bool) -> None:
        self.conflicts = conflicts
        self.proven = proven
        lead = "the hard rules cannot all hold" if proven else "no schedule satisfying every hard rule was found"
        offers = sorted({c.relaxation for c in conflicts})
        super().__init__(
            lead
            + ":\n  "
            + "\n  ".join(c.message for c in conflicts)
            + "\n"
            + "to schedule anyway, relax: "
            + ", ".join(f"--relax {r}" for r in offers)
        )

    @property
    def relaxations(self) -> list[str]:
        return sorted({c.relaxation for c in self.conflicts})


def fixed_conflicts(instance: Instance) -> list[Conflict]:
    """Fixed meetings that contradict availability, each other, the tables or ``max_meetings``."""
    out: list[Conflict] = []
    slot_ids = {s.id for s in instance.slots}
    people = {p.id: p for p in instance.participants}
    taken: dict[tuple[str, str], str] = {}
    in_person: dict[str, list[str]] = {}
    count: dict[str, list[str]] = {}
    for m in instance.meetings:
        if m.fixed is None or m.fixed not in slot_ids:
            continue
        if m.slots is not None and m.fixed not in m.slots:
            out.append(
                Conflict(
                    "fixed",
                    f"meeting {m.id} is fixed at {m.fixed}, which it does not allow",
                    "fixed",
                    meetings=(m.id,),
                    slots=(m.fixed,),
                )
            )
        for pid in m.participants:
            person = people.get(pid)
            if person is not None and m.fixed in person.unavailable:
                out.append(
                    Conflict(
                        "fixed",
                        f"meeting {m.id} is fixed at {m.fixed}, which participant {pid} cannot attend",
                        "fixed",
                        participants=(pid,),
                        meetings=(m.id,),
                        slots=(m.fixed,),
                    )
                )
            other = taken.get((pid, m.fixed))
            if other is not None:
                out.append(
                    Conflict(
                        "fixed",
                        f"participant {pid} has two fixed meetings at {m.fixed}: {other} and {m.id}",
                        "fixed",
                        participants=(pid,),
                        meetings=(other, m.id),
                        slots=(m.fixed,),
                    )
                )
            taken[(pid, m.fixed)] = m.id
            count.setdefault(pid, []).append(m.id)
        if m.mode == "in_person":
            in_person.setdefault(m.fixed, []).append(m.id)
    for sid, ms in in_person.items():
        try:
            tables = instance.tables_at(sid)
        except (KeyError, TypeError):
            continue
        if isinstance(tables, int) and len(ms) > tables:
            out.append(
                Conflict(
                    "fixed",
                    f"slot {sid} has {len(ms)} fixed in-person meetings but {tables} tables",
                    "fixed",
                    meetings=tuple(ms[tables:]),
                    slots=(sid,),
                )
            )
    for pid, ms in count.items():
        cap = people[pid].max_meetings if pid in people else None
        if isinstance(cap, int) and len(ms) > cap:
            out.append(
                Conflict(
                    "fixed",
                    f"participant {pid} has {len(ms)} fixed meetings but max_meetings {cap}",
                    "fixed",
                    participants=(pid,),
                    meetings=tuple(ms[cap:]),
                )
            )
    return out


def forced_breaks(pb: Problem, p: int) -> tuple[int, list[int], list[int]]:
    """Breaks participant ``p`` has in *every* valid schedule, with the fixed meetings and the unfillable
    slots that force them (see the module docstring for why this is a lower bound)."""
    fixed = [m for m in pb.usable_of[p] if pb.fixed[m] >= 0]
    if len(fixed) < 2:
        return 0, [], []
    busy = 0
    for m in fixed:
        busy |= 1 << pb.fixed[m]
    fill = 0
    if len(fixed) < pb.cap[p]:
        for m in pb.meetings_of[p]:
            if pb.fixed[m] < 0:
                fill |= pb.allowed[m]
    occupied = busy | ((pb.all_mask & ~pb.avail[p]) if pb.idle_rule else 0)
    count = 0
    holes: list[int] = []
    involved: set[int] = set()
    for lo, hi, _ in pb.sessions:
        mine = [s for s in range(lo, hi) if busy >> s & 1]
        if len(mine) < 2:
            continue
        s = mine[0]
        while s < mine[-1]:
            if occupied >> s & 1:
                s += 1
                continue
            run_start = s
            while not occupied >> s & 1:
                s += 1
            unfillable = [t for t in range(run_start, s) if not fill >> t & 1]
            if unfillable:
                count += 1
                holes.append(unfillable[0])
                before = max(t for t in mine if t < run_start)
                after = min(t for t in mine if t >= s)
                involved.update(m for m in fixed if pb.fixed[m] in (before, after))
    return count, sorted(involved), holes


def explain(pb: Problem) -> list[Conflict]:
    """Proven conflicts between the hard rules of a valid instance (empty: none found — which does not by
    itself prove a schedule exists; the solver reports it if its search finds none)."""
    spread = pb.instance.max_break_spread
    if spread is None:
        return []
    zero = pb.at_most_one_meeting()
    if not zero:
        return []
    calm = pb.part_ids[zero[0]]
    out: list[Conflict] = []
    for p in range(pb.n_parts):
        n, meetings, holes = forced_breaks(pb, p)
        if n <= spread:
            continue
        pid = pb.part_ids[p]
        mids = tuple(pb.meeting_ids[m] for m in meetings)
        sids = tuple(pb.slot_ids[s] for s in holes)
        out.append(
            Conflict(
                "break-spread",
                f"participant {pid} has at least {n} breaks in every schedule (fixed meetings "
                f"{', '.join(mids)}; nothing can fill {', '.join(sids)}), while participant {calm} "
                f"has at most one meeting and so no break: max_break_spread {spread} cannot hold",
                "break-spread",
                participants=(pid, calm),
                meetings=mids,
                slots=sids,
            )
        )
    return out


def relax(instance: Instance, rules: list[str] | tuple[str, ...]) -> tuple[Instance, list[str]]:
    """A copy of ``instance`` with the named rules relaxed, and what was relaxed (for the result's stats).

    ``"fixed"`` unfixes only the meetings named by a conflict (so a fixed keynote that is fine stays put);
    if no conflict names one, nothing changes and nothing is reported.
    """
    unknown = [r for r in rules if r not in RELAXABLE]
    if unknown:
        raise ValueError(f"cannot relax {', '.join(map(repr, unknown))}: choose from {', '.join(RELAXABLE)}")
    done: list[str] = []
    out = instance
    if "fixed" in rules:
        named = {mid for c in fixed_conflicts(out) for mid in c.meetings}
        if out.max_break_spread is not None and "break-spread" not in rules:
            named |= {mid for c in explain(Problem(out)) for mid in c.meetings}
        if named:
            out = replace(out, meetings=tuple(replace(m, fixed=None) if m.id in named else m for m in out.meetings))
            done.append("fixed: " + ", ".join(sorted(named)))
    if "break-spread" in rules and out.max_break_spread is not None:
        done.append(f"break-spread (max_break_spread {out.max_break_spread} not enforced)")
        out = replace(out, max_break_spread=None)
    return out, done


def spread_violation(pb: Problem, per: tuple[int, ...] | list[int]) -> tuple[int, int] | None:
    """(most-broken, least-broken) participant indices when the spread rule is broken, else None."""
    spread = pb.instance.max_break_spread
    if spread is None or not per:
        return None
    hi = max(range(len(per)), key=per.__getitem__)
    lo = min(range(len(per)), key=per.__getitem__)
    return (hi, lo) if per[hi] - per[lo] > spread else None


def spread_conflict(pb: Problem, per: tuple[int, ...] | list[int], *, proven: bool) -> Conflict:
    """The conflict reported when the search ends with no schedule within the spread limit; ``proven``
    when the exact model showed that none exists, else the search only failed to find one in time."""
    hi, lo = spread_violation(pb, per) or (0, 0)
    spread = pb.instance.max_break_spread
    fixed = tuple(pb.meeting_ids[m] for m in pb.meetings_of[hi] if pb.fixed[m] >= 0)
    lead = (
        f"no schedule keeps every participant within max_break_spread {spread}"
        if proven
        else f"no schedule found in the time allowed keeps every participant within max_break_spread {spread}"
    )
    return Conflict(
        "break-spread",
        f"{lead}: in the best one, participant {pb.part_ids[hi]} has {per[hi]} breaks"
        + (f" (fixed meetings {', '.join(fixed)})" if fixed else "")
        + f", participant {pb.part_ids[lo]} {per[lo]}",
        "break-spread",
        participants=(pb.part_ids[hi], pb.part_ids[lo]),
        meetings=fixed,
    )
