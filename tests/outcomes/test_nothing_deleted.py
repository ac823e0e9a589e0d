"""Outcomes are not deleted by accident (issue 13): a confirmed record is someone else's work and is never
deleted; the delete of an unconfirmed one first shows what it takes with it; the cohort, event and meeting an
outcome is attributed to cannot be deleted from under it."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from bridgehead.core.errors import Kind, Refused
from bridgehead.outcomes import services
from bridgehead.outcomes.models import Kpi, Outcome, StatusChange
from tests.factories import UserFactory, grant
from tests.outcomes.factories import KpiFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def _confirmed(ow) -> Outcome:
    return OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["startup"],
        title_en="Signed distribution deal",
        confirmed_at=timezone.now(),
        confirmed_by=ow["users"]["investor"],
    )


def test_a_confirmed_outcome_cannot_be_deleted(ow):
    outcome = _confirmed(ow)

    with pytest.raises(Refused) as refused:
        services.delete_outcome(outcome=outcome, by=ow["users"]["manager"])

    assert (refused.value.code, refused.value.kind) == ("outcomes.outcome.confirmed", Kind.CONFLICT)
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_the_page_refuses_a_confirmed_delete_with_its_code_and_offers_no_button(ow, login):
    outcome = _confirmed(ow)
    client = login(ow["users"]["manager"])

    detail = client.get(reverse("outcome-detail", args=[outcome.pk])).content.decode()
    posted = client.post(reverse("outcome-delete", args=[outcome.pk]), follow=True).content.decode()
    asked = client.get(reverse("outcome-delete", args=[outcome.pk]), follow=True).content.decode()

    assert 'data-testid="delete-outcome"' not in detail
    assert 'data-refusal-code="outcomes.outcome.confirmed"' in posted
    assert 'data-refusal-code="outcomes.outcome.confirmed"' in asked
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_deleting_an_unconfirmed_outcome_first_lists_what_goes_with_it(ow, login):
    outcome = OutcomeFactory(program=ow["our_program"], organisation=ow["startup"], title_en="Duplicate lead")
    StatusChange.objects.create(outcome=outcome, status="lead", on=outcome.occurred_on)
    StatusChange.objects.create(outcome=outcome, status="negotiating", on=outcome.occurred_on)
    client = login(ow["users"]["manager"])

    page = client.get(reverse("outcome-delete", args=[outcome.pk])).content.decode()
    assert "2 × Status changes" in page
    assert Outcome.objects.filter(pk=outcome.pk).exists()  # asking deletes nothing

    client.post(reverse("outcome-delete", args=[outcome.pk]))
    assert not Outcome.objects.filter(pk=outcome.pk).exists()


def test_another_programs_manager_cannot_even_see_the_delete_page(ow, login):
    """Second tenant: their manager gets 404 for our outcome and the refusal code from the service."""
    outcome = OutcomeFactory(program=ow["our_program"], organisation=ow["startup"])
    theirs = grant(UserFactory(username="their-manager"), "program_manager", program=ow["their_program"])

    assert login(theirs).get(reverse("outcome-delete", args=[outcome.pk])).status_code == 404
    assert login(theirs).post(reverse("outcome-delete", args=[outcome.pk])).status_code == 404
    with pytest.raises(Refused) as refused:
        services.delete_outcome(outcome=outcome, by=theirs)
    assert refused.value.code == "permission.outcomes.delete_outcome"
    with pytest.raises(Refused) as refused:
        services.delete_outcome(outcome=ow["their_outcome"], by=ow["users"]["manager"])
    assert refused.value.code == "permission.outcomes.delete_outcome"
    assert Outcome.objects.filter(pk__in=[outcome.pk, ow["their_outcome"].pk]).count() == 2


@pytest.mark.parametrize("source", ["meeting", "event", "cohort"])
def test_what_an_outcome_is_attributed_to_cannot_be_deleted_from_under_it(ow, source):
    outcome = OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["startup"],
        cohort=ow["cohort"],
        event=ow["event"],
        meeting=ow["meeting"],
    )

    with pytest.raises(ProtectedError):
        ow[source].delete()

    outcome.refresh_from_db()
    assert (outcome.cohort_id, outcome.event_id, outcome.meeting_id) == (
        ow["cohort"].pk,
        ow["event"].pk,
        ow["meeting"].pk,
    )


def test_a_commitment_the_signatories_watch_a_kpi_for_cannot_be_deleted(ow):
    kpi = KpiFactory(program=ow["our_program"], commitment=ow["commitment"])

    with pytest.raises(ProtectedError):
        ow["commitment"].delete()

    assert Kpi.objects.filter(pk=kpi.pk).exists()
