"""Open scheduled ballots whose time has come, stamp closings and send the 24-hour reminders.
The task worker does this on time by itself (tasks queued with a run-after time); run this
from cron as a safety net, e.g. every 5 minutes. Running it again does nothing twice."""

from django.core.management.base import BaseCommand

from voting.services import run_due


class Command(BaseCommand):
    help = "Open, close and remind for ballots whose time has come. Safe to run often."

    def handle(self, *args, **options):
        done = run_due()
        self.stdout.write(f"Opened {done['opened']} ballot(s), recorded {done['closed']} "
                          f"closing(s), reminded {done['reminded']} member(s).")
