"""Choices shared across apps, with translated labels (DESIGN §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DESIGN §1. Site admin is site-wide; the others are scoped (program, agreement, org)."""

    SITE_ADMIN = "site_admin", _("Site administrator")
    OBSERVER = "observer", _("Signatory observer")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    REVIEWER = "reviewer", _("Reviewer")
    MENTOR = "mentor", _("Mentor")
    STARTUP_MEMBER = "startup_member", _("Startup member")
    PARTNER_MEMBER = "partner_member", _("Partner / investor member")


class Language(models.TextChoices):
    EN = "en", _("English")
    KO = "ko", _("Korean")


# The zones users pick most; any IANA zone is accepted, these come first in pickers.
COMMON_TIME_ZONES = [
    "Asia/Seoul",
    "America/Los_Angeles",
    "America/New_York",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "UTC",
]


class RunStatus(models.TextChoices):
    """Where a background run stands (``bridgehead.core.runs``); one vocabulary for every kind of run."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
