"""Programs run under an agreement, and how they select and follow startups.

A program exists early because roles are scoped to programs: a program manager, reviewer or mentor acts only
inside the programs they hold the role in. Under a program: calls (with a form and a rubric) → applications
(answers, files, history) → reviewer assignments and reviews → decisions → cohorts → mentorships and sessions.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bridgehead.agreements.models import Agreement, Commitment
from bridgehead.core.bilingual import bilingual
from bridgehead.core.models import validate_time_zone
from bridgehead.core.runs import BackgroundRun, one_active_run
from bridgehead.programs import limits
from bridgehead.programs.enums import (
    ApplicationStatus,
    AssignmentSource,
    FieldKind,
    HistoryAction,
    MemberStatus,
    MessageStatus,
    Outcome,
    RelationshipKind,
    ReviewStatus,
    RunKind,
)
from bridgehead.registry.models import Organisation

USER = settings.AUTH_USER_MODEL


# One rule for the phone numbers a program records (office and press contact).
PHONE = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{5,38}$",
    _("Enter a phone number of digits, spaces, hyphens and brackets, e.g. +82-52-229-3461."),
    code="phone",
)


class Program(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="programs", verbose_name=_("agreement")
    )
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="programs", verbose_name=_("commitments served")
    )
    operators = models.ManyToManyField(
        Organisation, blank=True, related_name="operated_programs", verbose_name=_("operators")
    )
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul", validators=[validate_time_zone])
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    # The office that runs the program day to day: it signs the decision letters and the program's e-mails
    # ("울산정보산업진흥원 운영 사무국 드림"), and its contact ends them. Blank: "<program> 운영 사무국" signs,
    # with no contact line.
    office_name_ko = models.CharField(
        _("office name (Korean)"),
        max_length=200,
        blank=True,
        help_text=_("Signs the program's letters and e-mails, e.g. “울산정보산업진흥원 운영 사무국”."),
    )
    office_name_en = models.CharField(
        _("office name (English)"),
        max_length=200,
        blank=True,
        help_text=_("Signs the program's letters and e-mails in English, e.g. “UNIST Program Office”."),
    )
    office_email = models.EmailField(_("office e-mail"), blank=True)
    office_phone = models.CharField(_("office phone"), max_length=40, blank=True, validators=[PHONE])
    # Who answers the press about the program: printed in the outcome brief's header (보도자료 담당 부서·담당자).
    # Often not the operating office (a city division answers journalists, a university team runs the
    # program), hence its own fields; the brief falls back to the office above where these are blank.
    press_office_ko = models.CharField(
        _("press office (Korean)"), max_length=200, blank=True, help_text=_("For example “울산광역시 바이오산업과”.")
    )
    press_office_en = models.CharField(
        _("press office (English)"),
        max_length=200,
        blank=True,
        help_text=_("For example “Bio-industry Division, Ulsan Metropolitan City”."),
    )
    press_contact_ko = models.CharField(
        _("press contact (Korean)"), max_length=120, blank=True, help_text=_("Name and title, e.g. “김민지 주무관”.")
    )
    press_contact_en = models.CharField(
        _("press contact (English)"),
        max_length=120,
        blank=True,
        help_text=_("Name and title, e.g. “Minji Kim, Program Officer”."),
    )
    press_phone = models.CharField(_("press phone"), max_length=40, blank=True, validators=[PHONE])
    press_email = models.EmailField(_("press e-mail"), blank=True)
    # Off by default; shown only when its agreement is public too (``showcase.public.programs``).
    is_public = models.BooleanField(
        _("shown on the public showcase"),
        default=False,
        help_text=_(
            "Its description, upcoming events, consenting cohort startups and confirmed, non-confidential "
            "outcomes become readable by anyone, when its agreement is public as well."
        ),
    )

    class Meta:
        ordering = ["-starts_on", "title_en"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="program_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    title = bilingual("title")

    description = bilingual("description")

    @property
    def office_name(self) -> str:
        """The signing office in the active language; without one recorded, the program's own office."""
        language = "ko" if (translation.get_language() or "en").startswith("ko") else "en"
        # The active language only, never the other one: an English letter signed in Hangul is not English.
        recorded = getattr(self, f"office_name_{language}")
        if recorded:
            return recorded
        return gettext("%(program)s Office") % {"program": self.title}

    @property
    def office_contact(self) -> str:
        """Phone and e-mail of the office on one line ("" when neither is recorded)."""
        return " · ".join(part for part in (self.office_phone, self.office_email) if part)


