from django.core.management.base import BaseCommand

from coop import demo


class Command(BaseCommand):
    help = "Create the demo societies, members and officers (once; running it again changes nothing)."

    def handle(self, *args, **options):
        if demo.seed():
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        else:
            self.stdout.write("Demo data is already there; nothing changed.")
