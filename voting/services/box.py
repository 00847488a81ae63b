"""Opening the box: at close every envelope of a ballot is opened at once, the votes are mixed
in a cryptographically random order and written as the counted votes, with new random ids and
nothing that reflects when each was cast, and the envelopes are destroyed. As a returning
officer separates postal votes from their declarations and mixes them before the count.

Opening is idempotent. An envelope written after the box was opened (a paper entered after
close, or a vote that raced the close) stays sealed and is counted in memory until the box is
opened again, at certification; that opening takes back the counted votes and mixes them all
anew, so a late envelope is never written apart from the others."""

import secrets
from contextlib import contextmanager
from itertools import groupby

from django.db import connection, transaction

from coop import audit

from .. import envelopes
from ..models import Ballot, Envelope, Receipt, Vote, VoteMark
from . import helping

# One opened vote: class id, cast with an interest, a value for every option of the ballot in
# the order of `Box.option_ids` (0: not marked).
Opened = tuple[int, bool, tuple[int, ...]]


def open_box(ballot: Ballot, *, by=None, private_key=None) -> int:
    """Open every envelope of `ballot` (closed) into counted votes. Returns how many envelopes
    were opened (0 when there were none: running it again does nothing). Side effects:
    counted votes, marks and receipt hashes written; envelopes deleted; an audit entry.
    A ballot under the scrutineer's seal opens only with `private_key` (from their
    passphrase, see `sealing.open_sealed_box`); without it the box stays shut (returns 0)."""
    with transaction.atomic(), _room_for_random_keys():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.scrutineer_seal and private_key is None:
            return 0
        return _open(ballot, by, private_key)


def _open(ballot: Ballot, by, private_key) -> int:
    with connection.cursor() as cursor:  # a million rows: the ORM's converters cost ~1 s
        cursor.execute(f"SELECT current, voter_token, sealed FROM {_table(Envelope)} "
                       f"WHERE ballot_id = %s", [ballot.pk])
        rows = cursor.fetchall()
    if not rows:
        return 0
    box = envelopes.box_for(ballot, private_key)
    opened = box.open_raw(rows)
    del rows
    votes: list[Opened] = [(class_id, with_interest, values)
                           for current, class_id, with_interest, _, values in opened
                           if current]
    with _keys_checked_once(Vote, VoteMark, Receipt, rows=len(opened)):
        again = _take_back(ballot.pk, box.option_ids)
        votes += again
        _write_votes(ballot.pk, box.option_ids, votes)
        receipts, ballot_id = sorted((r, current) for current, _, _, r, _ in opened), ballot.pk
        insert(Receipt, ["ballot_id", "receipt_hash", "counted"],
               [(ballot_id, receipt.hex(), bool(current)) for receipt, current in receipts])
        del receipts
    with connection.cursor() as cursor:  # no rows to collect: one statement
        cursor.execute(f"DELETE FROM {_table(Envelope)} WHERE ballot_id = %s", [ballot.pk])
    audit.record("voting.ballot.box_opened", society=ballot.society, actor=by, obj=ballot,
                 data={"envelopes": len(opened), "counted": len(votes),
                       "mixed_again": len(again),
                       "by_scrutineer_passphrase": ballot.scrutineer_seal})
    helping.audit_helps(ballot, by=by)
    return len(opened)


# From this many envelopes, checking the keys once beats a lookup per row. Below it the keys
# stay: re-checking scans every ballot's votes and locks the tables against other ballots'
# readers until commit, which a box of a few hundred votes should not cost anyone.
KEYS_ONCE_FROM = 50_000


@contextmanager
def _keys_checked_once(*models, rows: int):
    """PostgreSQL checks every foreign key of every row written with a lookup of its own: for
    a million votes, seven million lookups and most of the time the box takes to open. Here
    the tables' foreign keys are dropped, the rows written, and the same keys added back and
    validated, one join each. All inside the box's transaction, which DDL is part of: the
    tables stay locked until commit, so no other transaction ever sees them without their
    keys, and a row that broke one would roll the whole opening back. Only for a big box
    (`KEYS_ONCE_FROM`)."""
    if connection.vendor != "postgresql" or rows < KEYS_ONCE_FROM:
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Checks already queued (deferred) would stop ALTER TABLE: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                       "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY("
                       "SELECT unnest(%s::text[])::regclass) ORDER BY 1, 2", [tables])
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} "
                           f"{definition} NOT VALID")
            cursor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {_quote(name)}")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@contextmanager
