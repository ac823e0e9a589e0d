"""Background tasks (django-tasks): they take ids and call a service (DESIGN §5)."""

from django_tasks import task

from bridgehead.outcomes import services


@task()
def send_outcome_reminders(program_id: int) -> None:
    from bridgehead.programs.models import Program

    services.send_reminders(program=Program.objects.get(pk=program_id))
