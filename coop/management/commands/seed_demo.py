from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from coop import demo


class Command(BaseCommand):
    help = "Create the demo societies, members and officers once; a second run changes nothing."

    def handle(self, *args, **options):
        # The demo's welcome emails go to made-up addresses: don't queue or print them.
        with override_settings(
            TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        ):
            created = demo.seed()
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        else:
            self.stdout.write("Demo data is already there; nothing changed.")
