from django.core.management.base import BaseCommand, CommandError

from coop import audit
from coop.models import AuditEntry


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exit non-zero naming the first bad entry."

    def handle(self, *args, **options):
        problem = audit.verify()
        if problem is not None:
            raise CommandError(f"Audit entry {problem.entry_id} is bad: {problem.reason}.")
        self.stdout.write(self.style.SUCCESS(
            f"The audit log is intact ({AuditEntry.objects.count()} entries)."))
