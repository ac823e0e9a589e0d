from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "bridgehead.programs"
    label = "programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from bridgehead.core import privacy  # collectors register once the app registry is ready
        from bridgehead.programs import privacy as programs_privacy

        privacy.register(programs_privacy.COLLECTOR)
