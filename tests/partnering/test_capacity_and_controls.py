"""Flows that tell the truth: capacity is checked at accept, pending requests come first, and a control is
shown only when the action would succeed — otherwise the reason is shown in its place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bridgehead.partnering import services
from bridgehead.partnering.models import Meeting, MeetingRequest
from tests.partnering.factories import EventFactory, add_session, participant, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(slug="cap-day", max_meetings=1, request_quota=5)
    add_session(event, dt.date(2026, 6, 1), "09:00", "11:00")
    return event


@pytest.fixture
def people(event):
    return {
        "startup": participant(event, "startup", "haeum", language="ko", zone="Asia/Seoul"),
        "startup2": participant(event, "startup", "gorae", language="ko", zone="Asia/Seoul"),
        "investor": participant(event, "investor", "pacific"),
        "investor2": participant(event, "investor", "torrey"),
    }


def user_of(p):
    return p.person.user


def ask(sender, recipient):
    return services.send_request(sender=sender, recipient=recipient, by=user_of(sender))


def test_accept_is_refused_at_the_recipients_meeting_limit(people):
    investor = people["investor"]
    first, second = ask(people["startup"], investor), ask(people["startup2"], investor)
    services.accept_request(request=first, by=user_of(investor))
    with refused("partnering.request.capacity_full", held=1, limit=1):
        services.accept_request(request=second, by=user_of(investor))
    second.refresh_from_db()
    assert (second.status, Meeting.objects.count()) == ("pending", 1)


def test_accept_is_refused_when_the_sender_has_no_room_left(people):
    startup = people["startup"]
    first, second = ask(startup, people["investor"]), ask(startup, people["investor2"])
    services.accept_request(request=first, by=user_of(people["investor"]))
    with refused("partnering.request.partner_full", name="Haeum Org", limit=1):
        services.accept_request(request=second, by=user_of(people["investor2"]))
    assert Meeting.objects.count() == 1


def test_a_participants_own_limit_overrides_the_events(event, people):
    investor = people["investor"]
    investor.max_meetings = 2
    investor.save()
    for startup in (people["startup"], people["startup2"]):
        services.accept_request(request=ask(startup, investor), by=user_of(investor))
    assert Meeting.objects.filter(second=investor).count() == 2


def test_a_cancelled_meeting_frees_its_place(people):
    investor = people["investor"]
    first, second = ask(people["startup"], investor), ask(people["startup2"], investor)
    meeting = services.accept_request(request=first, by=user_of(investor))
    services.cancel_meeting(meeting=meeting, by=user_of(investor))
    services.accept_request(request=second, by=user_of(investor))
    assert Meeting.objects.exclude(status="cancelled").count() == 1


def test_no_request_to_a_participant_who_is_full(people):
    investor = people["investor"]
    services.accept_request(request=ask(people["startup"], investor), by=user_of(investor))
    with refused("partnering.request.partner_full", name="Pacific Org", limit=1):
        ask(people["startup2"], investor)
    assert MeetingRequest.objects.filter(sender=people["startup2"]).count() == 0


def test_requests_page_lists_pending_first_and_names_the_buttons(client, people):
    investor = people["investor"]
    investor.max_meetings = 3
    investor.save()
    accepted = ask(people["startup"], investor)
    services.accept_request(request=accepted, by=user_of(investor))
    pending = ask(people["startup2"], investor)
    MeetingRequest.objects.filter(pk=pending.pk).update(created_at=accepted.created_at - dt.timedelta(days=1))
    client.force_login(user_of(investor))
    body = client.get(reverse("event-requests", args=["cap-day"])).content.decode()
    assert body.index(f'data-testid="incoming-{pending.pk}"') < body.index(f'data-testid="incoming-{accepted.pk}"')
    assert "Accept Gorae Org</button>" in body
    assert "1 request is waiting for your answer." in body


def test_no_accept_button_when_full_and_the_reason_instead(client, people):
    investor = people["investor"]
    first, second = ask(people["startup"], investor), ask(people["startup2"], investor)
    services.accept_request(request=first, by=user_of(investor))
    client.force_login(user_of(investor))
    body = client.get(reverse("event-requests", args=["cap-day"])).content.decode()
    assert f'data-testid="accept-{second.pk}"' not in body
    assert "You already have 1 meetings, the most this event allows you (1); cancel one first." in body
    assert f'data-testid="decline-{second.pk}"' in body  # declining is still possible


def test_no_accept_button_on_an_overdue_request(client, event, people):
    request = ask(people["startup"], people["investor"])
    event.acceptance_deadline = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    event.save()
    client.force_login(user_of(people["investor"]))
    body = client.get(reverse("event-requests", args=["cap-day"])).content.decode()
    assert f'data-testid="accept-{request.pk}"' not in body
    assert "The answer deadline passed on 30 Apr 2026, 17:00; this request can no longer be accepted." in body
    response = client.post(reverse("request-action", args=[request.pk, "accept"]), follow=True)
    assert "Requests of this event could be accepted until 2026-04-30 17:00 PDT." in response.content.decode()
    assert Meeting.objects.count() == 0


def test_find_partners_offers_requests_only_where_they_can_succeed(client, people):
    investor, startup2 = people["investor"], people["startup2"]
    services.decline_request(request=ask(investor, startup2), by=user_of(startup2), no_thanks=True)
    client.force_login(user_of(investor))
    body = client.get(reverse("event-recommendations", args=["cap-day"])).content.decode()
    assert f'data-testid="request-any-{people["startup"].pk}"' in body
    assert "Request a meeting with Haeum Org</button>" in body
    assert f'data-testid="request-any-{people["investor2"].pk}"' not in body
    same_kind = "At this event, a Investor does not book meetings with a Investor."
    code = 'data-refusal-code="partnering.request.pair_not_allowed"'
    assert f'data-testid="participant-refusal-{people["investor2"].pk}" {code}>{same_kind}' in body
    assert f'data-testid="request-any-{startup2.pk}"' not in body
    blocked = "This participant is not available for a meeting with you."
    code = 'data-refusal-code="partnering.request.blocked"'
    assert f'data-testid="participant-refusal-{startup2.pk}" {code}>{blocked}' in body


def test_another_events_participant_cannot_answer_or_see_the_request(client, people):
    """Second tenant: a participant of another event, and the other event's own requests page."""
    other = EventFactory(slug="other-day")
    add_session(other, dt.date(2026, 7, 1), "09:00", "10:00")
    stranger = participant(other, "investor", "harbor")
    request = ask(people["startup"], people["investor"])
    client.force_login(user_of(stranger))
    client.post(reverse("request-action", args=[request.pk, "accept"]))
    request.refresh_from_db()
    assert request.status == "pending"
    body = client.get(reverse("event-requests", args=["other-day"])).content.decode()
    assert "Haeum Org" not in body
    assert client.get(reverse("event-requests", args=["cap-day"])).status_code == 403  # visible event, not theirs


