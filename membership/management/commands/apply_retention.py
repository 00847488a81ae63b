"""Apply each society's retention rules: anonymise register entries past the register period,
remove former members' contact details, delete declarations, proxies, attendance and
nominations past theirs. `--dry-run` lists what it would do and changes nothing. Run it daily
from cron (see the README); running it again does nothing twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from coop.models import Society
from membership.privacy.retention import apply_retention
from membership.tasks import apply_retention_task


class Command(BaseCommand):
    help = "Apply the societies' retention rules (personal data kept no longer than they say)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="List what would be removed; change nothing.")
        parser.add_argument("--society", help="Only this society (its slug).")
        parser.add_argument("--queue", action="store_true",
                            help="Queue the work for the task worker instead of doing it now.")
        parser.add_argument("--today", type=date.fromisoformat, help=TODAY_HELP)

    def handle(self, *args, dry_run=False, society=None, queue=False, today=None, **options):
        if queue:
            result = apply_retention_task.enqueue()
            self.stdout.write(f"Queued retention for every society (task {result.id}).")
            return
        societies = Society.objects.order_by("name")
        if society:
            societies = societies.filter(slug=society)
            if not societies:
                raise CommandError(f"There is no society “{society}”.")
        for s in societies:
            run = apply_retention(s, today=today, dry_run=dry_run)
            verb = "would remove" if dry_run else "removed"
            self.stdout.write(f"{s.name} ({s.slug}) on {run.today}: {verb}")
            for step in run.steps:
                self.stdout.write(f"  {step.name.replace('_', ' ')}: {step.count}")
                for row in step.rows:
                    self.stdout.write(f"    - {row}")


TODAY_HELP = "Act as if today were this date (YYYY-MM-DD), to see what a later run would do."
