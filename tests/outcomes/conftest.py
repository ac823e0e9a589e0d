"""An outcomes world on top of the shared ``world``: a commitment, a cohort, a partnering event with meetings,
a second startup, and one outcome in the other program (for "never data from another program")."""

from __future__ import annotations

import pytest
from django.utils import translation

from bridgehead.programs.models import Cohort, CohortMember
from tests.factories import CommitmentFactory, OrganisationFactory, UserFactory, grant
from tests.outcomes.factories import OutcomeFactory, meeting_between, participant
from tests.partnering.factories import EventFactory


@pytest.fixture(autouse=True)
def _language_reset():
    """The preferences middleware activates a Korean viewer's language for the thread and leaves it active;
    reset it so a later test in the same worker does not run in Korean."""
    yield
    translation.deactivate()


@pytest.fixture
def ow(world):
    program = world["our_program"]
    commitment = CommitmentFactory(
        agreement=world["ours"], text_en="Help startups expand abroad", text_ko="스타트업 해외 진출 지원"
    )
    program.commitments.add(commitment)
    cohort = Cohort.objects.create(program=program, year=2024, name_en="Cohort 2024", name_ko="2024 기수")
    CohortMember.objects.create(cohort=cohort, organisation=world["startup"])
    other = OrganisationFactory(slug="other-startup", kind="startup", name_en="Other Startup", name_ko="다른스타트업")
    other_user = grant(UserFactory(username="other_startup"), "startup_member", organisation=other)
    CohortMember.objects.create(cohort=cohort, organisation=other)
    event = EventFactory(slug="our-event", program=program)
    startup_p = participant(event, world["startup"], user=world["users"]["startup"])
    investor_p = participant(event, world["investor"], user=world["users"]["investor"])
    other_p = participant(event, other)
    ours_meeting = meeting_between(event, startup_p, investor_p)
    other_meeting = meeting_between(event, other_p, investor_p)
    their_outcome = OutcomeFactory(
        program=world["their_program"],
        organisation=OrganisationFactory(slug="their-startup", kind="startup"),
        title_en="Their secret deal",
        title_ko="그들의 거래",
    )
    return {
        **world,
        "commitment": commitment,
        "cohort": cohort,
        "other": other,
        "other_user": other_user,
        "event": event,
        "meeting": ours_meeting,
        "other_meeting": other_meeting,
        "their_outcome": their_outcome,
    }
