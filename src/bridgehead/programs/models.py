"""Programs run under an agreement (calls, reviews and cohorts build on this in the programs issue).

A program exists this early because roles are scoped to programs: a program manager, reviewer or mentor
acts only inside the programs they hold the role in.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bridgehead.agreements.models import Agreement, Commitment
from bridgehead.core.bilingual import pick
from bridgehead.core.models import validate_time_zone
from bridgehead.registry.models import Organisation


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
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Seoul", validators=[validate_time_zone]
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

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

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def description(self) -> str:
        return pick(self, "description")
