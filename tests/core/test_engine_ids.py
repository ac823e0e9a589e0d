"""Model keys ↔ engine ids, in one place per engine boundary."""

from __future__ import annotations

import pytest

from bridgehead.core.engine_ids import EngineIds
from bridgehead.partnering.scheduling import MEETING_IDS, PARTICIPANT_IDS, SESSION_IDS, SLOT_IDS
from bridgehead.programs.assignment import APPLICATIONS, COHORT_STARTUPS, USERS


@pytest.mark.parametrize("pk", [1, 7, 12, 100_000, 2**40])
def test_round_trip(pk):
    for kind in (SLOT_IDS, PARTICIPANT_IDS, MEETING_IDS, SESSION_IDS, APPLICATIONS, COHORT_STARTUPS, USERS):
        assert kind.pk(kind.id(pk)) == pk
        assert kind.owns(kind.id(pk))


def test_ids_of_one_boundary_never_collide():
    for kinds in ((SLOT_IDS, PARTICIPANT_IDS, MEETING_IDS), (APPLICATIONS, COHORT_STARTUPS, USERS)):
        ids = [kind.id(pk) for kind in kinds for pk in range(1, 50)]
        assert len(set(ids)) == len(ids)
        for kind in kinds:
            assert kind.pks(ids) == list(range(1, 50))  # each kind reads back exactly its own


def test_a_foreign_or_malformed_id_is_refused_not_guessed():
    slots = EngineIds("s")
    for bad in ("m12", "s", "s-1", "s1.5", "s 3", "s²", "session4", "12", "S12"):
        assert not slots.owns(bad)
        with pytest.raises(ValueError, match="is not an engine id"):
            slots.pk(bad)
    assert slots.pks(["s1", "m2", "session3", "s4"]) == [1, 4]
    assert SESSION_IDS.pk("session4") == 4
