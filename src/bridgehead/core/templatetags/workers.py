"""``{% background_worker as worker %}``: whether a background worker is running, for run-status fragments."""

from __future__ import annotations

from django import template

from bridgehead.core.workers import WorkerState, worker_state

register = template.Library()


@register.simple_tag
def background_worker() -> WorkerState:
    return worker_state()
