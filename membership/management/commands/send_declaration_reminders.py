"""Queue the officers' declaration reminders. Run it once a day from cron (see the README);
each officer is reminded once per due date, so running it more often sends nothing twice."""

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from membership.tasks import send_declaration_reminders_task


class Command(BaseCommand):
    help = ("Remind officers whose declaration of interests is due within a month, and mark "
            "overdue ones. Run daily.")

    def handle(self, *args, **options):
        result = send_declaration_reminders_task.enqueue()
        if result.status == TaskResultStatus.SUCCESSFUL:
            sent = result.return_value
            self.stdout.write(f"Reminded {sent['due_soon']} officer(s) whose declaration is "
                              f"due soon; marked {sent['overdue']} overdue.")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError("Sending the declaration reminders failed: "
                               + "; ".join(e.exception_class_path for e in result.errors))
        else:
            self.stdout.write(f"Queued the declaration reminders (task {result.id}).")
