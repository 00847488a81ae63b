"""The one form of a value that the audit hash covers (see AuditEntry.compute_hash)."""

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal


def canonical(value):
    """One form per value, whatever a backup did to it: timestamps in UTC to the millisecond
    (Django's JSON dumps keep only milliseconds), decimals without trailing zeros or
    exponents, text in Unicode NFC with Unix line endings, numbers that are whole as ints."""
    if isinstance(value, dict):
        return {canonical(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    return value
