"""Queue the payment reminders. Run it once a day from cron (see the README); each applicant is
reminded once, so running it more often sends nothing twice."""

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from membership.tasks import send_payment_reminders_task


class Command(BaseCommand):
    help = ("Queue emails reminding approved applicants who have not paid for their share "
            "after 14 days. Run daily.")

    def handle(self, *args, **options):
        result = send_payment_reminders_task.enqueue()
        # The immediate backend has run it already; a worker runs it later otherwise.
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"Sent {result.return_value} payment reminder(s).")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError("Sending the payment reminders failed: "
                               + "; ".join(e.exception_class_path for e in result.errors))
        else:
            self.stdout.write(f"Queued the payment reminders (task {result.id}).")
