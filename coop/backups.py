"""Back up and restore the database. SQLite: Python's sqlite3 online backup API, which copies
a consistent snapshot while the site keeps running (a plain file copy of a WAL database can
miss what is still in the WAL). PostgreSQL: pg_dump's custom format and pg_restore, which
must be installed beside the site. Uploaded files (MEDIA_ROOT, when they are kept on disk) go
into a tar archive beside the database's backup, `<file>.media.tar`, and come back with it;
object storage (MEDIA_S3_BUCKET) is backed up by the bucket's own versioning or replication."""

import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import quote

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection


class BackupError(Exception):
    pass


def media_archive(database_file: Path) -> Path:
    """Where the uploads of a backup are: beside the database's file."""
    return Path(f"{database_file}.media.tar")


def backup(target: Path) -> str:
    """Write a backup of the default database to `target`, and of the uploads kept on disk to
    `media_archive(target)`; return what was done."""
    target = Path(target)
    for path in (target, media_archive(target)):
        if path.exists():
            raise BackupError(f"{path} already exists: choose a new file name.")
    done = _backup_database(target)
    return f"{done} {_backup_media(media_archive(target))}"


def restore(source: Path) -> str:
    """Replace the default database's contents with the backup in `source`, and put back the
    uploads archived beside it (files already there are kept)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    done = _restore_database(source)
    return f"{done} {_restore_media(media_archive(source))}"


def _backup_database(target: Path) -> str:
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


def _restore_database(source: Path) -> str:
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


def _media_root() -> Path | None:
    """MEDIA_ROOT when uploads are on this machine's disk; None for object storage."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def _backup_media(archive: Path) -> str:
    root = _media_root()
    if root is None:
        return ("Uploads are in object storage: back them up with the bucket's versioning "
                "or replication.")
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    with tarfile.open(archive, "w") as tar:
        for path in files:
            tar.add(path, arcname=str(path.relative_to(root)))
    return f"{len(files)} uploaded files archived to {archive}."


def _restore_media(archive: Path) -> str:
    root = _media_root()
    if not archive.is_file():
        return f"No uploads archive at {archive}: uploaded files left as they are."
    if root is None:
        return f"Uploads are in object storage: {archive} was not unpacked."
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        # The "data" filter refuses absolute paths, "..", and links out of MEDIA_ROOT. Files
        # of other names already there are kept; uploads have random names, so none collide.
        tar.extractall(root, filter="data")
    return f"{len(members)} uploaded files restored to {root}."


def _pg_url() -> str:
    settings = connection.settings_dict
    # Quoted: a password with "@", ":" or "/" in it would otherwise change the address.
    user, password = quote(settings.get("USER") or "", safe=""), \
        quote(settings.get("PASSWORD") or "", safe="")
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
