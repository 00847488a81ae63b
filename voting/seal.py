"""The scrutineer's seal: a ballot whose envelopes the server itself cannot open.

When an officer chooses it, the scrutineer picks a passphrase before the ballot opens. A slow
key derivation (scrypt, with a random salt kept on the ballot) turns it into an X25519 private
key; only the public half and the salt are stored, never the passphrase or the private key.
Each envelope is then sealed to that public key with a key pair of its own that is thrown away
at once (`envelopes.Box`), so nothing the server keeps, `VOTE_KEY` included, opens it. At
close the scrutineer types the passphrase again and the box is opened in that request: the
key is never written down, logged or queued."""

import os

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.views.decorators.debug import sensitive_variables

# scrypt at n = 2**17, r = 8 (128 MiB, about 0.4 s here): OWASP's minimum for passwords.
KDF = "scrypt:n=131072,r=8,p=1"
SALT_BYTES = 16
MIN_PASSPHRASE = 12


class WrongPassphrase(Exception):
    """The passphrase does not give the ballot's public key."""


def _params(kdf: str) -> dict[str, int]:
    name, _, rest = kdf.partition(":")
    if name != "scrypt":
        raise ValueError(f"Unknown key derivation {name!r}.")
    return {k: int(v) for k, v in (part.split("=") for part in rest.split(","))}


@sensitive_variables("passphrase")
def private_key(passphrase: str, salt: bytes, kdf: str = KDF) -> X25519PrivateKey:
    p = _params(kdf)
    raw = Scrypt(salt=bytes(salt), length=32, n=p["n"], r=p["r"], p=p["p"]).derive(
        passphrase.encode("utf-8"))
    return X25519PrivateKey.from_private_bytes(raw)


@sensitive_variables("passphrase")
def new_seal(passphrase: str) -> tuple[bytes, bytes, str]:
    """A fresh (public key, salt, kdf) for a passphrase; what the ballot stores."""
    salt = os.urandom(SALT_BYTES)
    public = private_key(passphrase, salt).public_key().public_bytes_raw()
    return public, salt, KDF


@sensitive_variables("passphrase")
def unseal(ballot, passphrase: str) -> X25519PrivateKey:
    """The ballot's private key from the passphrase, checked against its public key."""
    key = private_key(passphrase, ballot.seal_salt, ballot.seal_kdf)
    if key.public_key().public_bytes_raw() != bytes(ballot.seal_public_key):
        raise WrongPassphrase
    return key
