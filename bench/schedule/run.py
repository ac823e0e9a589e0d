"""Meeting-scheduler benchmarks: the 20 real B2B instances, time limits, humane hours on a hybrid event,
a 3-day event, the synthetic scale series, and rescheduling.

Run with ``make bench-schedule`` (``BENCH_ARGS="--suite b2b"`` etc. to run one part). Every run is done in a
child process so that its peak memory (``ru_maxrss``) is its own; every schedule is verified with ``check``.
Prints a calibration line (a fixed CPU workload, to compare machines and moments) and the load average
before and after, rich tables, and writes ``bench/results/schedule-<suite>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bridgehead.engines.schedule import Meeting, bound, check, dzn, solve
from bridgehead.engines.schedule.baseline import first_come_first_served
from bridgehead.engines.schedule.generate import generate
from bridgehead.engines.schedule.model import Problem

ROOT = Path(__file__).resolve().parents[2]
B2B_DIR = next(
    (d for d in (ROOT.parent / "shared" / "bench" / "b2b", ROOT.parents[1] / "shared" / "bench" / "b2b") if d.exists()),
    ROOT.parent / "shared" / "bench" / "b2b",
)
RESULTS = ROOT / "bench" / "results"
PUBLISHED = {  # optimum total breaks with fairness d = 2 (Bofill et al. 2022, Table 3)
    "forum-13": 0, "forum-13crafb": 6, "forum-13crafc": 1, "forum-14": 2, "forumt-14": 5, "forumt-14crafc": 5,
    "forumt-14crafd": 4, "forumt-14crafe": 5, "tic-12": 0, "tic-12crafc": 0, "tic-13": 0, "tic-13crafb": 0,
    "tic-13crafc": 4, "tic-14crafa": 0, "tic-14crafc": 0, "tic-14crafd": 0, "ticf-13crafa": 0, "ticf-13crafb": 3,
    "ticf-13crafc": 1, "ticf-14crafa": 0,
}  # fmt: skip


def calibration() -> float:
    """Milliseconds for a fixed pure-Python workload (~0.2 s on a quiet 2024 laptop core)."""
    t = time.perf_counter()
    acc = 0
    for i in range(3_000_000):
        acc ^= (i * 2654435761) & 0xFFFF
    return 1000 * (time.perf_counter() - t) + 0 * acc


def machine_line(label: str) -> str:
    one, five, fifteen = os.getloadavg()
    return (
        f"{label}: load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores, "
        f"calibration {calibration():.0f} ms, nice {os.nice(0)}"
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _no_request_meeting(pb: Problem, slot_of: dict[str, str]) -> int:
    """Participants who have at least one schedulable request but no meeting."""
    held = set()
    for m, mid in enumerate(pb.meeting_ids):
        if mid in slot_of:
            held.update(pb.parts[m])
    wanting = {p for m in range(pb.n_meetings) if pb.allowed[m] for p in pb.parts[m]}
    return len(wanting - held)


def _row(kind: str, inst, sol, b, seconds: float, peak: float) -> dict:
    pb = Problem(inst)
    placed = {a.meeting: a.slot for a in sol.assignments}
    violations = check(
        inst, replace(sol, stats=replace(sol.stats, upper_bound=b.upper_bound, weight_upper_bound=b.weight_upper_bound))
    )
    return {
        "kind": kind,
        "requests": len(inst.meetings),
        "scheduled": sol.stats.scheduled,
        "upper_bound": b.upper_bound,
        "scheduled_pct": 100.0 * sol.stats.scheduled / max(1, b.upper_bound),
        "weight": sol.stats.scheduled_weight,
        "weight_bound": b.weight_upper_bound,
        "weight_pct": 100.0 * sol.stats.scheduled_weight / max(1e-9, b.weight_upper_bound),
        "breaks": sol.stats.breaks,
        "max_breaks": sol.stats.max_breaks,
        "no_meeting": _no_request_meeting(pb, placed),
        "seconds": round(seconds, 2),
        "peak_mib": round(peak),
        "status": sol.stats.status,
        "valid": not violations,
    }


def one_scale(n: int, variant: str, time_limit: float, threads: int) -> list[dict]:
    inst = generate(n, seed=1, variant=variant)
    b = bound(inst)
    t = time.perf_counter()
    base = first_come_first_served(inst, b)
    base_row = _row("fcfs", inst, base, b, time.perf_counter() - t, _peak_mib())
    t = time.perf_counter()
    sol = solve(inst, time_limit=time_limit, threads=threads, seed=0)
    row = _row("bridgehead", inst, sol, b, time.perf_counter() - t, _peak_mib())
    return [base_row, row]


def one_reschedule(n: int, variant: str, time_limit: float, threads: int) -> dict:
    inst = generate(n, seed=1, variant=variant)
    first = solve(inst, time_limit=10, threads=threads, seed=0)
    rng = random.Random(42)
    pb = Problem(inst)
    k = len(inst.meetings) // 20
    cancelled = set(rng.sample([m.id for m in inst.meetings if m.fixed is None], k))
    pairs = {frozenset(m.participants) for m in inst.meetings}
    ids = [p.id for p in inst.participants]
    new: list[Meeting] = []
    while len(new) < k:
        a, c = rng.sample(range(pb.n_parts), 2)
        if frozenset((ids[a], ids[c])) in pairs or not pb.avail[a] & pb.avail[c]:
            continue
        pairs.add(frozenset((ids[a], ids[c])))
        new.append(Meeting(id=f"new{len(new)}", participants=(ids[a], ids[c]), weight=1.0))
    changed = replace(inst, meetings=(*[m for m in inst.meetings if m.id not in cancelled], *new))
    t = time.perf_counter()
    again = solve(changed, time_limit=time_limit, threads=threads, seed=0, previous=first)
    seconds = time.perf_counter() - t
    before = {a.meeting: a.slot for a in first.assignments}
    after = {a.meeting: a.slot for a in again.assignments}
    untouched = [mid for mid in before if mid not in cancelled]
    moved = sum(1 for mid in untouched if after.get(mid) != before[mid])
    fixed_moved = sum(1 for m in changed.meetings if m.fixed is not None and after.get(m.id) != m.fixed)
    new_held = sum(1 for m in new if m.id in after)
    return {
        "participants": n,
        "variant": variant,
        "untouched": len(untouched),
        "moved": moved,
        "moved_pct": 100.0 * moved / max(1, len(untouched)),
        "fixed_moved": fixed_moved,
        "new_requests": len(new),
        "new_scheduled": new_held,
        "scheduled": again.stats.scheduled,
        "upper_bound": again.stats.upper_bound,
        "breaks": again.stats.breaks,
        "max_breaks": again.stats.max_breaks,
        "seconds": round(seconds, 2),
        "peak_mib": round(_peak_mib()),
        "valid": not check(changed, again),
    }


def one_b2b(name: str, time_limit: float, threads: int) -> dict:
    inst = dzn.load(B2B_DIR / f"{name}.original.dzn")
    t = time.perf_counter()
    sol = solve(inst, time_limit=time_limit, threads=threads, seed=0)
    seconds = time.perf_counter() - t
    return {
        "limit": time_limit,
        "over_limit": round(seconds - time_limit, 2),
        "instance": name,
        "meetings": len(inst.meetings),
        "scheduled": sol.stats.scheduled,
        "breaks": sol.stats.breaks,
        "max_breaks": sol.stats.max_breaks,
        "published": PUBLISHED.get(name),
        "proven": sol.stats.status == "optimal",
        "seconds": round(seconds, 2),
        "valid": not check(inst, sol),
    }


def one_humane(n: int, time_limit: float, threads: int) -> list[dict]:
    """Hybrid event, a third online from Seoul, everyone with preferred hours 08:00-20:00 in their zone."""
    from dataclasses import replace as dc_replace

    inst = generate(n, seed=1, virtual_share=1 / 3)
    plain = dc_replace(inst, participants=tuple(dc_replace(p, preferred_hours=None) for p in inst.participants))
    pb = Problem(inst)
    virtual = {pb.meeting_ids[m]: m for m in range(pb.n_meetings) if pb.mode[m] == "virtual"}
    b = bound(inst)

    def row(kind: str, sol, seconds: float) -> dict:
        held = [(virtual[a.meeting], pb.slot_index[a.slot]) for a in sol.assignments if a.meeting in virtual]
        inside = sum(1 for m, s in held if pb.pref_all[m] >> s & 1)
        return {
            "participants": n,
            "kind": kind,
            "scheduled": sol.stats.scheduled,
            "upper_bound": b.upper_bound,
            "breaks": sol.stats.breaks,
            "virtual_held": len(held),
            "virtual_inside": inside,
            "inside_pct": 100.0 * inside / max(1, len(held)),
            "seconds": round(seconds, 2),
            "valid": not check(inst, sol),
        }

    t = time.perf_counter()
    base = first_come_first_served(inst, b)
    rows = [row("fcfs", base, time.perf_counter() - t)]
    t = time.perf_counter()
    rows.append(row("bridgehead, no preferences", solve(plain, time_limit=time_limit, threads=threads), 0.0))
    rows[-1]["seconds"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    rows.append(row("bridgehead, preferred hours", solve(inst, time_limit=time_limit, threads=threads), 0.0))
    rows[-1]["seconds"] = round(time.perf_counter() - t, 2)
    return rows


def one_multiday(n: int, days: int, per: float, time_limit: float, threads: int) -> dict:
    inst = generate(n, seed=1, days=days, requests_per_participant=per)
    b = bound(inst)
    t = time.perf_counter()
    sol = solve(inst, time_limit=time_limit, threads=threads, seed=0)
    seconds = time.perf_counter() - t
    r = _row("bridgehead", inst, sol, b, seconds, _peak_mib())
    r.update(participants=n, days=days, limit=time_limit, over_limit=round(seconds - time_limit, 2))
    return r


def one_limit(case: str, time_limit: float, threads: int) -> dict:
    """Wall time of a solve whose search would go on past the limit (proof not reached)."""
    if case.startswith("b2b:"):
        inst = dzn.load(B2B_DIR / f"{case[4:]}.original.dzn")
    else:
        n, variant = case.split(":")
        inst = generate(int(n), seed=1, variant=variant)
    t = time.perf_counter()
    sol = solve(inst, time_limit=time_limit, threads=threads, seed=0)
    seconds = time.perf_counter() - t
    return {
        "case": case,
        "limit": time_limit,
        "seconds": round(seconds, 2),
        "over": round(seconds - time_limit, 2),
        "status": sol.stats.status,
        "solver": sol.stats.solver,
        "valid": not check(inst, sol),
    }


def _child(args: list[str]) -> object:
    """Run one measurement in a fresh interpreter (own peak memory, no warm caches)."""
    out = subprocess.run([sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument(
        "--suite",
        choices=["all", "b2b", "limit", "humane", "multiday", "live", "scale", "reschedule", "default"],
        default="default",
    )
    ap.add_argument("--humane-sizes", default="2000,20000")
    ap.add_argument("--live-participants", type=int, default=20_000)
    ap.add_argument("--sizes", default="200,2000,5000,20000")
    ap.add_argument("--variants", default="normal,dense")
    ap.add_argument("--instances", default="", help="comma-separated B2B names (default: all 20)")
    ap.add_argument("--time-limit", type=float, default=10.0, help="scale series (default 10 s)")
    ap.add_argument("--b2b-time-limit", type=float, default=10.0)
    ap.add_argument("--reschedule-time-limit", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ns = ap.parse_args(argv)
    if ns.child:
        kind, *rest = ns.child
        if kind == "scale":
            result: object = one_scale(int(rest[0]), rest[1], float(rest[2]), int(rest[3]))
        elif kind == "reschedule":
            result = one_reschedule(int(rest[0]), rest[1], float(rest[2]), int(rest[3]))
        elif kind == "limit":
            result = one_limit(rest[0], float(rest[1]), int(rest[2]))
        elif kind == "humane":
            result = one_humane(int(rest[0]), float(rest[1]), int(rest[2]))
        elif kind == "multiday":
            result = one_multiday(int(rest[0]), int(rest[1]), float(rest[2]), float(rest[3]), int(rest[4]))
        else:
            result = one_b2b(rest[0], float(rest[1]), int(rest[2]))
        print(json.dumps(result))
        return 0

    console = Console(width=220)
    RESULTS.mkdir(parents=True, exist_ok=True)
    console.print(machine_line("start"), highlight=False)
    # "default" (make bench-schedule): B2B, humane hours, the 3-day event; "all" adds scale and reschedule.
    wanted = {
        "default": {"b2b", "limit", "humane", "multiday", "live"},
        "all": {"b2b", "limit", "humane", "multiday", "live", "scale", "reschedule"},
    }.get(ns.suite, {ns.suite})
    sizes = [int(s) for s in ns.sizes.split(",") if s]
    variants = [v for v in ns.variants.split(",") if v]
    if "b2b" in wanted:
        if not B2B_DIR.exists():
            console.print(f"[yellow]skipping B2B: {B2B_DIR} not found")
        else:
            names = [n for n in ns.instances.split(",") if n] or sorted(PUBLISHED)
            rows = []
            table = Table(title=f"B2B instances (fairness d = 2, {ns.threads} threads, limit {ns.b2b_time_limit:g} s)")
            for col in ("instance", "meetings", "breaks", "published", "proven", "s", "valid"):
                table.add_column(col, justify="right" if col not in ("instance",) else "left")
            for name in names:
                r = _child(["b2b", name, str(ns.b2b_time_limit), str(ns.threads)])
                rows.append(r)
                ok = r["breaks"] == r["published"]
                table.add_row(
                    name,
                    str(r["meetings"]),
                    f"{'' if ok else '[red]'}{r['breaks']}",
                    str(r["published"]),
                    "yes" if r["proven"] else "no",
                    f"{r['seconds']:.1f}",
                    "yes" if r["valid"] else "NO",
                )
                console.print(
                    f"  {name}: breaks {r['breaks']} (published {r['published']}), "
                    f"proven {r['proven']}, {r['seconds']:.1f} s",
                    highlight=False,
                )
            found = sum(r["breaks"] == r["published"] and r["scheduled"] == r["meetings"] for r in rows)
            proven = sum(r["proven"] and r["breaks"] == r["published"] for r in rows)
            within = sum(r["proven"] and r["breaks"] == r["published"] and r["seconds"] <= 10 for r in rows)
            worst = max((r["over_limit"] for r in rows), default=0.0)
            table.caption = (
                f"optimum found {found}/{len(rows)}, proven {proven}/{len(rows)}, proven ≤10 s {within}; "
                f"wall − limit at most {worst:+.2f} s (target ≤ +1 s)"
            )
            console.print(table)
            (RESULTS / "schedule-b2b.json").write_text(json.dumps(rows, indent=1))
    if "limit" in wanted:
        rows = []
        table = Table(title="Time limit is a limit: wall time of solves cut by the limit (target ≤ limit + 1 s)")
        for col in ("case", "limit s", "wall s", "over", "solver", "valid"):
            table.add_column(col, justify="left" if col in ("case", "solver") else "right")
        for case, limit in (("b2b:forum-13crafc", 3.0), ("200:dense", 3.0), ("20000:dense", 5.0)):
            if case.startswith("b2b:") and not B2B_DIR.exists():
                continue
            r = _child(["limit", case, str(limit), str(ns.threads)])
            rows.append(r)
            table.add_row(
                case,
                f"{limit:g}",
                f"{r['seconds']:.2f}",
                f"{r['over']:+.2f}",
                r["solver"],
                "yes" if r["valid"] else "NO",
            )
        console.print(table)
        (RESULTS / "schedule-limit.json").write_text(json.dumps(rows, indent=1))
    if "humane" in wanted:
        rows = []
        table = Table(title="Humane hours: hybrid event, a third online from Asia/Seoul, preferred 08:00-20:00 local")
        for col in (
            "participants",
            "solver",
            "scheduled / bound",
            "breaks",
            "virtual held",
            "inside both's hours",
            "s",
            "valid",
        ):
            table.add_column(col, justify="left" if col == "solver" else "right")
        for n in [int(x) for x in ns.humane_sizes.split(",") if x]:
            got = _child(["humane", str(n), str(ns.time_limit), str(ns.threads)])
            for r in got:
                rows.append(r)
                table.add_row(
                    f"{n:,}",
                    r["kind"],
                    f"{r['scheduled']:,} / {r['upper_bound']:,}",
                    f"{r['breaks']:,}",
                    f"{r['virtual_held']:,}",
                    f"{r['virtual_inside']:,} ({r['inside_pct']:.1f}%)",
                    f"{r['seconds']:.1f}",
                    "yes" if r["valid"] else "NO",
                )
            plain, pref = got[1], got[2]
            d_count = 100.0 * abs(pref["scheduled"] - plain["scheduled"]) / max(1, plain["scheduled"])
            d_breaks = 100.0 * abs(pref["breaks"] - plain["breaks"]) / max(1, plain["scheduled"])
            console.print(
                f"  {n}: inside {pref['inside_pct']:.1f}% vs fcfs {got[0]['inside_pct']:.1f}% "
                f"(no preferences {plain['inside_pct']:.1f}%); count changed {d_count:.3f}%, "
                f"breaks changed {d_breaks:.3f}% of meetings",
                highlight=False,
            )
        console.print(table)
        (RESULTS / "schedule-humane.json").write_text(json.dumps(rows, indent=1))
    if "multiday" in wanted:
        r = _child(["multiday", "20000", "3", "6", "30", str(ns.threads)])
        table = Table(title=f"3-day event, 20,000 participants ({ns.threads} threads, limit 30 s)")
        for col in ("requests", "scheduled / bound", "weight / bound", "breaks", "worst", "s", "peak MiB", "valid"):
            table.add_column(col, justify="right")
        table.add_row(
            f"{r['requests']:,}",
            f"{r['scheduled']:,} / {r['upper_bound']:,} ({r['scheduled_pct']:.2f}%)",
            f"{r['weight']:,.0f} / {r['weight_bound']:,.0f} ({r['weight_pct']:.2f}%)",
            f"{r['breaks']:,}",
            str(r["max_breaks"]),
            f"{r['seconds']:.1f}",
            str(r["peak_mib"]),
            "yes" if r["valid"] else "NO",
        )
        console.print(table)
        (RESULTS / "schedule-multiday.json").write_text(json.dumps(r, indent=1))
    if "live" in wanted:
        out = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("live.py")), "--participants", str(ns.live_participants)],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        table = Table(
            title=f"Live booking after publication: {r['participants']:,} participants, "
            f"{r['meetings']:,} meetings (PostgreSQL)"
        )
        for col in ("run", "bookings", "placed", "p50 ms", "p95 ms", "max ms", "target"):
            table.add_column(col, justify="left" if col == "run" else "right")
        for label in ("sequential", "concurrent", "processes"):
            f = r[label]
            table.add_row(
                label
                + (f" ({f['clients']} {'threads' if label == 'concurrent' else 'at once'})" if "clients" in f else ""),
                str(f["n"]),
                str(f["placed"]),
                f"{f['p50_ms']}",
                f"{f['p95_ms']}",
                f"{f['max_ms']}",
                "p95 ≤ 200 ms",
            )
        table.caption = (
            f"double-booked people {r['double_booked_people']}, tables used twice {r['double_booked_tables']}"
        )
        console.print(table)
        (RESULTS / "schedule-live.json").write_text(json.dumps(r, indent=1))
    if "scale" in wanted:
        rows = []
        table = Table(title=f"Scale series ({ns.threads} threads, limit {ns.time_limit:g} s)")
        cols = (
            "participants",
            "variant",
            "solver",
            "requests",
            "scheduled / bound",
            "weight / bound",
            "breaks",
            "worst",
            "no meeting",
            "s",
            "peak MiB",
            "valid",
        )
        for col in cols:
            table.add_column(col, justify="left" if col in ("variant", "solver") else "right")
        for n in sizes:
            for variant in variants:
                base, r = _child(["scale", str(n), variant, str(ns.time_limit), str(ns.threads)])
                for row in (base, r):
                    row.update(participants=n, variant=variant)
                    rows.append(row)
                    table.add_row(
                        f"{n:,}",
                        variant,
                        row["kind"],
                        f"{row['requests']:,}",
                        f"{row['scheduled']:,} / {row['upper_bound']:,} ({row['scheduled_pct']:.2f}%)",
                        f"{row['weight']:,.0f} / {row['weight_bound']:,.0f} ({row['weight_pct']:.2f}%)",
                        f"{row['breaks']:,}",
                        str(row["max_breaks"]),
                        f"{row['no_meeting']:,}",
                        f"{row['seconds']:.1f}",
                        str(row["peak_mib"]),
                        "yes" if row["valid"] else "NO",
                    )
                console.print(
                    f"  {n} {variant}: {r['scheduled']}/{r['upper_bound']} breaks {r['breaks']} "
                    f"(fcfs {base['breaks']}), {r['seconds']:.1f} s",
                    highlight=False,
                )
        console.print(table)
        (RESULTS / "schedule-scale.json").write_text(json.dumps(rows, indent=1))
    if "reschedule" in wanted:
        rows = []
        table = Table(title=f"Reschedule: cancel 5%, add 5% new requests (limit {ns.reschedule_time_limit:g} s)")
        cols = (
            "participants",
            "variant",
            "untouched",
            "moved",
            "fixed moved",
            "new held",
            "scheduled / bound",
            "breaks",
            "worst",
            "s",
            "peak MiB",
            "valid",
        )
        for col in cols:
            table.add_column(col, justify="left" if col == "variant" else "right")
        for n in [s for s in sizes if s >= 20000] or sizes[-1:]:
            for variant in variants:
                r = _child(["reschedule", str(n), variant, str(ns.reschedule_time_limit), str(ns.threads)])
                rows.append(r)
                table.add_row(
                    f"{n:,}",
                    variant,
                    f"{r['untouched']:,}",
                    f"{r['moved']:,} ({r['moved_pct']:.2f}%)",
                    str(r["fixed_moved"]),
                    f"{r['new_scheduled']:,} / {r['new_requests']:,}",
                    f"{r['scheduled']:,} / {r['upper_bound']:,}",
                    f"{r['breaks']:,}",
                    str(r["max_breaks"]),
                    f"{r['seconds']:.1f}",
                    str(r["peak_mib"]),
                    "yes" if r["valid"] else "NO",
                )
        console.print(table)
        (RESULTS / "schedule-reschedule.json").write_text(json.dumps(rows, indent=1))
    console.print(machine_line("end"), highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
