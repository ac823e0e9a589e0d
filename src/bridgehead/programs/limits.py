"""Limits of the programs app, defined once: models, forms, API schemas and services read them here.

Lengths are in characters; ranges are inclusive ``(lowest, highest)``. A change here changes every door
(page, API, service) at once. Where a model field stores the value, its ``max_length`` reads the same
constant, so the database and the forms cannot drift apart.
"""

from __future__ import annotations

# Answers to a call's questions, when the form builder gives no length of its own.
TEXT_ANSWER_MAX = 300
LONG_TEXT_ANSWER_MAX = 5_000

# Reviews.
SCORE_COMMENT_MAX = 5_000  # the comment on one criterion
REVIEW_COMMENT_MAX = 10_000  # the overall comment
CONFLICT_REASON_MAX = 300  # ConflictDeclaration.reason

# Decisions and their e-mails.
DECISION_NOTE_MAX = 5_000
MESSAGE_SUBJECT_MAX = 300  # DecisionMessage.subject
MESSAGE_BODY_MAX = 20_000

# An application's history line (ApplicationEvent.detail).
HISTORY_DETAIL_MAX = 300

# Reviewer assignment and mentor matching.
REVIEWS_PER_APPLICATION = (1, 20)
REVIEWS_PER_REVIEWER = (1, 1_000)
MENTORS_PER_STARTUP = (1, 5)
MENTEES_PER_MENTOR = (1, 50)
