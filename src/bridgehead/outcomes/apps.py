from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "bridgehead.outcomes"
    label = "outcomes"
    verbose_name = _("Outcomes and KPIs")

    def ready(self) -> None:
        from bridgehead.core import privacy  # collectors register once the app registry is ready
        from bridgehead.outcomes import privacy as outcomes_privacy

        privacy.register(outcomes_privacy.COLLECTOR)
