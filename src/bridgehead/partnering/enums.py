from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bridgehead.core import enums as core_enums


class EventStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("event status", "Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual only")
    EITHER = "either", _("In person or virtual")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class MeetingStatus(models.TextChoices):
    UNSCHEDULED = "unscheduled", _("Waiting for the schedule")
    SCHEDULED = "scheduled", _("Scheduled")
    CHECKED_IN = "checked_in", _("Checked in")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class UnplacedReason(models.TextChoices):
    """Why the published schedule holds no time for an accepted meeting (from the solver's diagnosis)."""

    NO_COMMON_SLOT = "no_common_slot", _("They have no available slot in common.")
    MEETING_LIMIT = "meeting_limit", _("One of them reached their meeting limit.")
    NO_FREE_COMMON_SLOT = (
        "no_free_common_slot",
        _("Every slot they share is taken by their other meetings or has no free table."),
    )


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("At a table")
    VIRTUAL = "virtual", _("Video call")


# One status vocabulary for every background run (bridgehead.core.runs), named here for this app's imports.
RunStatus = core_enums.RunStatus
ACTIVE_RUN_STATUSES = core_enums.ACTIVE_RUN_STATUSES


class Objective(models.TextChoices):
    """What a schedule solve optimises first (the engine's ``objective``)."""

    WEIGHT = "weight", _("Most meetings, then fewest breaks")
    FAIR = "fair", _("Nobody without a meeting first, then most meetings")


# One definition per rule: the model, the forms, the API schemas and the services all read these.
REQUEST_MESSAGE_MAX = 2000  # characters in a meeting request's message
FEEDBACK_COMMENT_MAX = 2000  # characters in a meeting feedback comment
SOLVE_TIME_LIMIT_MIN = 1  # seconds a manager may give one schedule solve …
SOLVE_TIME_LIMIT_MAX = 600  # … at most …
SOLVE_TIME_LIMIT_DEFAULT = 20  # … and what the form and the API start from
