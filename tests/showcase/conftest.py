"""A public agreement and a private one, each with a program, startups, outcomes and events — every kind of
thing the showcase must show, beside every kind it must never show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from bridgehead.core.models import Notification
from bridgehead.registry.models import Person, PublicListingConsent
from tests.factories import (
    AgreementFactory,
    CommitmentFactory,
    OrganisationFactory,
    ProgramFactory,
    SignatoryFactory,
    UserFactory,
    grant,
    member,
)
from tests.outcomes.factories import OutcomeFactory
from tests.partnering.factories import EventFactory
from tests.programs.factories import CohortFactory, CohortMemberFactory

#: Text that must never reach an anonymous visitor (names, amounts, contact details, titles).
SECRETS = {
    "confidential title": "Secret Merger Deal",
    "confidential amount": "987,654",
    "confidential amount as Korean pages print it": "98만 7,654",
    "draft outcome": "Unconfirmed Draft Deal",
    "non-consenting startup": "Quiet Robotics",
    "non-consenting outcome": "Quiet Robotics Contract",
    "withdrawn consent": "Former Bio",
    "private agreement": "Private Pact",
    "private program": "Private Accelerator",
    "private startup": "Hidden Hydrogen",
    "private outcome": "Hidden Deal",
    "person e-mail": "founder@openmed.example",
    "person phone": "+82-10-5555-0199",
    "past event": "Past Partnering Day",
    "draft event": "Draft Partnering Day",
    "private event": "Private Partnering Day",
    "non-public program": "Internal Program",
}


def confirmed(**fields):
    return OutcomeFactory(confirmed_at=timezone.now(), **fields)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def show(db):
    """The world; ``show`` is a dict of its objects by name."""
    today = timezone.localdate()
    o: dict = {}
    o["agreement"] = agreement = AgreementFactory(
        slug="ulsan-sd", title_en="Ulsan–San Diego MOU", title_ko="울산–샌디에이고 협약", is_public=True
    )
    CommitmentFactory(agreement=agreement, text_en="Exchange twenty startups a year", text_ko="연 20개 기업 교류")
    SignatoryFactory(agreement=agreement, organisation=OrganisationFactory(slug="ulsan-city", name_en="Ulsan City"))
    o["program"] = program = ProgramFactory(
        agreement=agreement,
        slug="bio-bridge",
        title_en="Bio Bridge",
        title_ko="바이오 브릿지",
        description_en="An accelerator for health startups.",
        description_ko="헬스케어 스타트업 액셀러레이터입니다.",
        is_public=True,
    )
    o["internal_program"] = ProgramFactory(agreement=agreement, slug="internal", title_en="Internal Program")
    cohort = CohortFactory(program=program)
    o["startup"] = startup = OrganisationFactory(slug="openmed", name_en="OpenMed Labs", name_ko="오픈메드랩스")
    o["quiet"] = quiet = OrganisationFactory(slug="quiet", name_en="Quiet Robotics", name_ko="콰이어트로보틱스")
    o["former"] = former = OrganisationFactory(slug="former", name_en="Former Bio", name_ko="포머바이오")
    for organisation in (startup, quiet, former):
        CohortMemberFactory(cohort=cohort, organisation=organisation)
    o["site_admin"] = admin = grant(UserFactory(username="admin"), "site_admin")
    PublicListingConsent.objects.create(organisation=startup, given_by=admin)
    PublicListingConsent.objects.create(
        organisation=former, given_by=admin, withdrawn_at=timezone.now(), withdrawn_by=admin
    )
    founder = UserFactory(username="founder", email="founder@openmed.example")
    o["founder"] = founder
    person = Person.objects.create(
        organisation=startup,
        name_en="Min Founder",
        email="founder@openmed.example",
        user=founder,
        bio_en="Call +82-10-5555-0199",
    )
    member(person, startup, is_admin=True)

    o["public_outcome"] = confirmed(
        organisation=startup,
        program=program,
        cohort=cohort,
        title_en="Seed Round With Harbor Ventures",
        title_ko="하버벤처스 시드 투자",
        status="closed",
        amount=Decimal("123456"),
        currency="USD",
    )
    confirmed(
        organisation=startup,
        program=program,
        title_en="Secret Merger Deal",
        status="closed",
        amount=Decimal("987654"),
        currency="USD",
        is_confidential=True,
    )
    OutcomeFactory(organisation=startup, program=program, title_en="Unconfirmed Draft Deal", status="closed")
    confirmed(organisation=quiet, program=program, title_en="Quiet Robotics Contract", status="closed")

    o["manager"] = grant(UserFactory(username="manager"), "program_manager", program=program)
    o["event"] = event = EventFactory(
        program=program,
        slug="sd-day",
        title_en="San Diego Partnering Day",
        title_ko="샌디에이고 파트너링 데이",
        description_en="Meet San Diego investors.",
    )
    event.sessions.create(date=today + dt.timedelta(days=30), starts=dt.time(9), ends=dt.time(12))
    past = EventFactory(program=program, slug="past-day", title_en="Past Partnering Day")
    past.sessions.create(date=today - dt.timedelta(days=30), starts=dt.time(9), ends=dt.time(12))
    draft = EventFactory(program=program, slug="draft-day", title_en="Draft Partnering Day", status="draft")
    draft.sessions.create(date=today + dt.timedelta(days=40), starts=dt.time(9), ends=dt.time(12))

    # The second tenant: an agreement nobody made public, with its own consenting startup and everything.
    hidden = AgreementFactory(slug="private-pact", title_en="Private Pact")
    hidden_program = ProgramFactory(
        agreement=hidden, slug="private-acc", title_en="Private Accelerator", is_public=True
    )
    o["hidden_program"] = hidden_program
    hidden_startup = OrganisationFactory(slug="hidden-h2", name_en="Hidden Hydrogen")
    CohortMemberFactory(cohort=CohortFactory(program=hidden_program), organisation=hidden_startup)
    PublicListingConsent.objects.create(organisation=hidden_startup, given_by=admin)
    confirmed(organisation=hidden_startup, program=hidden_program, title_en="Hidden Deal", status="closed")
    o["hidden_event"] = hidden_event = EventFactory(
        program=hidden_program, slug="private-day", title_en="Private Partnering Day"
    )
    hidden_event.sessions.create(date=today + dt.timedelta(days=20), starts=dt.time(9), ends=dt.time(12))
    o["hidden_manager"] = grant(UserFactory(username="hidden-manager"), "program_manager", program=hidden_program)
    Notification.objects.all().delete()
    return o
