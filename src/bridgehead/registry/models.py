"""The registry: the sector taxonomy, clusters and their dated facts, organisations and people.

Names and descriptions are bilingual; search matches either language (``search_text`` holds both names,
both descriptions and the Korean morphemes, kept up to date on save), so "타이로스코프" and "Thyroscope"
find the same company.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgehead.core.bilingual import BilingualMixin, bilingual
from bridgehead.core.fields import WebAddressField
from bridgehead.core.models import validate_time_zone
from bridgehead.registry.enums import OrganisationKind, Stage
from bridgehead.registry.search import index_text

sector_code_validator = RegexValidator(
    r"^[a-z0-9-]+(\.[a-z0-9-]+)*$", _("Use lower-case words joined by dots, e.g. health.digital.")
)
country_validator = RegexValidator(r"^[A-Z]{2}$", _("Use a two-letter ISO 3166 country code, e.g. KR or US."))


class Sector(BilingualMixin, models.Model):
    """A node of the sector tree. Codes are dotted paths (``health.digital``) so engines can derive the
    tree from codes alone; ``parent`` mirrors it for queries."""

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[sector_code_validator])
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def depth(self) -> int:
        return self.code.count(".")


class Cluster(BilingualMixin, models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    country = models.CharField(_("country"), max_length=2, validators=[country_validator])
    city_ko = models.CharField(_("city (Korean)"), max_length=100, blank=True)
    city_en = models.CharField(_("city (English)"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="clusters", verbose_name=_("sectors"))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.name


class ClusterFact(models.Model):
    """A dated, sourced number about a cluster. Real facts name their source; invented ones say so."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="facts", verbose_name=_("cluster"))
    metric_ko = models.CharField(_("metric (Korean)"), max_length=200)
    metric_en = models.CharField(_("metric (English)"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_url = WebAddressField(_("source link"), blank=True)
    note_ko = models.CharField(_("note (Korean)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["cluster", "-year", "metric_en"]
        verbose_name = _("cluster fact")
        verbose_name_plural = _("cluster facts")

    def __str__(self) -> str:
        return f"{self.cluster}: {self.metric_en} {self.value} {self.unit} ({self.year})"

    metric = bilingual("metric")

    note = bilingual("note")


class Organisation(BilingualMixin, models.Model):
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    name_ko = models.CharField(_("name (Korean)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    cluster = models.ForeignKey(
        Cluster,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("cluster"),
    )
    sectors = models.ManyToManyField(Sector, blank=True, related_name="organisations", verbose_name=_("sectors"))
    country = models.CharField(_("country"), max_length=2, validators=[country_validator])
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = WebAddressField(_("website"), blank=True)
    email_domain = models.CharField(_("e-mail domain"), max_length=120, blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    markets_sought = models.JSONField(_("markets sought"), default=list, blank=True)
    markets_offered = models.JSONField(_("markets offered"), default=list, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name_en", "name_ko"]
        # The directory, its API pages and the partners listed at an event are read in this order: with the
        # index a page (LIMIT/OFFSET) is an index walk, without it a sort of every organisation (20,000 at
        # BIO scale: 80-100 ms a page, bench/load).
        indexes = [models.Index(fields=["name_en", "name_ko"], name="organisation_name_order")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(name_ko="") & models.Q(name_en="")), name="organisation_has_a_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = index_text(
            self.name_ko, self.name_en, self.description_ko, self.description_en, self.website
        )
        super().save(*args, **kwargs)


class Person(BilingualMixin, models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("organisation"),
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=150, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=150, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul", validators=[validate_time_zone])
    bio_ko = models.TextField(_("biography (Korean)"), blank=True)
    bio_en = models.TextField(_("biography (English)"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["name_en", "name_ko"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(condition=~(models.Q(name_ko="") & models.Q(name_en="")), name="person_has_a_name")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = index_text(self.name_ko, self.name_en, self.title_ko, self.title_en, self.email)
        super().save(*args, **kwargs)

    title = bilingual("title")

    bio = bilingual("bio")


class ImportBatch(models.Model):
    """An uploaded spreadsheet between preview and commit. Keeping the bytes lets the commit re-validate
    exactly what was previewed, and the status makes a double-clicked "commit" write nothing twice."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, default="organisations")
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Member")
    ENDED = "ended", _("Ended")
    DECLINED = "declined", _("Declined")


#: A membership that is still open: asked for, offered, or held. At most one per person and organisation.
OPEN_STATUSES = (MembershipStatus.REQUESTED, MembershipStatus.INVITED, MembershipStatus.ACTIVE)
#: Affiliations that count for conflicts of interest: held now, held once (history), or claimed.
AFFILIATED_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.ENDED, MembershipStatus.REQUESTED)


class Membership(models.Model):
    """A verified affiliation: this person belongs to (or belonged to) this organisation.

    Nobody makes themselves a member: a person asks (``requested``) and an admin member of the organisation
    or a site admin approves, or they invite (``invited``) and the person accepts. Ending a membership keeps
    the row (``ended``, with when and by whom) so conflicts of interest still see past affiliations. An
    active membership of a person with an account is mirrored by the startup/partner member role
    (``core.RoleAssignment``), which is what every "may act for this organisation" rule reads.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    status = models.CharField(_("status"), max_length=20, choices=MembershipStatus.choices)
    is_admin = models.BooleanField(
        _("organisation admin"), default=False, help_text=_("May invite members and approve requests.")
    )
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asked by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ended by"),
    )

    class Meta:
        ordering = ["organisation", "-requested_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="one_open_membership_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ∈ {self.organisation} ({self.status})"


class PublicListingConsent(models.Model):
    """An organisation's consent to be named on the public showcase, with who gave it and who withdrew it.

    One row per consent given; withdrawing stamps the row, so the history of who agreed (and when) stays for
    the audit. At most one row is current (not withdrawn) per organisation — a database constraint — and the
    showcase lists only organisations with a current row: a withdrawal takes effect on the next page load.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="listing_consents", verbose_name=_("organisation")
    )
    given_at = models.DateTimeField(_("consent given"), default=timezone.now)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("consent given by"),
    )
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("consent withdrawn by"),
    )

    class Meta:
        ordering = ["organisation", "-given_at"]
        verbose_name = _("public listing consent")
        verbose_name_plural = _("public listing consents")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_listing_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({'withdrawn' if self.withdrawn_at else 'current'})"


def consenting_organisation_ids() -> models.QuerySet:
    """Organisations that currently agree to be named in public (a subquery, evaluated by the caller)."""
    return PublicListingConsent.objects.filter(withdrawn_at__isnull=True).values("organisation_id")
