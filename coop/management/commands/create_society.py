from django.core.management.base import BaseCommand, CommandError

from coop.services import CoopError, create_society


class Command(BaseCommand):
    help = "Create a society with the three default member classes (service user, carer, PA)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The society's name, e.g. 'Mutual Support Co-op'")
        parser.add_argument("--slug", default="", help="Short name used in web addresses")
        parser.add_argument("--registration-number", default="")

    def handle(self, *args, name, slug, registration_number, **options):
        try:
            society = create_society(name=name, slug=slug,
                                     registration_number=registration_number)
        except CoopError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(
            f"Created {society.name} at /s/{society.slug}/ with classes: "
            + ", ".join(c.name for c in society.member_classes.all())))
