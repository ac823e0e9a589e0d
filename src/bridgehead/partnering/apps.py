from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartneringConfig(AppConfig):
    name = "bridgehead.partnering"
    label = "partnering"
    verbose_name = _("Partnering events")

    def ready(self) -> None:
        from bridgehead.core import privacy  # collectors register once the app registry is ready
        from bridgehead.partnering import privacy as partnering_privacy

        privacy.register(partnering_privacy.COLLECTOR)