class Call(models.Model):
    """A call for applications. Open and close are instants (stored in UTC); the program's zone is how the
    program states them, the viewer's zone how each reader sees them."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="calls", verbose_name=_("program"))
    slug = models.SlugField(_("slug"), max_length=120)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    eligibility_ko = models.TextField(_("eligibility (Korean)"), blank=True)
    eligibility_en = models.TextField(_("eligibility (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Startups can see a published call and apply while it is open.")
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"), default=3, validators=[MinValueValidator(1)]
    )
    max_reviews_per_reviewer = models.PositiveSmallIntegerField(
        _("maximum reviews per reviewer"), default=15, validators=[MinValueValidator(1)]
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (points of 100)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("25.0"),
        help_text=_("Flag an application when its reviewers' weighted scores differ by more than this."),
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(fields=["program", "slug"], name="unique_call_slug_per_program"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    title = bilingual("title")

    description = bilingual("description")

    eligibility = bilingual("eligibility")

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    @property
    def has_closed(self) -> bool:
        return timezone.now() >= self.closes_at


class FormField(models.Model):
    """One question of a call's application form, labelled in both languages."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="fields", verbose_name=_("call"))
    key = models.SlugField(_("key"), max_length=50, help_text=_("Stable name of the answer (letters, digits, _)."))
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices)
    label_ko = models.CharField(_("label (Korean)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300)
    help_ko = models.CharField(_("help (Korean)"), max_length=500, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=18, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=18, decimal_places=2, null=True, blank=True)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('List of {"value", "ko", "en"} for choice fields.')
    )
    file_types = models.JSONField(_("accepted file types"), default=list, blank=True)
    max_bytes = models.PositiveIntegerField(_("maximum file size (bytes)"), default=10 * 1024 * 1024)
    used_for_matching = models.BooleanField(
        _("used to match reviewers"),
        default=True,
        help_text=_("Text answers of this field describe the application when reviewers are matched."),
    )

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_field_key_per_call")]

    def __str__(self) -> str:
        return self.label

    label = bilingual("label")

    help = bilingual("help")


class Criterion(models.Model):
    """A rubric line: reviewers give an integer score from ``scale_min`` to ``scale_max``; ``weight`` says
    how much it counts in the weighted total."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    scale_min = models.SmallIntegerField(_("lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("highest score"), default=5)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")), name="criterion_scale_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    name = bilingual("name")

    description = bilingual("description")


class Application(models.Model):
    """One startup's application to one call. ``answers`` maps field keys to values (files are rows of
    :class:`ApplicationFile`); the status moves draft → submitted → decided, or to withdrawn."""

    # PROTECT: an application is the startup's work; a call that received one cannot be deleted.
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("startup")
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["call", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="one_application_per_startup_and_call")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.organisation}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED) and not self.call.has_closed

    @property
    def is_decided(self) -> bool:
        return self.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED)

    @property
    def applicant_status(self) -> str:
        """The status as the applicant may know it: a decision counts only once its e-mail left the outbox;
        until then the applicant still sees "submitted"."""
        if not self.is_decided:
            return self.status
        decision = getattr(self, "decision", None)
        return decision.sent_outcome if decision is not None and decision.sent_outcome else ApplicationStatus.SUBMITTED

    def get_applicant_status_display(self) -> str:
        return str(ApplicationStatus(self.applicant_status).label)


def _upload_path(instance: ApplicationFile, filename: str) -> str:
    """Random names: the uploader's file name never reaches the file system."""
    return f"applications/{instance.application.call_id}/{uuid.uuid4().hex}"


