"""Load the Ulsan–San Diego demo scenario (DESIGN §8) — idempotent: running it twice changes nothing.

Facts from the January 2024 public reporting are marked real and name their source; every invented person,
organisation and number is marked synthetic. The signing is dated 17 Jan 2024 at UC San Diego (local time;
the reports give the date and place, the hour here is illustrative).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bridgehead.agreements.models import Agreement, Commitment, Signatory
from bridgehead.core.enums import Role
from bridgehead.core.models import RoleAssignment, User
from bridgehead.demo.organisations import REAL, SYNTHETIC, Row
from bridgehead.demo.outcomes import load_outcomes
from bridgehead.demo.partnering import load_partnering
from bridgehead.demo.programs import load_programs
from bridgehead.demo.taxonomy import SECTORS
from bridgehead.programs.enums import MemberStatus
from bridgehead.programs.models import Program
from bridgehead.registry.memberships import record_member
from bridgehead.registry.models import Cluster, ClusterFact, Organisation, Person, PublicListingConsent, Sector
from bridgehead.registry.services import give_listing_consent

PRESS_SOURCE = "Ulsan Metropolitan City press release and Korean press coverage, January 2024"
AGREEMENT_SLUG = "ulsan-san-diego-bio-2024"
PROGRAM_SLUG = "digital-healthcare-global-support"
DEMO_PASSWORD = "bridgehead-demo"  # noqa: S105 - printed by `make demo`; demo databases only

# username, display name, language, time zone, role, scope ("program" | "agreement" | org slug | ""), email
DEMO_USERS: list[tuple[str, str, str, str, str, str]] = [
    ("admin", "Site Admin", "en", "Asia/Seoul", Role.SITE_ADMIN, ""),
    ("manager", "김민지", "ko", "Asia/Seoul", Role.PROGRAM_MANAGER, "program"),
    ("observer", "박준호", "ko", "Asia/Seoul", Role.OBSERVER, "agreement"),
    ("reviewer", "Dr. Sarah Kim", "en", "America/Los_Angeles", Role.REVIEWER, "program"),
    ("mentor", "James Whitfield", "en", "America/Los_Angeles", Role.MENTOR, "program"),
    ("startup", "이서연", "ko", "Asia/Seoul", Role.STARTUP_MEMBER, "gorae-ai"),
    (
        "investor",
        "Daniel Ortiz",
        "en",
        "America/Los_Angeles",
        Role.PARTNER_MEMBER,
        "pacific-bridge-ventures",
    ),
    ("guest", "Guest without role", "en", "America/Los_Angeles", "", ""),
]

COMMITMENTS = [
    (
        "생명(바이오)산업 육성과 산업 간 협력",
        "Growing the bio industry and cooperation across industries",
        ["bio", "industry"],
    ),
    ("디지털 헬스케어 기술 개발", "Developing digital-health technology", ["health.digital", "health.ai"]),
    ("바이오 스타트업의 해외 진출 지원", "Helping bio startups expand abroad", ["bio", "health", "medtech"]),
]

SAN_DIEGO_FACTS = [
    ("바이오 기업 수", "Bio companies", Decimal("1000"), "companies", 2024, "약 1,000개", "about 1,000"),
    ("경제적 효과", "Economic effect", Decimal("27"), "billion USD", 2020, "", ""),
    (
        "바이오 분야 종사자",
        "Bio workers",
        Decimal("730000"),
        "people",
        2024,
        "보도된 그대로 '73만여 명'",
        "reported as '73만여 명' (about 730,000); cited as reported",
    ),
    (
        "미국 바이오 클러스터 순위",
        "Rank among US bio clusters",
        Decimal("3"),
        "rank",
        2024,
        "보스턴·샌프란시스코와 함께 미국 3대 바이오 클러스터",
        "top three with Boston and San Francisco",
    ),
]


def _sectors() -> dict[str, Sector]:
    by_code: dict[str, Sector] = {}
    for code, name_ko, name_en in SECTORS:
        parent = by_code.get(code.rsplit(".", 1)[0]) if "." in code else None
        by_code[code], _created = Sector.objects.update_or_create(
            code=code, defaults={"name_ko": name_ko, "name_en": name_en, "parent": parent}
        )
    return by_code


def _clusters(sectors: dict[str, Sector]) -> dict[str, Cluster]:
    ulsan, _c = Cluster.objects.update_or_create(
        slug="ulsan",
        defaults={
            "name_ko": "울산 바이오·산업 클러스터",
            "name_en": "Ulsan bio and industry cluster",
            "country": "KR",
            "city_ko": "울산",
            "city_en": "Ulsan",
            "time_zone": "Asia/Seoul",
            "description_ko": "자동차·조선·석유화학 주력 산업 위에 바이오와 디지털 헬스케어를 새 성장동력으로 키우는 "
            "산업 도시. 울산시장은 이번 협약이 주력 산업 고도화와 신산업 육성에 도움이 될 것으로 기대했다.",
            "description_en": "Industrial city (automotive, shipbuilding, petrochemicals) growing bio and digital "
            "health as new engines; the mayor expects the agreement to help upgrade the main industries and grow "
            "new ones.",
        },
    )
    ulsan.sectors.set(
        [
            sectors[c]
            for c in (
                "bio",
                "health.digital",
                "industry.automotive",
                "industry.shipbuilding",
                "industry.petrochemicals",
                "industry.batteries",
            )
        ]
    )
    san_diego, _c = Cluster.objects.update_or_create(
        slug="san-diego",
        defaults={
            "name_ko": "샌디에이고 바이오 클러스터",
            "name_en": "San Diego bio cluster",
            "country": "US",
            "city_ko": "샌디에이고",
            "city_en": "San Diego",
            "time_zone": "America/Los_Angeles",
            "description_ko": "보스턴·샌프란시스코와 함께 미국 3대 바이오 클러스터이자 반도체 거점(퀄컴, 마이크로칩 "
            "테크놀로지, 립프로그 등).",
            "description_en": "One of the top three US bio clusters with Boston and San Francisco, and a semiconductor "
            "hub (Qualcomm, Microchip Technology, LeapFrog).",
        },
    )
    san_diego.sectors.set([sectors[c] for c in ("bio", "medtech", "health.digital", "industry.semiconductors")])
    for metric_ko, metric_en, value, unit, year, note_ko, note_en in SAN_DIEGO_FACTS:
        ClusterFact.objects.update_or_create(
            cluster=san_diego,
            metric_en=metric_en,
            year=year,
            defaults={
                "metric_ko": metric_ko,
                "value": value,
                "unit": unit,
                "source_name": PRESS_SOURCE,
                "note_ko": note_ko,
                "note_en": note_en,
                "is_synthetic": False,
            },
        )
    return {"ulsan": ulsan, "san-diego": san_diego}


def _organisations(rows: list[Row], synthetic: bool, sectors, clusters) -> dict[str, Organisation]:
    made = {}
    for slug, name_en, name_ko, kind, cluster, country, city, codes, stage, markets, desc_en, desc_ko in rows:
        organisation, _c = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_ko": name_ko,
                "kind": kind,
                "cluster": clusters.get(cluster),
                "country": country,
                "city": city,
                "stage": stage,
                "markets_sought": [m for m in markets.split(";") if m],
                "description_en": desc_en,
                "description_ko": desc_ko,
                "is_synthetic": synthetic,
            },
        )
        organisation.sectors.set([sectors[c] for c in codes.split(";") if c])
        made[slug] = organisation
    return made


def _agreement(organisations, sectors) -> tuple[Agreement, list[Commitment]]:
    signed = dt.datetime(2024, 1, 17, 10, 30, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    agreement, _c = Agreement.objects.update_or_create(
        slug=AGREEMENT_SLUG,
        defaults={
            "title_ko": "생명(바이오)산업 육성 협력 기반 구축 협약",
            "title_en": "Bio-industry Cooperation Foundation Agreement",
            "signed_at": signed,
            "time_zone": "America/Los_Angeles",
            "place_ko": "UC 샌디에이고",
            "place_en": "UC San Diego",
            "summary_ko": (
                "울산광역시, 샌디에이고시, UNIST, UC 샌디에이고가 바이오산업 육성, 디지털 헬스케어 "
                "기술 개발, 바이오 스타트업의 해외 진출을 위해 협력하기로 한 협약"
                "(2024년 1월 17일, 현지 시각). 서명 시각은 예시이다."
            ),
            "summary_en": (
                "Ulsan Metropolitan City, the City of San Diego, UNIST and UC San Diego agree to cooperate on "
                "growing the bio industry, developing digital-health technology and helping bio startups "
                "expand abroad (17 Jan 2024, local time; the hour shown is illustrative)."
            ),
            "is_synthetic": False,
            "is_public": True,  # the public showcase (/showcase/) shows it
        },
    )
    for order, slug in enumerate(("ulsan-city", "city-of-san-diego", "unist", "ucsd")):
        Signatory.objects.update_or_create(
            agreement=agreement, organisation=organisations[slug], defaults={"order": order}
        )
    commitments = []
    for order, (text_ko, text_en, codes) in enumerate(COMMITMENTS):
        commitment, _c = Commitment.objects.update_or_create(
            agreement=agreement, order=order, defaults={"text_ko": text_ko, "text_en": text_en}
        )
        commitment.sectors.set([sectors[c] for c in codes])
        commitments.append(commitment)
    return agreement, commitments


def _program(agreement, commitments, organisations) -> Program:
    program, _c = Program.objects.update_or_create(
        slug=PROGRAM_SLUG,
        defaults={
            "agreement": agreement,
            "title_ko": "디지털 건강관리 국제 지원사업",
            "title_en": "Digital Healthcare Global Support Program",
            "description_ko": "UNIST와 UC 샌디에이고가 2023년부터 함께 운영하며 울산의 디지털 헬스케어 스타트업이 "
            "미국 시장에 진출하도록 멘토링, 파트너 연결, 투자 유치를 돕는다.",
            "description_en": "Run by UNIST and UC San Diego since 2023: mentoring, partner introductions and "
            "investor meetings that take Ulsan digital-health startups to the US market.",
            "starts_on": dt.date(2023, 1, 1),
            "time_zone": "Asia/Seoul",
            "is_synthetic": False,
            # The office that signs the program's letters (fictional contact: the demo mails nobody).
            "office_name_ko": "UNIST 산학협력단 국제협력팀 운영 사무국",
            "office_name_en": "UNIST Global Programs Office",
            "office_email": "global-office@demo.bridgehead.example",
            "office_phone": "052-000-1234",
            # The press contact is invented for the demo (the program is real, this office line is not): the
            # outcome brief prints it in its header. The number is a reserved-looking 000 exchange on purpose.
            "press_office_ko": "UNIST 산학협력단 디지털헬스사업팀",
            "press_office_en": "Digital Health Program Team, UNIST",
            "press_contact_ko": "김민지 책임",
            "press_contact_en": "Minji Kim, Program Manager",
            "press_phone": "+82-52-000-0000",
            "press_email": "manager@demo.bridgehead.example",
            "is_public": True,
        },
    )
    program.commitments.set(commitments[1:])
    program.operators.set([organisations["unist"], organisations["ucsd"]])
    return program


def _users(program, agreement, organisations, password: str) -> list[tuple[str, str]]:
    logins = []
    for username, display, language, zone, role, scope in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=password)
        user.display_name, user.language, user.time_zone = display, language, zone
        user.email = f"{username}@demo.bridgehead.example"
        user.is_staff = role == Role.SITE_ADMIN
        user.is_superuser = role == Role.SITE_ADMIN
        user.save()
        if role:
            scope_kwargs = (
                {"program": program}
                if scope == "program"
                else (
                    {"agreement": agreement}
                    if scope == "agreement"
                    else ({"organisation": organisations[scope]} if scope else {})
                )
            )
            RoleAssignment.objects.get_or_create(user=user, role=role, **scope_kwargs)
        organisation = organisations.get(scope) if scope not in ("program", "agreement", "") else None
        person, _created = Person.objects.update_or_create(
            user=user,
            defaults={
                "name_en": display if language == "en" else "",
                "name_ko": display if language == "ko" else "",
                "email": user.email,
                "time_zone": zone,
                "languages": [language],
                "is_synthetic": True,
            },
        )
        if organisation is not None:
            # The demo logins act for their organisations through a verified membership, as its admin
            # (so the Members page has someone to approve requests), never through a typed-in field.
            record_member(person, organisation, is_admin=True)
        logins.append((username, str(Role(role).label) if role else "no role"))
    return logins


def load_demo(
    *, password: str = DEMO_PASSWORD, progress: Callable[[str], None] | None = None, now: dt.datetime | None = None
) -> list[tuple[str, str]]:
    """Create or refresh the demo; returns (username, role) pairs for the login list.

    ``now`` (default: the current time) anchors what DESIGN §8 places relative to the day the demo is loaded:
    the live partnering event, the open call and the reporting period.
    """
    now = now or timezone.now()
    step = progress or (lambda _label: None)
    with transaction.atomic():
        step("sectors")
        sectors = _sectors()
        step("clusters")
        clusters = _clusters(sectors)
        step("organisations")
        organisations = _organisations(REAL, False, sectors, clusters)
        organisations.update(_organisations(SYNTHETIC, True, sectors, clusters))
        step("agreement")
        agreement, commitments = _agreement(organisations, sectors)
        step("program")
        program = _program(agreement, commitments, organisations)
        step("users")
        logins = _users(program, agreement, organisations, password)
        step("calls, reviews and cohorts")
        load_programs(program=program, organisations=organisations, password=password, now=now)
    step("partnering events: 2024 and the live one (matching and scheduling engines)")
    load_partnering(program=program, admin=User.objects.get(username="admin"), now=now)
    step("outcomes, FX rates and KPIs")
    load_outcomes(program=program, manager=User.objects.get(username="manager"), today=timezone.localdate(now))
    step("public showcase: listing consent of a few cohort startups")
    _showcase_consents(program, admin=User.objects.get(username="admin"))
    return logins


#: How many cohort startups agree to be listed on the public showcase (the others stay unnamed there).
SHOWCASE_STARTUPS = 4


def _showcase_consents(program: Program, *, admin: User) -> None:
    """Give the public-listing consent for the first cohort startups with a confirmed, non-confidential outcome
    (so the showcase has results to show), recorded as given by the demo's site admin."""
    members = (
        Organisation.objects.filter(
            cohort_memberships__cohort__program=program,
            cohort_memberships__status=MemberStatus.ACTIVE,
            outcomes__confirmed_at__isnull=False,
            outcomes__is_confidential=False,
        )
        .distinct()
        .order_by("slug")[:SHOWCASE_STARTUPS]
    )
    for organisation in members:
        if not PublicListingConsent.objects.filter(organisation=organisation, withdrawn_at__isnull=True).exists():
            give_listing_consent(organisation=organisation, by=admin)
