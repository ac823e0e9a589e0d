"""Background tasks (django-tasks): they take ids and call a service (DESIGN §5)."""

from django_tasks import task

from bridgehead.partnering import recommending, scheduling


@task()
def solve_schedule(run_id: int) -> None:
    scheduling.execute_run(run_id=run_id)


@task()
def refresh_recommendations(event_id: int) -> None:
    from bridgehead.partnering.models import Event

    recommending.refresh(event=Event.objects.get(pk=event_id))
