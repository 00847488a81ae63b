"""Back up and restore the database. SQLite: Python's sqlite3 online backup API, which copies
a consistent snapshot while the site keeps running (a plain file copy of a WAL database can
miss what is still in the WAL). PostgreSQL: pg_dump's custom format and pg_restore, which
must be installed beside the site. Uploaded files (MEDIA_ROOT) are backed up separately: see
the README's "Backups"."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    pass


def backup(target: Path) -> str:
    """Write a backup of the default database to `target`; return what was done."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name.")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return f"SQLite database copied to {target} (online backup)."
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _pg_url()])
        return f"PostgreSQL database dumped to {target} (pg_dump, custom format)."
    raise BackupError(f"Backing up {connection.vendor} is not supported.")


def restore(source: Path) -> str:
    """Replace the default database's contents with the backup in `source`."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    if connection.vendor == "sqlite":
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_file:
            connection.ensure_connection()
            backup_file.backup(connection.connection)
        backup_file.close()
        return f"SQLite database restored from {source}."
    if connection.vendor == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_pg_url()}", str(source)])
        return f"PostgreSQL database restored from {source} (pg_restore)."
    raise BackupError(f"Restoring {connection.vendor} is not supported.")


def _pg_url() -> str:
    settings = connection.settings_dict
    user, password = settings.get("USER") or "", settings.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgresql://{auth}{settings.get('HOST') or ''}{port}/{settings['NAME']}"


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client "
                          "tools (apt-get install postgresql-client).")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
