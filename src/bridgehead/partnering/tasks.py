"""Background tasks (django-tasks): they take ids and call a service (DESIGN §5)."""

from django_tasks import task

from bridgehead.partnering import notify, recommending, scheduling
from bridgehead.partnering.models import Event, ScheduleRun


@task()
def solve_schedule(run_id: int) -> None:
    scheduling.execute(run_id)


@task()
def refresh_recommendations(event_id: int) -> None:
    recommending.refresh(event=Event.objects.get(pk=event_id))


@task()
def send_schedule_notices(run_id: int) -> None:
    """Tell both sides of every meeting a publish scheduled, moved, dropped or could not place."""
    run = ScheduleRun.objects.get(pk=run_id)
    notify.schedule_published(run.diagnostics.get("notices", {}))
