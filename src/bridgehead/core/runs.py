"""Background runs: one design for every long computation a user starts and then watches.

A schedule solve (``partnering.ScheduleRun``) and a reviewer assignment (``programs.AssignmentRun``) are both a
:class:`BackgroundRun`: a row that says where the work stands, for the page that polls it and for the worker
that does it. A subclass names its *subject* (the event, the call: one active run per subject), the task that
executes it, and its own result fields. Everything else is here, once:

``queue``
    The service asks for a run (``ScheduleRun.queue(event, by=user, time_limit=5)``). In one transaction the
    subject's row is locked, runs whose worker died are closed (:meth:`BackgroundRun.recover_stale`), and a
    second run while one is queued or running is refused (``runs.already_active``, the same code for every
    kind of run). A conditional unique constraint (:func:`one_active_run`) backs the check up in the database.
    The task is enqueued after commit, by its dotted path, so services never import their tasks module.
``claim``
    The worker takes the run with one conditional UPDATE (queued → running): of two workers given the same
    run, exactly one wins; the other does nothing.
``execute``
    The task calls ``execute(run_id)``, which claims the run and calls the app's *work* function as the
    requester (``acting_as(run.requested_by, via="task")``), so audit entries the run writes name who asked for
    it. The work returns its result fields; :meth:`~BackgroundRun.finish` stores them with ``succeeded``. It
    raises :class:`RunFailed` for an expected failure ("no assignment is possible", with fields to keep) and
    :class:`RunCancelled` when asked to stop. Any other exception is recorded as ``failed`` with a readable
    message — in this one place — and logged with its traceback: a run is never left ``running``. The work
    writes its result in one transaction at its end (or, like a schedule solve, only on the run), so a run
    that fails leaves the previous result as it was. Each end writes one audit entry on the run
    (``<app>.run.succeeded|failed|cancelled``).
``heartbeat`` / ``step`` / ``set_progress``
    While the work runs, a small thread beats every :data:`BEAT_EVERY` seconds (also through a long solver
    call with no callback), and the work reports progress (a fraction 0..1 and a message).
``cancel``
    A queued run is cancelled at once; a running one is asked to stop (``cancel_requested``) and stops
    cooperatively: the work checks :meth:`~BackgroundRun.stop_requested` (a solver's stop callback) or calls
    :meth:`~BackgroundRun.step` between stages.
``recover_stale``
    A running run whose heartbeat is older than :data:`STALE_AFTER` lost its worker: it is marked failed
    ("the worker stopped") when the next run for its subject is queued and when a worker starts
    (:func:`recover_stale_runs`, called by ``bridgehead worker``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, ClassVar, Self

from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, close_old_connections, connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bridgehead.core.actions import acting_as, after_commit, domain_action, record
from bridgehead.core.enums import ACTIVE_RUN_STATUSES, RunStatus
from bridgehead.core.errors import Kind, Refused

logger = logging.getLogger(__name__)

ALREADY_ACTIVE = "runs.already_active"  # the refusal code of a second run for one subject, for every kind of run
BEAT_EVERY = 10.0  # seconds between heartbeats of a running run
STALE_AFTER = dt.timedelta(minutes=2)  # a running run silent this long lost its worker
QUEUED_STALE_AFTER = dt.timedelta(minutes=30)  # a queued run nobody took this long is closed when a new one is asked


class RunFailed(Exception):
    """The work ends without a result, for a reason the user should read (not a crash).

    ``message`` goes to the run's ``error``; ``fields`` are stored with it (e.g. the problems found).
    """

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = str(message)
        self.fields = fields


class RunCancelled(Exception):
    """The work stopped because a cancel was requested; ``fields`` (a partial result) are stored with it."""

    def __init__(self, **fields: Any) -> None:
        super().__init__("cancelled")
        self.fields = fields


def one_active_run(subject_field: str, name: str) -> models.UniqueConstraint:
    """The database's guard: at most one queued or running run per subject (SQLite and PostgreSQL)."""
    return models.UniqueConstraint(fields=[subject_field], condition=Q(status__in=ACTIVE_RUN_STATUSES), name=name)


