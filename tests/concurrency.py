"""Helpers for tests of requests racing each other, each on its own database connection.

They need PostgreSQL: SQLite serialises every write, so there is nothing to race. Elsewhere
such a test is skipped with its reason; when CI is set and DATABASE_URL names PostgreSQL but
the tests run on something else, it fails instead."""

import os
import threading
from urllib.parse import urlsplit

import pytest
from django.db import connection, connections

from tests.conftest import IN_CI

ON_POSTGRES_URL = urlsplit(os.environ.get("DATABASE_URL", "")).scheme in {
    "postgres", "postgresql", "pgsql", "postgis"}


def only_on_postgresql(reason: str) -> None:
    """Skip with `reason` unless the tests run on PostgreSQL; when CI is set and DATABASE_URL
    names PostgreSQL, fail instead (the run is not what CI asked for)."""
    if connection.vendor == "postgresql":
        return
    if IN_CI and ON_POSTGRES_URL:
        pytest.fail("DATABASE_URL names PostgreSQL but the tests run on "
                    f"{connection.vendor} (CI is set, so this is a failure, not a skip)",
                    pytrace=False)
    pytest.skip(f"{reason} CI runs the suite again on PostgreSQL, where this test must pass.")


def needs_postgresql(what: str) -> None:
    """`only_on_postgresql` for a race; `what` says what races, e.g. "Votes racing"."""
    only_on_postgresql(f"{what} need real concurrent connections; SQLite serialises every "
                       "write, so there is nothing to race. Not applicable on SQLite:")


def all_at_once(jobs) -> tuple[list, list]:
    """Run each job (a callable) on its own thread and connection, released together.
    Returns (results, unexpected errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait()
            outcome = job()
        except Exception as error:  # reported by the caller's assertion
            with lock:
                errors.append(repr(error))
        else:
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
