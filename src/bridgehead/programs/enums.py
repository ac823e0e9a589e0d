"""Choices of the programs app, with translated labels (DESIGN §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bridgehead.core import enums as core_enums


class FieldKind(models.TextChoices):
    TEXT = "text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    FILE = "file", _("File upload")
    SECTORS = "sectors", _("Sectors")


class FileType(models.TextChoices):
    """File types an upload field may accept; each is recognised by its bytes, never by its name."""

    PDF = "pdf", _("PDF")
    PNG = "png", _("PNG image")
    JPEG = "jpeg", _("JPEG image")
    DOCX = "docx", _("Word document (.docx)")
    XLSX = "xlsx", _("Excel workbook (.xlsx)")
    PPTX = "pptx", _("PowerPoint presentation (.pptx)")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")
    ACCEPTED = "accepted", pgettext_lazy("application status", "Accepted")
    WAITLISTED = "waitlisted", pgettext_lazy("application status", "Waitlisted")
    REJECTED = "rejected", pgettext_lazy("application status", "Rejected")


class Outcome(models.TextChoices):
    ACCEPT = "accepted", pgettext_lazy("decision", "Accepted")
    WAITLIST = "waitlisted", pgettext_lazy("decision", "Waitlisted")
    REJECT = "rejected", pgettext_lazy("decision", "Rejected")


class RelationshipKind(models.TextChoices):
    INVESTMENT = "investment", _("Investment")
    PARTNERSHIP = "partnership", _("Partnership")


class ConflictReason(models.TextChoices):
    SAME_ORGANISATION = "same_organisation", _("Same organisation")
    RELATIONSHIP = "relationship", _("Investment or partnership with the applicant")
    EMAIL_DOMAIN = "email_domain", _("Same e-mail domain")
    DECLARED = "declared", _("Declared by the reviewer")


class AssignmentSource(models.TextChoices):
    ENGINE = "engine", _("Optimal assignment")
    MANUAL = "manual", _("Assigned by the program manager")


# One status vocabulary for every background run (bridgehead.core.runs), named here for this app's imports.
RunStatus = core_enums.RunStatus


class RunKind(models.TextChoices):
    ASSIGN = "assign", _("Assign reviewers")
    REASSIGN = "reassign", _("Fill missing reviews")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("review status", "Submitted")


class HistoryAction(models.TextChoices):
    CREATED = "created", _("Draft created")
    SAVED = "saved", _("Saved")
    SUBMITTED = "submitted", _("Submitted")
    EDITED = "edited", _("Edited after submission")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FILE_ADDED = "file_added", _("File uploaded")
    DECIDED = "decided", _("Decision recorded")
    NOTIFIED = "notified", _("Decision sent to the applicant")


class MemberStatus(models.TextChoices):
    """A cohort member is never deleted by a decision change: it ends (withdrawn) and can be reactivated."""

    ACTIVE = "active", pgettext_lazy("cohort member", "Active")
    WITHDRAWN = "withdrawn", pgettext_lazy("cohort member", "Withdrawn")


class MessageStatus(models.TextChoices):
    """Where a decision e-mail is in the program's outbox."""

    QUEUED = "queued", _("Waiting in the outbox")
    SENT = "sent", pgettext_lazy("e-mail", "Sent")
    DISCARDED = "discarded", _("Discarded")
