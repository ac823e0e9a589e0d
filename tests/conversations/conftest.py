"""Conversations test set-up: an event with two participants (one Korean, one American) and a request between
them, a participant of another event, a program with an application and an outcome, and another program."""

from __future__ import annotations

import datetime as dt

import pytest

from bridgehead.partnering import services as partnering
from tests.factories import OrganisationFactory, ProgramFactory, UserFactory, grant
from tests.outcomes.factories import OutcomeFactory
from tests.partnering.factories import EventFactory, add_session, participant
from tests.programs.factories import ApplicationFactory, CallFactory


@pytest.fixture
def talk(db, settings):
    settings.SITE_URL = "https://bridgehead.example"
    event = EventFactory(slug="talk-day")
    add_session(event, dt.date(2026, 6, 1), "09:00", "10:00")
    other_event = EventFactory(slug="other-day")
    add_session(other_event, dt.date(2026, 6, 1), "09:00", "10:00")
    startup = participant(event, "startup", "haeum", language="ko", zone="Asia/Seoul")
    investor = participant(event, "investor", "pacific")
    request = partnering.send_request(
        sender=investor, recipient=startup, message="Shall we meet?", by=investor.person.user
    )
    program = event.program
    startup_org = startup.organisation
    call = CallFactory(program=program, slug="talk-call")
    application = ApplicationFactory(call=call, organisation=startup_org, created_by=startup.person.user)
    outcome = OutcomeFactory(program=program, organisation=startup_org)
    their_program = ProgramFactory(slug="their-talk-program")
    their_application = ApplicationFactory(
        call=CallFactory(program=their_program, slug="their-call"),
        organisation=OrganisationFactory(slug="their-startup", kind="startup"),
    )
    return {
        "event": event,
        "startup": startup,
        "investor": investor,
        "haeum": startup.person.user,
        "pacific": investor.person.user,
        "request": request,
        "stranger": participant(other_event, "investor", "harbor").person.user,
        "manager": grant(UserFactory(username="pm", email="pm@x.org"), "program_manager", program=program),
        "reviewer": grant(UserFactory(username="rev"), "reviewer", program=program),
        "their_manager": grant(UserFactory(username="their-pm"), "program_manager", program=their_program),
        "application": application,
        "outcome": outcome,
        "their_application": their_application,
        "guest": UserFactory(username="guest"),
    }
