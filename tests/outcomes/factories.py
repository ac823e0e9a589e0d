"""Factories and builders for outcomes tests (real objects, no mocks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from bridgehead.outcomes.models import FxRate, Kpi, Outcome
from bridgehead.partnering.models import Meeting, MeetingRequest, Participant
from bridgehead.registry.models import Organisation, Person
from tests.factories import CommitmentFactory, OrganisationFactory, ProgramFactory


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    organisation = factory.SubFactory(OrganisationFactory, kind="startup")
    program = factory.SubFactory(ProgramFactory)
    kind = "investment"
    status = "lead"
    title_en = factory.Sequence(lambda n: f"Outcome {n}")
    title_ko = factory.Sequence(lambda n: f"성과 {n}")
    occurred_on = dt.date(2024, 6, 1)


class FxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FxRate

    program = factory.SubFactory(ProgramFactory)
    on = dt.date(2024, 1, 2)
    currency = "KRW"
    base = "USD"
    rate = Decimal("0.00075")


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    program = factory.SubFactory(ProgramFactory)
    commitment = factory.LazyAttribute(lambda o: CommitmentFactory(agreement=o.program.agreement))
    name_en = "Investment attracted"
    name_ko = "투자 유치액"
    metric = "amount"
    kind = "investment"
    counting = "closed"
    target = Decimal("1000000")
    currency = "USD"
    starts_on = dt.date(2024, 1, 1)
    ends_on = dt.date(2026, 12, 31)


def participant(event, organisation: Organisation, *, user=None) -> Participant:
    person = Person.objects.create(organisation=organisation, name_en=f"{organisation.name_en} person", user=user)
    return Participant.objects.create(event=event, person=person, organisation=organisation, kind=organisation.kind)


def meeting_between(event, first: Participant, second: Participant, *, status: str = "scheduled") -> Meeting:
    request = MeetingRequest.objects.create(event=event, sender=first, recipient=second, status="accepted")
    return Meeting.objects.create(event=event, request=request, first=first, second=second, status=status)


def closed_investment_and_confidential_contract(ow: dict, *, investment_title_en: str = "Series A investment") -> None:
    """The two outcomes every export test needs: a closed, confirmed KRW 1.3 billion Series A of our startup
    from our investor (named everywhere) and a closed, confirmed confidential US$200,000 contract of the
    second startup (named only in internal versions)."""
    program, now = ow["our_program"], timezone.now()
    OutcomeFactory(
        program=program,
        organisation=ow["startup"],
        status="closed",
        confirmed_at=now,
        title_ko="시리즈A 투자 유치",
        title_en=investment_title_en,
        amount=Decimal("1300000000"),
        currency="KRW",
        counterparty=ow["investor"],
        country="US",
        occurred_on=dt.date(2024, 9, 1),
    )
    OutcomeFactory(
        program=program,
        organisation=ow["other"],
        status="closed",
        confirmed_at=now,
        kind="contract",
        title_ko="비밀 공급 계약",
        title_en="Secret supply contract",
        is_confidential=True,
        amount=Decimal("200000"),
        currency="USD",
        occurred_on=dt.date(2024, 10, 1),
    )
