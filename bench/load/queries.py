"""SQL queries per request of the load benchmark's endpoints, against the database ``run.py`` built.

A profile, not a timing: for one simulated participant it requests each page and API endpoint of the task mix
in-process (Django's test client, no server) and prints how many queries each ran, how long they took in
PostgreSQL, the statements repeated most (an N+1 shows as one statement repeated once per row), and the
median wall and CPU time of the whole request in this process (CPU time is the figure a busy machine blurs
least: it is what one server core spends per request, so 1000 / it bounds the req/s of that core).

Run after ``make bench-load`` (or ``bench/load/run.py`` with any duration), which leaves the database and
``bench/results/load-fixture.json``: ``.venv/bin/python bench/load/queries.py [--account 3] [--show 3]``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import BENCH_SECRET, DEFAULT_URL, FIXTURE, database_name, machine_line  # noqa: E402


def shape(sql: str) -> str:
    """The statement with its literal values taken out, so the same query for other rows counts as one."""
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)[:160]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--account", type=int, default=0, help="which of the fixture's accounts")
    parser.add_argument("--show", type=int, default=2, help="repeated statements shown per endpoint")
    parser.add_argument("--repeat", type=int, default=5, help="requests timed per endpoint (in-process)")
    parser.add_argument("--width", type=int, default=400, help="characters of a slow statement shown")
    parser.add_argument("--slowest", type=int, default=0, help="also show this many slowest statements each")
    parser.add_argument("--only", default="", help="only the endpoints whose name contains this (e.g. 'agenda')")
    parser.add_argument(
        "--profile", type=int, default=0, help="also print this many functions of one request's cProfile, by own time"
    )
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    database_name(url)
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": BENCH_SECRET, "MATCH_ENCODER": "hash", "DEBUG": "0"})
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgehead.site.settings")
    # Django is configured only once DATABASE_URL names the benchmark's database
    import django

    django.setup()
    # the test client needs the settings django.setup() just read
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    fixture = json.loads(FIXTURE.read_text())
    person = fixture["participants"][args.account]
    event, agreement = fixture["event"], fixture["agreement"]
    page = {"HTTP_COOKIE": f"sessionid={person['session']}"}
    api = {"HTTP_AUTHORIZATION": f"Bearer {person['token']}"}
    observer = {"HTTP_COOKIE": f"sessionid={fixture['observer_session']}"}
    observer_api = {"HTTP_AUTHORIZATION": f"Bearer {fixture['observer_token']}"}
    checks = [
        ("agenda page", f"/events/{event}/agenda/", page),
        ("agenda API", f"/api/partnering/events/{event}/agenda", api),
        ("recommendations", f"/events/{event}/recommendations/", page),
        ("requests page", f"/events/{event}/requests/", page),
        ("my requests API", f"/api/partnering/events/{event}/requests", api),
        ("dashboard", f"/outcomes/agreements/{agreement}/", observer),
        ("agreements API", "/api/agreements", observer_api),
        ("agreement API", f"/api/agreements/{agreement}", observer_api),
        ("organisations API", "/api/organisations?limit=20&offset=10000", api),
        ("organisation API", f"/api/organisations/{fixture['organisations'][0]}", api),
        ("events API", "/api/partnering/events", api),
        ("event API", f"/api/partnering/events/{event}", api),
    ]
    client = Client()
    machine_line("machine")
    for name, path, headers in checks:
        if args.only not in name:
            continue
        client.get(path, **headers)  # caches filled, as on a warm server
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, **headers)
        # Read now: the timed requests below end the connection's query log this context reads from.
        captured_queries = list(captured.captured_queries)
        queries = len(captured_queries)
        seconds = sum(float(q["time"]) for q in captured_queries)
        repeated = Counter(shape(q["sql"]) for q in captured_queries).most_common(args.show)
        walls, cpus = [], []
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            client.get(path, **headers)
            walls.append(1000 * (time.perf_counter() - wall))
            cpus.append(1000 * (time.process_time() - cpu))
        print(
            f"{name:<18} {response.status_code}  {queries:>4} queries  {1000 * seconds:7.1f} ms in SQL  "
            f"{statistics.median(walls):7.1f} ms wall  {statistics.median(cpus):7.1f} ms Python CPU (median of "
            f"{args.repeat})"
        )
        for sql, count in repeated:
            if count > 1:
                print(f"    ×{count}  {sql}")
        for query in sorted(captured_queries, key=lambda q: -float(q["time"]))[: args.slowest]:
            print(f"    {1000 * float(query['time']):6.1f} ms  {query['sql'][: args.width]}")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(client.get, path, **headers)
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.profile)
            print("\n".join("    " + line for line in out.getvalue().splitlines() if line.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
