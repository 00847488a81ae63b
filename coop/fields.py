"""Model fields shared by the apps."""

import base64
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

log = logging.getLogger(__name__)

PREFIX = "fernet:"
UNREADABLE = "(cannot be read: FIELD_KEY has changed)"


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"coop encrypted field").derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def fernet() -> Fernet:
    """Fernet (AES-128-CBC with HMAC-SHA256) under a key derived from `settings.FIELD_KEY`."""
    return _fernet(settings.FIELD_KEY)


class EncryptedTextField(models.TextField):
    """Text encrypted at rest under `FIELD_KEY`, which lives outside the database, so a copy of
    the database alone does not reveal it. Each write is encrypted afresh (random IV), so the
    column can be neither searched nor compared: filter on it and nothing matches. Empty text
    stays empty."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or value.startswith(PREFIX):
            return value
        return PREFIX + fernet().encrypt(value.encode()).decode()

    def from_db_value(self, value, expression, connection):
        if not value or not value.startswith(PREFIX):
            return value  # empty, or written before encryption (the migration encrypts those)
        try:
            return fernet().decrypt(value[len(PREFIX):].encode()).decode()
        except InvalidToken:
            log.error("An encrypted field could not be decrypted: is FIELD_KEY right?")
            return UNREADABLE
