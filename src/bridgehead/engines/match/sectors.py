"""The sector tree, derived from the dotted codes themselves (``bio.genomics`` → parent ``bio``).

Codes the engine has never seen are accepted and treated as their own root, so a new sector in the web
app's taxonomy never breaks matching; it simply has no neighbours until its parent is known.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy import sparse

# Display names for the reasons renderer; the web app may re-render with its own taxonomy names.
NAMES: dict[str, tuple[str, str]] = {
    "bio": ("바이오", "bio"),
    "bio.therapeutics": ("치료제", "therapeutics"),
    "bio.biologics": ("바이오의약품", "biologics"),
    "bio.genomics": ("유전체", "genomics"),
    "bio.cell-gene": ("세포·유전자치료", "cell and gene therapy"),
    "bio.synbio": ("합성생물학", "synthetic biology"),
    "health": ("헬스케어", "health"),
    "health.digital": ("디지털 헬스", "digital health"),
    "health.ai": ("의료 AI", "health AI"),
    "health.wearables": ("웨어러블", "wearables"),
    "health.telemedicine": ("원격의료", "telemedicine"),
    "health.data": ("의료 데이터", "health data"),
    "medtech": ("의료기술", "medtech"),
    "medtech.devices": ("의료기기", "medical devices"),
    "medtech.diagnostics": ("진단", "diagnostics"),
    "medtech.imaging": ("의료영상", "medical imaging"),
    "industry": ("산업", "industry"),
    "industry.semiconductors": ("반도체", "semiconductors"),
    "industry.aerospace": ("항공우주", "aerospace"),
    "industry.automotive": ("자동차", "automotive"),
    "industry.shipbuilding": ("조선", "shipbuilding"),
    "industry.petrochemicals": ("석유화학", "petrochemicals"),
    "industry.batteries": ("이차전지", "batteries"),
}

#: Weight of an ancestor in a profile's sector vector: siblings meet through their shared parent.
PARENT_WEIGHT = 0.5


def parent(code: str) -> str | None:
    """The parent code, or None for a root (including unknown codes without a dot)."""
    head, dot, _ = code.rpartition(".")
    return head if dot else None


def ancestors(code: str) -> list[str]:
    out = []
    p = parent(code)
    while p is not None:
        out.append(p)
        p = parent(p)
    return out


def sector_name(code: str, lang: str) -> str:
    """Display name in ``lang`` ("ko" or "en"); an unknown code is shown as written."""
    names = NAMES.get(code)
    if names is None:
        return code
    return names[0] if lang == "ko" else names[1]


def shared_and_neighbouring(a: Iterable[str], b: Iterable[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Codes both lists contain (or where one is an ancestor of the other), and sibling pairs.

    A shared code is reported as the more general of the two (what both really cover); neighbouring
    pairs (same parent, different codes) are returned as (code of a, code of b) only when no shared code
    already covers them.
    """
    sa, sb = list(dict.fromkeys(a)), list(dict.fromkeys(b))
    shared: list[str] = []
    for x in sa:
        for y in sb:
            if x == y or x in ancestors(y):
                shared.append(x)
            elif y in ancestors(x):
                shared.append(y)
    shared = list(dict.fromkeys(shared))
    neighbours: list[tuple[str, str]] = []
    for x in sa:
        for y in sb:
            px, py = parent(x), parent(y)
            if x != y and px is not None and px == py and x not in shared and y not in shared:
                neighbours.append((x, y))
    return shared, neighbours


def sector_matrix(profiles_sectors: list[tuple[str, ...]]) -> sparse.csr_matrix:
    """Rows are L2-normalised vectors over codes and their ancestors, so a dot product is 1 for the same
    sectors, about 0.5–0.8 for parent/child and siblings, and 0 for unrelated trees."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, codes in enumerate(profiles_sectors):
        weights: dict[str, float] = {}
        for code in codes:
            weights[code] = max(weights.get(code, 0.0), 1.0)
            w = PARENT_WEIGHT
            for anc in ancestors(code):
                weights[anc] = max(weights.get(anc, 0.0), w)
                w *= PARENT_WEIGHT
        norm = float(np.sqrt(sum(v * v for v in weights.values()))) or 1.0
        for code, v in weights.items():
            rows.append(i)
            cols.append(vocab.setdefault(code, len(vocab)))
            vals.append(v / norm)
    return sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float32), (rows, cols)),
        shape=(len(profiles_sectors), max(len(vocab), 1)),
    )
