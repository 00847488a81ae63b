"""Before each request's first query, a connection the server has ended (a restart, an
administrator, an idle timeout) is replaced, and a healthy one costs no round trip to check
(coop/postgresql: Django's own check sends `SELECT 1` every request)."""

import select
import time

import psycopg
import pytest
from django.db import connection

from tests.concurrency import only_on_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin():
    """A connection of its own, to look at and end the one under test."""
    only_on_postgresql("The check without a round trip is PostgreSQL's (coop/postgresql); "
                       "SQLite is a file with no server to end a connection.")
    params = connection.get_connection_params()
    keep = ("dbname", "user", "password", "host", "port")
    with psycopg.connect(**{k: params[k] for k in keep if params.get(k)},
                         autocommit=True) as other:
        yield other


def new_request_check():
    """What Django does before the first query of a request."""
    connection.health_check_enabled, connection.health_check_done = True, False
    connection.close_if_health_check_failed()


def last_query_of(admin, pid) -> str:
    return admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s",
                         [pid]).fetchone()[0]


def test_a_connection_the_server_ended_is_replaced_before_it_is_used(admin):
    connection.ensure_connection()
    ended = connection.connection
    admin.execute("SELECT pg_terminate_backend(%s)", [ended.info.backend_pid])
    poller = select.poll()
    poller.register(ended.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(50) and time.monotonic() < deadline:
        pass

    new_request_check()

    assert connection.connection is None  # closed, so the next query connects afresh
    with connection.cursor() as cursor:
        cursor.execute("SELECT 41 + 1")
        assert cursor.fetchone() == (42,)
    assert connection.connection is not ended


def test_a_healthy_connection_is_kept_without_a_query(admin):
    connection.ensure_connection()
    kept = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last thing this connection ran'")
    pid = kept.info.backend_pid

    new_request_check()

    assert connection.connection is kept
    assert last_query_of(admin, pid) == "SELECT 'the last thing this connection ran'"
