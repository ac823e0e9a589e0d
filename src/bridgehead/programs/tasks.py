"""Background work of the programs app: tasks take ids, load the object and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def run_assignment(run_id: int) -> None:
    from bridgehead.programs.assignment import execute_run
    from bridgehead.programs.enums import RunStatus
    from bridgehead.programs.models import AssignmentRun

    run = AssignmentRun.objects.select_related("call").get(pk=run_id)
    try:
        execute_run(run=run)
    except Exception as exc:
        # The page must not poll forever: record the failure where the manager sees it, then let the
        # worker log the traceback.
        AssignmentRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, problems=[repr(exc)])
        raise
