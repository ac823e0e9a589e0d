from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "bridgehead.showcase"
    label = "showcase"
    verbose_name = _("Public showcase")

    def ready(self) -> None:
        from bridgehead.core import privacy  # collectors register once the app registry is ready
        from bridgehead.showcase import privacy as showcase_privacy

        privacy.register(showcase_privacy.COLLECTOR)