def test_no_request_buttons_once_requests_have_closed(client, event, people):
    event.request_deadline = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    event.save()
    client.force_login(user_of(people["investor"]))
    body = client.get(reverse("event-recommendations", args=["cap-day"])).content.decode()
    assert 'data-testid="request-any-' not in body
    closed = "Requests for this event closed on 2026-04-30 17:00 PDT."
    code = 'data-refusal-code="partnering.request.closed"'
    assert f'data-testid="participant-refusal-{people["startup"].pk}" {code}>{closed}' in body


def test_no_request_buttons_once_the_quota_is_used(client, event, people):
    event.request_quota = 1
    event.max_meetings = 5
    event.save()
    ask(people["investor"], people["startup"])
    client.force_login(user_of(people["investor"]))
    body = client.get(reverse("event-recommendations", args=["cap-day"])).content.decode()
    assert f'data-testid="request-any-{people["startup2"].pk}"' not in body
    assert "You have used all 1 requests of this event." in body


def test_an_expired_request_is_told_to_its_sender(event, people, mailoutbox, django_capture_on_commit_callbacks):
    from bridgehead.core.models import Notification

    request = ask(people["investor"], people["startup"])
    event.acceptance_deadline = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    event.save()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_requests(event=event, now=dt.datetime(2026, 5, 2, tzinfo=dt.UTC)) == 1
    request.refresh_from_db()
    assert request.status == "expired"
    notice = Notification.objects.get(user=user_of(people["investor"]))
    assert (notice.kind, notice.text) == (
        "partnering.request_expired",
        f"Your meeting request to {people['startup'].organisation.name_en} at San Diego Partnering Day expired "
        "without an answer.",
    )
    assert [m.to for m in mailoutbox] == [["pacific@x.org"]]


def test_find_partners_checks_the_rules_with_a_constant_number_of_queries(client, event, people):
    """The reasons beside 200 participants come from one load of the rules, not a query per participant."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user_of(people["investor"]))
    url = reverse("event-recommendations", args=["cap-day"])
    client.get(url)  # computes the recommendations on the first visit
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        participant(event, "startup", f"extra{i}", language="ko", zone="Asia/Seoul")
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_existing_meeting_is_named_as_such_beside_the_partner(client, event, people):
    event.max_meetings = 5
    event.save()
    services.accept_request(request=ask(people["investor"], people["startup"]), by=user_of(people["startup"]))
    ask(people["investor"], people["startup2"])
    client.force_login(user_of(people["investor"]))
    body = client.get(reverse("event-recommendations", args=["cap-day"])).content.decode()
    assert (
        f'data-testid="participant-refusal-{people["startup"].pk}" '
        'data-refusal-code="partnering.request.already_meeting">You already have a meeting with this participant.'
    ) in body
    assert (
        f'data-testid="participant-refusal-{people["startup2"].pk}" '
        'data-refusal-code="partnering.request.already_open">'
        "There is already an open request between you and this participant."
    ) in body
