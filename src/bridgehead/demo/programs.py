"""Programs part of the demo: the 2023 cohort (real), a synthetic 2024 call with its review, and an open call.

Real, per the public reporting: the Digital Healthcare Global Support Program's 2023 cohort includes
Thyroscope, SB Solution and DNA Corporation. Everything else is synthetic and marked so: the 2024 call, its
~40 applications (the demo's synthetic startups plus generated ones), eight reviewers (the demo reviewer and
seven invented ones), their assignments (computed by the matching engine) and scores, the decisions and the
2024 cohort, the mentors and their sessions, and a draft next call that the browser test publishes.

Idempotent: objects are found by stable keys; the assignment, reviews and decisions are made only when the
2024 call has none yet, and the next call's dates are set only when it is created.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from bridgehead.core.enums import Role
from bridgehead.core.models import RoleAssignment, User
from bridgehead.programs import assignment as assigning
from bridgehead.programs import services
from bridgehead.programs.enums import ApplicationStatus, AssignmentSource, FieldKind, Outcome, RelationshipKind
from bridgehead.programs.models import (
    Application,
    AssignmentRun,
    Call,
    CallReviewer,
    Cohort,
    CohortMember,
    Criterion,
    Decision,
    FormField,
    MentoringSession,
    Mentorship,
    Program,
    Relationship,
    ReviewAssignment,
)
from bridgehead.programs.scoring import ranking
from bridgehead.registry.memberships import record_member
from bridgehead.registry.models import Organisation, Person

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
REAL_2023_COHORT = ("thyroscope", "sb-solution", "dna-corporation")

# username, display name, language, time zone, expertise (the demo's "reviewer" login is the first)
REVIEWERS = [
    (
        "reviewer",
        "Dr. Sarah Kim",
        "en",
        "America/Los_Angeles",
        "Digital health product strategy, FDA software as a medical device, US hospital pilots.",
    ),
    (
        "reviewer-park",
        "박지훈 (synthetic reviewer)",
        "ko",
        "Asia/Seoul",
        "의료기기 인허가, 웨어러블 센서, 식약처 임상시험 설계",
    ),
    ("reviewer-lee", "이하은 (synthetic reviewer)", "ko", "Asia/Seoul", "유전체 분석, 정밀의료, 바이오 데이터 플랫폼"),
    (
        "reviewer-garcia",
        "Dr. Elena Garcia (synthetic reviewer)",
        "en",
        "America/Los_Angeles",
        "Cell and gene therapy, biologics manufacturing, licensing deals with pharma.",
    ),
    (
        "reviewer-chen",
        "Michael Chen (synthetic reviewer)",
        "en",
        "America/Los_Angeles",
        "Medical imaging AI, radiology workflow, reimbursement in the United States.",
    ),
    (
        "reviewer-choi",
        "최수민 (synthetic reviewer)",
        "ko",
        "Asia/Seoul",
        "원격의료, 디지털 치료제, 병원 정보시스템 연동",
    ),
    (
        "reviewer-nguyen",
        "Anna Nguyen (synthetic reviewer)",
        "en",
        "America/Los_Angeles",
        "Early-stage venture investing in medtech and diagnostics; Series A due diligence.",
    ),
    (
        "reviewer-jung",
        "정우성 (synthetic reviewer)",
        "ko",
        "Asia/Seoul",
        "산업 안전 헬스케어, 조선·석유화학 현장 근로자 건강관리, 스마트 공장",
    ),
]
MENTORS = [
    ("mentor", "FDA regulatory strategy and US go-to-market for medical devices."),
    ("mentor-yoon", "한국 스타트업의 미국 법인 설립, 투자 유치와 현지 채용"),
    ("mentor-brooks", "Clinical partnerships with San Diego hospitals and payers."),
]
EXTRA_APPLICANTS = [
    (f"Synthetic Applicant {i:02d}", f"가상 신청 기업 {i:02d}", topic_en, topic_ko)
    for i, (topic_en, topic_ko) in enumerate(
        [
            ("AI triage of diabetic retinopathy from fundus photos", "안저 사진으로 당뇨망막병증을 선별하는 AI"),
            (
                "Wearable ECG patch for arrhythmia screening of shipyard workers",
                "조선소 근로자 부정맥 선별용 웨어러블 심전도 패치",
            ),
            ("Cell-free DNA test for early liver cancer", "간암 조기 진단을 위한 혈중 유전자 검사"),
            ("Remote rehabilitation platform after stroke", "뇌졸중 이후 원격 재활 플랫폼"),
            ("Smart insole detecting diabetic foot ulcers", "당뇨발 궤양을 감지하는 스마트 깔창"),
            ("Digital therapeutic for insomnia", "불면증 디지털 치료제"),
            ("Point-of-care test for sepsis biomarkers", "패혈증 바이오마커 현장 진단 키트"),
            (
                "Battery-plant air quality and respiratory health monitoring",
                "이차전지 공장 대기질·호흡기 건강 모니터링",
            ),
            ("CAR-T manufacturing automation", "CAR-T 세포치료제 생산 자동화"),
            ("Hospital bed-flow optimisation software", "병상 운영 최적화 소프트웨어"),
            ("Voice biomarkers for depression", "음성 바이오마커로 우울증을 선별하는 기술"),
            ("Dental 3D-printed implants", "3D 프린팅 치과 임플란트"),
            ("Synthetic biology for sustainable petrochemical feedstock", "석유화학 원료를 대체하는 합성생물학"),
            ("Telemedicine for remote island clinics", "도서 지역 보건지소 원격진료"),
            ("Continuous glucose monitor without needles", "바늘 없는 연속혈당측정기"),
        ],
        start=1,
    )
]
CRITERIA = [
    ("기술성과 혁신성", "Technology and innovation", 3, 1, 5),
    ("미국 시장 진출 가능성", "US market potential", 3, 1, 5),
    ("팀 역량", "Team", 2, 1, 5),
    ("울산–샌디에이고 협력 기여도", "Contribution to Ulsan–San Diego cooperation", 2, 1, 5),
]
FIELDS = [
    ("summary", FieldKind.LONG_TEXT, "사업 요약", "Business summary", True, True),
    ("us_plan", FieldKind.LONG_TEXT, "미국 진출 계획", "US market entry plan", True, True),
    ("employees", FieldKind.NUMBER, "직원 수", "Employees", False, False),
    ("track", FieldKind.CHOICE, "지원 분야", "Track", True, False),
    ("sectors", FieldKind.SECTORS, "산업 분야", "Sectors", False, True),
    ("deck", FieldKind.FILE, "회사 소개 자료(PDF)", "Company deck (PDF)", False, False),
]
TRACKS = [
    {"value": "digital", "ko": "디지털 헬스케어", "en": "Digital health"},
    {"value": "device", "ko": "의료기기·진단", "en": "Devices and diagnostics"},
    {"value": "bio", "ko": "바이오", "en": "Bio"},
]


def _user(
    username: str,
    display: str,
    language: str,
    zone: str,
    role: str,
    program: Program,
    password: str,
    organisation: Organisation | None = None,
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password)
        user.display_name, user.language, user.time_zone = display, language, zone
        user.email = f"{username}@demo.bridgehead.example"
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, program=program)
    return user


def _bio(user: User, text: str, organisation: Organisation | None = None) -> None:
    person, _created = Person.objects.get_or_create(
        user=user,
        defaults={"name_en": str(user), "email": user.email, "time_zone": user.time_zone, "is_synthetic": True},
    )
    person.bio_en, person.bio_ko = (text, "") if user.language == "en" else ("", text)
    person.save()
    if organisation is not None:
        record_member(person, organisation)  # a reviewer with an affiliation: the conflict-of-interest demo


def _call(program: Program, slug: str, defaults: dict, create_only: dict) -> Call:
    call = Call.objects.filter(program=program, slug=slug).first()
    if call is None:
        call = Call.objects.create(program=program, slug=slug, **defaults, **create_only)
    else:
        Call.objects.filter(pk=call.pk).update(**defaults)
        call.refresh_from_db()
    for order, (key, kind, ko, en, required, matching) in enumerate(FIELDS):
        FormField.objects.update_or_create(
            call=call,
            key=key,
            defaults={
                "kind": kind,
                "label_ko": ko,
                "label_en": en,
                "required": required,
                "order": order,
                "used_for_matching": matching,
                "choices": TRACKS if kind == FieldKind.CHOICE else [],
                "file_types": ["pdf"] if kind == FieldKind.FILE else [],
                "max_bytes": 10 * 1024 * 1024,
            },
        )
    for order, (ko, en, weight, low, high) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            call=call,
            name_en=en,
            defaults={"name_ko": ko, "weight": Decimal(weight), "scale_min": low, "scale_max": high, "order": order},
        )
    return call


def _cohort_2023(program: Program, organisations: dict[str, Organisation], manager: User, mentors: list[User]):
    cohort, _created = Cohort.objects.update_or_create(
        program=program,
        year=2023,
        call=None,
        defaults={"name_ko": "2023년 선정 기업", "name_en": "2023 cohort", "is_synthetic": False},
    )
    members = []
    for slug in REAL_2023_COHORT:
        member, _c = CohortMember.objects.get_or_create(
            cohort=cohort,
            organisation=organisations[slug],
            defaults={"joined_at": dt.datetime(2023, 7, 1, tzinfo=SEOUL)},
        )
        members.append(member)
    # The pairs and sessions are synthetic illustrations (the reports name no mentors).
    for member, mentor, topic, steps in [
        (members[0], mentors[0], "FDA 510(k) 경로 검토 (synthetic)", "Predicate device list; pre-submission draft"),
        (members[1], mentors[2], "Distributor introductions in San Diego (synthetic)", "Two follow-up calls"),
        (members[2], mentors[1], "미국 법인 설립 절차 (synthetic)", "법무법인 견적 비교"),
    ]:
        mentorship, _c = Mentorship.objects.get_or_create(
            member=member, mentor=mentor, defaults={"source": AssignmentSource.MANUAL}
        )
        MentoringSession.objects.get_or_create(
            mentorship=mentorship,
            topic=topic,
            defaults={"held_on": dt.date(2023, 10, 12), "notes": "", "next_steps": steps, "logged_by": mentor},
        )
    return cohort


def _applicants(organisations: dict[str, Organisation]) -> list[tuple[Organisation, str, str]]:
    """(organisation, summary, US plan) of the synthetic 2024 applicants."""
    out = []
    for organisation in Organisation.objects.filter(kind="startup", is_synthetic=True).order_by("slug"):
        out.append(
            (
                organisation,
                organisation.description_ko or organisation.description_en,
                organisation.description_en or organisation.description_ko,
            )
        )
    for index, (name_en, name_ko, topic_en, topic_ko) in enumerate(EXTRA_APPLICANTS, start=1):
        organisation, _c = Organisation.objects.update_or_create(
            slug=f"synthetic-applicant-{index:02d}",
            defaults={
                "name_en": name_en,
                "name_ko": name_ko,
                "kind": "startup",
                "country": "KR",
                "city": "Ulsan",
                "stage": "seed",
                "description_en": topic_en,
                "description_ko": topic_ko,
                "is_synthetic": True,
            },
        )
        korean = index % 2 == 1
        out.append(
            (
                organisation,
                topic_ko if korean else topic_en,
                "샌디에이고 병원과 실증 후 미국 진출" if korean else "Pilot with a San Diego hospital, then FDA",
            )
        )
    return out[:40]


def _call_2024(program: Program, organisations, manager: User, reviewers: list[User]) -> Call:
    call = _call(
        program,
        "2024-global-support",
        defaults={
            "title_ko": "2024 디지털 건강관리 국제 지원사업 참여 기업 모집 (가상)",
            "title_en": "2024 Digital Healthcare Global Support — call for startups (synthetic)",
            "eligibility_ko": "울산에 본사나 연구소를 둔 디지털 헬스케어·의료기기·바이오 창업 7년 이내 기업",
            "eligibility_en": "Digital-health, medical-device and bio startups under seven years old with their head "
            "office or lab in Ulsan.",
            "is_published": True,
            "reviews_per_application": 3,
            "max_reviews_per_reviewer": 16,
            "is_synthetic": True,
        },
        create_only={
            "opens_at": dt.datetime(2024, 2, 1, 9, 0, tzinfo=SEOUL),
            "closes_at": dt.datetime(2024, 3, 15, 18, 0, tzinfo=SEOUL),
        },
    )
    for (_u, _d, _l, _z, expertise), user in zip(REVIEWERS, reviewers, strict=True):
        CallReviewer.objects.update_or_create(call=call, user=user, defaults={"expertise": expertise})
    rng = random.Random(2024)  # demo data, not security
    for index, (organisation, summary, plan) in enumerate(_applicants(organisations)):
        submitted = call.opens_at + dt.timedelta(days=1 + index % 40, hours=index % 9)
        Application.objects.get_or_create(
            call=call,
            organisation=organisation,
            defaults={
                "created_by": manager,
                "status": ApplicationStatus.SUBMITTED,
                "submitted_at": submitted,
                "is_synthetic": True,
                "answers": {
                    "summary": summary,
                    "us_plan": plan,
                    "employees": str(rng.randint(3, 60)),
                    "track": TRACKS[index % 3]["value"],
                    "sectors": [],
                },
            },
        )
    if not ReviewAssignment.objects.filter(application__call=call).exists():
        assigning.execute(AssignmentRun.objects.create(call=call, requested_by=manager).pk)
        _score(call, rng)
        _decide(call, manager)
    return call


def _score(call: Call, rng: random.Random) -> None:
    """Synthetic scores: a hidden quality per application plus each reviewer's own severity."""
    quality = {a: rng.uniform(-1.2, 1.2) for a in call.applications.values_list("pk", flat=True)}
    severity = {}
    criteria = list(call.criteria.all())
    for assignment in ReviewAssignment.objects.filter(application__call=call).select_related(
        "application__call", "reviewer"
    ):
        bias = severity.setdefault(assignment.reviewer_id, rng.uniform(-0.8, 0.8))
        scores = {
            c.pk: (
                max(
                    c.scale_min,
                    min(c.scale_max, round(3 + quality[assignment.application_id] + bias + rng.gauss(0, 0.6))),
                ),
                "",
            )
            for c in criteria
        }
        services.save_review(
            assignment=assignment,
            scores=scores,
            submit=True,
            by=assignment.reviewer,
            comment="Synthetic review for the demo."
            if assignment.reviewer.language == "en"
            else "데모용 가상 심사 의견입니다.",
        )


