from django.core.management.base import BaseCommand

from coop import demo
from coop.models import User


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        if not User.objects.filter(email="user@demo.coop").exists():
            self.stdout.write("No demo data. Run: python manage.py seed_demo")
            return
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}, or sign in "
                          "with a code that is printed here in the console):")
        for label, email in [*demo.LOGINS, ("platform admin (/admin/)", "admin@demo.coop")]:
            self.stdout.write(f"  {label:<32} {email}")
        self.stdout.write("")
