"""Choices of the outcomes app, with translated labels (DESIGN §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutcomeKind(models.TextChoices):
    INVESTMENT = "investment", _("Investment")
    CONTRACT = "contract", _("Contract")
    PARTNERSHIP = "partnership", _("Partnership")
    REGULATORY = "regulatory", _("Regulatory approval")
    MARKET_ENTRY = "market_entry", _("Market entry")
    PILOT = "pilot", _("Pilot")
    HIRE = "hire", _("Hire")
    GRANT = "grant", _("Grant")


class OutcomeStatus(models.TextChoices):
    """The pipeline: lead → under review → provisional → signed/closed, or lost at any point."""

    LEAD = "lead", pgettext_lazy("outcome status", "Lead")
    UNDER_REVIEW = "under_review", pgettext_lazy("outcome status", "Under review")
    PROVISIONAL = "provisional", pgettext_lazy("outcome status", "Provisional")
    CLOSED = "closed", pgettext_lazy("outcome status", "Signed / closed")
    LOST = "lost", pgettext_lazy("outcome status", "Lost")


# Statuses in pipeline order, for funnels and charts (lost is shown apart).
PIPELINE = (OutcomeStatus.LEAD, OutcomeStatus.UNDER_REVIEW, OutcomeStatus.PROVISIONAL, OutcomeStatus.CLOSED)
# A deal that is neither closed nor lost: its money is not (yet) attracted, whether its record is confirmed or not.
IN_PROGRESS = (OutcomeStatus.LEAD, OutcomeStatus.UNDER_REVIEW, OutcomeStatus.PROVISIONAL)


class Period(models.TextChoices):
    """The period of a quantity: "200,000 units a year"."""

    NONE = "", _("once")
    MONTH = "month", _("per month")
    YEAR = "year", _("per year")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("proposal status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("proposal status", "Rejected")


class KpiMetric(models.TextChoices):
    """What a KPI computes from the records; the kind and country filters narrow it."""

    OUTCOMES = "outcomes", _("Number of outcomes")
    STARTUPS = "startups", _("Number of startups with an outcome")
    AMOUNT = "amount", _("Total amount")
    QUANTITY = "quantity", _("Total quantity")
    MEETINGS = "meetings", _("Partnering meetings held")


class KpiCounting(models.TextChoices):
    CLOSED = "closed", _("Signed or closed outcomes only")
    ACTIVE = "active", _("Every outcome that is not lost")


class ReportingCurrency(models.TextChoices):
    USD = "USD", _("US dollar (USD)")
    KRW = "KRW", _("Korean won (KRW)")
