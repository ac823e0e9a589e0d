"""Outcomes of the cooperation — investments, contracts, partnerships… — with their status history, the
changes startups propose to confirmed records, dated FX rates and the KPIs the signatories watch.

Money is a Decimal with an ISO 4217 code beside it, never a float; totals in a reporting currency are
computed at read time from dated rates (:mod:`bridgehead.outcomes.fx`), so a corrected rate corrects
every report. Every model is audited by django-auditlog (``core/audit.py``): a deleted record's values stay
in the log, which is how a KPI's history survives deletions.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bridgehead.core import uploads
from bridgehead.core.bilingual import pick
from bridgehead.core.fields import WebAddressField
from bridgehead.outcomes.currencies import is_currency
from bridgehead.outcomes.enums import (
    KpiCounting,
    KpiMetric,
    OutcomeKind,
    OutcomeStatus,
    Period,
    ProposalStatus,
    ReportingCurrency,
)
from bridgehead.registry.models import Organisation, country_validator

USER = settings.AUTH_USER_MODEL


class OutcomeQuerySet(models.QuerySet):
    def counted(self) -> OutcomeQuerySet:
        """Outcomes that count in totals (lost deals do not)."""
        return self.exclude(status=OutcomeStatus.LOST)


#: The largest evidence file accepted.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class Outcome(models.Model):
    """One result a startup obtained, attributed to the program (and cohort, event, meeting) behind it.
    The attribution is PROTECT: deleting the cohort, event or meeting an outcome came from is refused rather
    than silently losing where the result came from."""

    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("startup")
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("program")
    )
    cohort = models.ForeignKey(
        "programs.Cohort",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
        verbose_name=_("cohort"),
    )
    event = models.ForeignKey(
        "partnering.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
        verbose_name=_("partnering event"),
    )
    meeting = models.ForeignKey(
        "partnering.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
        verbose_name=_("partnering meeting"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices)
    status = models.CharField(
        pgettext_lazy("outcome status", "status"),
        max_length=20,
        choices=OutcomeStatus.choices,
        default=OutcomeStatus.LEAD,
    )
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, blank=True, default=Period.NONE)
    counterparty = models.ForeignKey(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes_as_party",
        verbose_name=_("counterparty"),
    )
    counterparty_name = models.CharField(
        _("counterparty (if not in the registry)"),
        max_length=200,
        blank=True,
        help_text=_("For example “a Hangzhou medical-device company” when the name cannot be given."),
    )
    counterparty_name_ko = models.CharField(
        _("counterparty in Korean (if not in the registry)"),
        max_length=200,
        blank=True,
        help_text=_("Used in the Korean brief, e.g. “항저우 소재 의료기기 기업”."),
    )
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[country_validator])
    occurred_on = models.DateField(_("date"))
    evidence = models.FileField(
        _("evidence (document)"),
        upload_to=uploads.RandomName("outcomes"),
        blank=True,
        max_length=200,
        validators=[uploads.AcceptedFile(uploads.DOCUMENTS, max_bytes=EVIDENCE_MAX_BYTES)],
    )
    # The uploader's file name (a label only: the file is stored under a random name) and the type its bytes
    # showed; both are recorded by ``save`` and used when the evidence is served.
    evidence_name = models.CharField(_("evidence file name"), max_length=uploads.NAME_MAX, blank=True)
    evidence_type = models.CharField(_("evidence content type"), max_length=120, blank=True)
    evidence_url = WebAddressField(_("evidence (link)"), blank=True)
    is_confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Counted in totals, never named in public briefs or public exports."),
    )
    reported_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("confirmed by")
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.CheckConstraint(condition=~(Q(title_ko="") & Q(title_en="")), name="outcome_has_a_title"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="outcome_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True, currency="") | (Q(amount__isnull=False) & ~Q(currency="")),
                name="outcome_amount_with_currency",
            ),
            models.CheckConstraint(condition=Q(quantity__isnull=True) | ~Q(unit=""), name="outcome_quantity_with_unit"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.evidence_name, self.evidence_type = uploads.recorded(self.evidence, self.evidence_name, self.evidence_type)
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def description(self) -> str:
        return pick(self, "description")

    def clean(self) -> None:
        """The integrity rules every way in (pages, API, imports) shares: money is a non-negative amount *with*
        an ISO 4217 code, a quantity has a unit, a closed deal is not dated in the future, and the attribution
        chain holds together — a meeting must be one this startup took part in, at an event of this program."""
        errors: dict[str, list] = {}

        def add(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        if self.currency and not is_currency(self.currency):
            add(
                "currency",
                _("“%(code)s” is not an ISO 4217 currency code (e.g. USD, KRW, CNY, EUR).") % {"code": self.currency},
            )
        if self.amount is not None and self.amount < 0:
            add("amount", _("An amount cannot be negative."))
        if self.amount is not None and not self.currency:
            add("currency", _("Give the currency of the amount."))
        if self.amount is None and self.currency:
            add("amount", _("A currency was given without an amount."))
        if self.quantity is not None and not self.unit.strip():
            add("unit", _("Give the unit of the quantity (e.g. units, devices, licences)."))
        if self.quantity is not None and self.quantity < 0:
            add("quantity", _("A quantity cannot be negative."))
        if self.status == OutcomeStatus.CLOSED and self.occurred_on and self.occurred_on > timezone.localdate():
            add("occurred_on", _("A signed or closed deal cannot be dated in the future."))
        if self.cohort_id and self.program_id and self.cohort.program_id != self.program_id:
            add("cohort", _("This cohort belongs to another program."))
        if self.event_id and self.program_id and self.event.program_id != self.program_id:
            add("event", _("This event belongs to another program."))
        if self.meeting_id:
            meeting = self.meeting
            parties = {meeting.first.organisation_id, meeting.second.organisation_id}
            if self.organisation_id and self.organisation_id not in parties:
                add("meeting", _("This meeting was not one of this startup's meetings."))
            if self.event_id and meeting.event_id != self.event_id:
                add("meeting", _("This meeting took place at another event."))
            elif self.program_id and meeting.event.program_id != self.program_id:
                add("meeting", _("This meeting took place at an event of another program."))
        if self.counterparty_id and self.counterparty_id == self.organisation_id:
            add("counterparty", _("The counterparty must be another organisation."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def counterparty_label(self) -> str:
        if self.counterparty:
            return self.counterparty.name
        korean = (translation.get_language() or "en").startswith("ko")
        return (self.counterparty_name_ko if korean else "") or self.counterparty_name or self.counterparty_name_ko


class StatusChange(models.Model):
    """The dated history of an outcome's status ("under review since 3 March")."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="history", verbose_name=_("outcome"))
    status = models.CharField(pgettext_lazy("outcome status", "status"), max_length=20, choices=OutcomeStatus.choices)
    on = models.DateField(_("since"))
    by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=pgettext_lazy("changed by", "by")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["outcome", "on", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.outcome}: {self.get_status_display()} ({self.on})"


