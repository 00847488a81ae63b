"""The audit log's public way in: `record()` appends one hash-chained entry, `verify()` checks
the chain."""

import json
import re
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from . import audit_names
from .models import AuditEntry

GENESIS = "0" * 64
SECRET_WORDS = {"password", "passwords", "token", "tokens", "secret", "key", "keys", "code",
                "codes", "otp", "pin"}
# Any number will do: it names the lock that serialises appends on PostgreSQL.
_CHAIN_LOCK = 4_711_2026


def _is_secret(key) -> bool:
    """A key is secret when one of its words is ("api_key", "login code", "password1"), not
    when a word merely contains one ("postcode", "keyboard")."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(key))  # camelCase -> camel Case
    words = re.split(r"[^a-z]+", spaced.lower())
    return any(word in SECRET_WORDS for word in words)


def mask(data):
    """Replace the values of secret-looking keys, at any depth, before they reach the log."""
    if isinstance(data, dict):
        return {
            k: "***" if _is_secret(k) else mask(v)
            for k, v in data.items()
        }
    if isinstance(data, list | tuple):  # a tuple becomes a JSON list: mask it too
        return [mask(v) for v in data]
    return data


def _normalise(data) -> dict:
    return json.loads(json.dumps(mask(data or {}), cls=DjangoJSONEncoder))


def lock_chain() -> None:
    """Serialise writers of the chain on PostgreSQL (SQLite serialises writes anyway). Call
    inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])


def record(action: str, *, society=None, actor=None, obj=None, data=None) -> AuditEntry:
    """Append one entry. Call inside the transaction that makes the change, so that the change
    and its record commit together or not at all. People are named by pseudonym only."""
    with transaction.atomic():
        lock_chain()
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        # Names become `[person:<pid>]` tokens before hashing (coop/audit_names.py).
        named = audit_names.pseudonymise(society=society, actor=actor, obj=obj,
                                         data=_normalise(data))
        entry = AuditEntry(
            society=society,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=named.actor_label,
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=named.object_repr,
            data=named.data,
            prev_hash=last or GENESIS,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        return entry


@dataclass
class Break:
    entry_id: int
    reason: str


def verify() -> Break | None:
    """Walk the chain in order; return the first entry that does not fit, or None."""
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != previous:
            return Break(entry.id, "its link to the previous entry is broken "
                                   "(an entry before it was removed or altered)")
        if not entry.matches_hash():
            return Break(entry.id, "its content does not match its hash (it was altered)")
        previous = entry.hash
    return None


def audit_entries_for_object(obj):
    return AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))


def reanchor(people_by_society) -> "audit_names.Reanchored":
    """Rewrite entries written before pseudonyms (names into tokens) and record the re-anchoring;
    see `audit_names.reanchor`."""
    return audit_names.reanchor(people_by_society, lock=lock_chain, genesis=GENESIS,
                                record=record)
