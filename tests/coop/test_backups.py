"""`manage.py backup` copies the database while it is in use; a missing tool or an existing
file is a clear error, not a traceback. (tests/nets/test_backup_restore.py restores one.)"""

import io
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from coop import audit
from coop.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_backup_copies_the_database_as_it_is(society, secretary, tmp_path):
    """Committed data, as in use: a backup of a database with the test's own transaction still
    open would wait for it for ever (SQLite's shared-cache test database locks tables)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's online backup only: the PostgreSQL path (pg_dump) is not "
                    "exercised by this suite yet; the nets restore test runs on SQLite")
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
