from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bridgehead.core"
    label = "core"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from bridgehead.core import audit, signals  # noqa: F401 - connects the receivers

        audit.register_models()
