"""What a vote reads about its ballot and voter: narrow queries and the shared cache
(`voting.frozen`), because every vote runs them (bench/cast_votes_http.py)."""

from dataclasses import dataclass
from functools import cache

from django.db import connection

from coop import sessions
from coop.db import NOTHING_MORE, AlsoRead, loaded, read_one
from membership.models import Member

from . import frozen
from .models import Ballot, RollEntry


@dataclass(frozen=True)
class FrozenFacts:
    option_ids: frozenset
    topic_ids: tuple


def frozen_facts(ballot: Ballot) -> FrozenFacts:
    """A ballot's option and topic ids. Once it has opened they never change, so they come
    from the cache the web processes share (`voting.frozen`) and a vote does not read them."""
    if ballot.opened_at is None:  # a draft can still change
        return FrozenFacts(frozenset(ballot.options.values_list("pk", flat=True)),
                           tuple(ballot.topics.values_list("pk", flat=True)))
    if ballot.cached_facts is None:
        ballot.cached_facts = frozen.facts(ballot.pk)
    return FrozenFacts(ballot.cached_facts.option_ids, ballot.cached_facts.topic_ids)


NOT_READ = object()


def roll_entry_to_vote(ballot_id, slug: str, user, read=NOT_READ) -> RollEntry | None:
    """The person's entry on the roll of this society's ballot, for a vote: the entry's own
    columns in one narrow query (or `read` already, with the signed-in user: `AlsoRead`),
    its ballot from the shared cache (`voting.frozen`) and a member with only its id,
    society and user. That is all a vote reads; anything else is read only if something asks
    for it. None: not this society's ballot, or not on its roll (a scheduled ballot whose
    time has come has no roll until it opens)."""
    facts = frozen.facts(ballot_id)
    if facts is None or facts.slug != slug:
        return None
    entry = (read_one(RollEntry, roll_entry_sql(), [ballot_id, user.pk]) if read is NOT_READ
             else read)
    if entry is None:
        return None
    entry.ballot = ballot = facts.ballot()
    entry.member = loaded(Member, id=entry.member_id, society_id=ballot.society_id,
                          user_id=user.pk)
    entry.member.user, entry.member.society = user, ballot.society
    return entry


# The roll entry's columns a vote reads.
ROLL_COLUMNS = ("id", "ballot_id", "member_id", "member_class_id", "has_voted", "recused")
BIGGEST_ID = 2**63 - 1


@cache
def roll_entry_sql() -> str:
    """A person's roll entry on a ballot. SQL because a vote runs it, and building it with
    the ORM took 1.2 ms of CPU against 0.15 ms for this (bench/cast_votes_http.py)."""
    q = connection.ops.quote_name
    return (f"SELECT {', '.join(ROLL_COLUMNS)} FROM {q(RollEntry._meta.db_table)} WHERE "
            f"ballot_id = %s AND member_id IN (SELECT id FROM {q(Member._meta.db_table)} "
            "WHERE user_id = %s)")


@cache
def roll_entry_join() -> tuple[str, str]:
    """The columns and LEFT JOIN that read a token user's (`found`) roll entry."""
    q = connection.ops.quote_name
    columns = "".join(f", r.{c} AS roll_{c}" for c in ROLL_COLUMNS)
    # Members by user, then the roll by (ballot, member): two index lookups.
    return columns, (f" LEFT JOIN ({q(Member._meta.db_table)} m JOIN "
                     f"{q(RollEntry._meta.db_table)} r ON r.member_id = m.id AND "
                     "r.ballot_id = %s) ON m.user_id = found.id")


def roll_entry_alongside(request) -> AlsoRead | None:
    """For a vote's token authentication: the voter's entry on the ballot's roll, read in the
    same statement as the token's user, one round trip fewer for the busiest request
    (bench/cast_votes_http.py). The entry (or None) waits for the view as
    `request.roll_entry_read`. (PostgreSQL only, see `AlsoRead`; SQLite's planner would also
    read the ballot's whole roll for this join.)"""
    return roll_entry_also(request.parser_context.get("kwargs", {}).get("pk", ""))


def roll_entry_also(ballot_pk) -> AlsoRead | None:
    """The voter's entry on this ballot's roll, to read with the signed-in user (None for an
    id no ballot can have)."""
    pk = str(ballot_pk)
    if not pk.isdigit() or int(pk) > BIGGEST_ID:
        return None
    columns, join = roll_entry_join()
    return AlsoRead(columns, join, (int(pk),), keep=_keep_roll_entry)


def signed_in_roll_entry(request, ballot_id, slug: str) -> RollEntry | None:
    """A web vote's `roll_entry_to_vote` for the person signed in, who is read in the same
    statement as their entry on PostgreSQL (`coop.sessions.session_user`). None also when
    nobody is signed in."""
    also = roll_entry_also(ballot_id) if connection.vendor == "postgresql" else None
    user = sessions.session_user(request, also or NOTHING_MORE)
    if user is None:
        signed_in = request.user.is_authenticated
        return roll_entry_to_vote(ballot_id, slug, request.user) if signed_in else None
    return roll_entry_to_vote(ballot_id, slug, user,
                              NOT_READ if also is None else request.roll_entry_read)


def _keep_roll_entry(user, request) -> None:
    request.roll_entry_read = None if user.roll_id is None else loaded(
        RollEntry, **{c: getattr(user, f"roll_{c}") for c in ROLL_COLUMNS})
