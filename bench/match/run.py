"""Matching-engine benchmarks (``make bench-match``): retrieval quality, recommendation at scale, assignment.

Each benchmark runs in its own child process so its peak memory (max RSS) is its own. Prints three rich
tables and writes ``bench/results/match_retrieval.json``, ``match_scale.json``, ``match_assign.json``.
Sizes can be reduced for a quick look, e.g. ``make bench-match BENCH_ARGS="--n 2000 --items 1000"``.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULTS = HERE.parent / "results"

import synth  # noqa: E402

from bridgehead.engines.match import (  # noqa: E402
    CachedEncoder,
    Explainer,
    Infeasible,
    Rules,
    Weights,
    assign,
    build_problem,
    components,
    diagnose,
    get_encoder,
    prepare,
    recommend,
)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- 1. retrieval -------------------------------------------------------------------------------------
def _metrics(scores: np.ndarray, relevant: list[set[int]], k: int = 10) -> tuple[float, float, int]:
    recalls, ndcgs = [], []
    for i, rel in enumerate(relevant):
        if not rel:
            continue
        top = np.argsort(-scores[i], kind="stable")[:k]
        top = [int(j) for j in top if np.isfinite(scores[i, j])]
        hits = [1.0 if j in rel else 0.0 for j in top]
        recalls.append(sum(hits) / len(rel))
        dcg = sum(h / math.log2(r + 2) for r, h in enumerate(hits))
        idcg = sum(1.0 / math.log2(r + 2) for r in range(min(len(rel), k)))
        ndcgs.append(dcg / idcg)
    return float(np.mean(recalls)), float(np.mean(ndcgs)), len(recalls)


def bench_retrieval(encoder_names: list[str]) -> list[dict]:
    """Queries in one language, candidates in the other; relevance = the labelled good-partner pairs."""
    records = synth.load_eval()
    n = len(records)
    pos = {r["id"]: i for i, r in enumerate(records)}
    relevant: list[set[int]] = [set() for _ in range(n)]
    for a, b in synth.load_pairs():
        relevant[pos[a]].add(pos[b])
        relevant[pos[b]].add(pos[a])
    rules = Rules()
    kinds = [r["kind"] for r in records]
    allowed = np.array([[rules.allows(a, b) for b in kinds] for a in kinds])
    np.fill_diagonal(allowed, False)  # never the same organisation in the other language
    rows = []
    for name in encoder_names:
        try:
            enc = CachedEncoder(get_encoder(name))
        except ValueError as exc:
            rows.append({"encoder": name, "error": str(exc)})
            continue
        t0 = time.perf_counter()
        profiles = {lang: synth.as_profiles(records, lang, f"@{lang}") for lang in ("ko", "en")}
        vecs = {lang: prepare(profiles[lang], enc) for lang in ("ko", "en")}
        encode_s = time.perf_counter() - t0
        for q_lang, c_lang in (("ko", "en"), ("en", "ko"), ("en", "en"), ("ko", "ko")):
            both = profiles[q_lang] + profiles[c_lang]
            seeks = np.vstack([vecs[q_lang].seeks, vecs[c_lang].seeks])
            offers = np.vstack([vecs[q_lang].offers, vecs[c_lang].offers])
            prep = prepare(both, vectors=(seeks, offers))
            q, c = np.arange(n), np.arange(n, 2 * n)
            variants = [("text only", Weights(1.0, 0.0, 0.0, 0.0)), ("full score", Weights())]
            if (name, q_lang, c_lang) == (encoder_names[0], "ko", "en"):  # the same for every encoder
                variants.append(("fields only (no text)", Weights(0.0, 0.2, 0.1, 0.1)))
            for label, weights in variants:
                s = components(prep, q, c, weights).total.astype(np.float64)
                s[~allowed] = -np.inf
                recall, ndcg, queries = _metrics(s, relevant)
                rows.append({"encoder": name, "direction": f"{q_lang}→{c_lang}", "score": label,
                             "recall@10": recall, "ndcg@10": ndcg, "queries": queries,
                             "encode_s": encode_s})
    return rows


# --- 2. recommendation at scale ---------------------------------------------------------------------------
def _gflops() -> float:
    """Matrix-product speed right now: the machine is shared, so every timing comes with this."""
    a = np.random.default_rng(0).random((1500, 1500), dtype=np.float32)
    a @ a
    t0 = time.perf_counter()
    for _ in range(5):
        a @ a
    return 5 * 2 * 1500**3 / (time.perf_counter() - t0) / 1e9


def bench_scale(n: int, k: int, encoder_name: str, explain_sample: int) -> dict:
    gflops_before = _gflops()
    profiles = synth.scale_profiles(n)
    enc = CachedEncoder(get_encoder(encoder_name))
    t0 = time.perf_counter()
    prep = prepare(profiles, enc)
    t1 = time.perf_counter()
    recs = recommend(profiles, k=k, prepared=prep)
    t2 = time.perf_counter()
    explainer = Explainer(enc)
    sample = min(explain_sample, n)
    for i in range(sample):
        for j, _ in recs.matches(i):
            explainer.explain(profiles[i], profiles[j])
    t3 = time.perf_counter()
    filled = float((recs.index >= 0).mean())
    return {"profiles": n, "k": k, "encoder": encoder_name, "distinct_texts": enc.misses,
            "encode_s": t1 - t0, "score_s": t2 - t1, "end_to_end_s": t2 - t0,
            "reasons_profiles": sample, "reasons_s": t3 - t2, "top_k_filled": filled,
            "result_bytes": int(recs.index.nbytes + recs.score.nbytes), "peak_rss_mb": _peak_mb(),
            "encode_ms_per_text": 1000 * (t1 - t0) / max(1, 2 * n), "gflops_before": gflops_before,
            "gflops_after": _gflops()}


# --- 3. assignment -----------------------------------------------------------------------------------------
def bench_assign(items: int, people: int, demand: int, max_load: int, candidates: int, conflict: float) -> list[dict]:
    scores, conflicts = synth.assignment_instance(items, people, candidates, conflict)
    t0 = time.perf_counter()
    pb = build_problem(scores, demand, max_load, 0, conflicts)
    build_s = time.perf_counter() - t0
    rows = []
    for objective in ("total", "fair"):
        t0 = time.perf_counter()
        solved = assign(pb, objective=objective, bound=False)
        solve_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        from bridgehead.engines.match.assign import lp_bound

        bound = lp_bound(pb, objective)
        bound_s = time.perf_counter() - t0
        rows.append({"objective": objective, "value": solved.objective, "lp_bound": bound,
                     "gap": bound - solved.objective, "total": solved.total, "worst_item": solved.worst_item,
                     "solve_s": solve_s, "bound_s": bound_s, "build_s": build_s,
                     "solve_plus_bound_s": solve_s + bound_s})
    # Infeasible variants: time to a named explanation.
    for label, dem, cap in (("demand > capacity", demand, (demand * items) // people - 1),
                            ("item short of people", candidates, max_load)):
        pb_bad = build_problem(scores, dem, cap, 0, conflicts)
        t0 = time.perf_counter()
        try:
            assign(pb_bad, objective="total", bound=False)
            reasons = ["(feasible)"]
        except Infeasible as exc:
            reasons = exc.reasons
        rows.append({"objective": f"infeasible: {label}", "explain_s": time.perf_counter() - t0,
                     "reasons": len(reasons), "first_reason": reasons[0][:160]})
    rows.append({"objective": "peak", "peak_rss_mb": _peak_mb(), "pairs": len(scores),
                 "conflicts": len(conflicts), "diagnose_s": _time(lambda: diagnose(pb))})
    return rows


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# --- driver -----------------------------------------------------------------------------------------------
def _child(ns: argparse.Namespace) -> object:
    if ns.child == "retrieval":
        return bench_retrieval(ns.encoders.split(","))
    if ns.child == "scale":
        return bench_scale(ns.n, ns.k, ns.encoder, ns.explain_sample)
    return bench_assign(ns.items, ns.people, ns.demand, ns.max_load, ns.candidates, ns.conflicts)


def _print(name: str, data: object) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    if name == "retrieval":
        t = Table(title="Cross-lingual retrieval on the synthetic evaluation set (154 profiles, 267 pairs)")
        for col in ("encoder", "direction", "score", "recall@10", "nDCG@10", "queries"):
            t.add_column(col)
        for r in data:
            if "error" in r:
                t.add_row(r["encoder"], "-", r["error"], "", "", "")
                continue
            t.add_row(r["encoder"], r["direction"], r["score"], f"{r['recall@10']:.3f}", f"{r['ndcg@10']:.3f}",
                      str(r["queries"]))
    elif name == "scale":
        r = data
        t = Table(title=f"Recommendation at scale: {r['profiles']:,} profiles → top {r['k']} ({r['encoder']})")
        for col in ("encode s", "ms/text", "score s", "end-to-end s", f"reasons s ({r['reasons_profiles']} profiles)",
                    "peak RSS MB", "top-k bytes", "machine GFLOPS before/after"):
            t.add_column(col)
        t.add_row(f"{r['encode_s']:.1f}", f"{r['encode_ms_per_text']:.2f}", f"{r['score_s']:.1f}",
                  f"{r['end_to_end_s']:.1f}", f"{r['reasons_s']:.1f}", f"{r['peak_rss_mb']:.0f}",
                  f"{r['result_bytes']:,}", f"{r['gflops_before']:.0f} / {r['gflops_after']:.0f}")
    else:
        t = Table(title="Assignment at scale")
        for col in ("objective", "value", "LP bound", "gap", "total", "worst item", "solve s", "bound s"):
            t.add_column(col)
        notes = []
        for r in data:
            if r["objective"] in ("total", "fair"):
                t.add_row(r["objective"], f"{r['value']:.4f}", f"{r['lp_bound']:.4f}", f"{r['gap']:.2e}",
                          f"{r['total']:.4f}", f"{r['worst_item']:.4f}", f"{r['solve_s']:.2f}", f"{r['bound_s']:.2f}")
            elif r["objective"] == "peak":
                t.caption = (f"{r['pairs']:,} candidate pairs, {r['conflicts']:,} conflicts; "
                             f"feasibility diagnosis {r['diagnose_s']:.2f}s; peak RSS {r['peak_rss_mb']:.0f} MB")
            else:
                notes.append(f"{r['objective']}: explained in {r['explain_s']:.2f}s — {r['first_reason']}")
        console.print(t)
        for note in notes:
            console.print(note, highlight=False)
        return
    console.print(t)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["retrieval", "scale", "assign"], action="append")
    parser.add_argument("--child", choices=["retrieval", "scale", "assign"], help=argparse.SUPPRESS)
    parser.add_argument("--encoders", default="use,e5")
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--explain-sample", type=int, default=200)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--demand", type=int, default=3)
    parser.add_argument("--max-load", type=int, default=18)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--conflicts", type=float, default=0.01)
    ns = parser.parse_args()
    if ns.child:
        print(json.dumps(_child(ns)))
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    args: list[str] = []
    argv = iter(sys.argv[1:])
    for a in argv:  # pass every option but --only on to the children
        if a == "--only":
            next(argv, None)
        elif not a.startswith("--only="):
            args.append(a)
    for name in ns.only or ["retrieval", "scale", "assign"]:
        out = subprocess.run([sys.executable, __file__, "--child", name, *args], check=True, capture_output=True,
                             text=True)
        data = json.loads(out.stdout.strip().splitlines()[-1])
        (RESULTS / f"match_{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        _print(name, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
