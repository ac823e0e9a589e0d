"""The matching engine sees applications and reviewers by id; names reach it only as labels."""

from __future__ import annotations

import pytest

from bridgehead.programs import assignment as assigning
from bridgehead.programs.enums import RunStatus
from bridgehead.programs.models import Application, AssignmentRun, Exclusion, ReviewAssignment
from tests.factories import OrganisationFactory
from tests.programs.factories import ApplicationFactory
from tests.programs.test_assignment import TEXTS, _applications, _panel

pytestmark = pytest.mark.django_db


def test_two_applications_with_the_same_name_are_each_assigned(world, call, monkeypatch):
    # Two startups of one name, and applications shown by that name alone: the engine used to key
    # applications by str(application), so these two collided.
    monkeypatch.setattr(Application, "__str__", lambda self: self.organisation.name)
    members = _panel(call, world, n=3)
    twins = [
        ApplicationFactory(
            call=call,
            answers={"summary": TEXTS[i]},
            organisation=OrganisationFactory(slug=f"acme-{i}", name_en="Acme Bio", kind="startup"),
        )
        for i in range(2)
    ]
    assert str(twins[0]) == str(twins[1])
    call.reviews_per_application, call.max_reviews_per_reviewer = 2, 2
    call.save()

    run = assigning.execute(AssignmentRun.objects.create(call=call, requested_by=world["users"]["manager"]).pk)

    assert (run.status, run.assigned, run.problems) == (RunStatus.SUCCEEDED, 4, [])
    pairs = set(ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    assert {a for a, _r in pairs} == {twins[0].pk, twins[1].pk}
    assert all(sum(1 for a, _r in pairs if a == twin.pk) == 2 for twin in twins)
    # Each twin keeps the reviewer whose expertise is its own text (rev0 ↔ TEXTS[0], rev1 ↔ TEXTS[1]).
    assert (twins[0].pk, members[0].user_id) in pairs and (twins[1].pk, members[1].user_id) in pairs


def test_the_engines_explanation_names_applications_and_reviewers(world, call):
    members = _panel(call, world, n=4)
    applications = _applications(call, n=4)
    for application in applications[:3]:
        for member in members[2:]:
            Exclusion.objects.create(application=application, reviewer=member.user, by=world["users"]["manager"])
    call.reviews_per_application, call.max_reviews_per_reviewer = 2, 2
    call.save()

    run = assigning.execute(AssignmentRun.objects.create(call=call, requested_by=world["users"]["manager"]).pk)

    assert run.status == RunStatus.FAILED
    items = ", ".join(str(a) for a in applications[:3])
    people = ", ".join(f"{m.user} (#{m.user_id})" for m in members[:2])
    assert run.problems == [
        f"items {items} need 6 assignments together, but their only eligible people {people} can take 4 "
        "(max loads); 2 assignment(s) cannot be made"
    ]
