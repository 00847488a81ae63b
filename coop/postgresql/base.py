"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS on, Django sends `SELECT 1` before the first query of every request
to find a connection the server has ended (a restart, an administrator, an idle timeout).
That was one round trip in four of a vote (bench/cast_votes_http.py). A server that ends a
connection says so on the socket first (an error message, then the close), and it never
speaks unasked otherwise, so an idle connection with nothing to read is still connected;
anything waiting there (or a connection in any other state) gets Django's own check."""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not self.still_connected():
            self.close()
        self.health_check_done = True

    def still_connected(self) -> bool:
        connection = self.connection
        if connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == pq.TransactionStatus.IDLE:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            if not poller.poll(0):
                return True
        return self.is_usable()
