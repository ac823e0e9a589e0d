"""Background tasks (django-tasks): they take ids and call a service (DESIGN §5)."""

from django_tasks import task

from bridgehead.core.actions import acting_as
from bridgehead.outcomes import services
from bridgehead.programs.models import Program


@task()
def send_outcome_reminders(program_id: int) -> None:
    # The scheduled reminder has nobody behind it: audited as the platform, through the task door.
    with acting_as(None, via="task"):
        services.send_reminders(program=Program.objects.get(pk=program_id))
