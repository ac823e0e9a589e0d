"""``bridgehead match recommend|assign`` (DESIGN §4.2), registered by ``bridgehead.cli``.

Exit codes: 0 success, 1 infeasible assignment (reasons on stderr), 2 bad input (``file:line: message`` on
stderr, never a traceback). Results go to the ``-o`` file; a one-line summary goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .affinity import prepare, recommend, scorer_for
from .assign import assign, build_problem
from .encoders import CachedEncoder, get_encoder
from .explain import Explainer, recommendation_rows
from .io import (
    InputError,
    read_feedback,
    read_pairs,
    read_profiles,
    read_scores,
    write_assignment,
    write_matches,
)
from .model import Infeasible, Rules, Weights

_err = Console(stderr=True, soft_wrap=True)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        transient=False,
        disable=not _err.is_terminal,
    )


def _tracker(progress: Progress, description: str, total: int) -> Callable[[int], None]:
    task = progress.add_task(description, total=total)
    return lambda done: progress.update(task, completed=done)


def _weights(text: str | None) -> Weights:
    if not text:
        return Weights()
    values: dict[str, float] = {}
    for part in text.split(","):
        key, _, val = part.partition("=")
        key = key.strip()
        if key not in ("text", "sectors", "markets", "stage", "mutual"):
            raise ValueError(f"unknown weight {key!r}")
        values[key] = float(val)
    return Weights(**values)


def _rules(allow: list[str], blocks: list[tuple[str, str]]) -> Rules:
    rules = Rules(blocks=frozenset(blocks))
    for pair in allow:
        a, sep, b = pair.partition(":")
        if not sep or not a or not b:
            raise ValueError(f"--allow expects KIND:KIND, got {pair!r}")
        rules = rules.with_pairs((a, b))
    return Rules(rules.allowed, frozenset(blocks))


def _recommend(ns: argparse.Namespace) -> int:
    try:
        profiles = read_profiles(ns.profiles)
        ids = [p.id for p in profiles]
        blocks = read_pairs(ns.blocks, ("a", "b"), ids) if ns.blocks else []
        feedback = read_feedback(ns.feedback, ids) if ns.feedback else None
        rules = _rules(ns.allow or [], blocks)
        weights = _weights(ns.weights) if ns.weights else None
        encoder = CachedEncoder(get_encoder(ns.encoder), path=ns.cache)
    except InputError as exc:
        _err.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    except (OSError, ValueError) as exc:
        _err.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    t0 = time.perf_counter()
    with _progress() as progress:
        prep = prepare(profiles, encoder, progress=_tracker(progress, "encoding", 2 * len(profiles)))
        hits = encoder.hits
        t1 = time.perf_counter()
        recs = recommend(
            profiles,
            k=ns.top,
            rules=rules,
            weights=weights,
            prepared=prep,
            feedback=feedback,
            progress=_tracker(progress, "scoring", len(profiles)),
        )
        t2 = time.perf_counter()
        explainer = None if ns.no_reasons else Explainer(encoder, scorer_for(weights))
        rows = recommendation_rows(recs, profiles, explainer, _tracker(progress, "explaining", len(profiles)))
        write_matches(ns.output, rows)
    encoder.save()  # after the reasons, so their phrase vectors are cached too
    t3 = time.perf_counter()
    _err.print(
        f"{len(profiles)} profiles → top {ns.top} in {ns.output}: encoding {t1 - t0:.1f}s "
        f"(cache hits {hits}), scoring {t2 - t1:.1f}s, reasons {t3 - t2:.1f}s",
        highlight=False,
    )
    return 0


def _assign(ns: argparse.Namespace) -> int:
    try:
        scores = read_scores(ns.scores)
        items = {s[0] for s in scores}
        persons = {s[1] for s in scores}
        conflicts = read_pairs(ns.conflicts, ("item", "person"), items, persons) if ns.conflicts else []
        pb = build_problem(scores, ns.demand, ns.max_load, ns.min_load, conflicts)
    except (InputError, OSError, ValueError) as exc:
        _err.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    t0 = time.perf_counter()
    with _progress() as progress:
        task = progress.add_task(f"assign ({ns.objective})", total=None)
        try:
            result = assign(
                pb,
                objective=ns.objective,
                bound=not ns.no_bound,
                lp=True if ns.lp_bound else None,
                progress=lambda stage: progress.update(task, description=f"assign: {stage}"),
            )
        except Infeasible as exc:
            progress.stop()
            _err.print("[red]infeasible:[/red]", highlight=False)
            for reason in exc.reasons:
                _err.print(f"  - {reason}", highlight=False)
            return 1
    write_assignment(ns.output, result)
    bound = "n/a" if result.bound is None else f"{result.bound:.6f}"
    _err.print(
        f"{len(result.pairs)} assignments → {ns.output}: {result.objective_name} objective "
        f"{result.objective:.6f} (bound {bound}{', optimal' if result.optimal else ''}), total "
        f"{result.total:.6f}, worst-off item {result.worst_item:.6f}, {time.perf_counter() - t0:.1f}s",
        highlight=False,
    )
    for note in result.notes:
        _err.print(f"note: {note}", highlight=False)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be ≥ 0")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``match`` with its ``recommend`` and ``assign`` sub-commands."""
    match = subparsers.add_parser("match", help="partner recommendation and reviewer/mentor assignment")
    sub = match.add_subparsers(dest="match_command", required=True, metavar="SUBCOMMAND")

    rec = sub.add_parser("recommend", help="top-K partners per profile, with reasons")
    rec.add_argument("profiles", type=Path, metavar="PROFILES.jsonl")
    rec.add_argument("--top", type=_positive, default=10, metavar="K")
    rec.add_argument("-o", "--output", type=Path, required=True, metavar="MATCHES.jsonl")
    rec.add_argument(
        "--encoder",
        default="use-static",
        choices=["use-static", "use", "e5", "hash"],
        help="use-static (default): USE without n-gram context, fast at scale; use: full USE",
    )
    rec.add_argument("--cache", type=Path, help="encoding cache file (.npz); unchanged texts are reused")
    rec.add_argument("--blocks", type=Path, metavar="BLOCKS.csv", help="a,b pairs that must never match")
    rec.add_argument(
        "--allow",
        action="append",
        metavar="KIND:KIND",
        help="also allow this kind pair (e.g. startup:startup); repeatable",
    )
    rec.add_argument(
        "--feedback",
        type=Path,
        metavar="FEEDBACK.csv",
        help="viewer,partner,signal rows (no_thanks, declined, accepted, met_positive, met_negative)",
    )
    rec.add_argument(
        "--weights",
        help="v1's hand-set score instead of the learned model, e.g. "
        "text=0.6,sectors=0.2,markets=0.1,stage=0.1,mutual=0.5",
    )
    rec.add_argument("--no-reasons", action="store_true", help="skip explanations (faster)")
    rec.set_defaults(handler=_recommend)

    asg = sub.add_parser("assign", help="assign people to items under demand, loads and conflicts")
    asg.add_argument("scores", type=Path, metavar="SCORES.csv")
    asg.add_argument("--demand", type=_non_negative, required=True, metavar="D")
    asg.add_argument("--max-load", type=_non_negative, required=True, metavar="B")
    asg.add_argument("--min-load", type=_non_negative, default=0, metavar="A")
    asg.add_argument("--conflicts", type=Path, metavar="C.csv")
    asg.add_argument("--objective", choices=["total", "fair"], default="total")
    asg.add_argument("--no-bound", action="store_true", help="skip the bound (faster for fair)")
    asg.add_argument(
        "--lp-bound",
        action="store_true",
        help="with total: prove the bound by the LP relaxation instead of the flow (more memory)",
    )
    asg.add_argument("-o", "--output", type=Path, required=True, metavar="ASSIGNMENT.csv")
    asg.set_defaults(handler=_assign)


def main(argv: list[str] | None = None) -> int:
    """Run ``match`` on its own (``python -m bridgehead.engines.match.cli``), e.g. in tests."""
    parser = argparse.ArgumentParser(prog="bridgehead")
    add_parser(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args(argv)
    return int(ns.handler(ns))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
