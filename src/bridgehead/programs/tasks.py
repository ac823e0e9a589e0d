"""Background work of the programs app: tasks take ids and call a service (DESIGN §5)."""

from __future__ import annotations

from django_tasks import task

from bridgehead.programs import assignment


@task()
def run_assignment(run_id: int) -> None:
    assignment.execute(run_id)
