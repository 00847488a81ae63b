"""The scrutineer's seal (`voting.seal`): the scrutineer sets the passphrase before the ballot
opens, and opens the box with it after close. Both run in the request: the passphrase and the
key from it are never stored, logged or queued (the task queue is a database table)."""

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from coop import audit

from .. import seal
from ..enums import BallotState
from ..errors import VotingError
from ..models import Ballot, Envelope
from .box import open_box
from .drafting import require_draft


def waiting_for_scrutineer(ballot: Ballot) -> bool:
    """A sealed ballot that has closed with envelopes only the scrutineer can open."""
    return (ballot.scrutineer_seal and ballot.has_closed
            and Envelope.objects.filter(ballot=ballot).exists())


@sensitive_variables("passphrase", "again")
def set_passphrase(ballot: Ballot, *, by, passphrase: str, again: str) -> Ballot:
    """Set (or, before opening, change) the passphrase of a ballot under the seal. Only its
    public key, the salt and the key derivation's settings are kept."""
    if len(passphrase) < seal.MIN_PASSPHRASE:
        raise VotingError(f"Use at least {seal.MIN_PASSPHRASE} characters: a few ordinary "
                          "words together are easy to remember and hard to guess.",
                          field="passphrase")
    if len(set(passphrase)) < 5:
        raise VotingError("That passphrase is too easy to guess. Use a few different words.",
                          field="passphrase")
    if passphrase != again:
        raise VotingError("The two passphrases are not the same. Type it again in both "
                          "boxes.", field="again")
    public, salt, kdf = seal.new_seal(passphrase)  # slow on purpose: outside the transaction
    with transaction.atomic():
        ballot = require_draft(ballot)
        if not ballot.scrutineer_seal:
            raise VotingError("This ballot is not sealed for the scrutineer.")
        changed = ballot.seal_public_key is not None
        ballot.seal_public_key, ballot.seal_salt, ballot.seal_kdf = public, salt, kdf
        ballot.save(update_fields=["seal_public_key", "seal_salt", "seal_kdf"])
        audit.record("voting.ballot.seal_set", society=ballot.society, actor=by, obj=ballot,
                     data={"changed": changed, "kdf": kdf})
    return ballot


@sensitive_variables("passphrase", "key")
def open_sealed_box(ballot: Ballot, *, by, passphrase: str) -> int:
    """Open the box of a closed ballot under the seal with the scrutineer's passphrase.
    Returns how many envelopes were opened. A wrong passphrase changes nothing."""
    ballot = Ballot.objects.get(pk=ballot.pk)
    if not ballot.scrutineer_seal:
        raise VotingError("This ballot is not sealed for the scrutineer.")
    if ballot.state != BallotState.CLOSED:
        raise VotingError("The box can be opened only once the ballot has closed and before "
                          "the count is certified.")
    if not passphrase:
        raise VotingError("Type the passphrase you chose when the ballot was set up.",
                          field="passphrase")
    try:
        key = seal.unseal(ballot, passphrase)
    except seal.WrongPassphrase:
        with transaction.atomic():
            audit.record("voting.ballot.seal_refused", society=ballot.society, actor=by,
                         obj=ballot)
        raise VotingError("That is not the passphrase this ballot was sealed with. Nothing "
                          "has been opened. Check it and try again.",
                          field="passphrase") from None
    return open_box(ballot, by=by, private_key=key)
