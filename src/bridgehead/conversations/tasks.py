"""Background tasks (django-tasks): they take ids and call one function."""

from django.db import transaction
from django_tasks import task

from bridgehead.conversations import notify


@task()
def send_due_notice(state_id: int) -> int:
    """The held-back e-mail of one reader of one thread, an hour after the previous one (if still unread)."""
    with transaction.atomic():
        return notify.send_due_notices(state_id=state_id)
