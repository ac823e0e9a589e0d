"""The live demo (DESIGN §8): the synthetic partnering event, the open call and the reporting period are dated
relative to the day the demo is loaded, real 2024 facts keep their dates, loading twice changes nothing, and a
visitor can walk request → accept → solve → publish → check-in → feedback straight away."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db.models import Q
from django.utils import timezone

from bridgehead.agreements.models import Agreement
from bridgehead.core.models import Notification, User
from bridgehead.demo.partnering import EVENT_SLUG, LIVE_SLUG, ONLINE_SESSION_EN, _online_session
from bridgehead.demo.scenario import load_demo
from bridgehead.outcomes.models import Kpi
from bridgehead.partnering import scheduling, services
from bridgehead.partnering.models import (
    Event,
    EventSession,
    Meeting,
    MeetingRequest,
    Participant,
    Recommendation,
    ScheduleRun,
    Slot,
)
from bridgehead.programs.models import Call

pytestmark = pytest.mark.django_db

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
# 11:40 in San Diego on Monday 9 March 2026, the day after the clocks went forward.
NOW = dt.datetime(2026, 3, 9, 18, 40, tzinfo=dt.UTC)
MODELS = (Event, EventSession, Slot, Participant, MeetingRequest, Meeting, ScheduleRun, Recommendation, Kpi, Call)
WANTS = ("seek", "looking for", "찾는다", "찾고 있다", "원한다", "희망한다")


def snapshot() -> dict:
    live = Event.objects.get(slug=LIVE_SLUG)
    return {
        "counts": {model.__name__: model.objects.count() for model in MODELS},
        "sessions": list(live.sessions.values_list("name_en", "date", "starts", "ends")),
        "slots": list(live.slots.values_list("pk", "starts_at")),
        "meetings": list(Meeting.objects.order_by("pk").values_list("pk", "slot_id", "table", "status")),
        "deadlines": (live.request_deadline, live.acceptance_deadline),
        "call": Call.objects.filter(slug="next-cohort").values_list("opens_at", "closes_at", "is_published").get(),
    }


def meetings_of(event: Event, username: str) -> list[Meeting]:
    me = Participant.objects.get(event=event, person__user__username=username)
    mine = Meeting.objects.filter(Q(first=me) | Q(second=me))
    return list(mine.select_related("slot__session", "first__organisation", "second__organisation"))


@pytest.mark.usefixtures("demo_loaded")
class TestLoadedAtNow:
    """Tests that each start from the demo freshly loaded at ``NOW``, loaded once for all of them
    (conftest.demo_loaded)."""

    demo_now = NOW

    def test_live_edition_is_weeks_ahead_with_its_window_open_and_2024_facts_keep_their_dates(self):
        first = snapshot()
        load_demo(now=NOW + dt.timedelta(hours=3))  # the same day in San Diego: nothing moves
        assert snapshot() == first

        live = Event.objects.get(slug=LIVE_SLUG)
        assert first["sessions"] == [
            (ONLINE_SESSION_EN, dt.date(2026, 3, 9), dt.time(12), dt.time(14)),  # from the next half hour
            ("Morning", dt.date(2026, 3, 30), dt.time(9), dt.time(12)),
            ("Afternoon", dt.date(2026, 3, 30), dt.time(13, 30), dt.time(16, 30)),
        ]
        assert live.request_deadline == dt.datetime(2026, 3, 24, 0, 0, tzinfo=dt.UTC)  # 17:00 PDT a week before
        assert live.acceptance_deadline == dt.datetime(2026, 3, 28, 0, 0, tzinfo=dt.UTC)
        assert live.is_synthetic and live.status == "published" and live.schedule_published_at is not None
        assert Call.objects.get(slug="next-cohort").is_published
        opens, closes, _published = first["call"]
        assert opens < NOW < closes
        assert set(Kpi.objects.values_list("starts_on", "ends_on")) == {(dt.date(2024, 1, 1), dt.date(2027, 12, 31))}

        # Real facts and the 2024 edition keep their dates.
        signed = Agreement.objects.get().signed_at.astimezone(LA)
        assert (signed.year, signed.month, signed.day) == (2024, 1, 17)
        assert set(Event.objects.get(slug=EVENT_SLUG).sessions.values_list("date", flat=True)) == {dt.date(2024, 6, 4)}

    def test_showcase_logins_have_scheduled_meetings_and_nothing_between_them_yet_live(self):
        past = Event.objects.get(slug=EVENT_SLUG)
        startup_2024 = meetings_of(past, "startup")
        assert len(startup_2024) == 4
        assert all(m.slot_id is not None for m in startup_2024)  # every meeting of the startup login is placed
        assert all(m.slot_id is not None for m in meetings_of(past, "investor"))
        assert {(m.first.organisation.slug, m.second.organisation.slug) for m in startup_2024} >= {
            ("gorae-ai", "pacific-bridge-ventures")
        }  # the showcase pair met in 2024
        assert not Meeting.objects.filter(event=past, slot__isnull=True).exists()

        live = Event.objects.get(slug=LIVE_SLUG)
        startup, investor = meetings_of(live, "startup"), meetings_of(live, "investor")
        assert sorted(
            m.partner_of(p).organisation.slug
            for m in startup
            for p in [Participant.objects.get(event=live, person__user__username="startup")]
        ) == ["helix-instruments", "sd-health-system", "sierra-medical"]
        assert {m.slot.session.name_en for m in startup} == {"Morning"}
        assert {m.slot.session.name_en for m in investor} == {"Afternoon"}
        assert not Meeting.objects.filter(event=live, slot__isnull=True).exists()
        pair = Q(sender__person__user__username="startup", recipient__person__user__username="investor")
        assert not MeetingRequest.objects.filter(
            Q(event=live)
            & (pair | Q(sender__person__user__username="investor", recipient__person__user__username="startup"))
        )
        waiting = MeetingRequest.objects.filter(
            event=live, recipient__person__user__username="investor", status="pending"
        )
        assert sorted(waiting.values_list("sender__organisation__slug", flat=True)) == [
            "dna-corporation",
            "sb-solution",
        ]

    def test_profiles_put_wants_in_seeks_and_capabilities_in_offers(self):
        offers_with_wants = [
            (p.organisation.slug, p.offers)
            for p in Participant.objects.select_related("organisation")
            if any(word in p.offers.lower() for word in WANTS)
        ]
        assert offers_with_wants == []
        assert not Participant.objects.filter(seeks="").exists()
        sierra = Participant.objects.filter(organisation__slug="sierra-medical").first()
        assert (sierra.offers, sierra.seeks) == (
            "Patient-monitoring device company.",
            "Sensor and battery suppliers and OEM partners.",
        )
        gorae = Participant.objects.filter(organisation__slug="gorae-ai").first()
        assert gorae.offers == "직업성 폐질환 흉부 X선 AI 판독."
        assert gorae.seeks == "FDA 인허가 자문과 미국 병원 실증을 원한다."

    def test_loaded_on_a_later_day_the_live_edition_moves_forward_with_its_meetings(self):
        before = snapshot()
        later = NOW + dt.timedelta(days=5)
        load_demo(now=later)
        after = snapshot()
        assert [row[1] for row in after["sessions"]] == [dt.date(2026, 3, 14), dt.date(2026, 4, 4), dt.date(2026, 4, 4)]
        assert [row[2:] for row in after["sessions"]] == [row[2:] for row in before["sessions"]]  # same hours
        assert [pk for pk, _ in after["slots"]] == [pk for pk, _ in before["slots"]]
        local = [starts.astimezone(LA) for _pk, starts in after["slots"]]
        assert [(t.date(), t.time()) for t in local][:2] == [
            (dt.date(2026, 3, 14), dt.time(12, 0)),
            (dt.date(2026, 3, 14), dt.time(12, 30)),
        ]
        assert after["meetings"] == before["meetings"]  # the same meetings in the same (moved) slots
        assert after["deadlines"] == tuple(d + dt.timedelta(days=5) for d in before["deadlines"])
        load_demo(now=later + dt.timedelta(hours=1))
        assert snapshot() == after


def test_the_online_session_is_wholly_ahead_and_within_one_day():
    """Its first slot starts after the load, so the visitor's meeting there is still "next"; it ends by 23:30;
    a load after 23:00 puts it at midnight rather than across it; loading again that night moves nothing back."""

    def at(hour: int, minute: int, day: int = 9) -> dt.datetime:
        return dt.datetime(2026, 3, day, hour, minute, tzinfo=LA)

    assert _online_session(at(4, 29)) == (at(4, 30), dt.time(6, 30))
    assert _online_session(at(4, 30)) == (at(5, 0), dt.time(7, 0))
    assert _online_session(at(21, 40)) == (at(22, 0), dt.time(23, 30))
    assert _online_session(at(22, 50)) == (at(23, 0), dt.time(23, 30))
    assert _online_session(at(23, 10)) == (at(0, 0, day=10), dt.time(2, 0))
    late = dt.datetime(2026, 3, 10, 6, 50, tzinfo=dt.UTC)  # 23:50 in San Diego
    load_demo(now=late)
    first = snapshot()
    assert first["sessions"][0][1:] == (dt.date(2026, 3, 10), dt.time(0), dt.time(2))
    load_demo(now=late + dt.timedelta(minutes=5))
    assert snapshot() == first


# Outside a test transaction, as in the worker: the solver reports progress from its own thread, whose database
# connection would otherwise wait for the test's open transaction on SQLite.
@pytest.mark.django_db(transaction=True)
def test_a_visitor_walks_request_accept_solve_publish_check_in_and_feedback_right_after_loading():
    load_demo()  # now: the services below check deadlines against the real clock
    live = Event.objects.get(slug=LIVE_SLUG)
    startup_user, investor_user = User.objects.get(username="startup"), User.objects.get(username="investor")
    manager = User.objects.get(username="manager")
    startup = Participant.objects.get(event=live, person__user=startup_user)
    investor = Participant.objects.get(event=live, person__user=investor_user)

    assert not Notification.objects.filter(user__in=[startup_user, investor_user]).exists()  # set-up is not news
    request = services.send_request(
        sender=startup, recipient=investor, message="투자 논의를 희망합니다.", by=startup_user
    )
    assert list(Notification.objects.filter(user=investor_user).values_list("kind", flat=True)) == [
        "partnering.request_received"
    ]
    services.accept_request(request=request, by=investor_user)
    run = scheduling.start_solve(event=live, by=manager, time_limit=5)  # the immediate backend runs it at commit
    run.refresh_from_db()
    assert (run.status, run.error) == ("succeeded", "")
    scheduling.publish_run(run=run, by=manager)

    meeting = Meeting.objects.select_related("slot__session").get(request=request)
    assert meeting.slot.session.name_en == ONLINE_SESSION_EN  # the only time the two share: today, online
    assert meeting.slot.starts_at.astimezone(LA).date() == timezone.now().astimezone(LA).date()
    assert meeting.slot.starts_at < timezone.now() + dt.timedelta(hours=2)
    assert (meeting.mode, meeting.video_link.startswith("https://meet.example.org/bh-live")) == ("virtual", True)
    assert not Meeting.objects.filter(event=live, slot__isnull=True).exists()  # nobody else lost their time

    services.check_in(meeting=meeting, by=startup_user)
    services.give_feedback(
        meeting=meeting, by=investor_user, valuable=True, follow_up=True, comment="Follow-up call next week."
    )
    meeting.refresh_from_db()
    assert meeting.status == "checked_in"
    assert meeting.feedback.get().participant == investor
