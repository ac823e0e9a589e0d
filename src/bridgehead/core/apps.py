from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bridgehead.core"
    label = "core"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from auditlog.models import LogEntry  # models import only once the app registry is ready
        from django.db.models.signals import pre_save

        from bridgehead.core import actions, audit, privacy, signals  # noqa: F401 - connects the receivers

        audit.register_models()
        privacy.register(privacy.CORE_COLLECTOR)
        pre_save.connect(actions._stamp_actor, sender=LogEntry, dispatch_uid="bridgehead-actor")
