"""Fit the matching scorer (logistic regression on the pair features) to evaluation set 1, cross-validated.

``python bench/match/fit.py [--encoder use-static] [--write]`` prints the out-of-fold recall@10 and nDCG@10
for each regularisation strength (5 folds grouped by organisation, so a query's own organisation never
trains the model that ranks it), picks the best, refits on all of set 1 and — with ``--write`` — stores
the weights in ``src/bridgehead/engines/match/model.json``. Set 2 is never used here: it is the held-out
check (``make bench-match`` reports both).

Positives are the labelled pairs; negatives every other allowed pair. Positives are up-weighted so both
classes weigh the same in the loss — the model's job is ranking, and without it the intercept swamps
the rare positives.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import evalsets  # noqa: E402

from bridgehead.engines.match import get_encoder  # noqa: E402
from bridgehead.engines.match.encoders import CachedEncoder  # noqa: E402
from bridgehead.engines.match.scoring import FEATURES, MODEL_PATH, Scorer, fit_logistic  # noqa: E402

L2_GRID = (0.01, 0.1, 1.0, 10.0, 100.0)
FOLDS = 5


def _fit(tasks: list[evalsets.Task], rows_of: list[np.ndarray], l2: float) -> Scorer:
    xs, ys = zip(*(evalsets.training_rows(t, r) for t, r in zip(tasks, rows_of, strict=True)), strict=True)
    x, y = np.vstack(xs), np.concatenate(ys)
    pos = max(1.0, float(y.sum()))
    sw = np.where(y > 0, (len(y) - pos) / pos, 1.0)
    w, b = fit_logistic(x, y, l2=l2, sample_weight=sw / sw.mean())
    return Scorer(dict(zip(FEATURES, (round(float(v), 5) for v in w), strict=True)), round(b, 5), logistic=True,
                  source="learned")


def cross_validate(tasks: list[evalsets.Task], l2: float, seed: int = 0) -> dict[str, tuple[float, float]]:
    """Out-of-fold recall@10 / nDCG@10 per task, folds grouped by the query's organisation."""
    orgs = sorted({g for t in tasks for g in t.group})
    rng = np.random.default_rng(seed)
    fold_of = {o: int(f) for o, f in zip(orgs, rng.permutation(len(orgs)) % FOLDS, strict=True)}
    oof = [np.full(t.allowed.shape, -np.inf) for t in tasks]
    for f in range(FOLDS):
        train = [np.array([i for i, g in enumerate(t.group) if fold_of[g] != f]) for t in tasks]
        test = [np.array([i for i, g in enumerate(t.group) if fold_of[g] == f]) for t in tasks]
        scorer = _fit(tasks, train, l2)
        for t, rows, out in zip(tasks, test, oof, strict=True):
            if len(rows):
                out[rows] = evalsets.raw_scores(t, scorer)[rows]
    return {t.name: evalsets.metrics(s, t.relevant)[:2] for t, s in zip(tasks, oof, strict=True)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", default="use-static")
    parser.add_argument("--write", action="store_true")
    ns = parser.parse_args()
    enc = CachedEncoder(get_encoder(ns.encoder))
    tasks = evalsets.tasks("set1", enc)
    best = None
    for l2 in L2_GRID:
        cv = cross_validate(tasks, l2)
        mean_recall = float(np.mean([r for r, _ in cv.values()]))
        print(f"l2={l2:<6} " + "  ".join(f"{k}: recall@10 {r:.3f} nDCG@10 {n:.3f}" for k, (r, n) in cv.items()))
        if best is None or mean_recall > best[0] + 1e-9:
            best = (mean_recall, l2, cv)
    assert best is not None
    _, l2, cv = best
    scorer = _fit(tasks, [np.arange(len(t.queries)) for t in tasks], l2)
    model = {
        "format": "bridgehead-match-scorer/1",
        "trained_on": "bench/data/match_eval (set 1, synthetic): ko→en and en→ko, all allowed pairs",
        "encoder": enc.version,
        "l2": l2,
        "cv_folds": FOLDS,
        "cv": {k: {"recall@10": round(r, 4), "ndcg@10": round(n, 4)} for k, (r, n) in cv.items()},
        "features": list(FEATURES),
        "logistic": True,
        "bias": scorer.bias,
        "weights": scorer.weights,
    }
    print(json.dumps(model, indent=2, ensure_ascii=False))
    if ns.write:
        MODEL_PATH.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
