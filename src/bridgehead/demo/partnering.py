"""The demo's partnering event: a (synthetic) San Diego partnering day of the Digital Healthcare Global
Support Program, held beside BIO 2024 — Ulsan startups writing in Korean, San Diego investors, device makers
and hospitals writing in English, a few Korean startups joining by video from Seoul — with requests,
answers, recommendations and a published, optimised schedule. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.db import transaction
from django.test.utils import override_settings

from bridgehead.core.models import User
from bridgehead.partnering import recommending, scheduling, services
from bridgehead.partnering.enums import Attendance, EventStatus, RequestStatus
from bridgehead.partnering.errors import PartneringError
from bridgehead.partnering.models import Event, EventSession, Meeting, MeetingRequest, Participant, ScheduleRun
from bridgehead.programs.models import Program
from bridgehead.registry.models import Organisation, Person

EVENT_SLUG = "sd-digital-health-partnering-2024"
KOREAN_NAMES = [
    "김민준",
    "이서윤",
    "박지호",
    "최수아",
    "정도윤",
    "강하은",
    "조예준",
    "윤지우",
    "장서준",
    "임하린",
    "한지민",
    "오승현",
    "서유나",
    "신동혁",
    "권나연",
    "황재원",
    "안소율",
    "송민재",
    "전다인",
    "홍시우",
]
ENGLISH_NAMES = [
    "Emily Carter",
    "Michael Nguyen",
    "Sarah Patel",
    "David Kim",
    "Jessica Morales",
    "Ryan Brooks",
    "Laura Chen",
    "Kevin O'Neil",
    "Rachel Adams",
    "Brian Lee",
    "Megan Ruiz",
    "Jason Park",
    "Olivia Grant",
    "Eric Santos",
    "Hannah Wright",
    "Daniel Cho",
    "Sophia Rivera",
    "Andrew Kim",
]
SEEKS_KO = "미국 시장 진출을 위한 투자 유치와 병원 실증, 의료기기 기업과의 협력"
SEEKS_EN = "Korean digital-health and medical-device startups ready for the US market"


def _person(organisation: Organisation, name: str, zone: str) -> Person:
    korean = organisation.country == "KR"
    person, _created = Person.objects.get_or_create(
        organisation=organisation,
        is_synthetic=True,
        user=None,
        defaults={
            "name_ko": name if korean else "",
            "name_en": "" if korean else name,
            "time_zone": zone,
            "email": f"{organisation.slug}@demo.bridgehead.example",
            "languages": ["ko" if korean else "en"],
        },
    )
    return person


def _event(program: Program) -> Event:
    event, created = Event.objects.get_or_create(
        slug=EVENT_SLUG,
        defaults={
            "program": program,
            "title_ko": "2024 샌디에이고 디지털 헬스 파트너링 데이",
            "title_en": "San Diego Digital Health Partnering Day 2024",
            "description_ko": "BIO 2024 기간에 UC 샌디에이고에서 열린 1:1 파트너링 미팅(시연용 가상 행사).",
            "description_en": "One-on-one partnering meetings at UC San Diego during BIO 2024 "
            "(a synthetic demo event).",
            "venue_ko": "UC 샌디에이고",
            "venue_en": "UC San Diego",
            "time_zone": "America/Los_Angeles",
            "slot_minutes": 30,
            "tables": 8,
            "virtual_allowed": True,
            "video_link_base": "https://meet.example.org/bh",
            "request_quota": 8,
            "max_meetings": 8,
            "status": EventStatus.PUBLISHED,
            "is_synthetic": True,
            "request_deadline": dt.datetime(2024, 5, 31, 7, 0, tzinfo=dt.UTC),
            "acceptance_deadline": dt.datetime(2024, 6, 2, 7, 0, tzinfo=dt.UTC),
        },
    )
    if created:
        for name_ko, name_en, starts, ends in (
            ("오전", "Morning", "09:00", "12:00"),
            ("오후", "Afternoon", "13:30", "16:30"),
        ):
            EventSession.objects.create(
                event=event,
                name_ko=name_ko,
                name_en=name_en,
                date=dt.date(2024, 6, 4),
                starts=dt.time.fromisoformat(starts),
                ends=dt.time.fromisoformat(ends),
            )
        services.build_slots(event=event)
    return event


def split_profile(description: str, language: str) -> tuple[str, str]:
    """The demo descriptions say what an organisation does, then what it seeks: split them into the
    event profile's "offers" and "seeks" so the matcher compares like with like."""
    marker = "다. " if language == "ko" else ". "
    head, sep, tail = description.partition(marker)
    if not sep:
        return "", description
    return tail.strip(), (head + sep).strip()


