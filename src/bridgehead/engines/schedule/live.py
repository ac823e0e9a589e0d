"""Live booking: a slot (and table) for one new meeting in a published schedule, moving nobody.

During an event people keep booking. A meeting accepted after the schedule is published must get a time at
once — without re-solving, and without moving anybody else's meeting. :func:`place` looks only at the two
(or more) participants' own slots and each slot's free tables, so it costs microseconds per slot whatever the
size of the event; the caller (the partnering service) reads those few facts under row locks and writes the
result in the same transaction, so concurrent bookings cannot take the same table or double-book a person.

Choice, in order: a slot free for everyone, allowed, with a table when the meeting needs one; among those,
one that adds no break for anybody (it extends someone's block, or opens a day where they have nothing),
then inside everyone's preferred slots, then the earliest. When no slot qualifies, :func:`place` says why
and offers the nearest options: the same meeting as a virtual one in a common free slot whose tables are
full, or a common free slot on another day than the one asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODES = ("in_person", "virtual", "either")


@dataclass(frozen=True)
class LiveSlot:
    """One slot as the booking sees it: its day (for "another day"), session (breaks), and free tables."""

    id: str
    day: str
    session: str
    free_tables: int


@dataclass(frozen=True)
class Person:
    """A participant's own calendar: slots with a meeting, slots she cannot attend, preferred slots."""

    busy: frozenset[str] = frozenset()
    unavailable: frozenset[str] = frozenset()
    preferred: frozenset[str] | None = None  # None: every slot is fine


@dataclass(frozen=True)
class Option:
    slot: str
    mode: str  # "in_person" (a table is free) or "virtual"
    reason: str  # "virtual" (tables full in person), "another day"


@dataclass(frozen=True)
class Placement:
    """``slot`` and ``mode`` when placed; else ``slot`` is None, ``reason`` says why and ``options`` the
    nearest alternatives (possibly none)."""

    slot: str | None
    mode: str | None
    reason: str = ""
    options: list[Option] = field(default_factory=list)


def ranked(
    slots: list[LiveSlot],
    people: list[Person],
    *,
    mode: str = "in_person",
    allowed: frozenset[str] | None = None,
    day: str | None = None,
) -> list[LiveSlot]:
    """Every slot that qualifies, best first (the order :func:`place` chooses by). A caller that does not
    know the free tables yet can pass each slot's capacity and confirm the table of the first ones under a
    lock — cheaper than counting every slot's tables at a large event."""
    common = [
        s
        for s in slots
        if (allowed is None or s.id in allowed)
        and all(s.id not in p.busy and s.id not in p.unavailable for p in people)
        and (day is None or s.day == day)
        and (mode != "in_person" or s.free_tables > 0)
    ]
    return sorted(common, key=lambda s: _rank(s, slots, people))


def place(
    slots: list[LiveSlot],
    people: list[Person],
    *,
    mode: str = "in_person",
    allowed: frozenset[str] | None = None,
    day: str | None = None,
    max_options: int = 3,
) -> Placement:
    """Where a new meeting of ``people`` goes (see the module docstring); ``slots`` in time order.

    ``mode``: ``in_person`` needs a free table, ``virtual`` never takes one, ``either`` takes a table when
    one is free. ``allowed``: the meeting's own slot list (None: all). ``day``: only that day (others are
    offered when it is full).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if len(people) < 2:
        raise ValueError("a meeting needs at least two participants")
    common = [
        s
        for s in slots
        if (allowed is None or s.id in allowed)
        and all(s.id not in p.busy and s.id not in p.unavailable for p in people)
    ]
    on_day = [s for s in common if day is None or s.day == day]
    fits = [s for s in on_day if mode != "in_person" or s.free_tables > 0]
    if fits:
        best = min(fits, key=lambda s: _rank(s, slots, people))
        chosen = "virtual" if mode == "virtual" or (mode == "either" and best.free_tables == 0) else "in_person"
        return Placement(best.id, chosen)
    options: list[Option] = []
    if mode == "in_person":
        ranked = sorted(on_day, key=lambda s: _rank(s, slots, people))
        options.extend(Option(s.id, "virtual", "virtual") for s in ranked)
    if day is not None:
        elsewhere = [s for s in common if s.day != day and (mode != "in_person" or s.free_tables > 0)]
        options.extend(
            Option(s.id, "in_person" if mode != "virtual" and s.free_tables > 0 else "virtual", "another day")
            for s in sorted(elsewhere, key=lambda s: _rank(s, slots, people))
        )
    if not common:
        reason = "no common free slot"
    elif not on_day:
        reason = "no common free slot on that day"
    else:
        reason = "no table free in any common free slot"
    return Placement(None, None, reason, options[:max_options])


def _rank(slot: LiveSlot, slots: list[LiveSlot], people: list[Person]) -> tuple[int, int, int]:
    """(new breaks, people outside their preferred slots, position): smaller is better."""
    index = {s.id: i for i, s in enumerate(slots)}
    i = index[slot.id]
    breaks = 0
    for p in people:
        breaks += _breaks_added(i, slots, p, index)
    outside = sum(1 for p in people if p.preferred is not None and slot.id not in p.preferred)
    return breaks, outside, i


def _breaks_added(i: int, slots: list[LiveSlot], person: Person, index: dict[str, int]) -> int:
    """Breaks this person gains from a meeting in slot ``i`` (the "any" rule: an empty slot counts)."""
    session = slots[i].session
    mine = sorted(index[s] for s in person.busy if s in index and slots[index[s]].session == session)
    if not mine:
        return 0
    before = [j for j in mine if j < i]
    after = [j for j in mine if j > i]
    gap_before = bool(before) and before[-1] < i - 1
    gap_after = bool(after) and after[0] > i + 1
    if before and after:
        # It sits in an existing gap: that gap becomes up to two.
        return gap_before + gap_after - 1
    return int(gap_before or gap_after)
