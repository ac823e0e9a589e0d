"""Matching-engine benchmarks (``make bench-match``): retrieval quality on both evaluation sets (v1 beside
v2), feedback, recommendation at scale (cold and incremental, with peak memory) and assignment memory.

Each benchmark runs in its own child process so its peak memory (max RSS) is its own. Prints four rich
tables and writes ``bench/results/match_{retrieval,feedback,scale,assign}.json``. Every scale figure
comes with the load average and a matrix-product calibration (GFLOPS), because the machine is shared.
Sizes can be reduced for a quick look, e.g. ``make bench-match BENCH_ARGS="--n 2000 --items 1000"``.
"""

from __future__ import annotations

import argparse
import json
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
    diagnose,
    get_encoder,
    prepare,
    recommend,
)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- 1. retrieval -------------------------------------------------------------------------------------
def bench_retrieval(encoder_names: list[str]) -> list[dict]:
    """All four evaluation sets, both directions: v1 (USE, hand-set weights, no intents) beside v2 variants.

    The shipped model is fitted on sets 1 and 2, so its in-sample rows there are flattering; the honest
    rows are "out-of-fold" (5-fold cross-validation grouped by organisation, over both sets) and "fitted on
    the other set only" (bench/match/fit.py). Sets 3 and 4 are never fitted on (bench/match/eval3.py,
    eval4.py: set 3's misses did shape the lexicons; set 4 was written after the last lexicon change).
    """
    import evalsets
    import fit

    from bridgehead.engines.match.scoring import Scorer, load

    learned = load()
    l2 = float(learned.meta.get("l2", 1.0))
    rows = []
    encoders = {}
    for name in dict.fromkeys(["use", *encoder_names]):
        try:
            encoders[name] = CachedEncoder(get_encoder(name))
        except ValueError as exc:
            rows.append({"set": "-", "direction": "-", "variant": name, "error": str(exc)})
    for enc_name, enc in encoders.items():
        all_tasks = []
        for set_name in ("set1", "set2", "set3", "set4"):
            t0 = time.perf_counter()
            tasks = evalsets.tasks(set_name, enc)
            if set_name in ("set1", "set2"):
                all_tasks += tasks
            encode_s = time.perf_counter() - t0
            variants = [
                (f"v2 learned ({enc_name}), " + ("in-sample" if set_name in ("set1", "set2") else "held out"), learned),
                (f"v2 hand-set fallback ({enc_name})", Scorer.default()),
            ]
            if enc_name == "use":
                variants.insert(0, ("v1 (use, hand-set, no intents)", Scorer.from_weights(Weights())))
            for label, scorer in variants:
                for t in tasks:
                    recall, ndcg, queries = evalsets.metrics(evalsets.raw_scores(t, scorer), t.relevant)
                    rows.append(
                        {
                            "set": set_name,
                            "direction": t.name.split()[1],
                            "variant": label,
                            "recall@10": recall,
                            "ndcg@10": ndcg,
                            "queries": queries,
                            "encode_s": encode_s,
                        }
                    )
        if enc_name != encoder_names[0]:
            continue
        for name, (recall, ndcg) in fit.cross_validate(all_tasks, l2).items():
            rows.append(
                {
                    "set": name.split()[0],
                    "direction": name.split()[1],
                    "variant": f"v2 learned ({enc_name}), out-of-fold (5-fold CV)",
                    "recall@10": recall,
                    "ndcg@10": ndcg,
                    "queries": None,
                }
            )
        for label, res in fit.cross_set(enc, l2).items():
            for name, (recall, ndcg) in res.items():
                rows.append(
                    {
                        "set": name.split()[0],
                        "direction": name.split()[1],
                        "variant": f"v2 learned ({enc_name}), fitted on the other set only ({label})",
                        "recall@10": recall,
                        "ndcg@10": ndcg,
                        "queries": None,
                    }
                )
    order = {"set1": 0, "set2": 1, "set3": 2, "set4": 3}
    rows.sort(key=lambda r: (order.get(r["set"], 2), r["direction"]))
    return rows


