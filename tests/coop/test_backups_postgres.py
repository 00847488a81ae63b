"""On PostgreSQL `manage.py backup` runs pg_dump and `restore` runs pg_restore. Back up the
demo (and an uploaded file), restore it into a fresh database, and the audit log verifies, the
same rows and the upload are there, and the pages render. Each step runs as a deployment
would, in its own process with its own DATABASE_URL (and MEDIA_ROOT), on two databases of its
own beside the test database.

Runs in the PostgreSQL pass of the suite (DATABASE_URL names PostgreSQL); on SQLite it skips,
and under CI with PostgreSQL named but not in use it fails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.concurrency import only_on_postgresql

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["coop_auditentry", "membership_member", "membership_payment", "voting_vote",
          "meetings_meeting", "surplus_financialyear"]


def url_for(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def manage(database: str, *args: str, module: str | None = None, media: Path | None = None) -> str:
    env = {**os.environ, "DATABASE_URL": url_for(database), "TASK_BACKEND": "immediate",
           **({"MEDIA_ROOT": str(media)} if media else {}),
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "LOG_LEVEL": "ERROR", "CRAWL_PAGES": "25"}
    command = [sys.executable, "-m", module] if module else [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"{command}: {result.stdout[-4000:]} {result.stderr[-4000:]}"
    return result.stdout


def needs_postgresql() -> None:
    only_on_postgresql("pg_dump and pg_restore back up PostgreSQL only; this run is on "
                       f"{connection.vendor} (SQLite's backup is "
                       "tests/nets/test_backup_restore.py).")


def counts(database: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url_for(database)) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def databases(db):
    """Two empty databases, dropped afterwards: the live site's and the fresh one."""
    needs_postgresql()
    import psycopg

    base = connection.settings_dict["NAME"]
    names = [f"{base}_backup_live", f"{base}_backup_fresh"]
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    yield names
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_pg_dump_of_the_demo_restores_into_a_fresh_database(databases, tmp_path):
    live, fresh = databases
    backup = tmp_path / "coop.dump"
    manage(live, "migrate", "--noinput")
    manage(live, "seed_demo")

    live_media, fresh_media = tmp_path / "live-media", tmp_path / "fresh-media"
    (live_media / "accounts").mkdir(parents=True)
    (live_media / "accounts" / "3f2a.pdf").write_bytes(b"%PDF- the year's accounts")

    said = manage(live, "backup", str(backup), media=live_media)
    assert "pg_dump" in said and backup.read_bytes().startswith(b"PGDMP")
    manage(fresh, "restore", str(backup), media=fresh_media)

    assert (fresh_media / "accounts" / "3f2a.pdf").read_bytes() == b"%PDF- the year's accounts"

    assert counts(fresh) == counts(live) and counts(fresh)["coop_auditentry"] > 50
    assert "intact" in manage(fresh, "verify_audit")
    assert "0 failures" in manage(fresh, module="tests.nets.restored_pages")