class ApplicationFile(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="files", verbose_name=_("application")
    )
    field_key = models.SlugField(_("field"), max_length=50)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(_("file"), upload_to=_upload_path, max_length=200)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["application", "field_key"]
        verbose_name = _("application file")
        verbose_name_plural = _("application files")
        constraints = [models.UniqueConstraint(fields=["application", "field_key"], name="one_file_per_field")]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """The application's history as its applicant and managers read it (the audit log keeps field diffs)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="history", verbose_name=_("application")
    )
    action = models.CharField(_("action"), max_length=20, choices=HistoryAction.choices)
    by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=pgettext_lazy("done by", "by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    detail = models.CharField(_("detail"), max_length=limits.HISTORY_DETAIL_MAX, blank=True)

    class Meta:
        ordering = ["application", "at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.application} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Relationship(models.Model):
    """A recorded investment or partnership between two organisations — a source of conflicts of interest:
    a reviewer from an investor must not review a company that investor funded."""

    source = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="relationships_out", verbose_name=_("organisation")
    )
    target = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="relationships_in", verbose_name=_("counterpart")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RelationshipKind.choices)
    since = models.DateField(_("since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["source", "target"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_relationship")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.get_kind_display()})"


class CallReviewer(models.Model):
    """A reviewer on a call's panel, with their expertise (matched against application texts) and load."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="panel", verbose_name=_("call"))
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="review_panels", verbose_name=_("reviewer"))
    expertise = models.TextField(
        _("expertise"), blank=True, help_text=_("Korean or English; compared with the applications' texts.")
    )
    max_load = models.PositiveSmallIntegerField(
        _("maximum reviews"), null=True, blank=True, help_text=_("Empty: the call's maximum.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    dropped_at = models.DateTimeField(_("dropped out"), null=True, blank=True)

    class Meta:
        ordering = ["call", "user__username"]
        verbose_name = _("panel reviewer")
        verbose_name_plural = _("panel reviewers")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="unique_reviewer_per_call")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.call}"

    @property
    def load_limit(self) -> int:
        return self.max_load or self.call.max_reviews_per_reviewer


