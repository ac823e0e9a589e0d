"""Plain dataclasses exchanged between the matching engine and its callers.

The web app builds these from its models and reads the results back; nothing here knows about Django, so
the engine can be run from the CLI, from tests and from benchmarks with the same types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS: tuple[str, ...] = (
    "startup",
    "investor",
    "company",
    "hospital",
    "university",
    "mentor",
    "agency",
    "government",
)
STAGES: tuple[str, ...] = ("pre-seed", "seed", "series-a", "series-b", "growth", "public")
LANGUAGES: tuple[str, ...] = ("ko", "en")


@dataclass(frozen=True)
class Profile:
    """One organisation (or person) as the matcher sees it.

    ``markets`` are ISO 3166 alpha-2 codes: the markets a startup wants to enter, or the markets an
    investor / company is active in. ``stages`` is the optional stage focus of an investor or a mentor.
    ``seeks_intents`` / ``offers_intents`` are intent codes (:mod:`.intents`) the participant set as tags;
    the engine adds those it recognises in the texts.
    """

    id: str
    kind: str
    language: str
    seeks: str
    offers: str
    sectors: tuple[str, ...] = ()
    stage: str | None = None
    markets: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    name: str | None = None
    seeks_intents: tuple[str, ...] = ()
    offers_intents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Weights:
    """Weights of the score components; they are normalised to sum to 1 so scores stay in [0, 1].

    ``mutual`` in [0, 1] says how much the weaker direction counts: 0 averages A→B and B→A, 1 takes the
    minimum, so a pair where only one side gets what it wants ranks below a pair that suits both.
    """

    text: float = 0.6
    sectors: float = 0.2
    markets: float = 0.1
    stage: float = 0.1
    mutual: float = 0.5

    def normalised(self) -> tuple[float, float, float, float]:
        total = self.text + self.sectors + self.markets + self.stage
        if total <= 0:
            raise ValueError("at least one score weight must be positive")
        return (self.text / total, self.sectors / total, self.markets / total, self.stage / total)


DEFAULT_ALLOWED: frozenset[frozenset[str]] = frozenset(
    frozenset(p)
    for p in (
        ("startup", "investor"),
        ("startup", "company"),
        ("startup", "hospital"),
        ("startup", "university"),
        ("startup", "mentor"),
        ("startup", "agency"),
        ("startup", "government"),
        ("company", "hospital"),
        ("company", "university"),
        ("company", "investor"),
        ("hospital", "university"),
    )
)


@dataclass(frozen=True)
class Rules:
    """Who may meet whom: unordered kind pairs. Same-kind pairs (e.g. startup ↔ startup) only if listed.

    ``blocks`` are (a, b) id pairs ("no thanks" from either side); they force the pair out in both
    directions.
    """

    allowed: frozenset[frozenset[str]] = DEFAULT_ALLOWED
    blocks: frozenset[tuple[str, str]] = frozenset()

    def allows(self, kind_a: str, kind_b: str) -> bool:
        return frozenset((kind_a, kind_b)) in self.allowed

    def with_pairs(self, *pairs: tuple[str, str]) -> Rules:
        """A copy that also allows the given kind pairs (e.g. ``("startup", "startup")``)."""
        return Rules(self.allowed | {frozenset(p) for p in pairs}, self.blocks)


@dataclass
class Recommendations:
    """Top-k partners of every profile, stored sparsely: ``index[i, :]`` are the column positions
    (−1 = fewer than k allowed partners) and ``score[i, :]`` their scores, best first. Memory is n·k."""

    ids: list[str]
    index: Any  # np.ndarray[int32] of shape (n, k)
    score: Any  # np.ndarray[float32] of shape (n, k)

    def matches(self, i: int) -> list[tuple[int, float]]:
        """The (position, score) partners of profile ``i``, best first."""
        return [(int(j), float(s)) for j, s in zip(self.index[i], self.score[i], strict=True) if j >= 0]


@dataclass
class Assignment:
    """Result of :func:`bridgehead.engines.match.assign.assign`.

    ``pairs`` are (item, person, score). ``objective`` is the total score for ``"total"`` and the worst-off
    item's total for ``"fair"``; ``bound`` is an upper bound on that objective (the LP relaxation), so
    ``bound - objective`` is the proven optimality gap. ``notes`` say what was relaxed, if anything.
    """

    pairs: list[tuple[str, str, float]]
    objective_name: str
    objective: float
    total: float
    worst_item: float
    bound: float | None
    optimal: bool
    notes: list[str] = field(default_factory=list)


class Infeasible(ValueError):
    """Raised when no assignment can exist; ``reasons`` name the items and people that cause it."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
