"""What never changes, kept in the cache the web processes share (Redis when `REDIS_URL` is
set, each process's own memory otherwise): what a vote needs to know about an open ballot,
and a certified result (see `certified`).

Once a ballot opens, its options, topics, kind and rules never change (the services and the
models refuse), so the busiest request, a vote, reads them from here instead of the database.
Its open window can still end early: closing, certifying and publishing call `forget`. A stale
entry can only make a vote try and fail: the write itself checks, in the same statement, that
the ballot is still open (`hot_path.mark_voted_if_open`), so the cache is a shortcut, never
the authority. A ballot not yet open is never cached."""

from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import transaction

from coop.models import Society

from .models import Ballot, BallotOption

# The ballot's columns a vote reads (kept in the model's field order for `Model.from_db`).
FIELDS = tuple(f.attname for f in Ballot._meta.concrete_fields if f.attname in {
    "id", "society_id", "kind", "allow_vote_changes", "conflict_policy", "opens_at",
    "closes_at", "opened_at", "closed_at", "certified_at", "published_at", "scrutineer_seal",
    "seal_public_key"})
OPTION_FIELDS = ("id", "ballot_id", "label", "description", "position")
TIMEOUT = 6 * 3600  # seconds; a ballot not voted in for this long is read again
RESULTS_TIMEOUT = 30 * 24 * 3600  # a certified result not looked at for a month is counted again


def cache_key(ballot_id) -> str:
    return f"voting:ballot:{int(ballot_id)}:v2"


@dataclass(frozen=True)
class BallotFacts:
    """A ballot as a vote sees it: some of its columns, its society's slug, its options (id,
    label and description, in ballot order, as the vote form shows them) and its topics."""

    values: tuple  # the FIELDS, in order
    slug: str
    option_ids: frozenset
    topic_ids: tuple
    option_rows: tuple = ()  # (id, ballot id, label, description, position), in order

    def ballot(self) -> Ballot:
        """A Ballot with these columns loaded and the rest deferred (read from the database
        only if something asks for them), and its society with the id and slug only."""
        ballot = Ballot.from_db("default", FIELDS, self.values)
        ballot.cached_facts = self
        ballot.society = Society.from_db("default", ("id", "slug"), (ballot.society_id,
                                                                     self.slug))
        return ballot

    def options(self) -> list[BallotOption]:
        """The ballot's options with the columns a vote form reads (the rest deferred)."""
        return [BallotOption.from_db("default", OPTION_FIELDS, row) for row in self.option_rows]


def _read(ballot_id) -> BallotFacts | None:
    row = (Ballot.objects.filter(pk=ballot_id).values_list(*FIELDS, "society__slug")
           .first())
    if row is None:
        return None
    options = tuple(BallotOption.objects.filter(ballot_id=ballot_id).order_by("position", "id")
                    .values_list(*OPTION_FIELDS))
    topics = (Ballot.topics.through.objects.filter(ballot_id=ballot_id)
              .values_list("interesttopic_id", flat=True))
    # bytes, not PostgreSQL's memoryview, which the cache cannot keep
    values = tuple(bytes(v) if isinstance(v, memoryview) else v for v in row[:-1])
    return BallotFacts(values=values, slug=row[-1],
                       option_ids=frozenset(o[0] for o in options), topic_ids=tuple(topics),
                       option_rows=options)


def facts(ballot_id) -> BallotFacts | None:
    """The ballot's facts, from the cache when it has been opened. None: no such ballot."""
    found = cache.get(cache_key(ballot_id))
    if found is not None:
        return found
    found = _read(ballot_id)
    if found is not None and found.ballot().opened_at is not None:
        # Only what has committed: an opening rolled back must leave nothing behind.
        transaction.on_commit(lambda: cache.set(cache_key(ballot_id), found, TIMEOUT))
    return found


def forget(ballot_id) -> None:
    """Drop the cached facts once the change that makes them stale has committed (and now,
    so nothing in this transaction reads the old ones)."""
    cache.delete(cache_key(ballot_id))
    transaction.on_commit(lambda: cache.delete(cache_key(ballot_id)))


def certified(ballot: Ballot, count):
    """The result of a certified ballot: `count(ballot)` the first time, then from the cache.
    Certification fixes it (nothing can be entered after it), and the key carries the time
    of certification, so a different certification can never read it. The copy read back
    gets the ballot as it is now (published since, perhaps)."""
    # v2: a class row carries its counted votes, which `disclosure` needs: no v1 copy may be
    # read back without them (it would publish a small class's figures).
    key = f"voting:results:{int(ballot.pk)}:{ballot.certified_at.isoformat()}:v2"
    found = cache.get(key)
    if found is None:
        found = count(ballot)
        transaction.on_commit(lambda: cache.set(key, found, RESULTS_TIMEOUT))
    return replace(found, ballot=ballot)
