"""Automatic and declared conflicts of interest; a conflicted reviewer cannot open the application."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bridgehead.core.errors import Refused
from bridgehead.programs import services
from bridgehead.programs.conflicts import conflicts_between
from bridgehead.programs.models import ReviewAssignment
from bridgehead.registry import memberships
from tests.factories import OrganisationFactory, PersonFactory
from tests.programs.factories import ApplicationFactory, RelationshipFactory, ReviewAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(world, call):
    startup = OrganisationFactory(
        slug="thyro", kind="startup", website="https://www.thyro.example", email_domain="thyro.kr"
    )
    return ApplicationFactory(call=call, organisation=startup)


def test_no_conflict_for_an_unrelated_reviewer(world, application):
    assert conflicts_between(application, world["users"]["reviewer"]) == []


def test_same_organisation(world, application):
    PersonFactory(user=world["users"]["reviewer"], organisation=application.organisation)
    assert conflicts_between(application, world["users"]["reviewer"]) == ["same_organisation"]


def test_investment_in_either_direction(world, application):
    reviewer = world["users"]["reviewer"]
    fund = OrganisationFactory(slug="fund", kind="investor")
    PersonFactory(user=reviewer, organisation=fund)
    RelationshipFactory(source=fund, target=application.organisation, kind="investment")
    assert conflicts_between(application, reviewer) == ["relationship"]


def test_partnership_recorded_from_the_startups_side(world, application):
    reviewer = world["users"]["investor"]  # acts for Investor Co through a member role
    RelationshipFactory(source=application.organisation, target=world["investor"], kind="partnership")
    assert conflicts_between(application, reviewer) == ["relationship"]


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("kim@thyro.kr", ["email_domain"]),
        ("kim@thyro.example", ["email_domain"]),
        ("kim@gmail.com", []),
        ("kim@ucsd.edu", []),
    ],
)
def test_same_email_domain(world, application, email, expected):
    reviewer = world["users"]["reviewer"]
    reviewer.email = email
    reviewer.save()
    assert conflicts_between(application, reviewer) == expected


def test_declared_conflict_withdraws_the_assignment_and_hides_the_application(world, login, application):
    reviewer = world["users"]["reviewer"]
    ReviewAssignmentFactory(application=application, reviewer=reviewer)
    client = login(reviewer)
    assert client.get(reverse("application-review", args=[application.pk])).status_code == 200

    response = client.post(reverse("application-conflict", args=[application.pk]), {"reason": "I advise them"})

    assert response.status_code == 302
    assert conflicts_between(application, reviewer) == ["declared"]
    assert ReviewAssignment.objects.filter(reviewer=reviewer).count() == 0
    assert client.get(reverse("application-detail", args=[application.pk])).status_code == 404


def test_conflicted_reviewer_cannot_open_even_an_assigned_application(world, login, application):
    reviewer = world["users"]["reviewer"]
    ReviewAssignmentFactory(application=application, reviewer=reviewer)
    person = PersonFactory(user=reviewer, organisation=application.organisation)
    # A current member sees their own startup's application as its applicant; a former one (the conflict
    # remains) sees nothing of it.
    memberships.end_membership(membership=person.memberships.get(), by=reviewer)
    client = login(reviewer)

    assert client.get(reverse("application-detail", args=[application.pk])).status_code == 404
    assert client.get(reverse("application-review", args=[application.pk])).status_code == 404
    with pytest.raises(Refused) as refused:
        services.save_review(
            assignment=ReviewAssignment.objects.get(), scores={}, comment="", submit=False, by=reviewer
        )
    assert refused.value.code == "permission.programs.write_review"


def test_reviewer_cannot_open_an_unassigned_application(world, login, application):
    client = login(world["users"]["reviewer"])
    assert client.get(reverse("application-detail", args=[application.pk])).status_code == 404
    assert client.get(reverse("application-review", args=[application.pk])).status_code == 404


def test_clearing_ones_own_affiliation_does_not_lift_the_conflict(world, login, application):
    """Issue 13 finding 2: a reviewer of the applicant's organisation set their own organisation to empty and
    then opened the application. The record's organisation now follows memberships (the API refuses the
    change), and a membership the reviewer ends still counts as a past affiliation."""
    reviewer = world["users"]["reviewer"]
    ReviewAssignmentFactory(application=application, reviewer=reviewer)
    person = PersonFactory(user=reviewer, organisation=application.organisation)
    client = login(reviewer)
    # As a member they see their startup's application, but may not review it.
    assert client.get(reverse("application-review", args=[application.pk])).status_code == 403

    api = client.patch(f"/api/people/{person.pk}", json.dumps({"organisation": None}), content_type="application/json")
    assert api.status_code == 422
    assert api.json()["code"] == "registry.person.organisation_by_membership"

    memberships.end_membership(membership=person.memberships.get(), by=reviewer)  # leaving is allowed…
    person.refresh_from_db()
    assert person.organisation is None
    assert conflicts_between(application, reviewer) == ["same_organisation"]  # …but the past still conflicts
    assert client.get(reverse("application-detail", args=[application.pk])).status_code == 404
    assert client.get(reverse("application-review", args=[application.pk])).status_code == 404


def test_the_account_email_changes_only_with_the_password(world, login, application):
    """Issue 13 finding 2: the e-mail domain conflict read an address changeable without the password."""
    reviewer = world["users"]["reviewer"]
    reviewer.email = "kim@thyro.kr"
    reviewer.save()
    client = login(reviewer)
    data = {"display_name": "Kim", "email": "kim@gmail.com", "language": "en", "time_zone": "Asia/Seoul"}
    page = client.post(reverse("preferences"), data)
    assert page.status_code == 200
    assert page.context["form"].has_error("current_password", code="core.preferences.password_required")
    reviewer.refresh_from_db()
    assert reviewer.email == "kim@thyro.kr"
    assert conflicts_between(application, reviewer) == ["email_domain"]
    client.post(reverse("preferences"), {**data, "current_password": "pw-for-tests-1"})
    reviewer.refresh_from_db()
    assert reviewer.email == "kim@gmail.com"  # with the password it is the person's own choice