class ChangeProposal(models.Model):
    """A change a startup asks for on a confirmed outcome; the program manager accepts or rejects it."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("outcome"))
    changes = models.JSONField(_("proposed values"), default=dict)
    reason = models.TextField(_("reason"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")

    def __str__(self) -> str:
        return f"{self.outcome} ({self.get_status_display()})"

    def readable_changes(self) -> list[tuple[str, str]]:
        """(field label, value) in the reader's language: "Counterparty: Investor Co", not "counterparty: 12"."""
        lines = []
        for name, value in self.changes.items():
            try:
                field = Outcome._meta.get_field(name)
            except FieldDoesNotExist:  # a field the model no longer has: show it as recorded
                lines.append((name, str(value)))
                continue
            if field.is_relation:
                found = field.related_model.objects.filter(pk=value).first() if str(value).isdigit() else None
                shown = (found.name if isinstance(found, Organisation) else str(found)) if found else "—"
            elif field.choices:
                shown = str(dict(field.flatchoices).get(value, value)) if value else "—"
            elif isinstance(field, models.BooleanField):
                shown = str(_("yes") if value else _("no"))
            else:
                shown = str(value) if value not in ("", None) else "—"
            lines.append((str(field.verbose_name), shown))
        return lines


# What a rate can hold (the column: 20 digits, 8 after the point). Checked by the form and the import before the
# database would refuse (a rate of 4e-9 rounds to 0 and breaks the "positive" constraint).
FX_RATE_PLACES = 8
FX_RATE_MIN = Decimal(1).scaleb(-FX_RATE_PLACES)  # 0.00000001
FX_RATE_MAX = Decimal(10) ** (20 - FX_RATE_PLACES)  # 10**12, exclusive


class FxRate(models.Model):
    """On ``on``, one unit of ``currency`` was worth ``rate`` units of ``base`` — as entered or imported by the
    program's manager. A rate converts amounts dated on or after it, never amounts dated before it."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="fx_rates", verbose_name=_("program")
    )
    on = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    base = models.CharField(_("in"), max_length=3, choices=ReportingCurrency.choices)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=FX_RATE_PLACES)
    source = models.CharField(_("source"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("entered by")
    )

    class Meta:
        ordering = ["program", "-on", "currency"]
        verbose_name = _("FX rate")
        verbose_name_plural = _("FX rates")
        constraints = [
            models.UniqueConstraint(fields=["program", "on", "currency", "base"], name="one_rate_per_day_and_pair"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="fx_rate_positive"),
            models.CheckConstraint(condition=~Q(currency=models.F("base")), name="fx_rate_between_two_currencies"),
        ]

    def __str__(self) -> str:
        return f"{self.on}: 1 {self.currency} = {self.rate} {self.base}"


class Kpi(models.Model):
    """A target the signatories set for a commitment, computed from the program's records in a period."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="kpis", verbose_name=_("program")
    )
    commitment = models.ForeignKey(
        "agreements.Commitment", on_delete=models.PROTECT, related_name="kpis", verbose_name=_("commitment")
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    metric = models.CharField(_("computed as"), max_length=20, choices=KpiMetric.choices)
    kind = models.CharField(
        _("outcome kind"),
        max_length=20,
        choices=OutcomeKind.choices,
        blank=True,
        help_text=_("Leave empty to count every kind."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        validators=[country_validator],
        help_text=_("Only outcomes in this country (e.g. US); empty for all."),
    )
    counting = models.CharField(
        _("which outcomes"), max_length=20, choices=KpiCounting.choices, default=KpiCounting.CLOSED
    )
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=2)
    currency = models.CharField(
        _("reporting currency"),
        max_length=3,
        choices=ReportingCurrency.choices,
        default=ReportingCurrency.USD,
        help_text=_("For amounts only."),
    )
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["program", "commitment__order", "order", "pk"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="kpi_period_in_order"),
            models.CheckConstraint(condition=Q(target__gte=0), name="kpi_target_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class ReminderSchedule(models.Model):
    """How often the program's startups are reminded to report outcomes (the worker sends what is due)."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="outcome_reminders", verbose_name=_("program")
    )
    every_days = models.PositiveSmallIntegerField(_("every (days)"), default=90)
    is_active = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder schedule")
        verbose_name_plural = _("reminder schedules")
        constraints = [models.CheckConstraint(condition=Q(every_days__gte=7), name="reminders_at_most_weekly")]

    def __str__(self) -> str:
        return f"{self.program}: {self.every_days}"
