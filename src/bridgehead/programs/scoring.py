"""Weighted review scores, per-reviewer normalisation, disagreement and the ranking.

**Weighted score.** Each criterion's score is placed on 0–1 within its own scale
(``(value − min) / (max − min)``), weighted, and the weighted mean is shown on 0–100, so rubrics mixing
1–5 and 1–10 scales compare fairly.

**Normalisation (z-score per reviewer).** Reviewers differ in severity: one gives 60 to everything
good, another 85. For each reviewer we take the mean μ and the population standard deviation σ of their
submitted weighted scores *in this call*, and replace each score x by z = (x − μ) / σ. An application's
normalised score is the mean z of its reviews: "how far above this reviewer's usual" averaged over its
reviewers. A reviewer with fewer than two reviews, or who gave every application the same score (σ = 0),
carries no information about severity: their z is 0 (neutral), and the raw average still shows their view.
The ranking sorts by normalised score, then raw average; both are shown side by side.

**Disagreement.** An application is flagged when the highest and lowest weighted scores of its reviewers
differ by more than the call's threshold (25 points of 100 by default): the manager should read those
reviews before deciding.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from bridgehead.programs.enums import ApplicationStatus, ReviewStatus
from bridgehead.programs.models import Application, Call, Criterion, Review


def weighted_score(criteria: Sequence[Criterion], values: dict[int, int]) -> float:
    """Weighted mean on 0–100 of ``values`` (criterion id → score)."""
    total_weight = sum(float(c.weight) for c in criteria)
    if total_weight <= 0:
        return 0.0
    acc = 0.0
    for criterion in criteria:
        span = criterion.scale_max - criterion.scale_min
        acc += float(criterion.weight) * (values[criterion.pk] - criterion.scale_min) / span
    return round(100.0 * acc / total_weight, 2)


def z_scores(by_reviewer: dict[int, list[tuple[int, float]]]) -> dict[tuple[int, int], float]:
    """(reviewer, application) → z of that review within the reviewer's own scores (see module doc)."""
    out: dict[tuple[int, int], float] = {}
    for reviewer, pairs in by_reviewer.items():
        values = [score for _app, score in pairs]
        sigma = statistics.pstdev(values) if len(values) >= 2 else 0.0
        mu = statistics.fmean(values)
        for application, score in pairs:
            out[(reviewer, application)] = 0.0 if sigma == 0 or math.isnan(sigma) else (score - mu) / sigma
    return out


@dataclass
class RankRow:
    application: Application
    reviews: int
    assigned: int
    raw: float | None
    normalised: float | None
    spread: float | None
    disagreement: bool
    per_criterion: dict[int, float] = field(default_factory=dict)
    rank: int = 0

    @property
    def incomplete(self) -> int:
        """Assigned reviews not yet submitted: deciding before they arrive needs an explicit confirmation."""
        return max(0, self.assigned - self.reviews)


def ranking(call: Call) -> tuple[list[Criterion], list[RankRow]]:
    """Every submitted (or decided) application of ``call`` with its raw and normalised scores, best first."""
    criteria = list(call.criteria.all())
    applications = list(
        call.applications.exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .select_related("organisation", "decision")
        .prefetch_related("assignments")
    )
    reviews = list(
        Review.objects.filter(assignment__application__call=call, status=ReviewStatus.SUBMITTED)
        .select_related("assignment")
        .prefetch_related("scores")
    )
    by_reviewer: dict[int, list[tuple[int, float]]] = defaultdict(list)
    by_application: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        by_reviewer[review.assignment.reviewer_id].append((review.assignment.application_id, review.weighted or 0.0))
        by_application[review.assignment.application_id].append(review)
    z = z_scores(by_reviewer)
    threshold = float(call.disagreement_threshold)
    rows = []
    for application in applications:
        mine = by_application.get(application.pk, [])
        weighted = [r.weighted or 0.0 for r in mine]
        per_criterion: dict[int, list[int]] = defaultdict(list)
        for review in mine:
            for score in review.scores.all():
                per_criterion[score.criterion_id].append(score.value)
        spread = (max(weighted) - min(weighted)) if len(weighted) >= 2 else None
        rows.append(
            RankRow(
                application=application,
                reviews=len(mine),
                assigned=len(application.assignments.all()),
                raw=round(statistics.fmean(weighted), 2) if weighted else None,
                normalised=round(statistics.fmean(z[(r.assignment.reviewer_id, application.pk)] for r in mine), 3)
                if mine
                else None,
                spread=round(spread, 2) if spread is not None else None,
                disagreement=spread is not None and spread > threshold,
                per_criterion={k: round(statistics.fmean(v), 2) for k, v in per_criterion.items()},
            )
        )
    rows.sort(key=lambda r: (r.normalised is None, -(r.normalised or 0.0), -(r.raw or 0.0), r.application.pk))
    for index, row in enumerate(rows, start=1):
        row.rank = index
    return criteria, rows
