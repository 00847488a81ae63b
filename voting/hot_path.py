"""The statements a vote makes, written out by hand. A vote is the busiest request there is
(a whole society voting in the last hour), and building these through the ORM cost several
times more than running them. Each takes only values the services have already checked."""

import uuid

from django.db import connection

from .models import Ballot, Envelope, RollEntry


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def mark_voted_if_open(entry_id: int, ballot_id: int, now) -> bool:
    """Set the roll entry's has-voted flag, only if it was not set and the ballot is open at
    `now`: one statement, so a ballot closing meanwhile takes nothing and of two requests
    only one is first."""
    sql = (f"UPDATE {_table(RollEntry)} SET has_voted = %s WHERE id = %s AND has_voted = %s "
           f"AND ballot_id IN (SELECT id FROM {_table(Ballot)} WHERE id = %s "
           "AND opened_at IS NOT NULL AND closed_at IS NULL AND closes_at > %s)")
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, entry_id, False, ballot_id,
                             connection.ops.adapt_datetimefield_value(now)])
        return cursor.rowcount == 1


def insert_envelope(*, ballot_id: int, voter_token: str, sealed: bytes) -> uuid.UUID:
    """Insert a sealed envelope (see `voting.envelopes`): nothing else of the vote is stored
    while the ballot is open."""
    envelope_id = uuid.uuid4()
    prep = Envelope._meta.pk.get_db_prep_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(Envelope)} (id, ballot_id, voter_token, current, sealed) "
            "VALUES (%s, %s, %s, %s, %s)",
            [prep(envelope_id, connection), ballot_id, voter_token, True,
             sealed])
    return envelope_id
