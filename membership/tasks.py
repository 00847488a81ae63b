"""Background work for membership: thin wrappers that the task worker runs."""

from django.tasks import task

from . import shares


@task()
def send_payment_reminders_task() -> int:
    """Remind approved applicants who have not paid after 14 days; returns how many."""
    return shares.send_payment_reminders()


@task()
def send_declaration_reminders_task() -> dict:
    """Remind officers whose declaration of interests is due within a month; mark overdue
    ones. Returns how many of each, over all societies."""
    from coop.models import Society

    from .interests.returns import send_return_reminders

    totals = {"due_soon": 0, "overdue": 0}
    for society in Society.objects.all():
        for kind, n in send_return_reminders(society).items():
            totals[kind] += n
    return totals


@task()
def apply_retention_task() -> dict:
    """Apply every society's retention rules (membership/privacy/retention.py); returns the
    counts per society. Scheduled daily through `manage.py apply_retention --queue`."""
    from coop.models import Society

    from .privacy.retention import apply_retention

    return {s.slug: apply_retention(s).counts for s in Society.objects.order_by("pk")}