class BackgroundRun(models.Model):
    """A long computation a user started; see the module docstring for its lifecycle.

    Subclasses set :attr:`subject_field`, :attr:`task_path`, add their result fields and the
    :func:`one_active_run` constraint to their ``Meta.constraints``.
    """

    subject_field: ClassVar[str] = ""  # the foreign key naming what the run is for ("event", "call")
    task_path: ClassVar[str] = ""  # the django-tasks task that executes a run, taking its id
    already_active_message: ClassVar[Any] = _("A run is already queued or running for this; wait for it or cancel it.")
    stale_message: ClassVar[Any] = _("The worker stopped before the run finished.")

    status = models.CharField(_("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    progress = models.FloatField(
        _("progress"), default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    progress_message = models.CharField(_("stage"), max_length=200, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def is_finished(self) -> bool:
        return not self.is_active

    @property
    def subject(self) -> models.Model:
        return getattr(self, self.subject_field)

    # --- the service's side -------------------------------------------------------------------------------

    @classmethod
    @domain_action
    def queue(cls, subject: models.Model, *, by, **fields: Any) -> Self:
        """A new queued run for ``subject``, its task enqueued after commit; refused while one is active."""
        now = timezone.now()
        # Two requests for one subject queue here, one after the other (PostgreSQL; SQLite locks it all).
        type(subject).objects.select_for_update().filter(pk=subject.pk).first()
        cls.recover_stale(subject=subject, now=now)
        if cls.objects.filter(**{cls.subject_field: subject}, status__in=ACTIVE_RUN_STATUSES).exists():
            raise cls._already_active()
        try:
            with transaction.atomic():
                run = cls.objects.create(**{cls.subject_field: subject}, requested_by=by, **fields)
        except IntegrityError:  # a run queued in between despite the lock: the constraint caught it
            if cls.objects.filter(**{cls.subject_field: subject}, status__in=ACTIVE_RUN_STATUSES).exists():
                raise cls._already_active() from None
            raise
        task = import_string(cls.task_path)
        after_commit(lambda: task.enqueue(run.pk))
        return run

    @classmethod
    def _already_active(cls) -> Refused:
        return Refused(ALREADY_ACTIVE, cls.already_active_message, kind=Kind.CONFLICT)

    @domain_action
    def cancel(self, *, by=None) -> None:
        """Cancel a queued run now; ask a running one to stop (its work checks between steps). Audited with
        ``by`` as the actor (``<app>.run.cancel_requested``)."""
        model = type(self)
        if not model.objects.filter(pk=self.pk, status__in=ACTIVE_RUN_STATUSES).update(cancel_requested=True):
            return  # already ended: nothing to cancel
        model.objects.filter(pk=self.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.CANCELLED, finished_at=timezone.now()
        )
        record(self, f"{self._meta.app_label}.run.cancel_requested", summary=self._end_label(RunStatus.CANCELLED))

    @classmethod
    def recover_stale(cls, *, subject: models.Model | None = None, now: dt.datetime | None = None) -> int:
        """Mark failed the running runs whose worker stopped answering (and, for one subject about to get a new
        run, queued runs no worker took for :data:`QUEUED_STALE_AFTER`). Returns how many."""
        now = now or timezone.now()
        last_sign = Coalesce("heartbeat_at", "started_at", "created_at")
        stale = Q(status=RunStatus.RUNNING, last_sign__lt=now - STALE_AFTER)
        runs = cls.objects.annotate(last_sign=last_sign)
        if subject is not None:
            stale |= Q(status=RunStatus.QUEUED, created_at__lt=now - QUEUED_STALE_AFTER)
            runs = runs.filter(**{cls.subject_field: subject})
        # One conditional UPDATE: a worker that beats or finishes right now keeps its run.
        return runs.filter(stale).update(status=RunStatus.FAILED, finished_at=now, error=gettext(cls.stale_message))

    # --- the worker's side --------------------------------------------------------------------------------

    @classmethod
    def claim(cls, run_id: int) -> Self | None:
        """Take a queued run (queued → running); None when another worker took it or it was cancelled."""
        now = timezone.now()
        won = cls.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=now, heartbeat_at=now
        )
        return cls.objects.get(pk=run_id) if won else None

    @classmethod
    def execute(cls, run_id: int, work: Callable[[Self], dict[str, Any] | None]) -> Self:
        """Claim the run, do ``work(run)`` as its requester, and record how it ended (module docstring)."""
        run = cls.claim(run_id)
        if run is None:
            return cls.objects.get(pk=run_id)
        # Inside an enclosing transaction (the immediate task backend in tests) nobody else can see the run's
        # beats, and the work's writes must roll back on their own if it fails: a savepoint, and no beat thread.
        nested = connection.in_atomic_block
        beat = None if nested else RunHeartbeat(cls, run.pk)
        with acting_as(run.requested_by, via="task"):
            try:
                if beat:
                    beat.start()
                with transaction.atomic() if nested else nullcontext():
                    fields = work(run) or {}
            except RunCancelled as stopped:
                run._end(RunStatus.CANCELLED, **stopped.fields)
            except RunFailed as failure:
                run._end(RunStatus.FAILED, error=failure.message, **failure.fields)
            except Exception as exc:
                logger.exception("%s %s failed", cls._meta.label, run.pk)
                run._end(RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
            else:
                run._end(RunStatus.SUCCEEDED, progress=1.0, progress_message="", **fields)
            finally:
                if beat:
                    beat.stop()
        run.refresh_from_db()
        return run

    def _end(self, status: str, **fields: Any) -> None:
        """Record the end of a running run, with one audit entry naming the requester (via the task)."""
        now = timezone.now()
        with transaction.atomic():
            ended = (
                type(self)
                .objects.filter(pk=self.pk, status=RunStatus.RUNNING)
                .update(status=status, finished_at=now, heartbeat_at=now, **fields)
            )
            if ended:
                self.status = status
                record(self, f"{self._meta.app_label}.run.{status}", summary=self._end_label(status))

    def _end_label(self, status: str) -> str:
        return f"{self._meta.verbose_name} #{self.pk}: {RunStatus(status).label}"

    def heartbeat(self) -> None:
        type(self).objects.filter(pk=self.pk, status=RunStatus.RUNNING).update(heartbeat_at=timezone.now())

    def set_progress(self, fraction: float | None = None, message: str | None = None, **fields: Any) -> None:
        """Report progress (also a heartbeat); ``fields`` are the subclass's own progress fields."""
        values: dict[str, Any] = {"heartbeat_at": timezone.now(), **fields}
        if fraction is not None:
            values["progress"] = self.progress = min(1.0, max(0.0, float(fraction)))
        if message is not None:
            values["progress_message"] = self.progress_message = str(message)[:200]
        type(self).objects.filter(pk=self.pk, status=RunStatus.RUNNING).update(**values)

    def stop_requested(self) -> bool:
        """Has someone asked this run to stop? (One small query: callers poll it at most every second.)"""
        return type(self).objects.filter(pk=self.pk, cancel_requested=True).exists()

    def step(self, message: str, fraction: float | None = None) -> None:
        """Between two stages of the work: report the next stage, and stop here if a cancel was requested."""
        if self.stop_requested():
            raise RunCancelled
        self.set_progress(fraction, message)


def run_models() -> list[type[BackgroundRun]]:
    return [model for model in apps.get_models() if issubclass(model, BackgroundRun)]


def recover_stale_runs(*, now: dt.datetime | None = None) -> int:
    """Close the running runs of every kind whose worker stopped (a worker calls this when it starts)."""
    return sum(model.recover_stale(now=now) for model in run_models())


class RunHeartbeat:
    """A daemon thread that beats for one running run while its work keeps the worker's thread busy.

    It uses its own database connection and closes it when it stops; a database error skips a beat.
    """

    def __init__(self, model: type[BackgroundRun], run_id: int, every: float = BEAT_EVERY) -> None:
        self.model, self.run_id, self.every = model, run_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"run-heartbeat-{run_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 5)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                close_old_connections()
                try:
                    self.model.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a locked SQLite file, a dropped connection: try again at the next beat
                    connection.close()
        finally:
            connection.close()
