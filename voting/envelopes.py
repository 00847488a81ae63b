"""Sealed envelopes: how a vote is kept while its ballot is open.

An envelope holds everything the counted vote will need (class, the interest bit, the receipt
hash and the marks), encrypted with AES-GCM under a key derived (HKDF) from the ballot id and
`settings.VOTE_KEY`, which stays outside the database. The associated data binds the envelope
to its ballot and voter token, so it cannot be moved to another ballot or voter. The plaintext
has one fixed layout per ballot (a value for every option, in option order), so every
envelope of a ballot is the same length and its size says nothing about the choices.

A ballot under the scrutineer's seal (`voting.seal`) seals each envelope to the ballot's
public key instead: a throwaway X25519 key pair per envelope, its public half at the front,
and AES-GCM under a key hashed from the shared secret. Only the scrutineer's passphrase opens
it, and every envelope of the ballot is still the same length."""

import hashlib
import os
import struct
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from .models import Envelope

NONCE = 12
EPHEMERAL = 32  # the throwaway public key in front of a scrutineer-sealed envelope
_ZERO_NONCE = bytes(NONCE)  # each such envelope has a key of its own, used once
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


class SealedForScrutineer(Exception):
    """The ballot's envelopes open only with the scrutineer's passphrase."""


def _envelope_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return hashlib.sha256(b"coop scrutineer envelope" + shared + ephemeral + recipient).digest()


def _layout(option_ids) -> struct.Struct:
    return struct.Struct(f">{len(option_ids)}H")


def _associated(ballot_id: int, voter_token: str) -> bytes:
    return f"coop-envelope:{ballot_id}:{voter_token}".encode()


class Box:
    """Seals and opens the envelopes of one ballot. `option_ids` are the ballot's options,
    which are frozen once it opens; their sorted order is the envelope's layout. With a
    `public_key` the envelopes are under the scrutineer's seal and open only with the
    matching `private_key` (from `seal.unseal`)."""

    def __init__(self, ballot_id: int, option_ids, *, public_key: bytes | None = None,
                 private_key: X25519PrivateKey | None = None):
        self.ballot_id = ballot_id
        self.option_ids = tuple(sorted(option_ids))
        self._values = _layout(self.option_ids)
        self.public_key = bytes(public_key) if public_key else None
        self._private = private_key
        self._cipher = None if self.public_key else _cipher(settings.VOTE_KEY, ballot_id)

    @property
    def size(self) -> int:
        """The length of every envelope of this ballot."""
        front = EPHEMERAL if self.public_key else NONCE
        return front + _HEADER.size + self._values.size + 16

    def seal(self, contents: Contents, voter_token: str) -> bytes:
        header = _HEADER.pack(contents.member_class_id,
                              _WITH_INTEREST if contents.with_interest else 0,
                              bytes.fromhex(contents.receipt_hash))
        values = self._values.pack(*(contents.marks.get(o, 0) for o in self.option_ids))
        associated = _associated(self.ballot_id, voter_token)
        if self.public_key:
            mine = X25519PrivateKey.generate()
            front = mine.public_key().public_bytes_raw()
            shared = mine.exchange(X25519PublicKey.from_public_bytes(self.public_key))
            cipher = AESGCM(_envelope_key(shared, front, self.public_key))
            return front + cipher.encrypt(_ZERO_NONCE, header + values, associated)
        nonce = os.urandom(NONCE)
        return nonce + self._cipher.encrypt(nonce, header + values, associated)

    def open(self, sealed: bytes, voter_token: str) -> Contents:
        return self.open_all([(True, voter_token, sealed)])[0][1]

    def open_all(self, rows) -> list[tuple[bool, Contents]]:
        """Open many envelopes: rows of (current, voter token, sealed)."""
        options = self.option_ids
        return [(current, Contents(class_id, with_interest, receipt.hex(),
                                   {o: v for o, v in zip(options, values, strict=True) if v}))
                for current, class_id, with_interest, receipt, values in self.open_raw(rows)]

    def open_raw(self, rows) -> list[tuple[bool, int, bool, bytes, tuple[int, ...]]]:
        """Open many envelopes into plain tuples, for the box's million: (current, class id,
        with interest, raw receipt hash, a value for every option in `option_ids` order).
        Raises `cryptography.exceptions.InvalidTag` if any envelope does not open."""
        if self.public_key:
            return self._open_sealed(rows)
        decrypt, header, values = self._cipher.decrypt, _HEADER.unpack_from, \
            self._values.unpack_from
        start, prefix = _HEADER.size, f"coop-envelope:{self.ballot_id}:"
        opened = []
        append = opened.append
        for current, token, sealed in rows:
            plain = decrypt(sealed[:NONCE], sealed[NONCE:], (prefix + token).encode())
            class_id, flags, receipt = header(plain)
            append((current, class_id, bool(flags & _WITH_INTEREST), receipt,
                    values(plain, start)))
        return opened

    def _open_sealed(self, rows):
        if self._private is None:
            raise SealedForScrutineer(self.ballot_id)
        exchange, public = self._private.exchange, X25519PublicKey.from_public_bytes
        header, values, start = _HEADER.unpack_from, self._values.unpack_from, _HEADER.size
        prefix, recipient = f"coop-envelope:{self.ballot_id}:", self.public_key
        opened = []
        for current, token, sealed in rows:
            front = bytes(sealed[:EPHEMERAL])
            key = _envelope_key(exchange(public(front)), front, recipient)
            plain = AESGCM(key).decrypt(_ZERO_NONCE, sealed[EPHEMERAL:],
                                        (prefix + token).encode())
            class_id, flags, receipt = header(plain)
            opened.append((current, class_id, bool(flags & _WITH_INTEREST), receipt,
                           values(plain, start)))
        return opened


def box_for(ballot, private_key: X25519PrivateKey | None = None) -> Box:
    return Box(ballot.pk, ballot.options.values_list("pk", flat=True),
               public_key=ballot.seal_public_key if ballot.scrutineer_seal else None,
               private_key=private_key)


def unopened(ballot, *, current_only: bool = True) -> list[tuple[bool, Contents]]:
    """The envelopes of a ballot not yet opened, read in memory: (current, contents). Used
    for live figures and for anything cast after the box was opened (a late paper).
    Raises `SealedForScrutineer` if there are any and only the scrutineer can open them."""
    envelopes = Envelope.objects.filter(ballot=ballot)
    if current_only:
        envelopes = envelopes.filter(current=True)
    rows = list(envelopes.values_list("current", "voter_token", "sealed"))
    if not rows:
        return []
    return box_for(ballot).open_all(rows)
