from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartneringConfig(AppConfig):
    name = "bridgehead.partnering"
    label = "partnering"
    verbose_name = _("Partnering events")
