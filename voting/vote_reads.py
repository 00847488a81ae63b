"""What a vote reads about its ballot and voter: narrow queries and the shared cache
(`voting.frozen`), because every vote runs them (bench/cast_votes_http.py)."""

from dataclasses import dataclass
from functools import cache

from django.db import connection

from coop.db import loaded
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


def roll_entry_to_vote(ballot_id, slug: str, user) -> RollEntry | None:
    """The person's entry on the roll of this society's ballot, for a vote: the entry's own
    columns in one narrow query, its ballot from the shared cache (`voting.frozen`) and a
    member with only its id, society and user. That is all a vote reads; anything else is
    read only if something asks for it. None: not this society's ballot, or not on its
    roll (a scheduled ballot whose time has come has no roll until it opens)."""
    facts = frozen.facts(ballot_id)
    if facts is None or facts.slug != slug:
        return None
    entry = next(iter(RollEntry.objects.raw(roll_entry_sql(), [ballot_id, user.pk])), None)
    if entry is None:
        return None
    entry.ballot = ballot = facts.ballot()
    entry.member = loaded(Member, id=entry.member_id, society_id=ballot.society_id,
                          user_id=user.pk)
    entry.member.user, entry.member.society = user, ballot.society
    return entry


@cache
def roll_entry_sql() -> str:
    """A person's roll entry on a ballot. SQL because a vote runs it, and building it with
    the ORM took 1.2 ms of CPU against 0.15 ms for this (bench/cast_votes_http.py)."""
    q = connection.ops.quote_name
    return (f"SELECT id, ballot_id, member_id, member_class_id, has_voted, recused FROM "
            f"{q(RollEntry._meta.db_table)} WHERE ballot_id = %s AND member_id IN (SELECT id "
            f"FROM {q(Member._meta.db_table)} WHERE user_id = %s)")
