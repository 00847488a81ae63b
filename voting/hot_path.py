"""The statements a vote makes, written out by hand. A vote is the busiest request there is
(a whole society voting in the last hour), and building these through the ORM cost several
times more than running them. Each takes only values the services have already checked."""

import uuid

from django.db import connection, transaction

from .models import Ballot, Envelope, RollEntry


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _mark_voted_sql(returning: str = "") -> str:
    return (f"UPDATE {_table(RollEntry)} SET has_voted = %s WHERE id = %s AND has_voted = %s "
            f"AND recused = %s AND ballot_id IN (SELECT id FROM {_table(Ballot)} WHERE id = %s "
            f"AND opened_at IS NOT NULL AND closed_at IS NULL AND closes_at > %s){returning}")


def _mark_voted_params(entry_id, ballot_id, now) -> list:
    return [True, entry_id, False, False, ballot_id,
            connection.ops.adapt_datetimefield_value(now)]


def mark_voted_if_open(entry_id: int, ballot_id: int, now) -> bool:
    """Set the roll entry's has-voted flag, only if it was not set, the member is not recused
    and the ballot is open at `now`: one statement, so a ballot closing meanwhile takes
    nothing and of two requests only one is first."""
    with connection.cursor() as cursor:
        cursor.execute(_mark_voted_sql(), _mark_voted_params(entry_id, ballot_id, now))
        return cursor.rowcount == 1


def cast_first_vote(*, entry_id: int, ballot_id: int, now, voter_token: str,
                    sealed: bytes) -> bool:
    """A member's first vote: the roll mark and the sealed envelope written together, or
    nothing (False: voted already, recused, or the ballot is not open at `now`). On
    PostgreSQL one statement in its own transaction, so one round trip where a transaction of
    two statements took four (a vote spent half its time waiting on them); SQLite, in the
    same process, runs the two in a transaction."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            if not mark_voted_if_open(entry_id, ballot_id, now):
                return False
            insert_envelope(ballot_id=ballot_id, voter_token=voter_token, sealed=sealed)
            return True
    envelope = [Envelope._meta.pk.get_db_prep_value(uuid.uuid4(), connection), voter_token,
                True, sealed]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH marked AS ({_mark_voted_sql(' RETURNING ballot_id')}) "
            f"INSERT INTO {_table(Envelope)} (id, ballot_id, voter_token, current, sealed) "
            "SELECT %s, ballot_id, %s, %s, %s FROM marked",
            _mark_voted_params(entry_id, ballot_id, now) + envelope)
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
