"""django-tasks' database worker with a heartbeat, so pages can say whether a worker is running; on start it
closes the background runs a dead worker left running (``bridgehead.core.runs``).

``bridgehead worker`` runs this command; it takes every option of ``db_worker``.
"""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from bridgehead.core.runs import recover_stale_runs
from bridgehead.core.workers import Heartbeat


class Command(DbWorkerCommand):
    help = "Run background tasks (the django-tasks database worker) and record a heartbeat while running."

    def handle(self, *args, **options) -> None:
        # With --reload the first process only watches files and restarts a child that runs the tasks: only
        # the process that runs tasks beats.
        watcher_only = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if watcher_only:
            super().handle(*args, **options)
            return
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        recover_stale_runs()  # runs left "running" by a worker that died are closed, so their subjects can run again
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
