"""Reading sealed envelopes in tests: while a ballot is open its votes exist only as
envelopes, so tests that check what a vote carries open them in memory, as the count does."""

from voting import envelopes
from voting.models import Ballot, Envelope


def sealed(ballot: Ballot | None = None, *, current_only: bool = True) -> list:
    """The contents of the (current) envelopes of `ballot`, or of every ballot."""
    ballots = [ballot] if ballot is not None else Ballot.objects.filter(
        pk__in=Envelope.objects.values("ballot_id"))
    return [contents for b in ballots
            for _, contents in envelopes.unopened(b, current_only=current_only)]


def only_sealed(ballot: Ballot | None = None):
    """The one current envelope's contents (fails if there is not exactly one)."""
    found, = sealed(ballot)
    return found
