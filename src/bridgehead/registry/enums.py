from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    UNIVERSITY = "university", _("University")
    STARTUP = "startup", _("Startup")
    COMPANY = "company", _("Company")
    INVESTOR = "investor", _("Investor")
    HOSPITAL = "hospital", _("Hospital")
    AGENCY = "agency", _("Agency")


class Stage(models.TextChoices):
    PRE_SEED = "pre-seed", _("Pre-seed")
    SEED = "seed", _("Seed")
    SERIES_A = "series-a", _("Series A")
    SERIES_B = "series-b", _("Series B")
    GROWTH = "growth", _("Growth")
    PUBLIC = "public", _("Public")
