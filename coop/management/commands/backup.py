from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coop.backups import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database to a new file while the site keeps running (SQLite's online "
            "backup, or pg_dump for PostgreSQL). Uploaded files are backed up separately.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to write (must not exist)")

    def handle(self, *args, file, **options):
        try:
            self.stdout.write(self.style.SUCCESS(backup(file)))
        except BackupError as error:
            raise CommandError(str(error)) from None
