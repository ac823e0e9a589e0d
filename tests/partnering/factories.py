"""Factories and builders for partnering tests."""

from __future__ import annotations

import datetime as dt

import factory

from bridgehead.partnering import services
from bridgehead.partnering.models import Event, EventSession
from bridgehead.registry.models import Person
from tests.factories import OrganisationFactory, ProgramFactory, UserFactory


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


def add_session(event: Event, date: dt.date, starts: str, ends: str, **kwargs) -> EventSession:
    session = EventSession.objects.create(
        event=event, date=date, starts=dt.time.fromisoformat(starts), ends=dt.time.fromisoformat(ends), **kwargs
    )
    services.build_slots(event=event)
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
    user = UserFactory(username=name, language=language, time_zone=zone)
    organisation = OrganisationFactory(
        slug=f"{name}-org", name_en=f"{name.title()} Org", kind=kind, country="KR" if language == "ko" else "US"
    )
    person = Person.objects.create(
        user=user, organisation=organisation, name_en=name.title(), email=f"{name}@x.org", time_zone=zone
    )
    return services.register_participant(
        event=event, person=person, by=user, language=language, attendance=attendance, **profile
    )
