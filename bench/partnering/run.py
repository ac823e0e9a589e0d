"""Partnering at BIO scale, end to end through the web app, on PostgreSQL.

1. Generate a 20,000-participant event (about 60,000 accepted requests) with the scheduler's generator and
   bulk-load it into a fresh database.
2. Solve through the same path as the background task (``scheduling.execute``: read the event, solve,
   store the result on the run) and publish it (one bulk transaction): seconds for each step.
3. Serve the site with granian on loopback and load-test a participant's agenda page and their iCal feed
   with concurrent clients: p50/p95/max latency.

Run: ``make bench-partnering`` (``BENCH_ARGS="--participants 2000"`` for a quick run). The database is
``bridgehead_bench`` on the local PostgreSQL (re-created each run; override with ``BENCH_DATABASE_URL``).
Prints a table and writes ``bench/results/partnering.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bridgehead_bench"
BENCH_SECRET = "bench-only-secret-" + "x" * 50


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed(label: str, timings: dict, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    timings[label] = round(time.perf_counter() - start, 2)
    print(f"  {label}: {timings[label]} s", flush=True)
    return result


def load_test(base: str, paths: list[tuple[str, str]], requests: int, clients: int) -> dict[str, float]:
    """``clients`` threads issue ``requests`` GETs in total, round-robin over (path, session cookie)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        for i in counter:
            path, cookie = paths[i % len(paths)]
            req = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 - http on loopback only
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - http on loopback only
                    response.read()
                    ok = response.status == 200 and response.geturl() == base + path  # no redirect to log-in
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgehead.site.settings")
    os.environ["MATCH_ENCODER"] = "hash"  # the demo's recommendations are not what is measured here
    os.environ["SECRET_KEY"] = BENCH_SECRET  # sessions made here must be valid for the server started below
    recreate_database(url)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from rich.console import Console
    from rich.table import Table

    from bridgehead.engines.schedule.generate import generate
    from bridgehead.partnering import bulk, scheduling
    from bridgehead.partnering.models import Event, Meeting, Participant, ScheduleRun
    from bridgehead.programs.models import Program
    from bridgehead.registry.models import Person

    console = Console()
    timings: dict[str, float] = {}
    call_command("migrate", verbosity=0)
    from bridgehead.demo.scenario import load_demo

    load_demo()  # users, program and agreement to hang the big event on
    program = Program.objects.get()
    admin = get_user_model().objects.get(username="admin")
    instance = timed("generate instance", timings, generate, args.participants, seed=7)
    event = Event.objects.create(
        program=program,
        slug="bio-scale",
        title_en="BIO-scale partnering",
        time_zone="America/Los_Angeles",
        tables=1000,
        status="published",
        is_synthetic=True,
    )
    counts = timed("bulk load into PostgreSQL", timings, bulk.import_instance, event=event, instance=instance)

    run = ScheduleRun.objects.create(event=event, requested_by=admin, time_limit=args.time_limit)
    start = time.perf_counter()
    compiled = timed("read event (compile)", timings, scheduling.compile_event, event)
    del compiled
    run = timed("solve task (read + solve + store)", timings, scheduling.execute, run.pk)
    assert run.status == "succeeded", run.error
    result = timed("publish (one bulk transaction)", timings, scheduling.publish_run, run=run, by=admin)
    timings["full solve via task incl. load/store + publish"] = round(time.perf_counter() - start, 2)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # Sessions for a sample of participants, so agenda pages are fetched as those people.
    rng = random.Random(1)
    sample = rng.sample(list(Participant.objects.filter(event=event).values_list("pk", flat=True)), 50)
    user_model = get_user_model()
    paths_agenda, paths_ical = [], []
    for pk in sample:
        participant = Participant.objects.select_related("person").get(pk=pk)
        user = user_model.objects.create_user(
            username=f"bench{pk}", password=None, language="en", time_zone="America/Los_Angeles"
        )
        Person.objects.filter(pk=participant.person_id).update(user=user)
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        paths_agenda.append(("/events/bio-scale/agenda/", f"sessionid={session.session_key}"))
        paths_ical.append((f"/calendar/{participant.calendar_token}.ics", ""))

    # Production settings (templates cached, no debug bookkeeping, hashed static files), HTTP on loopback.
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": BENCH_SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "BRIDGEHEAD_PRINT_LOGINS": "0",
        "DB_CONN_MAX_AGE": "60",
    }
    subprocess.run(
        [sys.executable, "-m", "bridgehead.cli", "manage", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bridgehead.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)
        load_test(base, paths_agenda[:10], 40, 2)  # warm-up
        agenda = load_test(base, paths_agenda, args.requests, args.clients)
        ical = load_test(base, paths_ical, args.requests, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=10)

    stats = run.stats
    table = Table(
        title=f"Partnering at scale: {counts['participants']:,} participants, "
        f"{counts['meetings']:,} accepted requests, {counts['slots']} slots (PostgreSQL)"
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for label, value in timings.items():
        target = "≤ 90 s" if label.startswith("full solve") else ""
        table.add_row(label, f"{value:.2f} s", target)
    table.add_row("scheduled / bound", f"{stats['scheduled']:,} / {stats['upper_bound']:,}", "")
    table.add_row("breaks (total / worst)", f"{stats['breaks']} / {stats['max_breaks']}", "")
    table.add_row("meetings written by publish", f"{result['changed']:,}", "")
    table.add_row("peak memory of this process", f"{peak:,.0f} MiB", "")
    for name, figures in (("agenda page", agenda), ("iCal feed", ical)):
        table.add_row(
            f"{name}: p50 / p95 / max ({figures['requests']} req, {args.clients} clients)",
            f"{figures['p50_ms']} / {figures['p95_ms']} / {figures['max_ms']} ms",
            "p95 ≤ 150 ms",
        )
        table.add_row(f"{name}: errors", str(figures["errors"]), "0")
    console.print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "partnering.json").write_text(
        json.dumps(
            {
                "participants": counts["participants"],
                "meetings": counts["meetings"],
                "slots": counts["slots"],
                "timings_s": timings,
                "stats": stats,
                "published": result,
                "peak_mib": round(peak),
                "agenda": agenda,
                "ical": ical,
                "machine_cores": os.cpu_count(),
            },
            indent=2,
        )
    )
    assert Meeting.objects.filter(event=event, slot__isnull=False).count() == stats["scheduled"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
