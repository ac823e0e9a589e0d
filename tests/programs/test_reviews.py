"""Scoring by rubric, normalisation per reviewer, disagreement and the ranking export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bridgehead.core.errors import Refused
from bridgehead.programs import services
from bridgehead.programs.enums import ReviewStatus
from bridgehead.programs.models import Review
from bridgehead.programs.scoring import ranking, weighted_score, z_scores
from tests.factories import OrganisationFactory, UserFactory, grant
from tests.programs.factories import ApplicationFactory, CriterionFactory, ReviewAssignmentFactory

pytestmark = pytest.mark.django_db


def _criteria(call):
    return list(call.criteria.all())


def test_weighted_score_puts_each_scale_on_0_to_100(call):
    team, market = _criteria(call)  # team: weight 2, 1–5; market: weight 1, 1–10
    assert weighted_score([team, market], {team.pk: 5, market.pk: 10}) == 100.0
    assert weighted_score([team, market], {team.pk: 1, market.pk: 1}) == 0.0
    assert weighted_score([team, market], {team.pk: 3, market.pk: 10}) == pytest.approx(66.67)


def test_z_scores_per_reviewer_and_neutral_for_a_single_review():
    z = z_scores({1: [(10, 60.0), (11, 80.0)], 2: [(10, 90.0)], 3: [(10, 50.0), (11, 50.0)]})
    assert z == {(1, 10): -1.0, (1, 11): 1.0, (2, 10): 0.0, (3, 10): 0.0, (3, 11): 0.0}


def test_reviewer_scores_and_submits_through_the_page(world, login, call):
    team, market = _criteria(call)
    application = ApplicationFactory(call=call)
    ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    client = login(world["users"]["reviewer"])

    response = client.post(
        reverse("application-review", args=[application.pk]),
        {
            f"score_{team.pk}": 4,
            f"comment_{team.pk}": "Strong team",
            f"score_{market.pk}": 7,
            "comment": "Good",
            "submit": "1",
        },
    )

    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.status, review.weighted, review.comment) == (ReviewStatus.SUBMITTED, 72.22, "Good")
    assert list(review.scores.values_list("criterion__name_en", "value", "comment")) == [
        ("Team", 4, "Strong team"),
        ("Market", 7, ""),
    ]


def test_score_outside_the_scale_is_refused(world, login, call):
    team, market = _criteria(call)
    application = ApplicationFactory(call=call)
    assignment = ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    client = login(world["users"]["reviewer"])

    response = client.post(
        reverse("application-review", args=[application.pk]),
        {f"score_{team.pk}": 6, f"score_{market.pk}": 0, "submit": "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"score_{team.pk}": ["Ensure this value is less than or equal to 5."],
        f"score_{market.pk}": ["Ensure this value is greater than or equal to 1."],
    }
    with pytest.raises(Refused) as refused:
        services.save_review(
            assignment=assignment, scores={team.pk: (9, "")}, comment="", submit=False, by=world["users"]["reviewer"]
        )
    assert (refused.value.code, refused.value.field) == ("programs.review.score_out_of_range", f"score_{team.pk}")
    assert refused.value.params == {"criterion": "Team", "low": 1, "high": 5}
    assert Review.objects.count() == 0


def test_submitting_needs_every_criterion(world, call):
    team, _market = _criteria(call)
    assignment = ReviewAssignmentFactory(application=ApplicationFactory(call=call), reviewer=world["users"]["reviewer"])
    with pytest.raises(Refused) as refused:
        services.save_review(
            assignment=assignment, scores={team.pk: (3, "")}, comment="", submit=True, by=world["users"]["reviewer"]
        )
    assert (refused.value.code, refused.value.params) == ("programs.review.incomplete", {"criteria": "Market"})


def test_reviewer_cannot_review_someone_elses_assignment(world, call):
    assignment = ReviewAssignmentFactory(application=ApplicationFactory(call=call))
    with pytest.raises(Refused) as refused:
        services.save_review(assignment=assignment, scores={}, comment="", submit=False, by=world["users"]["reviewer"])
    assert refused.value.code == "permission.programs.write_review"


def _score(assignment, value: int):
    criteria = list(assignment.application.call.criteria.all())
    return services.save_review(
        assignment=assignment,
        scores={c.pk: (value, "") for c in criteria},
        comment="",
        submit=True,
        by=assignment.reviewer,
    )


def test_ranking_normalises_severe_and_lenient_reviewers_and_flags_disagreement(world, call):
    call.criteria.all().delete()
    CriterionFactory(call=call, name_en="Overall", scale_min=0, scale_max=100, weight=Decimal("1"))
    severe, lenient = (
        grant(UserFactory(username=name), "reviewer", program=call.program) for name in ("severe", "lenient")
    )
    a, b, c = (
        ApplicationFactory(call=call, organisation=OrganisationFactory(slug=s, name_en=s.upper()))
        for s in ("a", "b", "c")
    )
    # severe: a 40, b 60; lenient: b 95, c 75. On raw averages c (75) beats a (40) and b (77.5) wins;
    # within each reviewer's own scale b is the best of both, a and c the worse of theirs (ties: raw average).
    for app, reviewer, value in [(a, severe, 40), (b, severe, 60), (b, lenient, 95), (c, lenient, 75)]:
        _score(ReviewAssignmentFactory(application=app, reviewer=reviewer), value)

    rows = ranking(call)[1]

    assert [(r.application.organisation.name_en, r.raw, r.normalised, r.spread, r.disagreement) for r in rows] == [
        ("B", 77.5, 1.0, 35.0, True),
        ("C", 75.0, -1.0, None, False),
        ("A", 40.0, -1.0, None, False),
    ]


def test_ranking_page_and_xlsx_export_are_for_managers_only(world, login, call):
    application = ApplicationFactory(call=call, organisation=OrganisationFactory(slug="x", name_en="=HYPERLINK()"))
    _score(ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"]), 3)
    url = reverse("call-ranking", args=[call.pk])

    response = login(world["users"]["manager"]).get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0][:6] == (
        "Rank",
        "Application",
        "Startup (Korean)",
        "Startup (English)",
        "Reviews",
        "Raw average (0–100)",
    )
    assert rows[1][0] == 1 and rows[1][3] == "'=HYPERLINK()" and rows[1][5] == 40.74
    for name in ("reviewer", "startup", "observer", "mentor"):  # they see the published call, not its ranking
        assert login(world["users"][name]).get(url).status_code == 403
