"""Factories and builders for partnering tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import factory
import pytest

from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import User
from bridgehead.partnering import services
from bridgehead.partnering.models import Event, EventSession
from bridgehead.registry.models import Person
from tests.factories import OrganisationFactory, ProgramFactory, UserFactory, member


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        django_get_or_create = ("slug",)

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"event-{n}")
    title_en = "San Diego Partnering Day"
    title_ko = "샌디에이고 파트너링 데이"
    venue_en = "UC San Diego"
    time_zone = "America/Los_Angeles"
    slot_minutes = 30
    tables = 10
    status = "published"


def site_admin() -> User:
    """Someone who runs every event (a superuser), for set-up steps whose actor the test does not care about."""
    return User.objects.get_or_create(username="site-admin", defaults={"is_superuser": True})[0]


@contextmanager
def refused(code: str, kind: Kind | None = None, **params) -> Iterator[pytest.ExceptionInfo[Refused]]:
    """Expect a :class:`Refused` with ``code`` (and ``kind``, and these ``params`` when given)."""
    with pytest.raises(Refused) as caught:
        yield caught
    assert caught.value.code == code
    if kind is not None:
        assert caught.value.kind == kind
    for name, value in params.items():
        assert caught.value.params[name] == value


def add_session(event: Event, date: dt.date, starts: str, ends: str, **kwargs) -> EventSession:
    session = EventSession.objects.create(
        event=event, date=date, starts=dt.time.fromisoformat(starts), ends=dt.time.fromisoformat(ends), **kwargs
    )
    services.build_slots(event=event, by=site_admin())
    return session


def participant(
    event: Event,
    kind: str,
    name: str,
    *,
    language: str = "en",
    zone: str = "America/Los_Angeles",
    attendance: str = "in_person",
    **profile,
):
    """A user + person + organisation registered for the event (what a real sign-up produces)."""
    user = UserFactory(username=name, email=f"{name}@x.org", language=language, time_zone=zone)
    organisation = OrganisationFactory(
        slug=f"{name}-org", name_en=f"{name.title()} Org", kind=kind, country="KR" if language == "ko" else "US"
    )
    person = Person.objects.create(user=user, name_en=name.title(), email=f"{name}@x.org", time_zone=zone)
    member(person, organisation)  # verified affiliation: registration reads memberships (Issue 13 finding 1)
    return services.register_participant(
        event=event, person=person, by=user, language=language, attendance=attendance, **profile
    )
