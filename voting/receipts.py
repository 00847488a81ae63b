"""Receipts: which receipt codes were counted, and the status of one. Opened envelopes left
their receipt hashes in `Receipt`; envelopes still sealed are read in memory, except under
the scrutineer's seal, where they can be checked only once the scrutineer has opened the box."""

from django.views.decorators.debug import sensitive_variables

from . import envelopes
from .models import Ballot, Envelope, Receipt
from .secrecy import code_hash


def still_sealed(ballot: Ballot) -> bool:
    """Under the scrutineer's seal with envelopes not yet opened by their passphrase."""
    return ballot.scrutineer_seal and Envelope.objects.filter(ballot=ballot).exists()


def _unopened_receipts(ballot: Ballot) -> list[tuple[str, bool]]:
    if ballot.scrutineer_seal:  # inside envelopes only the scrutineer's passphrase opens
        return []
    return [(c.receipt_hash, current)
            for current, c in envelopes.unopened(ballot, current_only=False)]


def _receipts(ballot: Ballot) -> dict[str, bool]:
    """Receipt hash -> counted, for the opened envelopes and any still sealed."""
    found = dict(Receipt.objects.filter(ballot=ballot).values_list("receipt_hash", "counted"))
    found.update(_unopened_receipts(ballot))
    return found


def counted_receipts(ballot: Ballot) -> list[str]:
    return sorted(h for h, counted in _receipts(ballot).items() if counted)


@sensitive_variables("code")
def receipt_status(ballot: Ballot, code: str) -> str | None:
    """'counted', 'replaced' (a later vote by the same member counts instead), 'sealed'
    (not found among opened votes, and the rest open only with the scrutineer's passphrase)
    or None."""
    wanted = code_hash(code)
    counted = Receipt.objects.filter(ballot=ballot, receipt_hash=wanted).values_list(
        "counted", flat=True).first()
    if counted is None:
        counted = dict(_unopened_receipts(ballot)).get(wanted)
    if counted is None:
        return "sealed" if still_sealed(ballot) else None
    return "counted" if counted else "replaced"