def _decide(call: Call, manager: User) -> None:
    """Top 6 accepted, next 4 waitlisted, the rest rejected — recorded without e-mails (demo addresses)."""
    _criteria, rows = ranking(call)
    cohort = services.cohort_for_call(call)
    for row in rows:
        outcome = Outcome.ACCEPT if row.rank <= 6 else Outcome.WAITLIST if row.rank <= 10 else Outcome.REJECT
        application = row.application
        Decision.objects.update_or_create(
            application=application,
            defaults={
                "outcome": outcome,
                "decided_by": manager,
                "decided_at": dt.datetime(2024, 4, 1, 10, tzinfo=SEOUL),
                "notified_at": dt.datetime(2024, 4, 1, 10, 5, tzinfo=SEOUL),
                "sent_outcome": outcome,
            },
        )
        Application.objects.filter(pk=application.pk).update(status=outcome)
        if outcome == Outcome.ACCEPT:
            CohortMember.objects.get_or_create(
                cohort=cohort, organisation=application.organisation, defaults={"application": application}
            )


def _next_call(program: Program, reviewers: list[User], now: dt.datetime) -> Call:
    """The call for the next cohort, open now (DESIGN §8: dated relative to the day the demo is loaded).

    Created open for a month from yesterday; loaded again once it has closed or is about to (less than a week
    left), it is re-opened for another month. Same day, same dates: a second load changes nothing.
    """
    call = _call(
        program,
        "next-cohort",
        defaults={
            "title_ko": "차기 디지털 건강관리 국제 지원사업 참여 기업 모집 (가상)",
            "title_en": "Next Digital Healthcare Global Support cohort — call for startups (synthetic)",
            "eligibility_ko": "울산 소재 디지털 헬스케어·의료기기·바이오 스타트업",
            "eligibility_en": "Digital-health, medical-device and bio startups based in Ulsan.",
            "reviews_per_application": 2,
            "max_reviews_per_reviewer": 10,
            "is_synthetic": True,
        },
        create_only={
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=30),
            "is_published": True,
        },
    )
    if call.closes_at < now + dt.timedelta(days=7):
        call.opens_at, call.closes_at = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
        call.save(update_fields=["opens_at", "closes_at"])
    for (_u, _d, _l, _z, expertise), user in list(zip(REVIEWERS, reviewers, strict=True))[:2]:
        CallReviewer.objects.update_or_create(call=call, user=user, defaults={"expertise": expertise})
    return call


