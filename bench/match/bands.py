"""Fit bands (High / Medium / Low) from the learned model's scores on the evaluation sets, and a quick
retrieval check (recall@10 with the default encoder) that runs in a minute.

``score`` is the learned model's probability that a pair is a good fit. The bands must say something a
founder can trust, so they are read from where labelled good partners actually fall among the scores a
viewer is shown (each query's top 10 on sets 1–4, both directions): for each candidate cutoff it prints the
share of shown pairs above it and the share of those that are labelled good (precision). Writes
``bench/results/match_bands.json``. Usage: ``python bench/match/bands.py [--encoder use-static]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evalsets

from bridgehead.engines.match import CachedEncoder, get_encoder
from bridgehead.engines.match.explain import FIT_HIGH, FIT_MEDIUM
from bridgehead.engines.match.scoring import load

CUTOFFS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", default="use-static")
    ns = parser.parse_args()
    enc = CachedEncoder(get_encoder(ns.encoder))
    scorer = load()
    shown: list[tuple[float, bool]] = []
    recall_rows = []
    for set_name in ("set1", "set2", "set3", "set4"):
        for task in evalsets.tasks(set_name, enc):
            raw = evalsets.raw_scores(task, scorer)
            recall, ndcg, _queries = evalsets.metrics(raw, task.relevant)
            recall_rows.append({"task": task.name, "recall@10": round(recall, 3), "ndcg@10": round(ndcg, 3)})
            prob = scorer.finish(np.where(np.isfinite(raw), raw, -50.0))
            for i, rel in enumerate(task.relevant):
                if not rel:
                    continue
                for j in np.argsort(-raw[i], kind="stable")[:10]:
                    if np.isfinite(raw[i, j]):
                        shown.append((float(prob[i, j]), int(j) in rel))
    scores = np.array([s for s, _ in shown])
    good = np.array([g for _, g in shown])
    table = []
    for cut in CUTOFFS:
        above = scores >= cut
        table.append(
            {
                "cutoff": cut,
                "shown_above": round(float(above.mean()), 3),
                "precision_above": round(float(good[above].mean()), 3) if above.any() else None,
                "good_above": round(float(above[good].mean()), 3),
            }
        )
    bands = {}
    for name, lo, hi in (("high", FIT_HIGH, 1.01), ("medium", FIT_MEDIUM, FIT_HIGH), ("low", 0.0, FIT_MEDIUM)):
        inside = (scores >= lo) & (scores < hi)
        bands[name] = {
            "range": [lo, min(hi, 1.0)],
            "share_of_shown": round(float(inside.mean()), 3),
            "precision": round(float(good[inside].mean()), 3) if inside.any() else None,
        }
    out = {
        "encoder": ns.encoder,
        "shown_pairs": len(shown),
        "good_share": round(float(good.mean()), 3),
        "deciles_of_shown": [round(float(q), 3) for q in np.quantile(scores, np.linspace(0.1, 0.9, 9))],
        "median_good": round(float(np.median(scores[good])), 3),
        "median_other": round(float(np.median(scores[~good])), 3),
        "cutoffs": table,
        "bands": bands,
        "retrieval": recall_rows,
    }
    path = Path(__file__).resolve().parents[1] / "results" / "match_bands.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
