"""Model keys ↔ engine ids: the one place a row's primary key becomes the id a solver sees, and back.

The engines (``bridgehead.engines``) know nothing of the database: they take string ids and return them.
Each engine boundary declares one :class:`EngineIds` per kind of row it sends (slots, participants,
meetings; applications, reviewers) and uses it both ways — ``id(pk)`` when building the engine's input,
``pk(engine_id)`` when reading its result — so no id is formatted or parsed by hand anywhere else.

An id is the kind's prefix and the key (``"m12"``): unique per kind even when two rows share a name, stable
across runs (a stored result stays readable), and free of user text. Names shown in an engine's
explanations are passed separately, as ``{engine id: label}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class EngineIds:
    """The engine ids of one kind of row: ``prefix`` followed by the primary key."""

    prefix: str

    def id(self, pk: int) -> str:
        return f"{self.prefix}{int(pk)}"

    def pk(self, engine_id: str) -> int:
        """The key of an id of this kind; ValueError for any other string."""
        key = engine_id[len(self.prefix) :] if engine_id.startswith(self.prefix) else ""
        if not (key.isascii() and key.isdigit()):
            raise ValueError(f"{engine_id!r} is not an engine id of kind {self.prefix!r}")
        return int(key)

    def owns(self, engine_id: str) -> bool:
        key = engine_id[len(self.prefix) :]
        return engine_id.startswith(self.prefix) and key.isascii() and key.isdigit()

    def pks(self, engine_ids: Iterable[str]) -> list[int]:
        """The keys of the ids of this kind among ``engine_ids`` (in order; other ids are skipped)."""
        return [self.pk(i) for i in engine_ids if self.owns(i)]
