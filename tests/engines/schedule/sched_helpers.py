"""Shared builders for the scheduler tests: small hand-made instances, a hypothesis strategy, brute force."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import strategies as st

from bridgehead.engines.schedule import Instance, InstanceError, Meeting, Participant, Slot, validate
from bridgehead.engines.schedule.model import Problem

REPO_ROOT = Path(__file__).resolve().parents[3]
# ../shared beside the repository (a clone), or beside the worktrees' parent (/work/wt/<name> → /work/shared).
B2B_DIR = next(
    (
        d
        for d in (REPO_ROOT.parent / "shared" / "bench" / "b2b", REPO_ROOT.parents[1] / "shared" / "bench" / "b2b")
        if d.exists()
    ),
    REPO_ROOT.parent / "shared" / "bench" / "b2b",
)


def slots(n: int, sessions: tuple[int, ...] | None = None) -> tuple[Slot, ...]:
    """``n`` 30-minute slots; ``sessions`` gives how many slots each session has (default: one session)."""
    sizes = sessions or (n,)
    labels = [f"S{k}" for k, size in enumerate(sizes) for _ in range(size)]
    return tuple(
        Slot(id=f"t{i}", start=f"2024-06-03T{9 + i // 2:02d}:{30 * (i % 2):02d}:00Z", minutes=30, session=labels[i])
        for i in range(n)
    )


def instance(
    n_slots: int,
    people: int | list[Participant],
    meetings: list[Meeting],
    *,
    tables: int | dict[str, int] = 10,
    break_rule: str = "any",
    spread: int | None = None,
    sessions: tuple[int, ...] | None = None,
) -> Instance:
    parts = [Participant(id=f"p{i}") for i in range(people)] if isinstance(people, int) else people
    return Instance(
        name="t",
        slots=slots(n_slots, sessions),
        tables=tables,
        participants=tuple(parts),
        meetings=tuple(meetings),
        break_rule=break_rule,
        max_break_spread=spread,
    )


def meeting(mid: str, *people: str, **kw) -> Meeting:
    return Meeting(id=mid, participants=tuple(people), **kw)


@st.composite
def small_instances(draw, max_slots: int = 4, max_people: int = 5, max_meetings: int = 5) -> Instance:
    """Random valid tiny instances covering every feature (modes, fixed, unavailability, tables, spread)."""
    n_slots = draw(st.integers(1, max_slots))
    cut = draw(st.integers(0, n_slots - 1))
    sessions = (n_slots,) if cut == 0 else (cut, n_slots - cut)
    n_people = draw(st.integers(2, max_people))
    slot_ids = [f"t{i}" for i in range(n_slots)]
    people = []
    for i in range(n_people):
        unavailable = draw(st.lists(st.sampled_from(slot_ids), max_size=n_slots - 1, unique=True))
        cap = draw(st.one_of(st.none(), st.integers(0, 3)))
        people.append(Participant(id=f"p{i}", unavailable=tuple(sorted(unavailable)), max_meetings=cap))
    ms = []
    for k in range(draw(st.integers(1, max_meetings))):
        size = draw(st.sampled_from([2, 2, 2, 3])) if n_people >= 3 else 2
        who = draw(st.lists(st.integers(0, n_people - 1), min_size=size, max_size=size, unique=True))
        allowed = draw(st.one_of(st.none(), st.lists(st.sampled_from(slot_ids), min_size=1, unique=True)))
        fixed = draw(st.one_of(st.none(), st.none(), st.sampled_from(slot_ids)))
        ms.append(
            Meeting(
                id=f"m{k}",
                participants=tuple(f"p{i}" for i in who),
                weight=draw(st.sampled_from([0.0, 0.5, 1.0, 1.0, 2.0, 3.0])),
                mode=draw(st.sampled_from(["in_person", "in_person", "virtual", "either"])),
                fixed=fixed,
                slots=None if allowed is None else tuple(sorted(allowed)),
            )
        )
    inst = Instance(
        name="h",
        slots=slots(n_slots, sessions),
        tables=draw(st.integers(0, 2)),
        participants=tuple(people),
        meetings=tuple(ms),
        break_rule=draw(st.sampled_from(["any", "idle"])),
        max_break_spread=draw(st.one_of(st.none(), st.integers(0, 1))),
    )
    try:
        validate(inst)
    except InstanceError:
        from hypothesis import assume

        assume(False)
    return inst


def brute_force(inst: Instance) -> tuple[float, int, int] | None:
    """Lexicographic optimum (weight, -breaks, -max breaks) by enumerating every assignment."""
    pb = Problem(inst)
    choices = [[-1, *[s for s in range(pb.n_slots) if pb.allowed[m] >> s & 1]] for m in range(pb.n_meetings)]
    for m in range(pb.n_meetings):
        if pb.fixed[m] >= 0:
            choices[m] = [pb.fixed[m]] if pb.allowed[m] >> pb.fixed[m] & 1 else []
    best = None
    for combo in itertools.product(*choices):
        busy = [0] * pb.n_parts
        count = [0] * pb.n_parts
        in_person = [0] * pb.n_slots
        ok = True
        for m, s in enumerate(combo):
            if s < 0:
                continue
            for p in pb.parts[m]:
                if busy[p] >> s & 1:
                    ok = False
                busy[p] |= 1 << s
                count[p] += 1
            in_person[s] += pb.in_person[m]
        if not ok or any(count[p] > pb.cap[p] for p in range(pb.n_parts)):
            continue
        if any(in_person[s] > pb.tables[s] for s in range(pb.n_slots)):
            continue
        per = [pb.breaks_of(p, busy[p]) for p in range(pb.n_parts)]
        if inst.max_break_spread is not None and max(per) - min(per) > inst.max_break_spread:
            continue
        weight = round(sum(pb.weight[m] for m, s in enumerate(combo) if s >= 0), 9)
        key = (weight, -sum(per), -max(per))
        if best is None or key > best:
            best = key
    return best