class ConflictDeclaration(models.Model):
    """A conflict declared by the reviewer (or recorded by the manager); automatic conflicts are computed."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="declared_conflicts", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="declared_conflicts", verbose_name=_("reviewer")
    )
    reason = models.CharField(_("reason"), max_length=limits.CONFLICT_REASON_MAX, blank=True)
    declared_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("declared by"))
    created_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="unique_declared_conflict")]

    def __str__(self) -> str:
        return f"{self.reviewer} × {self.application}"


class AssignmentRun(BackgroundRun):
    """One optimal-assignment computation, run by the worker; its progress and result are shown on the page.
    Its lifecycle (queue, claim, heartbeat, cancel, failure) is :class:`~bridgehead.core.runs.BackgroundRun`'s."""

    subject_field = "call"
    task_path = "bridgehead.programs.tasks.run_assignment"
    already_active_message = _("Reviewers are already being assigned for this call; wait for the run to finish.")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignment_runs", verbose_name=_("call"))
    kind = models.CharField(_("kind"), max_length=20, choices=RunKind.choices, default=RunKind.ASSIGN)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    assigned = models.PositiveIntegerField(_("assignments made"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta(BackgroundRun.Meta):
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        constraints = [one_active_run("call", name="one_active_assignment_run_per_call")]

    def __str__(self) -> str:
        return f"{self.call} {self.get_kind_display()} {self.get_status_display()}"

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, self.bound - self.objective)


class ReviewAssignment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("application")
    )
    # PROTECT: deleting a reviewer's account must not take their assignments (and reviews) with it; the
    # account is deactivated or anonymised instead (docs/architecture.md, "What can be deleted").
    reviewer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="review_assignments", verbose_name=_("reviewer")
    )
    source = models.CharField(_("source"), max_length=20, choices=AssignmentSource.choices)
    affinity = models.FloatField(_("affinity"), null=True, blank=True)
    run = models.ForeignKey(
        AssignmentRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("run")
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        ordering = ["application", "reviewer__username"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="unique_review_assignment")]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class Exclusion(models.Model):
    """A manual override: the manager says this reviewer must not get this application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("reviewer"))
    by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("excluded by", "by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("excluded pair")
        verbose_name_plural = _("excluded pairs")
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="unique_exclusion")]

    def __str__(self) -> str:
        return f"{self.reviewer} ✕ {self.application}"


class Review(models.Model):
    """A reviewer's work. It never goes by cascade: deleting its assignment, application, call or the
    reviewer's account is refused while it exists; the services that may drop an unfinished draft (a declared
    conflict, a reviewer dropping out) delete it explicitly first."""

    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.PROTECT, related_name="review", verbose_name=_("assignment")
    )
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    comment = models.TextField(_("comment"), blank=True)
    weighted = models.FloatField(_("weighted score (0–100)"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return str(self.assignment)


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review"))
    # PROTECT: a reviewer's score never goes with its criterion (the rubric is locked once reviews exist).
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion"))
    value = models.SmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["review", "criterion__order", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class DecisionTemplate(models.Model):
    """The notification e-mail for one outcome, editable by the program manager in both languages.
    Placeholders: ``{startup}``, ``{call}``, ``{program}``, ``{name}``."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="decision_templates", verbose_name=_("program")
    )
    outcome = models.CharField(pgettext_lazy("decision", "outcome"), max_length=20, choices=Outcome.choices)
    subject_ko = models.CharField(_("subject (Korean)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_ko = models.TextField(_("body (Korean)"))
    body_en = models.TextField(_("body (English)"))

    class Meta:
        ordering = ["program", "outcome"]
        verbose_name = _("decision e-mail template")
        verbose_name_plural = _("decision e-mail templates")
        constraints = [models.UniqueConstraint(fields=["program", "outcome"], name="one_template_per_outcome")]

    def __str__(self) -> str:
        return f"{self.program}: {self.get_outcome_display()}"


class Decision(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision", verbose_name=_("application")
    )
    outcome = models.CharField(pgettext_lazy("decision", "outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note to the applicant"), blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    sent_outcome = models.CharField(
        _("outcome told to the applicant"), max_length=20, choices=Outcome.choices, blank=True
    )
    sent_note = models.TextField(_("note told to the applicant"), blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def is_released(self) -> bool:
        """The applicant has been told (some decision); what they were told is ``sent_outcome``."""
        return bool(self.sent_outcome)

    @property
    def is_pending(self) -> bool:
        """The current decision differs from what the applicant was told (or they were told nothing)."""
        return self.sent_outcome != self.outcome or self.sent_note != self.note


class DecisionMessage(models.Model):
    """One decision e-mail held in the program's outbox until a manager sends it (as pretalx does).

    Deciding renders the message for each recipient in their language and queues it here; the manager reads,
    edits or discards it, and sends it. Only sending e-mails the recipient, notifies them in-app and releases
    the decision to the applicant's pages. Changing the decision before sending replaces the queued messages.
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="messages", verbose_name=_("decision")
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="outbox", verbose_name=_("program"))
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient"))
    outcome = models.CharField(pgettext_lazy("decision", "outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note to the applicant"), blank=True)
    language = models.CharField(_("language"), max_length=8)
    to = models.EmailField(_("e-mail address"), blank=True)
    subject = models.CharField(_("subject"), max_length=limits.MESSAGE_SUBJECT_MAX)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    edited_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("edited by")
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    sent_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["program", "status", "-created_at", "pk"]
        verbose_name = _("decision e-mail")
        verbose_name_plural = _("decision e-mails")
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class Cohort(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("program"))
    call = models.OneToOneField(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="cohort", verbose_name=_("call")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["program", "-year"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name

    name = bilingual("name")


class CohortMember(models.Model):
    """A startup in a cohort. Changing the decision away from "accepted" ends the membership (``withdrawn``,
    ``ended_at``) and keeps its mentorships and logged sessions; re-accepting reactivates the same row."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members", verbose_name=_("cohort"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cohort_memberships", verbose_name=_("startup")
    )
    application = models.OneToOneField(
        Application,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cohort_member",
        verbose_name=_("application"),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["cohort", "organisation__name_en"]
        verbose_name = _("cohort member")
        verbose_name_plural = _("cohort members")
        constraints = [models.UniqueConstraint(fields=["cohort", "organisation"], name="unique_cohort_member")]

    def __str__(self) -> str:
        return f"{self.organisation} ∈ {self.cohort}"

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE


class Mentorship(models.Model):
    """A mentor paired with a cohort member. PROTECT on both sides: neither the member nor the mentor's
    account can be deleted while the pairing (and its logged sessions) exists."""

    member = models.ForeignKey(
        CohortMember, on_delete=models.PROTECT, related_name="mentorships", verbose_name=_("mentee")
    )
    mentor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="mentorships", verbose_name=_("mentor"))
    affinity = models.FloatField(_("affinity"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=AssignmentSource.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["member", "mentor__username"]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [models.UniqueConstraint(fields=["member", "mentor"], name="unique_mentorship")]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.member.organisation}"


class MentoringSession(models.Model):
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("mentorship")
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    logged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by"))
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        ordering = ["mentorship", "-held_on"]
        verbose_name = _("mentoring session")
        verbose_name_plural = _("mentoring sessions")

    def __str__(self) -> str:
        return f"{self.mentorship} {self.held_on} {self.topic}"
