"""Reading and writing the CLI file formats of DESIGN §4.2, with errors that name the file and line.

Profiles: JSON Lines, one object per line. Scores: CSV ``item,person,score``; conflicts and blocks: CSV
``item,person`` / ``a,b``; a header row with exactly those names is optional. Every problem in a file is
reported as an :class:`InputError` carrying the path and 1-based line number, so the CLI can print
``file:line: message`` instead of a traceback.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .affinity import FEEDBACK_SIGNALS
from .intents import CODES as INTENT_CODES
from .model import KINDS, LANGUAGES, STAGES, Assignment, Profile

_ISO2 = re.compile(r"^[A-Z]{2}$")


class InputError(ValueError):
    """A malformed input file; ``str()`` is ``path:line: message``."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


def _str_list(obj: dict[str, Any], key: str, path: Path, line: int) -> tuple[str, ...]:
    value = obj.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(path, line, f"{key!r} must be a list of strings")
    return tuple(value)


def profile_from_dict(obj: Any, path: Path, line: int) -> Profile:
    """Validate one decoded profile object."""
    if not isinstance(obj, dict):
        raise InputError(path, line, "expected a JSON object")
    for key in ("id", "kind", "language", "seeks", "offers"):
        if not isinstance(obj.get(key), str):
            raise InputError(path, line, f"field {key!r} is missing or not a string")
    if not obj["id"].strip():
        raise InputError(path, line, "field 'id' is empty")
    if obj["kind"] not in KINDS:
        raise InputError(path, line, f"unknown kind {obj['kind']!r} (expected one of {', '.join(KINDS)})")
    if obj["language"] not in LANGUAGES:
        raise InputError(path, line, f"language must be 'ko' or 'en', got {obj['language']!r}")
    stage = obj.get("stage")
    if stage is not None and stage not in STAGES:
        raise InputError(path, line, f"unknown stage {stage!r} (expected one of {', '.join(STAGES)})")
    markets = _str_list(obj, "markets", path, line)
    for m in markets:
        if not _ISO2.match(m):
            raise InputError(path, line, f"market {m!r} is not an ISO 3166 alpha-2 code like 'US'")
    stages = _str_list(obj, "stages", path, line)
    for s in stages:
        if s not in STAGES:
            raise InputError(path, line, f"unknown stage {s!r} in 'stages'")
    tags = {}
    for key in ("seeks_intents", "offers_intents"):
        tags[key] = _str_list(obj, key, path, line)
        for code in tags[key]:
            if code not in INTENT_CODES:
                raise InputError(
                    path, line, f"unknown intent {code!r} in {key!r} (expected one of {', '.join(INTENT_CODES)})"
                )
    name = obj.get("name")
    return Profile(
        id=obj["id"],
        kind=obj["kind"],
        language=obj["language"],
        seeks=obj["seeks"],
        offers=obj["offers"],
        sectors=_str_list(obj, "sectors", path, line),
        stage=stage,
        markets=markets,
        stages=stages,
        name=name if isinstance(name, str) else None,
        seeks_intents=tags["seeks_intents"],
        offers_intents=tags["offers_intents"],
    )


def read_profiles(path: str | Path) -> list[Profile]:
    """Read a profiles JSONL file; blank lines are skipped; ids must be unique."""
    path = Path(path)
    out: list[Profile] = []
    seen: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(path, line_no, f"invalid JSON ({exc.msg})") from None
            profile = profile_from_dict(obj, path, line_no)
            if profile.id in seen:
                first = seen[profile.id]
                raise InputError(path, line_no, f"duplicate id {profile.id!r} (first on line {first})")
            seen[profile.id] = line_no
            out.append(profile)
    if not out:
        raise InputError(path, 1, "no profiles in file")
    return out


def _csv_rows(path: Path, header: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            for row in reader:
                line = reader.line_num
                if not row or all(not c.strip() for c in row):
                    continue
                cells = [c.strip() for c in row]
                if line == 1 and [c.lower() for c in cells] == list(header):
                    continue
                if len(cells) != len(header):
                    raise InputError(
                        path, line, f"expected {len(header)} columns ({','.join(header)}), got {len(cells)}"
                    )
                if any(not c for c in cells):
                    raise InputError(path, line, "empty cell")
                yield line, cells
        except csv.Error as exc:
            raise InputError(path, reader.line_num, f"bad CSV ({exc})") from None


def read_scores(path: str | Path) -> list[tuple[str, str, float]]:
    """Read ``item,person,score`` rows; scores must be finite numbers ≥ 0 and pairs unique."""
    path = Path(path)
    out: list[tuple[str, str, float]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, (item, person, text) in _csv_rows(path, ("item", "person", "score")):
        try:
            score = float(text)
        except ValueError:
            raise InputError(path, line, f"score {text!r} is not a number") from None
        if math.isnan(score) or math.isinf(score):
            raise InputError(path, line, f"score {text!r} is not a finite number")
        if score < 0:
            raise InputError(path, line, f"score {text} is negative")
        if (item, person) in seen:
            raise InputError(path, line, f"pair ({item}, {person}) repeats line {seen[item, person]}")
        seen[item, person] = line
        out.append((item, person, score))
    if not out:
        raise InputError(path, 1, "no scores in file")
    return out


def read_pairs(
    path: str | Path, header: tuple[str, str], known_a: Iterable[str], known_b: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """Read a two-column id CSV (conflicts, blocks); ids must be known."""
    path = Path(path)
    set_a = set(known_a)
    set_b = set(known_b) if known_b is not None else set_a
    out = []
    for line, (a, b) in _csv_rows(path, header):
        if a not in set_a:
            raise InputError(path, line, f"unknown {header[0]} id {a!r}")
        if b not in set_b:
            raise InputError(path, line, f"unknown {header[1]} id {b!r}")
        out.append((a, b))
    return out


def read_feedback(path: str | Path, known: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Read ``viewer,partner,signal`` rows (signals: no_thanks, declined, accepted, met_positive,
    met_negative) into {viewer: [(partner, signal)]}; ids must be known."""
    path = Path(path)
    ids = set(known)
    out: dict[str, list[tuple[str, str]]] = {}
    for line, (viewer, partner, signal) in _csv_rows(path, ("viewer", "partner", "signal")):
        for what, value in (("viewer", viewer), ("partner", partner)):
            if value not in ids:
                raise InputError(path, line, f"unknown {what} id {value!r}")
        if signal not in FEEDBACK_SIGNALS:
            raise InputError(path, line, f"unknown signal {signal!r} (expected one of {', '.join(FEEDBACK_SIGNALS)})")
        out.setdefault(viewer, []).append((partner, signal))
    return out


def write_matches(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write one ``{"id", "matches": [...]}`` object per line (UTF-8, Korean kept readable)."""
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_assignment(path: str | Path, result: Assignment) -> None:
    """Write ``item,person,score`` rows with a header."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["item", "person", "score"])
        for item, person, score in result.pairs:
            writer.writerow([item, person, f"{score:.6g}"])
