"""``bridgehead schedule solve|check|bound|generate|import-dzn`` (exact forms of DESIGN §4.1).

Bad input (unreadable file, invalid JSON, invalid instance) prints one clear message to stderr and exits 2;
``check`` exits 1 when the solution breaks a rule and lists every violation; ``solve`` exits 3 when the hard
rules cannot all hold (or no schedule meeting them was found), naming the rule, the participants and meetings,
and the ``--relax`` option that lifts it; success exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from . import dzn
from .bound import bound
from .check import check
from .feasibility import RELAXABLE, HardRulesError
from .generate import VARIANTS, generate
from .io import dump_instance, dump_solution, load_instance, load_solution
from .model import InstanceError, Solution
from .solve import OBJECTIVES, solve

EXIT_OK, EXIT_INVALID, EXIT_BAD_INPUT, EXIT_CONFLICT = 0, 1, 2, 3


def _guard(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn expected input errors into a message and exit code 2 instead of a traceback."""

    def run(ns: argparse.Namespace) -> int:
        try:
            return fn(ns)
        except HardRulesError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_CONFLICT
        except (InstanceError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except OSError as exc:
            print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_BAD_INPUT

    run.__doc__ = fn.__doc__
    return run


def summary_line(solution: Solution, requested: int) -> str:
    """The one-line result: "scheduled X of Y requested (bound Z, gap G%), breaks B, in S s"."""
    st = solution.stats
    gap = 0.0 if st.upper_bound == 0 else 100.0 * (st.upper_bound - st.scheduled) / st.upper_bound
    return (
        f"scheduled {st.scheduled:,} of {requested:,} requested (bound {st.upper_bound:,}, gap {gap:.2f}%), "
        f"breaks {st.breaks:,}, in {st.seconds:.1f} s"
    )


def _solve(ns: argparse.Namespace) -> int:
    instance = load_instance(ns.instance, check=False)
    previous = load_solution(ns.previous) if ns.previous else None
    console = Console(stderr=True)
    stop = threading.Event()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        disable=ns.quiet,
        transient=False,
    ) as bar:
        task = bar.add_task("solving", total=ns.time_limit, detail="")
        t0 = time.perf_counter()

        def on_progress(p) -> None:
            bar.update(
                task,
                completed=min(ns.time_limit, time.perf_counter() - t0),
                description=p.phase,
                detail=f"{p.scheduled:,}/{p.upper_bound:,} scheduled, {p.breaks:,} breaks",
            )

        try:
            solution = solve(
                instance,
                time_limit=ns.time_limit,
                threads=ns.threads,
                seed=ns.seed,
                previous=previous,
                objective=ns.objective,
                progress=on_progress,
                stop=stop.is_set,
                relax=ns.relax or (),
            )
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        bar.update(task, completed=ns.time_limit, description="done")
    dump_solution(solution, ns.output)
    line = summary_line(solution, len(instance.meetings))
    if solution.stats.moved is not None:
        line += f", moved {solution.stats.moved:,}"
    if solution.stats.min_meetings is not None:
        line += f", fewest meetings of anyone with requests {solution.stats.min_meetings}"
    if solution.stats.relaxed:
        line += f", relaxed: {'; '.join(solution.stats.relaxed)}"
    print(line + f" [{solution.stats.status}]")
    return EXIT_OK


def _check(ns: argparse.Namespace) -> int:
    instance = load_instance(ns.instance)
    solution = load_solution(ns.solution)
    violations = check(instance, solution)
    if violations:
        for v in violations:
            print(v)
        print(f"{len(violations)} violation(s)")
        return EXIT_INVALID
    print(f"valid: {solution.stats.scheduled:,} meetings, {solution.stats.breaks:,} breaks")
    return EXIT_OK


def _bound(ns: argparse.Namespace) -> int:
    instance = load_instance(ns.instance)
    b = bound(instance)
    print(json.dumps({"upper_bound": b.upper_bound, "weight_upper_bound": b.weight_upper_bound, "method": b.method}))
    return EXIT_OK


def _generate(ns: argparse.Namespace) -> int:
    instance = generate(
        ns.participants,
        ns.seed,
        variant=ns.variant,
        days=ns.days,
        requests_per_participant=ns.requests,
        virtual_share=ns.virtual_share,
    )
    dump_instance(instance, ns.output)
    print(
        f"wrote {ns.output}: {len(instance.participants):,} participants, {len(instance.meetings):,} meetings, "
        f"{len(instance.slots)} slots, {instance.tables} tables"
    )
    return EXIT_OK


def _import_dzn(ns: argparse.Namespace) -> int:
    instance = dzn.load(ns.input, fairness=None if ns.fairness < 0 else ns.fairness)
    dump_instance(instance, ns.output)
    print(f"wrote {ns.output}: {len(instance.participants)} participants, {len(instance.meetings)} meetings")
    return EXIT_OK


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``schedule`` and its sub-commands on the ``bridgehead`` parser."""
    sched = subparsers.add_parser("schedule", help="one-on-one meeting scheduler (solve, check, bound, ...)")
    sub = sched.add_subparsers(dest="schedule_command", required=True, metavar="COMMAND")

    p = sub.add_parser("solve", help="schedule the meetings of an instance")
    p.add_argument("instance", metavar="INSTANCE.json")
    p.add_argument("-o", "--output", required=True, metavar="SOLUTION.json")
    p.add_argument("--time-limit", type=_positive_float, default=10.0, help="seconds (default 10)")
    p.add_argument("--threads", type=int, default=2, help="solver threads (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--previous", metavar="OLD.json", help="re-solve moving as few of these meetings as possible")
    p.add_argument("--objective", choices=OBJECTIVES, default="weight")
    p.add_argument(
        "--relax",
        action="append",
        choices=RELAXABLE,
        help="relax a hard rule that cannot hold (repeatable); the result states what was relaxed",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    p.set_defaults(handler=_guard(_solve))

    p = sub.add_parser("check", help="check a solution; exit 1 and list violations when invalid")
    p.add_argument("instance", metavar="INSTANCE.json")
    p.add_argument("solution", metavar="SOLUTION.json")
    p.set_defaults(handler=_guard(_check))

    p = sub.add_parser("bound", help="print the proven upper bound as JSON")
    p.add_argument("instance", metavar="INSTANCE.json")
    p.set_defaults(handler=_guard(_bound))

    p = sub.add_parser("generate", help="write a synthetic event")
    p.add_argument("--participants", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--variant", choices=VARIANTS, default="normal")
    p.add_argument("--days", type=int, default=4)
    p.add_argument("--requests", type=float, default=3.0, help="accepted requests per participant (default 3)")
    p.add_argument(
        "--virtual-share",
        type=float,
        default=0.0,
        help="hybrid event: share of participants joining online from Asia/Seoul, with preferred hours",
    )
    p.add_argument("-o", "--output", required=True, metavar="INSTANCE.json")
    p.set_defaults(handler=_guard(_generate))

    p = sub.add_parser("import-dzn", help="convert a B2B benchmark .dzn file")
    p.add_argument("input", metavar="IN.dzn")
    p.add_argument("-o", "--output", required=True, metavar="INSTANCE.json")
    p.add_argument("--fairness", type=int, default=2, help="max_break_spread (default 2; -1 for none)")
    p.set_defaults(handler=_guard(_import_dzn))
