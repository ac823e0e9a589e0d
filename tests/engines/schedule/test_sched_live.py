"""Live booking: a slot for one new meeting without moving anyone, or why not and the nearest options."""

from __future__ import annotations

import pytest

from bridgehead.engines.schedule.live import LiveSlot, Option, Person, Placement, place


def day_slots(tables: int = 1) -> list[LiveSlot]:
    """Two days of four slots (one session each)."""
    return [LiveSlot(f"d{d}-{i}", f"d{d}", f"d{d}", tables) for d in (1, 2) for i in range(4)]


def test_new_meeting_extends_both_blocks_and_moves_nobody():
    slots = day_slots()
    a = Person(busy=frozenset({"d1-0", "d1-1"}))
    b = Person(busy=frozenset({"d1-3"}))
    # d1-2 extends a's block and b's: no new break for anyone (d2-0 would also add none, but comes later).
    assert place(slots, [a, b]) == Placement("d1-2", "in_person")


def test_a_slot_that_opens_a_gap_loses_to_one_that_does_not():
    slots = day_slots()
    a = Person(busy=frozenset({"d1-0"}))
    b = Person(busy=frozenset({"d1-0"}), unavailable=frozenset({"d1-1"}))
    # d1-1: b cannot; d1-2 would give both a break; day 2 is empty for both.
    assert place(slots, [a, b]) == Placement("d2-0", "in_person")


def test_preferred_slots_break_ties():
    slots = day_slots()
    a = Person(preferred=frozenset({"d2-2", "d2-3"}))
    b = Person()
    assert place(slots, [a, b]) == Placement("d2-2", "in_person")


def test_full_tables_offer_virtual_and_either_goes_virtual():
    slots = [LiveSlot(s.id, s.day, s.session, 0) for s in day_slots()]
    a, b = Person(busy=frozenset({"d1-0"})), Person()
    got = place(slots, [a, b], day="d1")
    assert got.slot is None
    assert got.reason == "no table free in any common free slot"
    assert got.options == [
        Option("d1-1", "virtual", "virtual"),
        Option("d1-2", "virtual", "virtual"),
        Option("d1-3", "virtual", "virtual"),
    ]
    assert place(slots, [a, b], mode="either", day="d1") == Placement("d1-1", "virtual")


def test_a_full_day_offers_another_day():
    slots = day_slots()
    a = Person(busy=frozenset({"d1-0", "d1-1", "d1-2", "d1-3"}))
    got = place(slots, [a, Person()], day="d1")
    assert got == Placement(
        None, None, "no common free slot on that day",
        [Option("d2-0", "in_person", "another day"), Option("d2-1", "in_person", "another day"),
         Option("d2-2", "in_person", "another day")],
    )  # fmt: skip


def test_no_common_free_slot_is_said_plainly():
    slots = day_slots()
    a = Person(busy=frozenset(s.id for s in slots if s.day == "d1"))
    b = Person(unavailable=frozenset(s.id for s in slots if s.day == "d2"))
    assert place(slots, [a, b]) == Placement(None, None, "no common free slot", [])


def test_bad_mode_and_lonely_meeting_are_errors():
    with pytest.raises(ValueError, match="mode must be one of"):
        place(day_slots(), [Person(), Person()], mode="phone")
    with pytest.raises(ValueError, match="at least two participants"):
        place(day_slots(), [Person()])
