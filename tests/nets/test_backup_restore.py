"""Back up the demo with `manage.py backup`, restore it into a fresh database with `manage.py
restore`: the restored audit log verifies, the same rows are there, and the pages render.
Each step runs as a deployment would, in its own process with its own DATABASE_URL."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.nets

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["coop_auditentry", "membership_member", "membership_payment", "voting_vote",
          "meetings_meeting"]


def manage(database: Path, *args: str, module: str | None = None) -> str:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "TASK_BACKEND": "immediate",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "LOG_LEVEL": "ERROR"}
    command = [sys.executable, "-m", module] if module else [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, f"{command}: {result.stdout[-4000:]} {result.stderr[-4000:]}"
    return result.stdout


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_a_backup_of_the_demo_restores_into_a_fresh_database(tmp_path):
    live, backup, fresh = tmp_path / "live.sqlite3", tmp_path / "backup.sqlite3", \
        tmp_path / "fresh.sqlite3"
    manage(live, "migrate", "--noinput")
    manage(live, "seed_demo")

    manage(live, "backup", str(backup))
    manage(fresh, "restore", str(backup))

    assert counts(fresh) == counts(live) and counts(fresh)["coop_auditentry"] > 50
    assert "intact" in manage(fresh, "verify_audit")
    print(manage(fresh, module="tests.nets.restored_pages"))
