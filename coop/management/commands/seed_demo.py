from django.core.management.base import BaseCommand

from coop import demo
from coop.notify import emails_muted


class Command(BaseCommand):
    help = "Create the demo societies, members and officers once; a second run changes nothing."

    def handle(self, *args, **options):
        with emails_muted():  # the welcome emails would go to made-up addresses
            created = demo.seed()
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        else:
            self.stdout.write("Demo data is already there; nothing changed.")
