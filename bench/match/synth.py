"""Synthetic inputs for the scale benchmarks (profiles for recommend, instances for assign).

Profiles are recombined from the sentences of the synthetic evaluation set (bench/data), in both
languages, with a varying tail so that texts are (almost) all distinct — otherwise the encoder cache
would make encoding look cheaper than it is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from bridgehead.engines.match import Profile

DATA = Path(__file__).resolve().parents[1] / "data"


def load_eval() -> list[dict]:
    with open(DATA / "match_eval_profiles.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_pairs() -> list[tuple[str, str]]:
    import csv

    with open(DATA / "match_eval_pairs.csv", encoding="utf-8", newline="") as fh:
        return [(row["a"], row["b"]) for row in csv.DictReader(fh)]


def as_profiles(records: list[dict], lang: str, suffix: str = "") -> list[Profile]:
    """The evaluation records as engine profiles, with texts in ``lang``."""
    return [
        Profile(
            id=r["id"] + suffix,
            kind=r["kind"],
            language=lang,
            seeks=r[f"seeks_{lang}"],
            offers=r[f"offers_{lang}"],
            sectors=tuple(r["sectors"]),
            stage=r["stage"],
            markets=tuple(r["markets"]),
            stages=tuple(r["stages"]),
        )
        for r in records
    ]


_SENT = re.compile(r"(?<=[.!?])\s+")


def scale_profiles(n: int, seed: int = 7) -> list[Profile]:
    """``n`` mixed-language profiles recombined from the evaluation set's sentences."""
    rng = np.random.default_rng(seed)
    records = load_eval()
    pools: dict[tuple[str, str, str], list[str]] = {}
    for r in records:
        for lang in ("ko", "en"):
            for field in ("seeks", "offers"):
                pools.setdefault((r["kind"], lang, field), []).extend(_SENT.split(r[f"{field}_{lang}"]))
    out = []
    for i in range(n):
        base = records[int(rng.integers(len(records)))]
        lang = "ko" if rng.random() < 0.6 else "en"
        texts = {}
        for field in ("seeks", "offers"):
            pool = pools[base["kind"], lang, field]
            picks = [pool[int(j)] for j in rng.choice(len(pool), size=min(3, len(pool)), replace=False)]
            year, staff = 2005 + int(rng.integers(20)), 3 + int(rng.integers(400))
            tail = f"{year}년 설립, 직원 {staff}명." if lang == "ko" else f"Founded {year}, {staff} staff."
            texts[field] = " ".join([*picks, tail]) if field == "offers" else " ".join(picks)
        out.append(
            Profile(
                id=f"p{i:06d}",
                kind=base["kind"],
                language=lang,
                seeks=texts["seeks"],
                offers=texts["offers"],
                sectors=tuple(base["sectors"]),
                stage=base["stage"],
                markets=tuple(base["markets"]),
                stages=tuple(base["stages"]),
            )
        )
    return out


def assignment_instance(
    items: int, people: int, candidates: int, conflict_rate: float, seed: int = 11
) -> tuple[list[tuple[str, str, float]], list[tuple[str, str]]]:
    """Reviewer-style instance: each item has ``candidates`` distinct candidate people with affinity
    scores (an item×person topical fit plus a per-person expertise term), 1% of pairs in conflict."""
    rng = np.random.default_rng(seed)
    item_ids = [f"app{i:05d}" for i in range(items)]
    person_ids = [f"rev{p:04d}" for p in range(people)]
    expertise = rng.normal(0.0, 0.08, size=people)
    rows_i = np.repeat(np.arange(items), candidates)
    rows_p = np.concatenate([rng.choice(people, size=candidates, replace=False) for _ in range(items)])
    score = np.clip(rng.beta(2.0, 3.0, size=len(rows_i)) + expertise[rows_p], 0.0, 1.0).round(4)
    scores = [(item_ids[i], person_ids[p], float(s)) for i, p, s in zip(rows_i, rows_p, score, strict=True)]
    conflict = rng.random(len(scores)) < conflict_rate
    conflicts = [(scores[e][0], scores[e][1]) for e in np.flatnonzero(conflict)]
    return scores, conflicts
