"""Reviewer assignment at scale, end to end through the web app and its background task.

500 submitted applications (Korean and English texts) × 40 reviewers with expertise, 3 reviews per application,
conflicts from recorded investments. The program manager's POST to the assignment page queues the task; with
the immediate task backend the task runs in the same request after commit, so the request's wall time is
"click → assignment stored" (reading, conflicts, cross-lingual encoding with the default USE encoder, min-cost
flow, LP bound, bulk insert). A second measurement drops one reviewer and times the fill-only re-run.

Run: ``.venv/bin/python bench/programs/run.py`` (``--applications 100`` for a quick look). The database is
``bridgehead_bench_programs`` on the local PostgreSQL (re-created each run; ``--database-url`` overrides).
Prints a table and writes ``bench/results/programs.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bridgehead_bench_programs"
TOPICS = [
    ("AI reading of chest X-rays", "흉부 X선 인공지능 판독"),
    ("wearable ECG patch", "웨어러블 심전도 패치"),
    ("cell-free DNA cancer screening", "혈중 유전자 암 선별 검사"),
    ("stroke tele-rehabilitation", "뇌졸중 원격 재활"),
    ("diabetic foot smart insole", "당뇨발 스마트 깔창"),
    ("insomnia digital therapeutic", "불면증 디지털 치료제"),
    ("sepsis point-of-care test", "패혈증 현장 진단"),
    ("CAR-T manufacturing", "CAR-T 세포치료제 생산"),
    ("hospital bed-flow software", "병상 운영 소프트웨어"),
    ("voice biomarkers for depression", "음성 우울증 선별"),
    ("dental 3D printing", "치과 3D 프린팅"),
    ("synthetic biology feedstock", "합성생물학 원료"),
    ("island telemedicine", "도서 지역 원격진료"),
    ("needle-free glucose monitor", "무채혈 혈당 측정기"),
    ("thyroid eye disease app", "갑상선 안질환 앱"),
    ("worker heat-stress sensor", "근로자 온열질환 센서"),
]


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(n_apps: int, n_reviewers: int, reviews: int, seed: int):
    import datetime as dt

    from django.utils import timezone

    from bridgehead.agreements.models import Agreement
    from bridgehead.core.models import RoleAssignment, User
    from bridgehead.programs.models import Application, Call, CallReviewer, FormField, Program, Relationship
    from bridgehead.registry.models import Organisation, Person

    rng = random.Random(seed)
    agreement = Agreement.objects.create(
        slug="bench", title_en="Bench", signed_at=timezone.now(), time_zone="Asia/Seoul"
    )
    program = Program.objects.create(agreement=agreement, slug="bench", title_en="Bench program")
    manager = User.objects.create_user(username="manager", password="x")  # noqa: S106 - throwaway bench DB
    RoleAssignment.objects.create(user=manager, role="program_manager", program=program)
    load = math.ceil(n_apps * reviews / n_reviewers) + 3
    call = Call.objects.create(
        program=program,
        slug="bench",
        title_en="Bench call",
        is_published=True,
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
        reviews_per_application=reviews,
        max_reviews_per_reviewer=load,
    )
    FormField.objects.create(call=call, key="summary", kind="long_text", label_en="Summary", label_ko="요약")
    investors = [
        Organisation.objects.create(slug=f"vc-{i}", name_en=f"VC {i}", kind="investor", country="US") for i in range(10)
    ]
    orgs = Organisation.objects.bulk_create(
        [Organisation(slug=f"app-{i}", name_en=f"Applicant {i}", kind="startup", country="KR") for i in range(n_apps)]
    )
    apps = []
    for i, org in enumerate(orgs):
        en, ko = TOPICS[i % len(TOPICS)]
        text = f"{ko} 기술로 미국 시장에 진출합니다 ({i})" if i % 2 else f"We build {en} for the US market ({i})"
        apps.append(
            Application(
                call=call,
                organisation=org,
                created_by=manager,
                status="submitted",
                submitted_at=timezone.now() - dt.timedelta(days=2),
                answers={"summary": text},
            )
        )
    Application.objects.bulk_create(apps)
    Relationship.objects.bulk_create(
        [
            Relationship(source=rng.choice(investors), target=org, kind="investment")
            for org in rng.sample(orgs, n_apps // 10)
        ]
    )
    for r in range(n_reviewers):
        user = User.objects.create_user(username=f"reviewer{r}", email=f"r{r}@reviewers.example")
        RoleAssignment.objects.create(user=user, role="reviewer", program=program)
        topics = rng.sample(TOPICS, 3)
        expertise = "; ".join(t[r % 2] for t in topics)
        CallReviewer.objects.create(call=call, user=user, expertise=expertise, max_load=load)
        if r < 10:
            Person.objects.create(user=user, name_en=f"Reviewer {r}", organisation=investors[r])
    return call, manager, load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--reviewers", type=int, default=40)
    parser.add_argument("--reviews", type=int, default=3)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bridgehead.site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bridgehead.programs.models import AssignmentRun, CallReviewer, ReviewAssignment

    settings.PROGRAMS_ENCODER = args.encoder
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call, manager, load = build(args.applications, args.reviewers, args.reviews, args.seed)
    build_s = time.perf_counter() - started
    client = Client()
    client.force_login(manager)
    url = reverse("call-assignment", args=[call.pk])

    t0 = time.perf_counter()
    response = client.post(
        url,
        {"action": "run", "kind": "assign", "reviews_per_application": args.reviews, "max_reviews_per_reviewer": load},
    )
    web_s = time.perf_counter() - t0
    run = AssignmentRun.objects.get()
    assert response.status_code == 302 and run.status == "done", (response.status_code, run.status, run.problems)
    member = CallReviewer.objects.filter(call=call).first()
    dropped = ReviewAssignment.objects.filter(reviewer=member.user).count()
    t1 = time.perf_counter()
    client.post(url, {"action": "drop", "member": member.pk})
    drop_s = time.perf_counter() - t1
    refill = AssignmentRun.objects.order_by("-pk").first()

    result = {
        "applications": args.applications,
        "reviewers": args.reviewers,
        "reviews_per_application": args.reviews,
        "max_load": load,
        "encoder": args.encoder,
        "database": "postgresql",
        "pairs_before_conflicts": args.applications * args.reviewers,
        "build_seconds": round(build_s, 2),
        "web_request_seconds": round(web_s, 2),
        "task_seconds": run.seconds,
        "assigned": run.assigned,
        "objective": round(run.objective, 4),
        "lp_bound": round(run.bound, 4),
        "gap": round(run.bound - run.objective, 6),
        "dropout_reassigned": refill.assigned,
        "dropout_dropped": dropped,
        "dropout_request_seconds": round(drop_s, 2),
        "dropout_task_seconds": refill.seconds,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cpu": os.cpu_count(),
    }
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Reviewer assignment through the web task")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(key, str(value))
    Console().print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "programs.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
