"""Keyed tokens and codes. The key (`settings.VOTE_KEY`) comes from the environment, never
the database, so reading the database alone cannot tie a vote to a member."""

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O or 1/I/L: codes are read off paper and typed back in.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _mac(message: str) -> bytes:
    return hmac.new(settings.VOTE_KEY.encode(), message.encode(), hashlib.sha256).digest()


def voter_token(ballot_id: int, member_id: int) -> str:
    """Finds a member's current vote (to replace it or refuse a second one)."""
    return _mac(f"vote:{ballot_id}:{member_id}").hex()


def _group(chars: str) -> str:
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def paper_code(ballot_id: int, member_id: int) -> str:
    """The one-time code printed on a member's ballot paper (can be printed again)."""
    digest = _mac(f"paper:{ballot_id}:{member_id}")
    return _group("".join(ALPHABET[b % len(ALPHABET)] for b in digest[:12]))


def new_receipt_code() -> str:
    """16 symbols drawn evenly from the alphabet: one random number in base 31 (a sixth of
    the time of drawing each symbol on its own, and every vote makes one)."""
    number, symbols = secrets.randbelow(len(ALPHABET) ** 16), []
    for _ in range(16):
        number, digit = divmod(number, len(ALPHABET))
        symbols.append(ALPHABET[digit])
    return _group("".join(symbols))


def normalise_code(code: str) -> str:
    """Accept codes typed in lower case, with spaces or without the dashes."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return _group(cleaned)


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()
