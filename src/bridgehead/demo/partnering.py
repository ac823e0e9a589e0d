"""The demo's partnering events (all synthetic):

* the **2024 edition** — a San Diego partnering day of the Digital Healthcare Global Support Program beside BIO
  2024 — Ulsan startups writing in Korean, San Diego investors, device makers and hospitals writing in English,
  a few Korean startups joining by video from Seoul — with requests, answers, recommendations and a published,
  optimised schedule. Its meetings led to the demo's synthetic outcomes, so it keeps its 2024 dates;
* the **live edition** (DESIGN §8), dated relative to the day the demo is loaded so every flow can be walked at
  once: its in-person day is three weeks ahead, its request window is open, its schedule is published, and it
  has an online session *today* in which only the `startup` and `investor` logins are free. Those two have no
  request between them yet: the visitor sends it (startup), accepts it (investor) and solves and publishes
  (manager); the startup flies home after the morning and the investor arrives in the afternoon of the
  in-person day, so the optimiser can only place their meeting in today's online session, where it can be
  checked in and given feedback at once (README, "Walking through the demo").

Idempotent: a second load on the same day changes nothing. Loaded on a later day, the live edition moves
forward by as many days (sessions, slots, deadlines and the meetings in them), so it is again three weeks ahead.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zoneinfo

from django.db import transaction
from django.db.models import F, Q
from django.test.utils import override_settings
from django.utils import timezone

from bridgehead.conversations.models import Message, ReadState, Thread
from bridgehead.core.models import User
from bridgehead.partnering import notify, recommending, scheduling, services
from bridgehead.partnering.enums import Attendance, EventStatus, RequestStatus
from bridgehead.partnering.models import Event, EventSession, Meeting, MeetingRequest, Participant, ScheduleRun
from bridgehead.programs.models import Program
from bridgehead.registry.memberships import record_member
from bridgehead.registry.models import Organisation, Person

EVENT_SLUG = "sd-digital-health-partnering-2024"
LIVE_SLUG = "ulsan-sd-partnering-live"
LIVE_ZONE = zoneinfo.ZoneInfo("America/Los_Angeles")
LIVE_DAY_AFTER = dt.timedelta(days=21)  # the in-person day, counted from the day the demo is loaded
ONLINE_SESSION_EN = "Online meetings"
STARTUP_PARTNERS = ("sierra-medical", "helix-instruments", "sd-health-system")  # the startup login's live meetings
STARTUP_PENDING = "cardinal-devices"  # it asked them too; no answer yet
INVESTOR_PARTNERS = ("haeum-bio", "thyroscope")  # the investor login's live meetings
INVESTOR_PENDING = ("dna-corporation", "sb-solution")  # requests waiting for the investor's answer
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
    record_member(person, organisation)  # a synthetic contact without an account: the demo vouches for it
    return person


def _event(program: Program, admin: User) -> Event:
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
        services.build_slots(event=event, by=admin)
    return event


SEEK_EN = re.compile(r"(?:[;,]\s*|\s+)(?:and\s+)?(?:seeks|seeking|looking for)\s+", re.IGNORECASE)
SEEK_KO = re.compile(r"(?:찾는다|찾고 있다|원한다|희망한다)\.?$")


def split_profile(description: str, language: str) -> tuple[str, str]:
    """Split a demo description into the event profile's (seeks, offers), so the matcher compares what one
    side wants with what the other offers: a Korean sentence that ends in 찾는다 / 원한다 / 희망한다 is a want;
    an English sentence is split at "seeks", "seeking" or "looking for"; everything else is an offer."""
    seeks: list[str] = []
    offers: list[str] = []
    for sentence in (part.strip() for part in re.split(r"(?<=\.)\s+", description.strip())):
        if not sentence:
            continue
        if language == "ko":
            (seeks if SEEK_KO.search(sentence) else offers).append(sentence)
            continue
        parts = SEEK_EN.split(sentence, maxsplit=1)
        if len(parts) == 2 and parts[0] and parts[1]:
            offers.append(parts[0].rstrip(" ;,.") + ".")
            seeks.append(parts[1][0].upper() + parts[1][1:])
        else:
            offers.append(sentence)
    return " ".join(seeks), " ".join(offers)


def _register(event: Event, person: Person, attendance: str, language: str, default_seeks: str) -> Participant:
    """Register (or refresh the profile of) one participant: wants in "seeks", capabilities in "offers"."""
    organisation = person.organisation
    description = organisation.description_ko if language == "ko" else organisation.description_en
    seeks, offers = split_profile(description, language)
    participant, _created = Participant.objects.update_or_create(
        event=event,
        person=person,
        defaults={
            "organisation": organisation,
            "kind": organisation.kind,
            "language": language,
            "seeks": seeks or default_seeks,
            "offers": offers,
            "attendance": attendance,
        },
    )
    return participant


def _participants(event: Event) -> tuple[list[Participant], list[Participant]]:
    """Korean startups (the `startup` login for Gorae AI) and San Diego partners (the `investor` login for
    Pacific Bridge Ventures), the same people at both editions."""
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
    return startups, partners


def load_partnering(*, program: Program, admin: User, now: dt.datetime | None = None) -> Event:
    """Load both editions; returns the live one.

    Mail and notices are switched off meanwhile: the demo's people are invented and must never be written to.
    """
    # Publishing the demo's schedules would tell the demo logins about their meetings. That set-up is not news:
    # the inbox starts empty, so the first notice a visitor sees comes from their own walkthrough.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), notify.silenced():
        _load_2024(program=program, admin=admin)
        return _load_live(program=program, admin=admin, now=now or timezone.now())


def _login_participant(event: Event, username: str) -> Participant | None:
    return Participant.objects.filter(event=event, person__user__username=username).first()


def _load_2024(*, program: Program, admin: User) -> Event:
    event = _event(program, admin)
    if event.schedule_published_at:
        _participants(event)  # refresh the profiles (seeks/offers) of a database loaded by an older version
        return event
    rng = random.Random(2024)
    with transaction.atomic():
        startups, partners = _participants(event)
        if not MeetingRequest.objects.filter(event=event).exists():
            answered = dt.datetime(2024, 5, 30, tzinfo=dt.UTC)
            _showcase_2024(event, answered)  # first, so the partners' meeting limit never crowds it out
            accepted = {p.pk: _accepted_count(p) for p in [*startups, *partners]}
            for startup in startups:
                for partner in rng.sample(partners, k=min(4, len(partners))):
                    roll = rng.random()
                    if _has_open_request(startup, partner):
                        continue
                    full = max(accepted[startup.pk], accepted[partner.pk]) >= event.max_meetings
                    if roll < 0.8 and full:
                        continue  # a real partner at their limit declines politely before the deadline
                    request = MeetingRequest.objects.create(
                        event=event,
                        sender=startup,
                        recipient=partner,
                        message="미팅을 요청드립니다. / We would like to meet.",
                    )
                    if roll < 0.8:
                        _record_accept(request, answered)
                        accepted[startup.pk] += 1
                        accepted[partner.pk] += 1
                    elif roll < 0.9:
                        request.status, request.responded_at = RequestStatus.DECLINED, answered
                        request.save(update_fields=["status", "responded_at"])
                    else:  # never answered before the deadline
                        request.status, request.responded_at = RequestStatus.EXPIRED, event.acceptance_deadline
                        request.save(update_fields=["status", "responded_at"])
    recommending.refresh(event=event)
    _solve_and_publish(event, admin)
    return event


def _accepted_count(participant: Participant) -> int:
    return Meeting.objects.filter(event=participant.event).filter(Q(first=participant) | Q(second=participant)).count()


def _has_open_request(a: Participant, b: Participant) -> bool:
    return MeetingRequest.objects.filter(
        Q(sender=a, recipient=b) | Q(sender=b, recipient=a),
        status__in=(RequestStatus.PENDING, RequestStatus.ACCEPTED),
    ).exists()


def _record_accept(request: MeetingRequest, answered: dt.datetime, weight: float = 1.0) -> Meeting:
    """Record an answer the way ``services.accept_request`` does. Invented partners have no login, and the
    demo's answers are dated (before the 2024 deadline), so the demo writes them itself."""
    request.status, request.responded_at = RequestStatus.ACCEPTED, answered
    request.save(update_fields=["status", "responded_at"])
    return Meeting.objects.create(
        event=request.event, request=request, first=request.sender, second=request.recipient, weight=weight
    )


