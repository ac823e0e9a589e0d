from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "bridgehead.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from bridgehead.core import privacy  # collectors register once the app registry is ready
        from bridgehead.registry import privacy as registry_privacy

        privacy.register(registry_privacy.COLLECTOR)
        privacy.register_person_finder(registry_privacy.find_person)
