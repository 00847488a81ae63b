"""Opening the box writes a million rows fast on PostgreSQL by dropping the counted tables'
foreign keys inside its transaction and adding them back validated (`box._keys_checked_once`).
These tests check the keys are all back and valid afterwards, and that a row breaking one
rolls the whole opening back, on either database; and that a small box leaves the keys alone."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrency import ON_POSTGRES_URL
from tests.conftest import IN_CI
from tests.factories import MemberFactory
from voting import envelopes, secrecy, services
from voting.models import Envelope, Receipt, Vote, VoteMark

from .conftest import option

TABLES = [Vote._meta.db_table, VoteMark._meta.db_table, Receipt._meta.db_table]


def foreign_keys() -> set:
    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
                       "convalidated FROM pg_constraint WHERE contype = 'f' AND conrelid = "
                       "ANY(SELECT unnest(%s::text[])::regclass)", [TABLES])
        return set(cursor.fetchall())


@pytest.fixture(autouse=True)
def _keys_checked_once_even_for_a_small_box(monkeypatch):
    monkeypatch.setattr("voting.services.box.KEYS_ONCE_FROM", 0)


@pytest.fixture
def closed_with_votes(open_ballot, society, classes, secretary):
    voters = [MemberFactory(society=society, member_class=classes[i % 3]) for i in range(4)]
    ballot = open_ballot(kind="choice", options=["Tea", "Coffee"])
    for i, member in enumerate(voters):
        services.cast_vote(ballot, member, {option(ballot, "Tea" if i % 2 else "Coffee").pk: 1})
    return ballot


def test_the_foreign_keys_are_back_and_valid_after_opening(closed_with_votes, secretary):
    if connection.vendor != "postgresql":
        if IN_CI and ON_POSTGRES_URL:
            pytest.fail("DATABASE_URL names PostgreSQL but the tests run on SQLite")
        pytest.skip("Only PostgreSQL drops and re-adds the keys; SQLite writes with them in "
                    "place. CI runs this again on PostgreSQL, where it must pass.")
    before = foreign_keys()
    assert len(before) == 7 and all(valid for *_, valid in before)
    services.close_ballot(closed_with_votes, by=secretary, reason="Counting")
    assert Vote.objects.filter(ballot=closed_with_votes).count() == 4
    assert foreign_keys() == before


@pytest.mark.django_db(transaction=True)  # keys are checked at a real commit
def test_a_row_breaking_a_key_rolls_the_whole_opening_back(closed_with_votes, secretary):
    """An envelope naming a class that does not exist (which no service can write) must stop
    the opening with nothing written and every envelope kept."""
    ballot = closed_with_votes
    box = envelopes.box_for(ballot)
    token = secrecy.voter_token(ballot.pk, 10**9)
    Envelope.objects.create(ballot=ballot, voter_token=token, sealed=box.seal(
        envelopes.Contents(10**9, False, "cd" * 32, {option(ballot, "Tea").pk: 1}), token))
    ballot.closed_at = timezone.now()
    ballot.save(update_fields=["closed_at"])
    with pytest.raises(IntegrityError), transaction.atomic():
        services.open_box(ballot, by=secretary)
    assert Envelope.objects.filter(ballot=ballot).count() == 5
    assert not Vote.objects.exists() and not VoteMark.objects.exists()
    assert not Receipt.objects.exists()


def test_a_small_box_leaves_the_keys_in_place(closed_with_votes, secretary, monkeypatch):
    """Dropping keys locks the vote tables for every ballot until commit: not for 4 votes."""
    monkeypatch.setattr("voting.services.box.KEYS_ONCE_FROM", 50_000)
    with CaptureQueriesContext(connection) as queries:
        services.close_ballot(closed_with_votes, by=secretary, reason="Counting")
    assert Vote.objects.filter(ballot=closed_with_votes).count() == 4
    assert not [q for q in queries if "ALTER TABLE" in q["sql"]]
