"""Opening the box: at close every envelope of a ballot is opened at once, the votes are mixed
in a cryptographically random order and written as the counted votes, with new random ids and
nothing that reflects when each was cast, and the envelopes are destroyed. As a returning
officer separates postal votes from their declarations and mixes them before the count.

Opening is idempotent. An envelope written after the box was opened (a paper entered after
close, or a vote that raced the close) stays sealed and is counted in memory until the box is
opened again, at certification; that opening takes back the counted votes and mixes them all
anew, so a late envelope is never written apart from the others."""

import secrets
import uuid
from itertools import groupby

from django.db import connection, transaction

from coop import audit

from .. import envelopes
from ..models import Ballot, Envelope, Receipt, Vote, VoteMark

_RANDOM = secrets.SystemRandom()
# One opened vote: class id, cast with an interest, marks (option id -> value).
Opened = tuple[int, bool, dict[int, int]]


def open_box(ballot: Ballot, *, by=None) -> int:
    """Open every envelope of `ballot` (closed) into counted votes. Returns how many envelopes
    were opened (0 when there were none: running it again does nothing). Side effects:
    counted votes, marks and receipt hashes written; envelopes deleted; an audit entry."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        rows = list(Envelope.objects.filter(ballot=ballot)
                    .values_list("current", "voter_token", "sealed"))
        if not rows:
            return 0
        box = envelopes.box_for(ballot)
        opened = [(current, box.open(sealed, token)) for current, token, sealed in rows]
        del rows
        votes: list[Opened] = [(c.member_class_id, c.with_interest, c.marks)
                               for current, c in opened if current]
        again = _take_back(ballot.pk)
        votes += again
        _RANDOM.shuffle(votes)
        _write_votes(ballot.pk, votes)
        Receipt.objects.bulk_create(
            [Receipt(ballot_id=ballot.pk, receipt_hash=h, counted=current)
             for h, current in sorted((c.receipt_hash, current) for current, c in opened)],
            batch_size=5000)
        Envelope.objects.filter(ballot=ballot).delete()
        audit.record("voting.ballot.box_opened", society=ballot.society, actor=by, obj=ballot,
                     data={"envelopes": len(opened), "counted": len(votes),
                           "mixed_again": len(again)})
    return len(opened)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _take_back(ballot_id: int) -> list[Opened]:
    """Read back and remove the ballot's counted votes, to mix them with late envelopes."""
    marks = (VoteMark.objects.filter(ballot_id=ballot_id).order_by("vote_id")
             .values_list("vote_id", "member_class_id", "with_interest", "option_id", "value"))
    votes = [(first[1], first[2], {m[3]: m[4] for m in group})
             for _, rows in groupby(marks.iterator(chunk_size=5000), key=lambda m: m[0])
             for group in [list(rows)] for first in [group[0]]]
    if votes:
        with connection.cursor() as cursor:  # counted votes are otherwise never deleted
            cursor.execute(f"DELETE FROM {_table(VoteMark)} WHERE ballot_id = %s", [ballot_id])
            cursor.execute(f"DELETE FROM {_table(Vote)} WHERE ballot_id = %s", [ballot_id])
    return votes


def _write_votes(ballot_id: int, votes: list[Opened]) -> None:
    """Write the mixed votes and their marks in the given order, with fresh random ids. On
    PostgreSQL with COPY (one transaction, so they share one xmin anyway); elsewhere in
    batches of INSERTs (SQLite's rowid order is then the mixed order)."""
    native = connection.features.has_native_uuid_field
    vote_rows, mark_rows = [], []
    for class_id, with_interest, marks in votes:
        vote_id = uuid.uuid4() if native else uuid.uuid4().hex
        vote_rows.append((vote_id, ballot_id, class_id, with_interest))
        for option_id, value in marks.items():
            mark_rows.append((uuid.uuid4() if native else uuid.uuid4().hex, vote_id,
                              ballot_id, class_id, option_id, value, with_interest))
    vote_cols = "id, ballot_id, member_class_id, with_interest"
    mark_cols = "id, vote_id, ballot_id, member_class_id, option_id, value, with_interest"
    if connection.vendor == "postgresql":
        _copy(Vote, vote_cols, vote_rows)
        _copy(VoteMark, mark_cols, mark_rows)
        return
    with connection.cursor() as cursor:
        for model, cols, rows in ((Vote, vote_cols, vote_rows), (VoteMark, mark_cols,
                                                                  mark_rows)):
            places = ", ".join(["%s"] * len(cols.split(", ")))
            cursor.executemany(f"INSERT INTO {_table(model)} ({cols}) VALUES ({places})", rows)


def _copy(model, cols: str, rows) -> None:
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {_table(model)} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