def _showcase_2024(event: Event, answered: dt.datetime) -> None:
    """At the 2024 edition the `startup` and `investor` logins met (the meeting behind the walkthrough's
    investment outcome); their meetings weigh double, so the optimiser places them first."""
    startup = _login_participant(event, "startup")
    investor = _login_participant(event, "investor")
    if startup is None or investor is None:
        return
    request = MeetingRequest.objects.create(
        event=event,
        sender=startup,
        recipient=investor,
        message="고래AI입니다. 미국 병원 실증과 투자 논의를 희망합니다.",
    )
    _record_accept(request, answered, weight=2.0)
    _showcase_conversation(request, answered)


def _showcase_conversation(request: MeetingRequest, answered: dt.datetime) -> None:
    """The two logins' conversation around that meeting (the request's note opened it), dated like the rest
    of the 2024 history and already read by both, so nobody's inbox or badge starts with it."""
    thread = Thread.objects.get(request=request)
    startup_user, investor_user = request.sender.person.user, request.recipient.person.user
    lines = [
        (investor_user, answered, "Happy to meet. Could you bring your US pilot results and the FDA timeline?"),
        (startup_user, answered + dt.timedelta(hours=9), "네, 실증 결과 요약과 FDA 일정표를 준비해 가겠습니다."),
        (
            investor_user,
            answered + dt.timedelta(days=2),
            "Thank you for the meeting. Let's follow up on the term sheet.",
        ),
    ]
    thread.messages.filter(author=startup_user).update(created_at=answered - dt.timedelta(days=1))  # the note
    for author, when, body in lines:
        Message.objects.create(thread=thread, author=author, body=body, created_at=when)
    last = lines[-1][1]
    Thread.objects.filter(pk=thread.pk).update(last_message_at=last)
    for user in (startup_user, investor_user):
        ReadState.objects.update_or_create(thread=thread, user=user, defaults={"last_read_at": last})


