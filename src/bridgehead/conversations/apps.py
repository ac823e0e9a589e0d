from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "bridgehead.conversations"
    label = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from bridgehead.conversations import privacy as conversations_privacy  # registers once apps are ready
        from bridgehead.conversations import signals  # noqa: F401 - connects the request receiver
        from bridgehead.core import privacy  # collectors register once the app registry is ready

        privacy.register(conversations_privacy.COLLECTOR)
