"""Sealed envelopes: how a vote is kept while its ballot is open.

An envelope holds everything the counted vote will need (class, the interest bit, the receipt
hash and the marks), encrypted with AES-GCM under a key derived (HKDF) from the ballot id and
`settings.VOTE_KEY`, which stays outside the database. The associated data binds the envelope
to its ballot and voter token, so it cannot be moved to another ballot or voter. The plaintext
has one fixed layout per ballot (a value for every option, in option order), so every
envelope of a ballot is the same length and its size says nothing about the choices."""

import os
import struct
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from .models import Envelope

NONCE = 12
_HEADER = struct.Struct(">QB32s")  # class id, flags, receipt hash (raw SHA-256)
_WITH_INTEREST = 1


@dataclass(frozen=True)
class Contents:
    """What an envelope holds: what the counted vote needs, and the receipt hash."""

    member_class_id: int
    with_interest: bool
    receipt_hash: str  # hex, as receipts are checked
    marks: dict[int, int]  # option id -> value


@lru_cache(maxsize=256)
def _cipher(vote_key: str, ballot_id: int) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"coop sealed envelopes",
               info=f"ballot:{ballot_id}".encode()).derive(vote_key.encode())
    return AESGCM(key)


def _layout(option_ids) -> struct.Struct:
    return struct.Struct(f">{len(option_ids)}H")


def _associated(ballot_id: int, voter_token: str) -> bytes:
    return f"coop-envelope:{ballot_id}:{voter_token}".encode()


class Box:
    """Seals and opens the envelopes of one ballot. `option_ids` are the ballot's options,
    which are frozen once it opens; their sorted order is the envelope's layout."""

    def __init__(self, ballot_id: int, option_ids):
        self.ballot_id = ballot_id
        self.option_ids = tuple(sorted(option_ids))
        self._values = _layout(self.option_ids)
        self._cipher = _cipher(settings.VOTE_KEY, ballot_id)

    @property
    def size(self) -> int:
        """The length of every envelope of this ballot."""
        return NONCE + _HEADER.size + self._values.size + 16

    def seal(self, contents: Contents, voter_token: str) -> bytes:
        header = _HEADER.pack(contents.member_class_id,
                              _WITH_INTEREST if contents.with_interest else 0,
                              bytes.fromhex(contents.receipt_hash))
        values = self._values.pack(*(contents.marks.get(o, 0) for o in self.option_ids))
        nonce = os.urandom(NONCE)
        return nonce + self._cipher.encrypt(nonce, header + values,
                                            _associated(self.ballot_id, voter_token))

    def open(self, sealed: bytes, voter_token: str) -> Contents:
        return self.open_all([(True, voter_token, sealed)])[0][1]

    def open_all(self, rows) -> list[tuple[bool, Contents]]:
        """Open many envelopes: rows of (current, voter token, sealed)."""
        decrypt, header, values = self._cipher.decrypt, _HEADER.unpack_from, \
            self._values.unpack_from
        options, start, ballot_id = self.option_ids, _HEADER.size, self.ballot_id
        opened = []
        for current, token, sealed in rows:
            sealed = bytes(sealed)
            plain = decrypt(sealed[:NONCE], sealed[NONCE:],
                            _associated(ballot_id, token))
            class_id, flags, receipt = header(plain)
            marks = {o: v for o, v in zip(options, values(plain, start), strict=True)
                     if v}
            opened.append((current, Contents(class_id, bool(flags & _WITH_INTEREST),
                                             receipt.hex(), marks)))
        return opened


def box_for(ballot) -> Box:
    return Box(ballot.pk, ballot.options.values_list("pk", flat=True))


def unopened(ballot, *, current_only: bool = True) -> list[tuple[bool, Contents]]:
    """The envelopes of a ballot not yet opened, read in memory: (current, contents). Used
    for live figures and for anything cast after the box was opened (a late paper)."""
    envelopes = Envelope.objects.filter(ballot=ballot)
    if current_only:
        envelopes = envelopes.filter(current=True)
    rows = list(envelopes.values_list("current", "voter_token", "sealed"))
    if not rows:
        return []
    return box_for(ballot).open_all(rows)
