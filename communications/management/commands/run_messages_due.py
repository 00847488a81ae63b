"""Send scheduled messages whose time has come. The task worker does this on time by itself
where its backend can wait (tasks queued with a run-after time); run this from cron as a
safety net, e.g. every 5 minutes. Running it again sends nothing twice."""

from django.core.management.base import BaseCommand

from communications.services import send_due


class Command(BaseCommand):
    help = "Send scheduled messages whose time has come. Safe to run often."

    def handle(self, *args, **options):
        sent = send_due()
        self.stdout.write(f"Sent {sent} scheduled message(s).")
