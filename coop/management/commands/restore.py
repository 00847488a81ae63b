from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coop.backups import BackupError, restore


class Command(BaseCommand):
    help = ("Replace the database's contents with a backup made by `manage.py backup`. Stop "
            "the site and the task worker first; run `manage.py verify_audit` afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to restore")

    def handle(self, *args, file, **options):
        try:
            self.stdout.write(self.style.SUCCESS(restore(file)))
        except BackupError as error:
            raise CommandError(str(error)) from None
