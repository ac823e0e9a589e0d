"""Load benchmark: a mixed locust workload against granian + PostgreSQL with the 20,000-participant event.

What it does, in order (every request goes to 127.0.0.1 only; every locust run is bounded by ``--run-time``
and stops by itself):

1. Builds the database ``bridgehead_bench_load`` on the local PostgreSQL (re-created; ``--reuse`` keeps a
   database and fixture from an earlier run; ``BENCH_DATABASE_URL`` overrides the address, never the
   ``test`` database): migrate, the demo, then a generated 20,000-participant event (the scheduler's
   generator, bulk-loaded), solved and published through the same path as the background task.
   ``--users`` participants get an account, a session and an API token, and recommendations (hash encoder,
   chosen among a pool of ``--recommendation-pool`` participants: the full refresh of 20,000 is the
   matching engine's benchmark, ``make bench-match``).
2. Starts granian on 127.0.0.1 with production settings, a fixed number of workers, pinned to core 0
   (``taskset -c 0``); locust runs headless pinned to core 1, so the load generator does not take the
   server's core (PostgreSQL is not pinned: it runs where the kernel puts it).
3. Step search: short runs at rising rates (each locust user runs one task a second, so the rate in tasks
   per second is the number of users) until the agenda page's p95 passes 150 ms, a request fails, or the
   server no longer keeps up (under 90 % of the rate asked); when the first step already fails, down by
   halves until one passes. The highest rate that passed is kept.
4. The measured run at that rate for ``--duration`` seconds (300 by default): per endpoint group req/s,
   p50/p95/p99 and errors. The task mix is in ``locustfile.py``.

A refusal of the domain (409/422 with a ``partnering.*`` code, e.g. the request quota is used up, or two
simulated users answered the same request) is an answer, not an error: it is counted apart as "refused".
Errors are everything else that is not 2xx: 5xx, timeouts, connection failures, redirects to the log-in.

Run: ``make bench-load`` (``BENCH_ARGS="--duration 60"`` for a short run; ``--rate 300`` skips the search).
Prints a machine line (load average and a fixed-workload calibration) before and after, the step table and
the result table, and writes ``bench/results/load.json``. CI never runs it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RESULTS = ROOT / "bench" / "results"
FIXTURE = RESULTS / "load-fixture.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bridgehead_bench_load"
BENCH_SECRET = "bench-load-only-secret-" + "x" * 50
EVENT_SLUG = "bio-scale"
AGENDA_P95_TARGET_MS = 150.0
GROUPS = [
    "agenda page",
    "agenda API",
    "recommendations",
    "requests page",
    "request send",
    "request accept",
    "dashboard",
    "API lists",
    "API details",
]


def calibration() -> float:
    """Milliseconds for a fixed pure-Python workload (the same as bench/schedule's, ~0.2 s on a quiet core)."""
    t = time.perf_counter()
    acc = 0
    for i in range(3_000_000):
        acc ^= (i * 2654435761) & 0xFFFF
    return 1000 * (time.perf_counter() - t) + 0 * acc


def machine_line(label: str) -> dict:
    one, five, fifteen = os.getloadavg()
    figures = {
        "load_average": [round(one, 2), round(five, 2), round(fifteen, 2)],
        "cores": os.cpu_count(),
        "calibration_ms": round(calibration()),
    }
    print(
        f"{label}: load average {one:.2f} {five:.2f} {fifteen:.2f} on {figures['cores']} cores, "
        f"calibration {figures['calibration_ms']} ms",
        flush=True,
    )
    return figures


def database_name(url: str) -> str:
    name = url.rsplit("/", 1)[1]
    if name in ("test", "postgres") or not name:
        raise SystemExit(f"refusing to use the database {name!r}: give the load benchmark a database of its own")
    return name


def recreate_database(url: str) -> None:
    # psycopg only where the database is re-created
    import psycopg

    name = database_name(url)
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def step(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)
    return result


def recommend(event, accounts: list[int], pool: list[int]) -> int:
    """Recommendations for the participants with an account, chosen among ``pool`` (plus the accounts).

    ``recommending.refresh`` recomputes all 20,000 participants, which takes minutes on a shared two-core
    machine and is what ``make bench-match`` measures; the pages here only read the rows of the participants
    who browse them, so those are computed through the same engine calls on a smaller pool, and stored.
    """
    # Django is set up by build() before this runs
    from bridgehead.partnering import recommending
    from bridgehead.partnering.models import Participant, Recommendation

    chosen = set(accounts) | set(pool)
    participants = list(
        Participant.objects.filter(pk__in=chosen)
        .select_related("organisation")
        .prefetch_related("organisation__sectors")
    )
    rows = recommending.recommendation_rows(event, participants, top_k=10, only=set(accounts))
    Recommendation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def build(participants: int, users: int, time_limit: float, pool: int) -> dict:
    """Fill the database and return the fixture the locustfile reads (sessions, tokens, ids)."""
    # Django is configured only here, once DATABASE_URL names the benchmark's database
    import django

    django.setup()
    # the models need the settings django.setup() just read
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from bridgehead.agreements.models import Agreement
    from bridgehead.core.actions import acting_as
    from bridgehead.core.models import ApiToken
    from bridgehead.demo.scenario import load_demo
    from bridgehead.engines.schedule.generate import generate
    from bridgehead.partnering import bulk, scheduling
    from bridgehead.partnering.models import DEFAULT_ALLOWED_PAIRS, Event, Participant, ScheduleRun
    from bridgehead.programs.models import Program
    from bridgehead.registry.models import Organisation, Person

    step("migrate", call_command, "migrate", verbosity=0)
    step("demo", load_demo)
    admin = get_user_model().objects.get(username="admin")
    program = Program.objects.get()
    instance = step(f"generate {participants:,} participants", generate, participants, seed=7)
    # The quota is raised so that simulated users keep sending for minutes (refusals are counted apart anyway);
    # the generated organisations are all start-ups, so start-ups may meet each other here.
    event = Event.objects.create(
        program=program,
        slug=EVENT_SLUG,
        title_en="BIO-scale partnering",
        time_zone="America/Los_Angeles",
        tables=1000,
        status="published",
        is_synthetic=True,
        request_quota=1000,
        allowed_pairs=[*DEFAULT_ALLOWED_PAIRS, "startup:startup"],
    )
    with acting_as(admin):
        counts = step("bulk load", bulk.import_instance, event=event, instance=instance)
    run = ScheduleRun.objects.create(event=event, requested_by=admin, time_limit=time_limit)
    run = step("solve", scheduling.execute, run.pk)
    if run.status != "succeeded":
        raise SystemExit(f"the solve failed: {run.error}")
    step("publish", scheduling.publish_run, run=run, by=admin)
    rng = random.Random(1)
    ids = list(Participant.objects.filter(event=event).values_list("pk", flat=True))
    sample = rng.sample(ids, users)
    stored = step("recommendations (hash encoder)", recommend, event, sample, rng.sample(ids, min(pool, len(ids))))
    user_model = get_user_model()

    def session_for(user) -> str:
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    people = []
    for pk in sample:
        participant = Participant.objects.get(pk=pk)
        user = user_model.objects.create_user(
            username=f"load{pk}", password=None, language="en", time_zone="America/Los_Angeles"
        )
        Person.objects.filter(pk=participant.person_id).update(user=user)
        _token, raw = ApiToken.issue(user=user, name="load benchmark")
        people.append({"participant": pk, "session": session_for(user), "token": raw})
    observer = user_model.objects.get(username="observer")
    _token, observer_token = ApiToken.issue(user=observer, name="load benchmark")
    agreement = Agreement.objects.get()
    # Fresh statistics, as autovacuum would gather them on a live site some minutes after the bulk load:
    # without them PostgreSQL plans for empty tables (a 175 ms dashboard count instead of 0.3 ms).
    # Django is set up by build() once DATABASE_URL names the benchmark's database
    from django.db import connection

    with connection.cursor() as cursor:
        step("analyze", cursor.execute, "ANALYZE")
    fixture = {
        "event": EVENT_SLUG,
        "participants": people,
        "all_participants": ids,
        "observer_session": session_for(observer),
        "observer_token": observer_token,
        "agreement": agreement.slug,
        "organisations": list(Organisation.objects.filter(is_synthetic=False).values_list("slug", flat=True)),
        "counts": {**counts, "recommendations": stored},
    }
    return fixture


def server_env(url: str) -> dict:
    """Production settings (templates cached, no debug bookkeeping, hashed static files), HTTP on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": BENCH_SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "BRIDGEHEAD_PRINT_LOGINS": "0",
        "DB_CONN_MAX_AGE": "60",
        "MATCH_ENCODER": "hash",
    }


def pinned(core: int, command: list[str]) -> list[str]:
    """``taskset -c core command`` where taskset exists and the core does; the command alone otherwise."""
    if shutil.which("taskset") and (os.cpu_count() or 1) > core:
        return ["taskset", "-c", str(core), *command]
    return command


def smoke(base: str, fixture: dict) -> None:
    """One request of each kind before measuring: a wrong fixture must fail here, not as thousands of errors."""
    person = fixture["participants"][0]
    checks = [
        (f"/events/{fixture['event']}/agenda/", {"Cookie": f"sessionid={person['session']}"}),
        (f"/events/{fixture['event']}/recommendations/", {"Cookie": f"sessionid={person['session']}"}),
        (f"/outcomes/agreements/{fixture['agreement']}/", {"Cookie": f"sessionid={fixture['observer_session']}"}),
        (f"/api/partnering/events/{fixture['event']}/agenda", {"Authorization": f"Bearer {person['token']}"}),
    ]
    for path, headers in checks:
        request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - http on loopback only
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http on loopback only
            response.read()
            if response.status != 200 or response.geturl() != base + path:
                raise SystemExit(f"smoke check failed for {path}: {response.status} {response.geturl()}")


def run_locust(base: str, users: int, seconds: int, prefix: Path, env: dict) -> dict:
    """One bounded headless locust run pinned to core 1; returns its figures per endpoint group."""
    command = pinned(
        1,
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "-u",
            str(users),
            # All users within the first second: a slower ramp would count as a server that does not keep up
            # (a 5-second ramp loses a quarter of a 20-second step's requests).
            "-r",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ],
    )
    refused_path = prefix.with_suffix(".refused.json")
    locust_env = {**env, "LOAD_FIXTURE": str(FIXTURE), "LOAD_REFUSED": str(refused_path)}
    with open(prefix.with_suffix(".log"), "w") as log:
        subprocess.run(command, env=locust_env, check=True, timeout=seconds + 120, stdout=log, stderr=log)
    return read_stats(prefix, seconds, refused_path)


def read_stats(prefix: Path, seconds: int, refused_path: Path) -> dict:
    refused = json.loads(refused_path.read_text()) if refused_path.exists() else {}
    groups: dict[str, dict] = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["Name"]
            count = int(row["Request Count"])
            groups["total" if name == "Aggregated" else name] = {
                "requests": count,
                "rps": round(count / seconds, 1),
                "p50_ms": _ms(row["50%"]),
                "p95_ms": _ms(row["95%"]),
                "p99_ms": _ms(row["99%"]),
                "errors": int(row["Failure Count"]),
                "refused": refused.get(name, 0),
            }
    return groups


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def passes(figures: dict, users: int) -> tuple[bool, str]:
    total, agenda = figures.get("total"), figures.get("agenda page")
    if not total or not agenda:
        return False, "no requests"
    if total["errors"]:
        return False, f"{total['errors']} errors"
    if agenda["p95_ms"] is not None and agenda["p95_ms"] > AGENDA_P95_TARGET_MS:
        return False, f"agenda p95 {agenda['p95_ms']:.0f} ms"
    # Each user runs one task a second and a task is one request (two for an answer): below 90 % of that the
    # server no longer keeps up with the rate asked, whatever the latencies say.
    if total["rps"] < 0.9 * users:
        return False, f"{total['rps']:.0f} req/s for {users} asked"
    return True, "ok"


def search(base: str, args, scratch: Path, env: dict, steps: list[dict]) -> int:
    """The highest rate that passes: up by ``--factor`` from ``--start`` until a step fails; when the very
    first fails (a slow or busy machine), down by halves until one passes (1 at the least)."""
    print(f"Step search: {args.step_seconds} s per step, agenda p95 ≤ {AGENDA_P95_TARGET_MS:.0f} ms")

    def attempt(users: int) -> bool:
        figures = run_locust(base, users, args.step_seconds, scratch / f"step-{users}", env)
        ok, why = passes(figures, users)
        total, agenda = figures.get("total", {}), figures.get("agenda page", {})
        steps.append({"rate": users, "passed": ok, "why": why, "total": total, "agenda": agenda})
        print(
            f"  rate {users:>4}: {total.get('rps', 0):>6.1f} req/s, agenda p95 {agenda.get('p95_ms')} ms, "
            f"errors {total.get('errors', 0)} → {why}",
            flush=True,
        )
        return ok

    users, best = args.start, None
    while users <= args.max_rate and attempt(users):
        best, users = users, max(users + 1, round(users * args.factor))
    if best is not None:
        return best
    users = args.start // 2
    while users > 1 and not attempt(users):
        users //= 2
    return max(users, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=200, help="participants with an account (credentials)")
    parser.add_argument("--duration", type=int, default=300, help="seconds of the measured run")
    parser.add_argument("--rate", type=int, help="tasks per second of the measured run; skips the search")
    parser.add_argument("--start", type=int, default=25, help="first rate of the search")
    parser.add_argument("--factor", type=float, default=1.5, help="each step of the search asks this much more")
    parser.add_argument("--max-rate", type=int, default=1000, help="the search stops here")
    parser.add_argument("--step-seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes (all on core 0)")
    parser.add_argument("--threads", type=int, default=4, help="granian blocking threads per worker")
    parser.add_argument("--time-limit", type=float, default=20.0, help="solver seconds when building")
    parser.add_argument("--recommendation-pool", type=int, default=1000, help="partners to recommend among")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--reuse", action="store_true", help="keep the database and fixture of an earlier run")
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    database_name(url)
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": BENCH_SECRET, "MATCH_ENCODER": "hash"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgehead.site.settings")
    RESULTS.mkdir(parents=True, exist_ok=True)
    before = machine_line("before")
    if not (args.reuse and FIXTURE.exists()):
        print(f"Building {database_name(url)} ({args.participants:,} participants, {args.users} accounts)")
        recreate_database(url)
        fixture = build(args.participants, args.users, args.time_limit, args.recommendation_pool)
        FIXTURE.write_text(json.dumps(fixture))
    else:
        print(f"Reusing {database_name(url)}; applying any new migrations (an index, say) first")
        subprocess.run(
            [sys.executable, "-m", "bridgehead.cli", "manage", "migrate", "--no-input", "-v", "0"],
            env=server_env(url),
            check=True,
        )
    fixture = json.loads(FIXTURE.read_text())

    env = server_env(url)
    subprocess.run(
        [sys.executable, "-m", "bridgehead.cli", "manage", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        check=True,
    )
    serve = [sys.executable, "-m", "bridgehead.cli", "serve", "--host", "127.0.0.1", "--port", str(args.port)]
    serve += ["--workers", str(args.workers), "--threads", str(args.threads)]
    server = subprocess.Popen(pinned(0, serve), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}"
    steps: list[dict] = []
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)
        smoke(base, fixture)
        scratch = RESULTS / "load-locust"
        scratch.mkdir(exist_ok=True)
        run_locust(base, 10, 10, scratch / "warmup", env)  # fills the connection and template caches
        rate = args.rate
        if rate is None:
            rate = search(base, args, scratch, env, steps)
        print(f"Measured run: rate {rate} for {args.duration} s", flush=True)
        figures = run_locust(base, rate, args.duration, scratch / "main", env)
    finally:
        server.terminate()
        server.wait(timeout=15)
    after = machine_line("after")
    report(figures, rate, args, fixture, steps, before, after)
    return 0


def report(figures: dict, rate: int, args, fixture: dict, steps: list[dict], before: dict, after: dict) -> None:
    # rich only for the report, after the measured run
    from rich.console import Console
    from rich.table import Table

    counts = fixture["counts"]
    table = Table(
        title=f"Load: {counts['participants']:,} participants, {counts['meetings']:,} meetings, rate {rate} "
        f"tasks/s for {args.duration} s (granian {args.workers}×{args.threads} on core 0, locust on core 1)"
    )
    for column in ("endpoint group", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "refused"):
        table.add_column(column, justify="left" if column == "endpoint group" else "right")
    for name in [*GROUPS, "total"]:
        row = figures.get(name)
        if row is None:
            continue
        table.add_row(
            name,
            f"{row['requests']:,}",
            f"{row['rps']:.1f}",
            *(f"{row[k]:.0f}" if row[k] is not None else "-" for k in ("p50_ms", "p95_ms", "p99_ms")),
            str(row["errors"]),
            str(row["refused"]),
        )
    Console(width=140).print(table)
    agenda, total = figures.get("agenda page", {}), figures.get("total", {})
    met = (
        agenda.get("p95_ms") is not None
        and agenda["p95_ms"] <= AGENDA_P95_TARGET_MS
        and total.get("rps", 0) >= 300
        and total.get("errors", 1) == 0
    )
    print(f"target (agenda p95 ≤ 150 ms at ≥ 300 req/s, 0 errors): {'met' if met else 'not met'}")
    (RESULTS / "load.json").write_text(
        json.dumps(
            {
                "participants": counts["participants"],
                "meetings": counts["meetings"],
                "recommendations": counts["recommendations"],
                "accounts": len(fixture["participants"]),
                "rate": rate,
                "duration_s": args.duration,
                "server": {"workers": args.workers, "threads": args.threads, "core": 0},
                "load_generator_core": 1,
                "steps": steps,
                "groups": figures,
                "target_met": met,
                "machine_before": before,
                "machine_after": after,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