def _solve_and_publish(event: Event, admin: User) -> None:
    run = ScheduleRun.objects.create(event=event, requested_by=admin, time_limit=5)
    run = scheduling.execute(run.pk)
    if run.status == "succeeded":
        scheduling.publish_run(run=run, by=admin)


# --- the live edition --------------------------------------------------------------------------------------


def _online_session(local_now: dt.datetime) -> tuple[dt.datetime, dt.time]:
    """(start, end) of the online session: from the next half hour, so every one of its slots is still ahead when
    the demo is loaded and the meeting placed there is the visitor's "next meeting" (a session begun at the current
    half hour could place it in a slot that ends minutes later); two hours, but within the day (by 23:30). Loaded
    after 23:00 it runs from midnight, already inside the check-in window of "the meeting's day"."""
    start = local_now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(
        minutes=30 if local_now.minute < 30 else 60
    )
    if start.date() != local_now.date() or start.time() > dt.time(23):
        start = dt.datetime.combine(local_now.date() + dt.timedelta(days=1), dt.time(0), tzinfo=local_now.tzinfo)
        return start, dt.time(2)
    end = start + dt.timedelta(hours=2)
    return start, end.time() if end.date() == start.date() and end.time() <= dt.time(23, 30) else dt.time(23, 30)


def _live_event(program: Program, local_now: dt.datetime, admin: User) -> Event:
    today = local_now.date()
    day = today + LIVE_DAY_AFTER
    deadline = dt.datetime.combine(day - dt.timedelta(days=7), dt.time(17), tzinfo=LIVE_ZONE).astimezone(dt.UTC)
    answers = dt.datetime.combine(day - dt.timedelta(days=3), dt.time(17), tzinfo=LIVE_ZONE).astimezone(dt.UTC)
    event = Event.objects.create(
        slug=LIVE_SLUG,
        program=program,
        title_ko="울산–샌디에이고 디지털 헬스 파트너링 데이",
        title_en="Ulsan–San Diego Digital Health Partnering Day",
        description_ko="UC 샌디에이고에서 열리는 1:1 파트너링 미팅(시연용 가상 행사). 시연 날짜에 맞춰 3주 뒤로 "
        "잡히며, 시연 계정(startup, investor)을 위한 온라인 미팅 세션이 오늘 열린다.",
        description_en="One-on-one partnering meetings at UC San Diego (a synthetic demo event, dated three weeks "
        "after the day the demo was loaded), with an online session today for the demo logins.",
        venue_ko="UC 샌디에이고",
        venue_en="UC San Diego",
        time_zone=str(LIVE_ZONE),
        slot_minutes=30,
        tables=8,
        virtual_allowed=True,
        video_link_base="https://meet.example.org/bh-live",
        request_quota=8,
        max_meetings=8,
        status=EventStatus.PUBLISHED,
        is_synthetic=True,
        request_deadline=deadline,
        acceptance_deadline=answers,
    )
    online, online_end = _online_session(local_now)
    for name_ko, name_en, date, starts, ends, tables in (
        ("온라인 미팅", ONLINE_SESSION_EN, online.date(), online.time(), online_end, 0),
        ("오전", "Morning", day, dt.time(9), dt.time(12), None),
        ("오후", "Afternoon", day, dt.time(13, 30), dt.time(16, 30), None),
    ):
        EventSession.objects.create(
            event=event, name_ko=name_ko, name_en=name_en, date=date, starts=starts, ends=ends, tables=tables
        )
    services.build_slots(event=event, by=admin)
    return event


