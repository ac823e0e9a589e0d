from __future__ import annotations

import datetime as dt

import pytest

from bridgehead.partnering import services
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant


@pytest.fixture
def fair(db):
    """A small published event: a Korean startup (Seoul), a US investor (San Diego), staff and an outsider."""
    event = EventFactory(slug="sd-day", tables=3, video_link_base="https://meet.example/bh")
    add_session(event, dt.date(2026, 6, 1), "09:00", "11:00", name_en="Morning", name_ko="오전")
    startup = participant(
        event, "startup", "haeum", language="ko", zone="Asia/Seoul", seeks="미국 투자 유치", offers="갑상선 진단 앱"
    )
    investor = participant(
        event,
        "investor",
        "pacific",
        seeks="digital health startups entering the US",
        offers="seed investment and US market access",
    )
    manager = grant(UserFactory(username="pm"), "program_manager", program=event.program)
    other_manager = grant(UserFactory(username="other-pm"), "program_manager", program=EventFactory(slug="x").program)
    request = services.send_request(sender=startup, recipient=investor, message="Hello", by=startup.person.user)
    meeting = services.accept_request(request=request, by=investor.person.user)
    return {
        "event": event,
        "startup": startup,
        "investor": investor,
        "manager": manager,
        "other_manager": other_manager,
        "outsider": UserFactory(username="outsider"),
        "meeting": meeting,
    }
