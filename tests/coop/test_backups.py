"""`manage.py backup` copies the database while it is in use; a missing tool or an existing
file is a clear error, not a traceback. (tests/nets/test_backup_restore.py restores one.)"""

import io
import shutil
import sqlite3

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from coop import audit
from coop.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_backup_copies_the_database_as_it_is(society, secretary, tmp_path):
    """Committed data, as in use: a backup of a database with the test's own transaction still
    open would wait for it for ever (SQLite's shared-cache test database locks tables)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's online backup only: on PostgreSQL, "
                    "tests/coop/test_backups_postgres.py backs up with pg_dump and restores")
    audit.record("coop.test.before_backup", society=society, actor=secretary)
    target = tmp_path / "backup.sqlite3"

    call_command("backup", str(target), stdout=io.StringIO())

    with sqlite3.connect(target) as copy:
        hashes = [row[0] for row in copy.execute("SELECT hash FROM coop_auditentry ORDER BY id")]
    assert hashes == list(AuditEntry.objects.order_by("id").values_list("hash", flat=True))


def test_backup_refuses_to_overwrite_a_file(db, tmp_path):
    target = tmp_path / "backup.sqlite3"
    target.write_text("an earlier backup")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target), stdout=io.StringIO())
    assert target.read_text() == "an earlier backup"


def test_restore_says_when_there_is_no_backup(db, tmp_path):
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore", str(tmp_path / "missing.sqlite3"), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_uploads_are_backed_up_beside_the_database_and_restored(society, settings, tmp_path):
    """Uploaded files live in MEDIA_ROOT, not the database: `backup` archives them beside the
    database's file and `restore` puts them back, keeping any other files there."""
    if connection.vendor != "sqlite":
        pytest.skip("Restores into the test database itself, which SQLite allows; on "
                    "PostgreSQL tests/coop/test_backups_postgres.py restores a fresh one")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": settings.MEDIA_ROOT}}}
    stored = default_storage.save("accounts/4f1c.pdf", ContentFile(b"%PDF- the accounts"))
    target = tmp_path / "backup.sqlite3"

    call_command("backup", str(target), stdout=io.StringIO())
    shutil.rmtree(settings.MEDIA_ROOT)
    default_storage.save("accounts/later.pdf", ContentFile(b"uploaded after the backup"))
    said = io.StringIO()
    call_command("restore", str(target), stdout=said)

    assert (settings.MEDIA_ROOT / stored).read_bytes() == b"%PDF- the accounts"
    assert (settings.MEDIA_ROOT / "accounts/later.pdf").is_file()
    assert "1 uploaded files restored" in said.getvalue()


def test_backup_refuses_to_overwrite_an_uploads_archive(db, tmp_path):
    archive = tmp_path / "backup.sqlite3.media.tar"
    archive.write_text("an earlier archive")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(tmp_path / "backup.sqlite3"), stdout=io.StringIO())
    assert archive.read_text() == "an earlier archive"
    assert not (tmp_path / "backup.sqlite3").exists()