def _shift(instant: dt.datetime, days: dt.timedelta, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The same wall-clock time ``days`` later at the venue (right across a daylight-saving change)."""
    local = instant.astimezone(zone)
    return dt.datetime.combine(local.date() + days, local.time(), tzinfo=zone).astimezone(dt.UTC)


def _reanchor(event: Event, today: dt.date) -> None:
    """Loaded on a later day: move the live edition forward so today's online session is today again."""
    online = event.sessions.filter(name_en=ONLINE_SESSION_EN).first()
    if online is None or online.date >= today:  # today's, or tomorrow's midnight session of a late-night load
        return
    delta = today - online.date
    zone = zoneinfo.ZoneInfo(event.time_zone)
    with transaction.atomic():
        for session in event.sessions.all():
            session.date += delta
            session.save(update_fields=["date"])
        # Latest first when moving forward, so no slot lands on the start of one not yet moved.
        for slot in event.slots.order_by("-starts_at" if delta.days > 0 else "starts_at"):
            slot.starts_at, slot.ends_at = _shift(slot.starts_at, delta, zone), _shift(slot.ends_at, delta, zone)
            slot.save(update_fields=["starts_at", "ends_at"])
        # Calendar apps subscribed to an agenda take the new times only from a higher SEQUENCE.
        event.meetings.filter(slot__isnull=False).update(sequence=F("sequence") + 1)
        for field in ("request_deadline", "acceptance_deadline"):
            setattr(event, field, _shift(getattr(event, field), delta, zone))
        event.save(update_fields=["request_deadline", "acceptance_deadline"])


def _load_live(*, program: Program, admin: User, now: dt.datetime) -> Event:
    local_now = now.astimezone(LIVE_ZONE)
    event = Event.objects.filter(slug=LIVE_SLUG).first()
    if event is None:
        event = _live_event(program, local_now, admin)
    else:
        _reanchor(event, local_now.date())
    if event.schedule_published_at:
        _participants(event)
        return event
    with transaction.atomic():
        startups, partners = _participants(event)
        _live_availability(event, [*startups, *partners])
        if not MeetingRequest.objects.filter(event=event).exists():
            _live_requests(event, startups, partners, now)
    recommending.refresh(event=event)
    _solve_and_publish(event, admin)
    return event


def _live_availability(event: Event, participants: list[Participant]) -> None:
    """Only the two logins are free in today's online session; the startup login leaves after the in-person
    morning and the investor login arrives for the afternoon, so today is the only time they share."""
    online = list(event.slots.filter(session__name_en=ONLINE_SESSION_EN))
    morning = list(event.slots.filter(session__name_en="Morning"))
    afternoon = list(event.slots.filter(session__name_en="Afternoon"))
    for participant in participants:
        username = participant.person.user.username if participant.person.user_id else ""
        participant.unavailable.set(
            afternoon if username == "startup" else morning if username == "investor" else online
        )


def _live_requests(event: Event, startups: list[Participant], partners: list[Participant], now: dt.datetime) -> None:
    """Requests three weeks before the day: most answered, some still waiting. The logins' own: see the
    module docstring."""
    rng = random.Random(2026)
    by_slug = {p.organisation.slug: p for p in [*startups, *partners]}
    startup, investor = _login_participant(event, "startup"), _login_participant(event, "investor")
    answered = now - dt.timedelta(hours=2)
    if startup is not None:
        for slug in STARTUP_PARTNERS:
            _record_accept(_request(event, startup, by_slug[slug]), answered, weight=2.0)
        _request(event, startup, by_slug[STARTUP_PENDING])
    if investor is not None:
        for slug in INVESTOR_PARTNERS:
            _record_accept(_request(event, by_slug[slug], investor), answered, weight=2.0)
        for slug in INVESTOR_PENDING:
            _request(event, by_slug[slug], investor)
    logins = {p.pk for p in (startup, investor) if p is not None}
    accepted = {p.pk: _accepted_count(p) for p in [*startups, *partners]}
    others = [p for p in partners if p.pk not in logins]
    for sender in startups:
        if sender.pk in logins:
            continue
        for partner in rng.sample(others, k=min(3, len(others))):
            if _has_open_request(sender, partner):
                continue
            request = _request(event, sender, partner)
            if rng.random() < 0.75 and max(accepted[sender.pk], accepted[partner.pk]) < event.max_meetings - 2:
                _record_accept(request, answered)
                accepted[sender.pk] += 1
                accepted[partner.pk] += 1


def _request(event: Event, sender: Participant, recipient: Participant) -> MeetingRequest:
    korean = sender.language == "ko"
    return MeetingRequest.objects.create(
        event=event,
        sender=sender,
        recipient=recipient,
        message="미팅을 요청드립니다. 협력 가능성을 논의하고 싶습니다." if korean else "We would like to meet.",
    )
