"""Live booking at BIO scale on PostgreSQL: p50/p95 per booking at 20,000 participants.

1. Generate a 20,000-participant event (about 60,000 accepted requests), bulk-load it into a fresh database
   of its own (``bridgehead_schedule_bench``; override with ``BENCH_DATABASE_URL``), solve and publish it
   through the web app's own path, then ``VACUUM ANALYZE`` (as autovacuum would after such a load).
2. Accept ``--bookings`` new requests between random participants after publication and book each with
   ``scheduling.book_live`` (row locks, slot choice, table, notifications, SEQUENCE): sequentially, then
   from ``--clients`` threads of this process at once (they share one interpreter lock), then from
   ``--clients`` separate processes at once (as the web server's workers would book). Reports p50/p95/max
   per booking, how many were placed, and checks that nobody is double-booked and no table is used twice.

Run: ``python bench/schedule/live.py`` (``--participants 2000`` for a quick run); called by ``run.py --suite
live``. Prints one JSON line last (the caller reads it).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bridgehead_schedule_bench"


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(values[int(0.95 * (len(values) - 1))], 1),
        "max_ms": round(values[-1], 1),
    }


def _book_share(pks: list[int]) -> tuple[list[float], int]:
    """One booking process: book these meetings one after another; (milliseconds per booking, placed)."""
    from django.db import connection  # after the fork: Django is set up in the parent

    from bridgehead.partnering import scheduling  # after the fork, as above
    from bridgehead.partnering.models import Meeting  # after the fork, as above

    timings, placed = [], 0
    try:
        for pk in pks:
            meeting = Meeting.objects.select_related("event").get(pk=pk)
            start = time.perf_counter()
            placed += scheduling.book_live(meeting=meeting).placed
            timings.append(1000 * (time.perf_counter() - start))
    finally:
        connection.close()
    return timings, placed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=20.0)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgehead.site.settings")
    os.environ["MATCH_ENCODER"] = "hash"
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from bridgehead.demo.scenario import load_demo
    from bridgehead.engines.schedule.generate import generate
    from bridgehead.partnering import bulk, scheduling
    from bridgehead.partnering.enums import MeetingStatus, RequestStatus
    from bridgehead.partnering.models import Event, Meeting, MeetingRequest, Participant, ScheduleRun
    from bridgehead.programs.models import Program

    call_command("migrate", verbosity=0)
    load_demo()
    program = Program.objects.get()
    admin = get_user_model().objects.get(username="admin")
    instance = generate(args.participants, seed=7)
    event = Event.objects.create(
        program=program,
        slug="bio-live",
        title_en="BIO-scale live booking",
        time_zone="America/Los_Angeles",
        tables=1000,
        status="published",
        is_synthetic=True,
    )
    counts = bulk.import_instance(event=event, instance=instance)
    run = ScheduleRun.objects.create(event=event, requested_by=admin, time_limit=args.time_limit)
    run = scheduling.execute(run.pk)
    assert run.status == "succeeded", run.error
    scheduling.publish_run(run=run, by=admin)
    # What autovacuum does after a bulk load of this size (the local PostgreSQL runs with it off): without
    # it the planner knows no row counts and every index read also reads the table's pages.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    rng = random.Random(3)
    people = list(Participant.objects.filter(event=event).values_list("pk", flat=True))
    taken = set(Meeting.objects.filter(event=event).values_list("first_id", "second_id"))

    def new_meetings(n: int) -> list[Meeting]:
        out = []
        while len(out) < n:
            a, b = rng.sample(people, 2)
            if (a, b) in taken or (b, a) in taken:
                continue
            taken.add((a, b))
            req = MeetingRequest.objects.create(event=event, sender_id=a, recipient_id=b, status=RequestStatus.ACCEPTED)
            out.append(
                Meeting.objects.create(
                    event=event, request=req, first_id=a, second_id=b, status=MeetingStatus.UNSCHEDULED
                )
            )
        return out

    sequential: list[float] = []
    placed = 0
    for meeting in new_meetings(args.bookings):
        start = time.perf_counter()
        placed += scheduling.book_live(meeting=meeting).placed
        sequential.append(1000 * (time.perf_counter() - start))

    batch = new_meetings(args.bookings)
    concurrent: list[float] = []
    lock = threading.Lock()
    queue = iter(batch)
    placed_concurrent = [0]

    def worker() -> None:
        try:
            for meeting in queue:
                start = time.perf_counter()
                ok = scheduling.book_live(meeting=meeting).placed
                with lock:
                    concurrent.append(1000 * (time.perf_counter() - start))
                    placed_concurrent[0] += ok
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Separate processes: each worker books its share and returns its timings (forked after the parent's
    # connection is closed, so every worker opens its own).
    pks = [m.pk for m in new_meetings(args.bookings)]
    shares = [pks[k :: args.clients] for k in range(args.clients)]
    connection.close()
    with multiprocessing.get_context("fork").Pool(args.clients) as pool:
        outcomes = pool.map(_book_share, shares)
    processes = [ms for timings, _placed in outcomes for ms in timings]
    placed_processes = sum(placed for _timings, placed in outcomes)

    live = list(
        Meeting.objects.filter(event=event, slot__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("slot_id", "table", "first_id", "second_id")
    )
    tables = [(s, t) for s, t, _a, _b in live if t is not None]
    seats = [(s, p) for s, _t, a, b in live for p in (a, b)]
    result = {
        "participants": counts["participants"],
        "meetings": counts["meetings"],
        "sequential": {**percentiles(sequential), "placed": placed},
        "concurrent": {**percentiles(concurrent), "placed": placed_concurrent[0], "clients": args.clients},
        "processes": {**percentiles(processes), "placed": placed_processes, "clients": args.clients},
        "double_booked_people": len(seats) - len(set(seats)),
        "double_booked_tables": len(tables) - len(set(tables)),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