# --- 1b. feedback ----------------------------------------------------------------------------------------
def bench_feedback(encoder_name: str, no_thanks: int = 3, weights: tuple[float, ...] = (0.25, 1.0)) -> list[dict]:
    """Viewers say "no thanks" to the (up to) ``no_thanks`` best-ranked partners in their top 10 that are
    not labelled good fits; measured on those viewers: their top 10 before, with the refusals only
    removed (blocks), and with the refusals also steering the ranking (feedback, per weight)."""
    import evalsets

    from bridgehead.engines.match.affinity import FEEDBACK_WEIGHT, profile_vectors
    from bridgehead.engines.match.scoring import load

    enc = CachedEncoder(get_encoder(encoder_name))
    scorer = load()
    rows = []
    for set_name in ("set1", "set2"):
        for t in evalsets.tasks(set_name, enc):
            base = evalsets.raw_scores(t, scorer)
            cand_vecs = profile_vectors(prepare(t.candidates, enc), np.arange(len(t.candidates)))
            viewers, refused = [], {}
            for i, rel in enumerate(t.relevant):
                if not rel:
                    continue
                top = [int(j) for j in np.argsort(-base[i], kind="stable")[:10] if np.isfinite(base[i, j])]
                bad = [j for j in top if j not in rel][:no_thanks]
                if bad:
                    viewers.append(i)
                    refused[i] = bad
            if not viewers:
                continue
            blocked = base.copy()
            for i, bad in refused.items():
                blocked[i, bad] = -np.inf
            variants = [("before", base), ("no thanks removed (blocks only)", blocked)]
            for w in sorted(set(weights) | {FEEDBACK_WEIGHT}):
                adjusted = blocked.copy()
                for i, bad in refused.items():
                    adjusted[i] += w * (cand_vecs @ (-cand_vecs[bad].sum(axis=0)))
                label = f"blocks + feedback, weight {w:g}" + (" (shipped)" if w == FEEDBACK_WEIGHT else "")
                variants.append((label, adjusted))
            for label, scores in variants:
                recall, ndcg, _ = evalsets.metrics(scores, t.relevant, rows=np.array(viewers))
                rows.append(
                    {"set": t.name, "viewers": len(viewers), "variant": label, "recall@10": recall, "ndcg@10": ndcg}
                )
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


