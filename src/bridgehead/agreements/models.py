"""Agreements between cluster actors: who signed, when and where, and what they committed to.

``signed_at`` is an aware datetime stored in UTC, with the place's IANA zone kept beside it, because the
date people quote is the local one ("17 Jan 2024 at UC San Diego") while a Seoul viewer's clock already
showed the 18th.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgehead.core import uploads
from bridgehead.core.bilingual import bilingual
from bridgehead.core.fields import WebAddressField
from bridgehead.core.models import validate_time_zone
from bridgehead.registry.models import Organisation, Sector

#: What a signed agreement is kept as: the signed PDF or Word file, or a scan of it.
SIGNED_DOCUMENT_TYPES = (uploads.PDF, uploads.DOCX, uploads.PNG, uploads.JPEG)


class Agreement(models.Model):
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    place_ko = models.CharField(_("place (Korean)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    time_zone = models.CharField(_("time zone of the place"), max_length=64, validators=[validate_time_zone])
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    document = models.FileField(
        _("document"),
        upload_to=uploads.RandomName("agreements"),
        blank=True,
        max_length=200,
        validators=[uploads.AcceptedFile(SIGNED_DOCUMENT_TYPES)],
    )
    # The uploader's file name (a label: the file is stored under a random name) and the type its bytes
    # showed, recorded by ``save`` and used when the document is served (``agreement-document``).
    document_name = models.CharField(_("document file name"), max_length=uploads.NAME_MAX, blank=True)
    document_type = models.CharField(_("document content type"), max_length=120, blank=True)
    source_url = WebAddressField(_("source"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    # Off by default: an agreement appears on the public showcase only once a site admin turns this on.
    is_public = models.BooleanField(
        _("shown on the public showcase"),
        default=False,
        help_text=_("Its title, summary, signatories and commitments become readable by anyone, without log-in."),
    )

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(title_ko="") & models.Q(title_en="")), name="agreement_has_a_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.document_name, self.document_type = uploads.recorded(self.document, self.document_name, self.document_type)
        super().save(*args, **kwargs)

    title = bilingual("title")

    place = bilingual("place")

    summary = bilingual("summary")


class Signatory(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("agreement")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("organisation")
    )
    signed_by_ko = models.CharField(_("signed by (Korean)"), max_length=200, blank=True)
    signed_by_en = models.CharField(_("signed by (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["agreement", "order", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="one_signature_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.agreement}"

    signed_by = bilingual("signed_by")


class Commitment(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("agreement")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_ko = models.TextField(_("text (Korean)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="commitments", verbose_name=_("sectors"))

    class Meta:
        ordering = ["agreement", "order", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.text[:80]

    text = bilingual("text")
