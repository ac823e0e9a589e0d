"""Every partnering change that concerns someone reaches them twice: an inbox entry (in their language, with
a link) and an e-mail whose links are absolute."""

from __future__ import annotations

import datetime as dt

import pytest

from bridgehead.core.models import Notification
from bridgehead.partnering import scheduling, services
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(settings):
    settings.SITE_URL = "https://bridgehead.example"
    event = EventFactory(slug="notify-day", tables=2)
    add_session(event, dt.date(2026, 6, 1), "09:00", "10:00")
    other = EventFactory(slug="other-day")
    add_session(other, dt.date(2026, 6, 1), "09:00", "10:00")
    return {
        "event": event,
        "startup": participant(event, "startup", "haeum", language="ko", zone="Asia/Seoul"),
        "investor": participant(event, "investor", "pacific"),
        "stranger": participant(other, "investor", "harbor"),  # second tenant: another event's participant
        "manager": grant(UserFactory(username="pm"), "program_manager", program=event.program),
    }


def inbox(p):
    return list(Notification.objects.filter(user=p.person.user).order_by("pk").values_list("kind", "text", "url"))


def test_request_received_reaches_the_inbox_and_mail_links_to_the_requests_page(
    fair, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.send_request(sender=fair["startup"], recipient=fair["investor"], by=fair["startup"].person.user)
    assert inbox(fair["investor"]) == [
        (
            "partnering.request_received",
            "Haeum Org asked to meet you at San Diego Partnering Day.",
            "/events/notify-day/requests/",
        ),
    ]
    assert len(mailoutbox) == 1
    assert "https://bridgehead.example/events/notify-day/requests/" in mailoutbox[0].body
    assert inbox(fair["startup"]) == [] and inbox(fair["stranger"]) == []


def test_accept_and_decline_are_told_to_the_sender_in_their_language(
    fair, mailoutbox, django_capture_on_commit_callbacks
):
    startup, investor = fair["startup"], fair["investor"]
    with django_capture_on_commit_callbacks(execute=True):
        request = services.send_request(sender=investor, recipient=startup, by=investor.person.user)
        services.accept_request(request=request, by=startup.person.user)
    org = startup.organisation.name_en  # the investor reads English
    assert inbox(investor)[-1] == (
        "partnering.request_accepted",
        f"{org} accepted your meeting request at San Diego Partnering Day.",
        "/events/notify-day/agenda/",
    )
    assert "https://bridgehead.example/events/notify-day/agenda/" in mailoutbox[-1].body
    second = participant(fair["event"], "startup", "gorae", language="ko", zone="Asia/Seoul")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.send_request(sender=second, recipient=investor, by=second.person.user)
        services.decline_request(request=request, by=investor.person.user, no_thanks=True)
    kind, text, url = inbox(second)[-1]
    assert (kind, url) == ("partnering.request_declined", "/events/notify-day/requests/")
    assert text == f"{investor.organisation.name_ko}에서 {fair['event'].title_ko} 미팅 요청을 거절했습니다."
    assert "https://bridgehead.example/events/notify-day/requests/" in mailoutbox[-1].body


def test_publish_and_cancel_are_told_to_both_sides_only(fair, mailoutbox, django_capture_on_commit_callbacks):
    startup, investor = fair["startup"], fair["investor"]
    request = services.send_request(sender=startup, recipient=investor, by=startup.person.user)
    meeting = services.accept_request(request=request, by=investor.person.user)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduling.start_solve(event=fair["event"], by=fair["manager"], time_limit=3)
    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.publish_run(run=run, by=fair["manager"])
    meeting.refresh_from_db()
    when = meeting.slot.starts_at.astimezone(dt.timezone(dt.timedelta(hours=-7))).strftime("%Y-%m-%d %H:%M")
    assert inbox(investor) == [
        (
            "partnering.meeting_scheduled",
            f"Your meeting with {startup.organisation.name_en} at San Diego Partnering Day is scheduled: "
            f"{when} (America/Los_Angeles).",
            "/events/notify-day/agenda/",
        ),
    ]
    assert [kind for kind, _text, _url in inbox(startup)] == ["partnering.meeting_scheduled"]
    assert "(Asia/Seoul)" in inbox(startup)[0][1]
    assert "https://bridgehead.example/events/notify-day/agenda/" in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting=meeting, by=startup.person.user)
    assert inbox(investor)[-1][0] == "partnering.meeting_cancelled"
    assert [kind for kind, _text, _url in inbox(startup)] == ["partnering.meeting_scheduled"]  # not the canceller
    assert inbox(fair["stranger"]) == []
    assert Notification.objects.filter(user=fair["manager"]).count() == 0


def test_a_silenced_loader_tells_nobody(fair, mailoutbox, django_capture_on_commit_callbacks):
    """The demo and imports replay history: no inbox entry, no e-mail, no notices task after a publish."""
    from bridgehead.partnering import notify
    from bridgehead.partnering.models import ScheduleRun

    startup, investor = fair["startup"], fair["investor"]
    with notify.silenced(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        request = services.send_request(sender=startup, recipient=investor, by=startup.person.user)
        meeting = services.accept_request(request=request, by=investor.person.user)
        run = scheduling.start_solve(event=fair["event"], by=fair["manager"], time_limit=3)
    run = ScheduleRun.objects.get(pk=run.pk)
    with notify.silenced(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        scheduling.publish_run(run=run, by=fair["manager"])
    assert callbacks == []
    assert Notification.objects.count() == 0 and mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(meeting=meeting, by=startup.person.user)
    assert inbox(investor)[-1][0] == "partnering.meeting_cancelled"  # outside the block, people are told again


def test_the_daily_reminder_links_to_the_requests_page(fair, mailoutbox, django_capture_on_commit_callbacks):
    services.send_request(sender=fair["startup"], recipient=fair["investor"], by=fair["startup"].person.user)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_pending(event=fair["event"]) == 1
    assert [m.to for m in mailoutbox] == [["pacific@x.org"]]
    assert "https://bridgehead.example/events/notify-day/requests/" in mailoutbox[0].body.splitlines()