def bench_scale(n: int, k: int, encoder_name: str, explain_sample: int, changed: int) -> dict:
    """Cold run (no cache) → top k for every profile; then an incremental refresh after ``changed`` edits."""
    import os
    from dataclasses import replace

    from bridgehead.engines.match import refresh
    from bridgehead.engines.match.affinity import _rank_rows, encode_profiles
    from bridgehead.engines.match.scoring import load

    load_before = os.getloadavg()
    gflops_before = _gflops()
    profiles = synth.scale_profiles(n)
    enc = CachedEncoder(get_encoder(encoder_name))
    t0 = time.perf_counter()
    vectors = encode_profiles(profiles, enc)
    t1 = time.perf_counter()
    prep = prepare(profiles, vectors=vectors)
    t2 = time.perf_counter()
    recs = recommend(profiles, k=k, prepared=prep)
    t3 = time.perf_counter()
    peak_cold = _peak_mb()
    # Incremental: `changed` profiles get a new sentence (so their texts must be encoded again).
    rng = np.random.default_rng(5)
    edited = list(profiles)
    for i in rng.choice(n, size=changed, replace=False):
        p = edited[int(i)]
        extra = (
            " 내년에는 일본 시장 진출도 준비합니다."
            if p.language == "ko"
            else " Next year we also plan to enter Japan."
        )
        edited[int(i)] = replace(p, seeks=p.seeks + extra)
    t4 = time.perf_counter()
    recs2, prep2 = refresh(recs, prep, edited, enc)
    t5 = time.perf_counter()
    # Shortlist agreement: exact top k of a sample of rows against the two-stage result. The synthetic
    # profiles are recombined from one sentence bank, so many candidates tie; a two-stage pick counts as
    # kept when its (exact) score reaches the exact k-th best score of that row.
    sample = np.sort(rng.choice(n, size=min(500, n), replace=False))
    ex_index = np.full(recs2.index.shape, -1, dtype=np.int32)
    ex_score = np.zeros(recs2.score.shape, dtype=np.float32)
    _rank_rows(prep2, sample, Rules(), load(), {}, k, ex_index, ex_score, shortlist=0)
    kept, same_ids = [], []
    for i in sample:
        valid = ex_index[i] >= 0
        if not valid.any():
            continue
        kth = ex_score[i][valid].min()
        got = recs2.score[i][recs2.index[i] >= 0]
        kept.append(float(np.mean(got >= kth - 1e-6)) if len(got) else 0.0)
        same_ids.append(len(set(ex_index[i][valid]) & set(recs2.index[i][recs2.index[i] >= 0])) / int(valid.sum()))
    # Reasons for a sample of viewers (a page of k each).
    explainer = Explainer(enc)
    sample_n = min(explain_sample, n)
    t6 = time.perf_counter()
    for i in range(sample_n):
        explainer.explain_list(profiles[i], [profiles[j] for j, _ in recs2.matches(i)])
    t7 = time.perf_counter()
    # Why not the full USE encoder: its speed on 400 of the same texts.
    full = get_encoder("use")
    texts = [p.seeks for p in profiles[:200]] + [p.offers for p in profiles[:200]]
    full.encode(texts[:8])
    t8 = time.perf_counter()
    full.encode(texts)
    use_ms = 1000 * (time.perf_counter() - t8) / len(texts)
    return {
        "profiles": n,
        "k": k,
        "encoder": encoder_name,
        "distinct_texts": enc.misses,
        "encode_s": t1 - t0,
        "prepare_s": t2 - t1,
        "rank_s": t3 - t2,
        "cold_s": t3 - t0,
        "peak_rss_cold_mb": peak_cold,
        "changed": changed,
        "incremental_s": t5 - t4,
        "shortlist_kept": float(np.mean(kept)),
        "shortlist_same_ids": float(np.mean(same_ids)),
        "shortlist_rows_checked": len(sample),
        "reasons_profiles": sample_n,
        "reasons_s": t7 - t6,
        "peak_rss_mb": _peak_mb(),
        "result_bytes": int(recs.index.nbytes + recs.score.nbytes),
        "encode_ms_per_text": 1000 * (t1 - t0) / max(1, 2 * n),
        "use_full_ms_per_text": use_ms,
        "gflops_before": gflops_before,
        "gflops_after": _gflops(),
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


# --- 3. assignment -----------------------------------------------------------------------------------------
def bench_assign(items: int, people: int, demand: int, max_load: int, candidates: int, conflict: float) -> list[dict]:
    """``total`` first (its proof from the flow, no LP) with the peak memory up to then, then ``total`` with
    the LP bound and ``fair`` (LP bound), then two infeasible variants."""
    scores, conflicts = synth.assignment_instance(items, people, candidates, conflict)
    t0 = time.perf_counter()
    pb = build_problem(scores, demand, max_load, 0, conflicts)
    build_s = time.perf_counter() - t0
    del scores
    rows = []
    t0 = time.perf_counter()
    solved = assign(pb, objective="total")
    rows.append(
        {
            "objective": "total",
            "proof": "min-cost flow",
            "value": solved.objective,
            "bound": solved.bound,
            "gap": solved.bound - solved.objective,
            "total": solved.total,
            "worst_item": solved.worst_item,
            "solve_s": time.perf_counter() - t0,
            "build_s": build_s,
            "peak_rss_mb": _peak_mb(),
        }
    )
    for objective in ("total", "fair"):
        t0 = time.perf_counter()
        solved = assign(pb, objective=objective, lp=True)
        rows.append(
            {
                "objective": objective,
                "proof": "LP relaxation",
                "value": solved.objective,
                "bound": solved.bound,
                "gap": solved.bound - solved.objective,
                "total": solved.total,
                "worst_item": solved.worst_item,
                "solve_s": time.perf_counter() - t0,
                "build_s": build_s,
                "peak_rss_mb": _peak_mb(),
            }
        )
    scores, conflicts = synth.assignment_instance(items, people, candidates, conflict)
    for label, dem, cap in (
        ("demand > capacity", demand, (demand * items) // people - 1),
        ("item short of people", candidates, max_load),
    ):
        pb_bad = build_problem(scores, dem, cap, 0, conflicts)
        t0 = time.perf_counter()
        try:
            assign(pb_bad, objective="total", bound=False)
            reasons = ["(feasible)"]
        except Infeasible as exc:
            reasons = exc.reasons
        rows.append(
            {
                "objective": f"infeasible: {label}",
                "explain_s": time.perf_counter() - t0,
                "reasons": len(reasons),
                "first_reason": reasons[0][:160],
            }
        )
    rows.append(
        {
            "objective": "peak",
            "peak_rss_mb": _peak_mb(),
            "pairs": len(scores),
            "conflicts": len(conflicts),
            "diagnose_s": _time(lambda: diagnose(pb)),
        }
    )
    return rows


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# --- driver -----------------------------------------------------------------------------------------------
def _child(ns: argparse.Namespace) -> object:
    if ns.child == "retrieval":
        return bench_retrieval(ns.encoders.split(","))
    if ns.child == "feedback":
        return bench_feedback(ns.encoder)
    if ns.child == "scale":
        return bench_scale(ns.n, ns.k, ns.encoder, ns.explain_sample, ns.changed)
    return bench_assign(ns.items, ns.people, ns.demand, ns.max_load, ns.candidates, ns.conflicts)


def _print(name: str, data: object) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    if name == "retrieval":
        t = Table(
            title="Retrieval on the four synthetic evaluation sets (queries in one language, candidates in the "
            "other); v1 = the previous engine's score"
        )
        for col in ("set", "direction", "variant", "recall@10", "nDCG@10"):
            t.add_column(col)
        for r in data:
            if "error" in r:
                t.add_row(r["set"], r["direction"], r["variant"], r["error"], "")
                continue
            t.add_row(r["set"], r["direction"], r["variant"], f"{r['recall@10']:.3f}", f"{r['ndcg@10']:.3f}")
    elif name == "scale":
        r = data
        t = Table(
            title=f"Recommendation at scale: {r['profiles']:,} profiles → top {r['k']} ({r['encoder']}), "
            f"load average {r['load_before'][0]:.1f} → {r['load_after'][0]:.1f}, machine GFLOPS "
            f"{r['gflops_before']:.0f} → {r['gflops_after']:.0f}"
        )
        for col in (
            "encode s",
            "ms/text",
            "intents etc. s",
            "rank s",
            "COLD s",
            "peak RSS MB (cold)",
            f"INCREMENTAL s ({r['changed']} changed)",
            "two-stage = exact top-k (ties / ids)",
            "peak RSS MB",
            f"reasons s ({r['reasons_profiles']} pages)",
            "full USE ms/text",
        ):
            t.add_column(col)
        t.add_row(
            f"{r['encode_s']:.1f}",
            f"{r['encode_ms_per_text']:.2f}",
            f"{r['prepare_s']:.1f}",
            f"{r['rank_s']:.1f}",
            f"{r['cold_s']:.1f}",
            f"{r['peak_rss_cold_mb']:.0f}",
            f"{r['incremental_s']:.2f}",
            f"{r['shortlist_kept']:.3f} / {r['shortlist_same_ids']:.3f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['reasons_s']:.1f}",
            f"{r['use_full_ms_per_text']:.1f}",
        )
    elif name == "feedback":
        t = Table(title='Feedback: top 10 of viewers who said "no thanks" to partners that were not good fits')
        for col in ("set", "viewers", "variant", "recall@10", "nDCG@10"):
            t.add_column(col)
        for r in data:
            t.add_row(r["set"], str(r["viewers"]), r["variant"], f"{r['recall@10']:.3f}", f"{r['ndcg@10']:.3f}")
    else:
        t = Table(title="Assignment at scale")
        for col in ("objective", "proof", "value", "bound", "gap", "total", "worst item", "solve s", "peak RSS MB"):
            t.add_column(col)
        notes = []
        for r in data:
            if r["objective"] in ("total", "fair"):
                t.add_row(
                    r["objective"],
                    r["proof"],
                    f"{r['value']:.4f}",
                    f"{r['bound']:.4f}",
                    f"{r['gap']:.2e}",
                    f"{r['total']:.4f}",
                    f"{r['worst_item']:.4f}",
                    f"{r['solve_s']:.2f}",
                    f"{r['peak_rss_mb']:.0f}",
                )
            elif r["objective"] == "peak":
                t.caption = (
                    f"{r['pairs']:,} candidate pairs, {r['conflicts']:,} conflicts; feasibility diagnosis "
                    f"{r['diagnose_s']:.2f}s; peak RSS so far is cumulative per row"
                )
            else:
                notes.append(f"{r['objective']}: explained in {r['explain_s']:.2f}s — {r['first_reason']}")
        console.print(t)
        for note in notes:
            console.print(note, highlight=False)
        return
    console.print(t)


PARTS = ["retrieval", "feedback", "scale", "assign"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=PARTS, action="append")
    parser.add_argument("--child", choices=PARTS, help=argparse.SUPPRESS)
    parser.add_argument("--encoders", default="use-static")
    parser.add_argument("--encoder", default="use-static")
    parser.add_argument("--changed", type=int, default=100)
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
    for name in ns.only or PARTS:
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, *args], check=True, capture_output=True, text=True
        )
        data = json.loads(out.stdout.strip().splitlines()[-1])
        (RESULTS / f"match_{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        _print(name, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
