"""Requests: the rules of the event, every refusal with its reason, and no double meeting."""

from __future__ import annotations

import datetime as dt

import pytest

from bridgehead.core.errors import Kind
from bridgehead.partnering import services
from bridgehead.partnering.models import Block, Meeting, MeetingRequest
from tests.partnering.factories import EventFactory, add_session, participant, refused

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def event():
    event = EventFactory(request_quota=2)
    add_session(event, dt.date(2026, 6, 1), "09:00", "11:00")
    return event


@pytest.fixture
def people(event):
    return {
        "startup": participant(event, "startup", "haeum", language="ko", zone="Asia/Seoul"),
        "investor": participant(event, "investor", "pacific"),
        "investor2": participant(event, "investor", "torrey"),
        "investor3": participant(event, "investor", "harbor"),
        "startup2": participant(event, "startup", "gorae", language="ko", zone="Asia/Seoul"),
    }


def user_of(p):
    return p.person.user


def test_accept_creates_one_meeting_waiting_for_the_schedule(people):
    startup, investor = people["startup"], people["investor"]
    request = services.send_request(sender=startup, recipient=investor, message="만나고 싶습니다", by=user_of(startup))
    meeting = services.accept_request(request=request, by=user_of(investor))
    assert (meeting.first, meeting.second, meeting.status, meeting.slot) == (startup, investor, "unscheduled", None)
    request.refresh_from_db()
    assert request.status == "accepted"


def test_request_to_oneself_is_refused(people):
    me = people["startup"]
    with refused("partnering.request.to_self", Kind.CONFLICT):
        services.send_request(sender=me, recipient=me, by=user_of(me))


def test_kinds_that_may_not_meet(people):
    with refused("partnering.request.pair_not_allowed", a="Startup", b="Startup"):
        services.send_request(sender=people["startup"], recipient=people["startup2"], by=user_of(people["startup"]))


def test_request_after_the_deadline(event, people):
    event.request_deadline = NOW - dt.timedelta(hours=1)
    event.save()
    with refused("partnering.request.closed"):
        services.send_request(
            sender=people["startup"], recipient=people["investor"], by=user_of(people["startup"]), now=NOW
        )
    assert MeetingRequest.objects.count() == 0


def test_quota_exceeded(people):
    startup = people["startup"]
    for name in ("investor", "investor2"):
        services.send_request(sender=startup, recipient=people[name], by=user_of(startup))
    with refused("partnering.request.quota_used", quota=2):
        services.send_request(sender=startup, recipient=people["investor3"], by=user_of(startup))


def test_withdrawn_requests_free_the_quota(people):
    startup = people["startup"]
    first = services.send_request(sender=startup, recipient=people["investor"], by=user_of(startup))
    services.send_request(sender=startup, recipient=people["investor2"], by=user_of(startup))
    services.withdraw_request(request=first, by=user_of(startup))
    services.send_request(sender=startup, recipient=people["investor3"], by=user_of(startup))
    assert MeetingRequest.objects.filter(sender=startup, status="pending").count() == 2


def test_accepting_a_withdrawn_request_is_refused(people):
    startup, investor = people["startup"], people["investor"]
    request = services.send_request(sender=startup, recipient=investor, by=user_of(startup))
    services.withdraw_request(request=request, by=user_of(startup))
    with refused("partnering.request.not_pending", status="withdrawn"):
        services.accept_request(request=request, by=user_of(investor))
    assert Meeting.objects.count() == 0


def test_only_the_recipient_accepts(people):
    startup, investor = people["startup"], people["investor"]
    request = services.send_request(sender=startup, recipient=investor, by=user_of(startup))
    with refused("permission.partnering.accept_request", Kind.FORBIDDEN):
        services.accept_request(request=request, by=user_of(startup))


def test_accept_and_decline_racing_make_at_most_one_meeting(people):
    """Two answers to the same request, each working from the request as it looked before either: the row
    lock in the service makes the second see the first's answer."""
    startup, investor = people["startup"], people["investor"]
    request = services.send_request(sender=startup, recipient=investor, by=user_of(startup))
    stale_copy = MeetingRequest.objects.get(pk=request.pk)
    services.accept_request(request=request, by=user_of(investor))
    with refused("partnering.request.not_pending", status="accepted"):
        services.decline_request(request=stale_copy, by=user_of(investor))
    with refused("partnering.request.not_pending", status="accepted"):
        services.accept_request(request=stale_copy, by=user_of(investor))
    assert Meeting.objects.count() == 1


def test_one_open_request_per_pair_in_either_direction(people):
    startup, investor = people["startup"], people["investor"]
    services.send_request(sender=startup, recipient=investor, by=user_of(startup))
    with refused("partnering.request.already_open"):
        services.send_request(sender=investor, recipient=startup, by=user_of(investor))


def test_no_thanks_blocks_both_ways(people):
    startup, investor = people["startup"], people["investor"]
    request = services.send_request(sender=startup, recipient=investor, by=user_of(startup))
    services.decline_request(request=request, by=user_of(investor), no_thanks=True)
    assert Block.objects.filter(by=investor, blocked=startup).exists()
    for sender, recipient in ((startup, investor), (investor, startup)):
        with refused("partnering.request.blocked"):
            services.send_request(sender=sender, recipient=recipient, by=user_of(sender))


def test_pending_requests_expire_after_the_acceptance_deadline(event, people):
    request = services.send_request(
        sender=people["startup"], recipient=people["investor"], by=user_of(people["startup"])
    )
    event.acceptance_deadline = NOW
    event.save()
    assert services.expire_requests(event=event, now=NOW - dt.timedelta(minutes=1)) == 0
    assert services.expire_requests(event=event, now=NOW + dt.timedelta(minutes=1)) == 1
    request.refresh_from_db()
    assert request.status == "expired"
    with refused("partnering.request.not_pending", status="expired"):
        services.accept_request(request=request, by=user_of(people["investor"]))


def test_reminders_once_per_recipient_in_their_language(event, people, mailoutbox, django_capture_on_commit_callbacks):
    startup = people["startup"]
    services.send_request(sender=people["investor"], recipient=startup, by=user_of(people["investor"]))
    services.send_request(sender=people["investor2"], recipient=startup, by=user_of(people["investor2"]))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_pending(event=event, now=NOW) == 1
        assert services.remind_pending(event=event, now=NOW + dt.timedelta(hours=1)) == 0  # not twice a day
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["haeum@x.org"]
    assert "답변을 기다리는 미팅 요청 2건" in mailoutbox[0].subject


def test_every_state_change_is_audited(people):
    from auditlog.models import LogEntry

    request = services.send_request(
        sender=people["startup"], recipient=people["investor"], by=user_of(people["startup"])
    )
    services.accept_request(request=request, by=user_of(people["investor"]))
    entries = LogEntry.objects.get_for_object(request).order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert entries[1].changes_dict["status"] == ["pending", "accepted"]
