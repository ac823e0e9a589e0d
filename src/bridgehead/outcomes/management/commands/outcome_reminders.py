"""Queue the outcome reminders that are due; run it daily from cron or a systemd timer."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from bridgehead.core.actions import after_commit
from bridgehead.outcomes import services, tasks


class Command(BaseCommand):
    help = "Queue an outcome-report reminder for every program whose reminder is due."

    def handle(self, *args, **options) -> None:
        due = services.due_reminders()
        for program_id in due:
            after_commit(lambda pk=program_id: tasks.send_outcome_reminders.enqueue(pk))
        self.stdout.write(f"{len(due)} program(s) due")
