"""Is a background worker running? Each worker process records a heartbeat row every few seconds.

django-tasks' database worker records which worker claimed a task, but nothing while it waits for work, so
a page cannot tell "queued, a worker will take it in a second" from "queued, and nobody will ever take it".
``bridgehead worker`` (and the worker ``bridgehead serve --with-worker`` starts) runs a small thread beside
the django-tasks loop that updates a :class:`WorkerHeartbeat` row every ``BEAT_EVERY`` seconds, also while a
long solve keeps the loop busy, and marks the row stopped on a clean exit. A page showing a queued run asks
:func:`worker_state`: no row seen within ``ALIVE_WITHIN`` means no worker is running (or it was killed).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from dataclasses import dataclass

from django.db import close_old_connections, connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BEAT_EVERY = 5.0  # seconds between heartbeats
ALIVE_WITHIN = dt.timedelta(seconds=30)  # six missed beats: the worker is gone, not merely busy
FORGET_AFTER = dt.timedelta(days=7)  # rows of workers stopped longer ago are deleted when a worker starts


class WorkerHeartbeat(models.Model):
    """One background worker process and when it last said it was alive."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last heartbeat"), db_index=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["-seen_at"]
        verbose_name = _("background worker")
        verbose_name_plural = _("background workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


@dataclass(frozen=True)
class WorkerState:
    """What a status page says about the background workers."""

    alive: bool
    last_seen: dt.datetime | None  # the most recent heartbeat of any worker, or None if none ever ran


def worker_state(*, now: dt.datetime | None = None) -> WorkerState:
    now = now or timezone.now()
    running = WorkerHeartbeat.objects.filter(stopped_at__isnull=True, seen_at__gte=now - ALIVE_WITHIN).exists()
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return WorkerState(alive=running, last_seen=last)


def record_start(*, worker_id: str, now: dt.datetime | None = None) -> WorkerHeartbeat:
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    beat, _created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": now,
            "seen_at": now,
            "stopped_at": None,
        },
    )
    return beat


def record_beat(*, worker_id: str, now: dt.datetime | None = None) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now or timezone.now())


def record_stop(*, worker_id: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now, stopped_at=now)


class Heartbeat:
    """A daemon thread that records the heartbeat of the worker running in this process.

    It uses its own database connection (Django gives each thread one) and closes it when it stops. A database
    error skips one beat instead of killing the thread: a locked SQLite file must not make a live worker look
    dead for good.
    """

    def __init__(self, worker_id: str, every: float = BEAT_EVERY) -> None:
        self.worker_id = worker_id
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bridgehead-heartbeat", daemon=True)

    def start(self) -> None:
        record_start(worker_id=self.worker_id)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 5)
        record_stop(worker_id=self.worker_id)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                close_old_connections()
                try:
                    record_beat(worker_id=self.worker_id)
                except Exception:  # any database hiccup (a locked SQLite file): try again at the next beat
                    connection.close()
        finally:
            connection.close()
