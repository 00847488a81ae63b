"""coop/settings.py read in a fresh process, as a deployment would: production variables pass
`check --deploy` with no warnings, and the defaults need no PostgreSQL and no Redis."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The README's production settings ("Running it in production", step 1).
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "VOTE_KEY": secrets.token_urlsafe(64),
    "CSRF_TRUSTED_ORIGINS": "https://coop.example.org",
    "BEHIND_HTTPS_PROXY": "true",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "coop.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_COOKIES": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "true",
    "STATIC_MANIFEST": "true",
    "DATABASE_URL": "postgres://coop:secret@127.0.0.1:5432/coop",
}

SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "tasks": settings.TASKS["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "cache": settings.CACHES["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "apps": settings.INSTALLED_APPS,
}))
"""


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run Python in a clean environment: only PATH and what `env` gives."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
             "DJANGO_SETTINGS_MODULE": "coop.settings", **env}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_with_production_variables_has_no_warnings():
    result = run(["manage.py", "check", "--deploy"], PRODUCTION)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


@pytest.mark.parametrize("missing, warning", [
    ("SECRET_KEY", "security.W009"),
    ("SECURE_HSTS_SECONDS", "security.W004"),
    ("SECURE_SSL_REDIRECT", "security.W008"),
    ("SECURE_COOKIES", "security.W012"),
])
def test_check_deploy_warns_when_a_production_variable_is_missing(missing, warning):
    """The check above can fail: leave one variable out and Django says so."""
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


@pytest.mark.parametrize("vote_key", [None, "same"])
def test_check_deploy_warns_when_vote_key_is_unset_or_the_secret_key(vote_key):
    env = {k: v for k, v in PRODUCTION.items() if k != "VOTE_KEY"}
    if vote_key == "same":
        env["VOTE_KEY"] = env["SECRET_KEY"]

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "coop.W001" in result.stderr and "VOTE_KEY" in result.stderr


def test_defaults_need_no_postgres_and_no_redis():
    result = run(["-c", SHOW_SETTINGS], {})

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["tasks"] == "django_tasks_db.DatabaseBackend"
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert loaded["debug"] is False
    assert "django_rq" not in loaded["apps"]


def test_defaults_pass_system_checks():
    result = run(["manage.py", "check"], {})

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
