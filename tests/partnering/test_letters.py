"""Partnering e-mails greet the participant by name and close with the sender — the program's office, or the
event's organisers — in the participant's language (issue 17): Korean with no English words but names and
links, English with no Hangul, every link absolute."""

from __future__ import annotations

import datetime as dt

import pytest

from bridgehead.partnering import notify, services
from tests.factories import ProgramFactory
from tests.letters import assert_english, assert_korean, english_words
from tests.outcomes.factories import meeting_between
from tests.partnering.factories import EventFactory, add_session, participant

pytestmark = pytest.mark.django_db

SITE = "https://bridgehead.example"
NAMES = ["Haeum Org", "Pacific Org", "Haeum", "Pacific"]  # people and organisations named only in English


@pytest.fixture
def fair(settings):
    settings.SITE_URL = SITE
    program = ProgramFactory(
        office_name_ko="울산정보산업진흥원 운영 사무국",
        office_name_en="Ulsan IT Industry Agency",
        office_email="office@uipa.example",
        office_phone="052-000-1234",
    )
    event = EventFactory(slug="letters-day", program=program)
    add_session(event, dt.date(2026, 6, 1), "09:00", "10:00")
    startup = participant(event, "startup", "haeum", language="ko", zone="Asia/Seoul")
    investor = participant(event, "investor", "pacific")
    return {"event": event, "startup": startup, "investor": investor, "program": program}


def _templates(request, fair):
    """Every partnering e-mail about one request, with the context its notice gives it."""
    event = fair["event"]
    links = notify._links(event.slug)
    return [
        ("partnering/email/request_received.txt", {"request": request, **links}),
        ("partnering/email/request_accepted.txt", {"request": request, **links}),
        ("partnering/email/request_declined.txt", {"request": request, **links}),
        ("partnering/email/request_expired.txt", {"request": request, **links}),
        ("partnering/email/pending_reminder.txt", {"requests": [request], "event": event, **links}),
    ]


def test_every_request_e_mail_greets_and_signs_in_the_readers_language(fair):
    request = services.send_request(
        sender=fair["investor"], recipient=fair["startup"], by=fair["investor"].person.user, message="Hello!"
    )
    for template, context in _templates(request, fair):
        _address, subject, body = notify.render_for(fair["startup"], template, context)
        assert_korean(
            subject,
            body.replace("“Hello!”", ""),  # the sender's own words are quoted as written
            greeting="Haeum 님, 안녕하십니까.",
            sender="울산정보산업진흥원 운영 사무국",
            names=NAMES,
            site=SITE,
        )
        assert body.rstrip().endswith("울산정보산업진흥원 운영 사무국 드림\n연락처: 052-000-1234 · office@uipa.example")

        _address, subject, body = notify.render_for(fair["investor"], template, context)
        assert_english(
            subject,
            body,
            greeting="Dear Pacific,",
            closing="Kind regards,",
            sender="Ulsan IT Industry Agency",
            site=SITE,
        )


def test_meeting_e_mails_greet_and_sign_in_the_readers_language(fair):
    """Cancelled meetings and agenda changes; ".ics" is a file type, not an English word."""
    event = fair["event"]
    meeting = meeting_between(event, fair["startup"], fair["investor"])
    links = notify._links(event.slug)
    for template, context in [
        ("partnering/email/meeting_cancelled.txt", {"meeting": meeting, **links}),
        ("partnering/email/schedule_changed.txt", {"event": event, "changes": {"unplaced": [meeting]}, **links}),
    ]:
        _address, subject, body = notify.render_for(fair["startup"], template, context)
        assert_korean(
            subject,
            body,
            greeting="Haeum 님, 안녕하십니까.",
            sender="울산정보산업진흥원 운영 사무국",
            names=[*NAMES, ".ics"],
            site=SITE,
        )
        _address, subject, body = notify.render_for(fair["investor"], template, context)
        assert_english(
            subject,
            body,
            greeting="Dear Pacific,",
            closing="Kind regards,",
            sender="Ulsan IT Industry Agency",
            site=SITE,
        )


def test_the_check_finds_english_left_in_korean_text():
    """The checker itself: a role name left in English is caught; names, addresses and links are not."""
    text = "사업 담당자(Program manager)가 Haeum Org에 https://x.example/a/ 로 office@x.example 에 보냈습니다."
    assert english_words(text, names=["Haeum Org"]) == ["Program", "manager"]


def test_an_event_without_a_program_is_signed_by_its_organisers(fair):
    event = EventFactory(slug="open-day", program=None)
    add_session(event, dt.date(2026, 6, 2), "09:00", "10:00")
    startup = participant(event, "startup", "gamcheon", language="ko", zone="Asia/Seoul")
    investor = participant(event, "investor", "harbor")
    request = services.send_request(sender=investor, recipient=startup, by=investor.person.user)
    context = {"request": request, **notify._links(event.slug)}

    _address, _subject, body = notify.render_for(startup, "partnering/email/request_received.txt", context)
    assert body.rstrip().endswith("감사합니다.\n샌디에이고 파트너링 데이 운영 사무국 드림")
    _address, _subject, body = notify.render_for(investor, "partnering/email/request_accepted.txt", context)
    assert body.rstrip().endswith("Kind regards,\nSan Diego Partnering Day organisers")