def load_programs(
    *, program: Program, organisations: dict[str, Organisation], password: str, now: dt.datetime | None = None
) -> None:
    manager = User.objects.get(username="manager")
    reviewers = [_user(u, d, lang, zone, Role.REVIEWER, program, password) for u, d, lang, zone, _e in REVIEWERS]
    for (_u, _d, _l, _z, expertise), user in zip(REVIEWERS, reviewers, strict=True):
        _bio(user, expertise)
    # A synthetic conflict of interest: one reviewer works for an investor in one applicant.
    investor = organisations["pacific-bridge-ventures"]
    _bio(reviewers[6], REVIEWERS[6][4], organisation=investor)
    Relationship.objects.get_or_create(
        source=investor,
        target=organisations["haeum-bio"],
        kind=RelationshipKind.INVESTMENT,
        defaults={"is_synthetic": True, "note": "synthetic seed round"},
    )
    mentors = [
        _user(
            u,
            u.replace("-", " ").title() + ("" if u == "mentor" else " (synthetic mentor)"),
            "ko" if u == "mentor-yoon" else "en",
            "America/Los_Angeles",
            Role.MENTOR,
            program,
            password,
        )
        for u, _text in MENTORS
    ]
    for (_u, text), user in zip(MENTORS, mentors, strict=True):
        _bio(user, text)
    _cohort_2023(program, organisations, manager, mentors)
    _call_2024(program, organisations, manager, reviewers)
    _next_call(program, reviewers, now or timezone.now())