def _room_for_random_keys():
    """Random ids land all over the indexes: on SQLite, let its page cache hold them while
    the box is opened (up to 400 MB, used only as needed), then give the memory back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -400000")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _take_back(ballot_id: int, options: tuple[int, ...]) -> list[Opened]:
    """Read back and remove the ballot's counted votes, to mix them with late envelopes."""
    marks = (VoteMark.objects.filter(ballot_id=ballot_id).order_by("vote_id")
             .values_list("vote_id", "member_class_id", "with_interest", "option_id", "value"))
    votes = []
    for _, rows in groupby(marks.iterator(chunk_size=5000), key=lambda m: m[0]):
        group = list(rows)
        chosen = {m[3]: m[4] for m in group}
        votes.append((group[0][1], group[0][2], tuple(chosen.get(o, 0) for o in options)))
    if votes:
        with connection.cursor() as cursor:  # counted votes are otherwise never deleted
            cursor.execute(f"DELETE FROM {_table(VoteMark)} WHERE ballot_id = %s", [ballot_id])
            cursor.execute(f"DELETE FROM {_table(Vote)} WHERE ballot_id = %s", [ballot_id])
    return votes


_VERSION_MASK = ~(0xF000 << 64) & ~(0xC000 << 48) & ((1 << 128) - 1)
_VERSION_BITS = (0x4000 << 64) | (0x8000 << 48)


def _random_keys(n: int) -> list[int]:
    """`n` version 4 UUIDs as integers, from one read of the system's random source: a
    million `uuid.uuid4()` calls would take seconds."""
    block = secrets.token_bytes(16 * n)
    return [int.from_bytes(block[i:i + 16]) & _VERSION_MASK | _VERSION_BITS
            for i in range(0, 16 * n, 16)]


def _as_id(key: int) -> str:
    return f"{key:032x}"  # 32 hex digits: both databases take this form


def _write_votes(ballot_id: int, options: tuple[int, ...], votes: list[Opened]) -> None:
    """Write the votes and their marks in a random order, with fresh random ids.

    The mixing is the sort: each vote gets a fresh random id and they are written in the order
    of those ids, which is a uniformly random order (as a shuffle gives) that says nothing of
    when each was cast. Writing in key order also keeps each index's inserts together, which
    is what makes a million of them fast. Mark ids are drawn, sorted and handed out in the
    same order, so marks are written in the order of both their own ids and their votes'."""
    keys = _random_keys(len(votes))
    vote_ids = [_as_id(k) for k in sorted(keys)]
    mark_ids = iter([_as_id(k) for k in sorted(
        _random_keys(sum(1 for _, _, values in votes for v in values if v)))])
    rows, mark_rows = [], []
    for vote_id, i in zip(vote_ids, sorted(range(len(votes)), key=keys.__getitem__),
                          strict=True):
        class_id, with_interest, values = votes[i]
        rows.append((vote_id, ballot_id, class_id, with_interest))
        for option_id, value in zip(options, values, strict=True):
            if value:
                mark_rows.append((next(mark_ids), vote_id, ballot_id, class_id, option_id,
                                  value, with_interest))
    del keys, vote_ids
    insert(Vote, ["id", "ballot_id", "member_class_id", "with_interest"], rows)
    insert(VoteMark, ["id", "vote_id", "ballot_id", "member_class_id", "option_id", "value",
                      "with_interest"], mark_rows)


def insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows in the given order: COPY on PostgreSQL (one transaction, so they share one
    xmin anyway), batches of INSERTs elsewhere (SQLite's rowid order is then this order)."""
    table, cols = _table(model), ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        places = ", ".join(["%s"] * len(columns))
        for start in range(0, len(rows), 50_000):
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({places})",
                               rows[start:start + 50_000])
