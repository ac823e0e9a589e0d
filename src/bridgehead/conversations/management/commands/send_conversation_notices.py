"""Send the conversation e-mails held back by the hourly gate whose hour is over.

The deferred task does this on its own with a task backend that can defer (the database backend); this
command is for one that cannot, or to catch up after the worker was down. Safe to run as often as you like.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from bridgehead.conversations import notify


class Command(BaseCommand):
    help = "Send the conversation e-mails whose hourly gate has passed."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            sent = notify.send_due_notices()
        self.stdout.write(f"{sent} e-mail(s) sent")