def _register(event: Event, person: Person, attendance: str, language: str, default_seeks: str) -> Participant:
    existing = Participant.objects.filter(event=event, person=person).first()
    if existing:
        return existing
    organisation = person.organisation
    description = organisation.description_ko if language == "ko" else organisation.description_en
    seeks, offers = split_profile(description, language)
    return Participant.objects.create(
        event=event,
        person=person,
        organisation=organisation,
        kind=organisation.kind,
        language=language,
        seeks=seeks or default_seeks,
        offers=offers,
        attendance=attendance,
    )


def load_partnering(*, program: Program, admin: User) -> Event:
    """Create the event, its participants and requests, then solve and publish once (skipped when done).

    Mail is switched off meanwhile: the demo's people are invented and must never be written to.
    """
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load(program=program, admin=admin)


def _load(*, program: Program, admin: User) -> Event:
    event = _event(program)
    if event.schedule_published_at:
        return event
    rng = random.Random(2024)
    with transaction.atomic():
        startups, partners = [], []
        kr_names, en_names = iter(KOREAN_NAMES * 3), iter(ENGLISH_NAMES * 3)
        for organisation in Organisation.objects.filter(kind="startup", country="KR").order_by("slug"):
            person = Person.objects.filter(user__username="startup", organisation=organisation).first() or _person(
                organisation, next(kr_names), "Asia/Seoul"
            )
            virtual = organisation.cluster is None  # Korean startups outside Ulsan join by video from Seoul
            startups.append(
                _register(event, person, Attendance.VIRTUAL if virtual else Attendance.IN_PERSON, "ko", SEEKS_KO)
            )
        partner_orgs = Organisation.objects.filter(
            kind__in=["investor", "company", "hospital"], cluster__slug="san-diego"
        ).order_by("slug")
        for organisation in partner_orgs:
            person = Person.objects.filter(user__username="investor", organisation=organisation).first() or _person(
                organisation, next(en_names), "America/Los_Angeles"
            )
            partners.append(_register(event, person, Attendance.EITHER, "en", SEEKS_EN))
        if not MeetingRequest.objects.filter(event=event).exists():
            for startup in startups:
                for partner in rng.sample(partners, k=min(4, len(partners))):
                    request = MeetingRequest.objects.create(
                        event=event,
                        sender=startup,
                        recipient=partner,
                        message="미팅을 요청드립니다. / We would like to meet.",
                    )
                    roll = rng.random()
                    if roll < 0.8:
                        _accept(request)
                    elif roll < 0.9:
                        request.status = RequestStatus.DECLINED
                        request.save(update_fields=["status"])
            _ensure_demo_logins_meet(event)
    recommending.refresh(event=event)
    run = ScheduleRun.objects.create(event=event, started_by=admin, time_limit=5)
    run = scheduling.execute_run(run_id=run.pk)
    if run.status == "succeeded":
        scheduling.publish_run(run=run, by=admin)
    return event


def _accept(request: MeetingRequest) -> None:
    """Accept as the partner would (before the event's acceptance deadline); invented partners have no login,
    so their answer is recorded directly, exactly as the service records it."""
    user = request.recipient.person.user
    answered = dt.datetime(2024, 5, 30, tzinfo=dt.UTC)
    if user is not None:
        # A partner at their meeting limit cannot accept: the request stays pending, as it would for real.
        with contextlib.suppress(PartneringError):
            services.accept_request(request=request, by=user, now=answered)
        return
    request.status, request.responded_at = RequestStatus.ACCEPTED, answered
    request.save(update_fields=["status", "responded_at"])
    Meeting.objects.create(event=request.event, request=request, first=request.sender, second=request.recipient)


def _ensure_demo_logins_meet(event: Event) -> None:
    """The `startup` and `investor` logins always have a meeting with each other, and one pending request."""
    startup = Participant.objects.filter(event=event, person__user__username="startup").first()
    investor = Participant.objects.filter(event=event, person__user__username="investor").first()
    if startup is None or investor is None:
        return
    existing = MeetingRequest.objects.filter(event=event, sender=startup, recipient=investor).first()
    if existing is None:
        existing = MeetingRequest.objects.create(
            event=event,
            sender=startup,
            recipient=investor,
            message="고래AI입니다. 미국 병원 실증과 투자 논의를 희망합니다.",
        )
    if existing.status == RequestStatus.PENDING:
        _accept(existing)
