"""What a delete would take with it, counted before anything is deleted.

Deleting is rare on Bridgehead: others' work (reviews, scores, mentoring logs, confirmed outcomes, meetings) is
protected by ``on_delete=PROTECT`` or ended with a status instead (docs/architecture.md, "What can be
deleted"). The deletes that remain show a confirmation built from :func:`consequences` — the same collector
Django's admin uses for its "Are you sure?" page — and their service refuses with :func:`refuse_if_protected`
when the database would refuse (a clear code instead of a ``ProtectedError`` page).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin.utils import NestedObjects
from django.db import models, router
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from bridgehead.core.errors import Refused


@dataclass(frozen=True)
class Consequence:
    """``count`` rows of ``label`` (a model's plural name) that a delete would remove, or that stop it."""

    label: str
    count: int


@dataclass(frozen=True)
class Consequences:
    removed: list[Consequence]  # also deleted, by cascade (the object itself excluded)
    blocking: list[Consequence]  # protected rows that make the delete impossible

    @property
    def allowed(self) -> bool:
        return not self.blocking


def _counted(objects) -> list[Consequence]:
    counts: dict[str, int] = {}
    for obj in objects:
        label = str(capfirst(obj._meta.verbose_name_plural))
        counts[label] = counts.get(label, 0) + 1
    return [Consequence(label, count) for label, count in sorted(counts.items())]


def consequences(obj: models.Model) -> Consequences:
    """Everything deleting ``obj`` would cascade to, and everything protected that forbids it."""
    collector = NestedObjects(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    removed = [
        instance
        for model, instances in collector.data.items()
        for instance in instances
        if not (model is type(obj) and instance.pk == obj.pk)
    ]
    return Consequences(removed=_counted(removed), blocking=_counted(collector.protected))


def describe(items: list[Consequence]) -> str:
    return ", ".join(f"{item.count} × {item.label}" for item in items)


def refuse_if_protected(obj: models.Model, code: str, message=None) -> Consequences:
    """Raise ``Refused(code, …)`` (CONFLICT) naming what depends on ``obj`` when the delete cannot happen;
    otherwise return what it will take with it."""
    found = consequences(obj)
    if not found.allowed:
        raise Refused(
            code,
            message or gettext_lazy("%(object)s cannot be deleted: %(dependants)s depend on it."),
            params={"object": str(obj), "dependants": describe(found.blocking)},
        )
    return found
