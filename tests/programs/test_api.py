"""The programs API: calls, own applications, own reviews, cohorts — with the pages' permissions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from bridgehead.programs.enums import ApplicationStatus, ReviewStatus
from bridgehead.programs.models import Application, Review
from tests.programs.factories import (
    ApplicationFactory,
    CallFactory,
    CohortFactory,
    CohortMemberFactory,
    ReviewAssignmentFactory,
)

pytestmark = pytest.mark.django_db


def _json(client, method, url, payload=None):
    response = getattr(client, method)(url, data=json.dumps(payload or {}), content_type="application/json")
    return response.status_code, response.json() if response.content else None


def test_startup_applies_and_submits_through_the_api(world, login, call):
    client = login(world["users"]["startup"])

    status, created = _json(
        client,
        "post",
        f"/api/programs/calls/{call.pk}/applications",
        {"organisation": "startup-co", "answers": {"summary": "AI 진단", "track": "dx"}},
    )
    assert status == 201
    assert (created["status"], created["answers"]) == ("draft", {"summary": "AI 진단", "track": "dx"})

    status, refused = _json(client, "post", f"/api/programs/applications/{created['id']}/submit")
    assert (status, refused["code"], refused["field"]) == (422, "programs.application.incomplete", None)

    status, bad = _json(
        client,
        "patch",
        f"/api/programs/applications/{created['id']}",
        {"answers": {"track": "nope", "employees": "-1"}},
    )
    assert status == 422
    assert sorted(d["loc"][-1] for d in bad["detail"]) == ["answers.employees", "answers.track"]


def test_late_submission_through_the_api_is_refused(world, login, call):
    application = ApplicationFactory(
        call=call, organisation=world["startup"], status=ApplicationStatus.DRAFT, created_by=world["users"]["startup"]
    )
    call.closes_at = timezone.now() - dt.timedelta(seconds=1)
    call.save()

    client = login(world["users"]["startup"])
    status, body = _json(client, "post", f"/api/programs/applications/{application.pk}/submit")

    assert (status, body["code"]) == (409, "programs.application.closed")
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_applications_are_visible_only_to_their_startup(world, login, call):
    mine = ApplicationFactory(call=call, organisation=world["startup"])
    theirs = ApplicationFactory(call=call)
    client = login(world["users"]["startup"])

    assert [a["id"] for a in client.get("/api/programs/applications").json()["items"]] == [mine.pk]
    assert client.get(f"/api/programs/applications/{theirs.pk}").status_code == 404
    assert client.post(f"/api/programs/applications/{theirs.pk}/withdraw").status_code == 404


def test_calls_list_hides_unpublished_calls_except_from_managers(world, login, call):
    CallFactory(program=world["our_program"], slug="draft", is_published=False)

    startup = [c["slug"] for c in login(world["users"]["startup"]).get("/api/programs/calls").json()["items"]]
    manager = sorted(c["slug"] for c in login(world["users"]["manager"]).get("/api/programs/calls").json()["items"])

    assert startup == ["our-call"]
    assert manager == ["draft", "our-call"]


def test_reviewer_scores_through_the_api_within_the_scale(world, login, call):
    team, market = call.criteria.all()
    application = ApplicationFactory(call=call)
    ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    client = login(world["users"]["reviewer"])
    url = f"/api/programs/reviews/{application.pk}"

    status, refused = _json(client, "put", url, {"scores": [{"criterion": team.pk, "value": 11}], "submit": True})
    status_ok, review = _json(
        client,
        "put",
        url,
        {
            "scores": [{"criterion": team.pk, "value": 5}, {"criterion": market.pk, "value": 10}],
            "comment": "Excellent",
            "submit": True,
        },
    )

    assert (status, refused["code"], refused["field"]) == (
        422,
        "programs.review.score_out_of_range",
        f"score_{team.pk}",
    )
    assert status_ok == 200
    assert review == {
        "application": application.pk,
        "organisation": application.organisation.slug,
        "status": "submitted",
        "weighted": 100.0,
        "scores": {str(team.pk): 5, str(market.pk): 10},
        "comment": "Excellent",
    }
    assert Review.objects.get().status == ReviewStatus.SUBMITTED
    assert [r["application"] for r in client.get("/api/programs/reviews").json()["items"]] == [application.pk]


def test_unassigned_review_is_not_found(world, login, call):
    application = ApplicationFactory(call=call)
    status, _body = _json(
        login(world["users"]["reviewer"]), "put", f"/api/programs/reviews/{application.pk}", {"scores": []}
    )
    assert status == 404


def test_cohorts_follow_program_visibility(world, login):
    ours = CohortFactory(program=world["our_program"])
    CohortMemberFactory(cohort=ours, organisation=world["startup"])
    CohortFactory(program=world["their_program"], name_en="Theirs")

    seen = {
        name: [c["name_en"] for c in login(world["users"][name]).get("/api/programs/cohorts").json()["items"]]
        for name in ("manager", "observer", "startup", "investor", "guest", "admin")
    }

    assert seen == {
        "manager": ["Cohort 2024"],
        "observer": ["Cohort 2024"],
        "startup": ["Cohort 2024"],
        "investor": [],
        "guest": [],
        "admin": ["Cohort 2024", "Theirs"],
    }
