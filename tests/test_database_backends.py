"""The services CI relies on are really there and really used.

- PostgreSQL at 127.0.0.1:5432 answers, and when DATABASE_URL names PostgreSQL the suite really
  runs on it (so a misconfigured CI cannot run SQLite twice and call it PostgreSQL).
- The Redis task backend (TASK_BACKEND=redis: django_tasks_rq.RQBackend on REDIS_URL) puts a task
  on the Redis queue and an RQ worker in burst mode runs it.

Where a service is missing these tests skip with the reason; under CI (the CI variable set)
they fail instead.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, away from the cache's
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES_URL = urlsplit(DATABASE_URL).scheme in {"postgres", "postgresql", "pgsql",
                                                    "postgis"}


def missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


# --- PostgreSQL ---------------------------------------------------------------------------

def postgres_problem() -> str | None:
    try:
        import psycopg
    except ImportError as error:
        return f"psycopg is not installed: {error}"
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable: {str(error).strip()}"
    return None


@pytest.mark.postgres
def test_postgresql_server_is_reachable():
    problem = postgres_problem()
    if problem:
        missing(problem)


def test_connection_matches_database_url(db):
    """The suite runs on the database DATABASE_URL names: PostgreSQL if it says so, else SQLite."""
    expected = "postgresql" if ON_POSTGRES_URL else "sqlite"
    assert connection.vendor == expected, (
        f"DATABASE_URL={DATABASE_URL or '(unset)'} but the tests run on {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if ON_POSTGRES_URL else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    if ON_POSTGRES_URL:
        assert "PostgreSQL" in version, version


# --- Redis task backend ---------------------------------------------------------------------

def redis_problem() -> str | None:
    try:
        import redis
    except ImportError as error:
        return f"the redis package is not installed: {error}"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis at 127.0.0.1:6379 is not reachable: {error}"
    return None


def manage(*args: str, timeout: int = 60) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process configured the way production selects Redis."""
    env = {**os.environ, "TASK_BACKEND": "redis", "REDIS_URL": REDIS_URL,
           "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
           "DJANGO_SETTINGS_MODULE": "coop.settings"}
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


ENQUEUE = """
from django.conf import settings
from django.tasks import task_backends
from coop.tasks import send_email
backend = task_backends["default"]
assert type(backend).__module__.startswith("django_tasks_rq"), backend
assert settings.RQ_QUEUES["default"]["URL"] == {url!r}, settings.RQ_QUEUES
result = send_email.enqueue(["rq-check@example.org"], {subject!r}, "Sent through Redis.")
print("STATUS", result.status)
print("ID", result.id)
"""

RESULT = """
from coop.tasks import send_email
result = send_email.get_result({id!r})
print("STATUS", result.status)
print("RETURN", result.return_value if result.status == "SUCCESSFUL" else result.errors)
"""


def parse(output: str) -> dict:
    return dict(line.split(" ", 1) for line in output.splitlines()
                if line.split(" ", 1)[0] in {"STATUS", "ID", "RETURN"})


def test_redis_task_backend_runs_send_email():
    problem = redis_problem()
    if problem:
        missing(problem)
    subject = f"RQ check {time.time_ns()}"

    queued = parse(manage("shell", "-c", ENQUEUE.format(url=REDIS_URL, subject=subject)).stdout)
    assert queued["STATUS"] == "READY", "enqueued, not run in-process"
    job_id = queued["ID"]

    # The worker as production runs it: django-rq's rqworker with the django-tasks-rq Job class.
    worker = manage("rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job",
                    timeout=120)
    worker_output = worker.stdout + worker.stderr

    # Another burst worker (a parallel test run) may have taken the job: wait for its result.
    deadline = time.monotonic() + 20
    while True:
        done = parse(manage("shell", "-c", RESULT.format(id=job_id)).stdout)
        if done["STATUS"] in {"SUCCESSFUL", "FAILED"} or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert done["STATUS"] == "SUCCESSFUL", (
        f"task {job_id} ended {done}; worker said:\n{worker_output[-3000:]}")
    assert done["RETURN"] == "1", "send_mail reports one message sent"
    if job_id in worker_output:
        assert subject in worker_output, "the console email backend printed the message"
