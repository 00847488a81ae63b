"""Background work for membership: thin wrappers that the task worker runs."""

from django.tasks import task

from . import shares


@task()
def send_payment_reminders_task() -> int:
    """Remind approved applicants who have not paid after 14 days; returns how many."""
    return shares.send_payment_reminders()
