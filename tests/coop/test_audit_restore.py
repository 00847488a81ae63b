"""The audit log still verifies after a backup is restored: the hash covers a canonical form
of each field (timestamps to the millisecond in UTC, decimals, text) that survives a JSON dump,
and entries hashed before that form (to the microsecond) still verify where microseconds
survive."""

import hashlib
import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.serializers import json as django_json

from coop import audit
from coop.canonical import canonical
from coop.models import AuditEntry


def log_some(society, secretary, n=5):
    for i in range(n):
        audit.record("coop.test.thing", society=society, actor=secretary, obj=society,
                      data={"n": i, "amount": Decimal("1.50"), "name": "Zoë\r\nO'Neill",
                            "when": datetime(2026, 5, 20, 9, 30, 15, 123456, tzinfo=UTC)})


def reload_from(dump: str, fmt="json") -> None:
    """Delete the log the way a fresh database would not have it, then load the dump."""
    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    for obj in serializers.deserialize(fmt, dump):
        obj.save()


def test_the_log_verifies_after_dumpdata_and_loaddata(society, secretary, tmp_path):
    log_some(society, secretary)
    assert any(e.created_at.microsecond % 1000 for e in AuditEntry.objects.all())
    logged = AuditEntry.objects.count()
    dump = tmp_path / "audit.json"

    call_command("dumpdata", "coop.AuditEntry", output=str(dump), stdout=io.StringIO())
    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    call_command("loaddata", str(dump), stdout=io.StringIO())

    assert AuditEntry.objects.count() == logged
    assert audit.verify() is None


def test_new_entries_verify_even_after_a_dump_that_keeps_only_milliseconds(society,
                                                                          secretary):
    log_some(society, secretary)
    stock = django_json.Serializer().serialize(AuditEntry.objects.all())

    reload_from(stock)

    assert not any(e.created_at.microsecond % 1000 for e in AuditEntry.objects.all())
    assert audit.verify() is None


def test_an_altered_entry_still_fails_after_a_restore(society, secretary):
    log_some(society, secretary)
    rows = json.loads(serializers.serialize("json", AuditEntry.objects.all()))
    rows[2]["fields"]["data"]["amount"] = "15.00"

    reload_from(json.dumps(rows))

    problem = audit.verify()
    assert problem is not None and problem.entry_id == rows[2]["pk"]


def legacy_hash(entry) -> str:
    """The hash entries were given before the canonical form, written out independently."""
    payload = {"prev": entry.prev_hash, "society": entry.society_id, "actor": entry.actor_id,
               "actor_label": entry.actor_label, "action": entry.action,
               "object_type": entry.object_type, "object_id": entry.object_id,
               "object_repr": entry.object_repr, "data": entry.data,
               "at": entry.created_at.isoformat(timespec="microseconds")}
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@pytest.fixture
def legacy_chain(society, secretary):
    """A chain written by the earlier code: each hash to the microsecond."""
    previous = AuditEntry.objects.values_list("hash", flat=True).last() or audit.GENESIS
    for i in range(3):
        entry = AuditEntry(society=society, actor=secretary, actor_label=str(secretary),
                           action="coop.test.old", data={"n": i}, prev_hash=previous,
                           created_at=datetime(2026, 1, 2, 3, 4, 5, 123456 + i, tzinfo=UTC))
        entry.hash = legacy_hash(entry)
        entry.save()
        previous = entry.hash
    return previous


def test_an_existing_chain_still_verifies_and_new_entries_follow_it(society, secretary,
                                                                   legacy_chain):
    assert audit.verify() is None

    audit.record("coop.test.new", society=society, actor=secretary)

    assert AuditEntry.objects.last().prev_hash == legacy_chain
    assert audit.verify() is None


def test_an_existing_chain_survives_dumpdata_and_loaddata(society, secretary, legacy_chain,
                                                         tmp_path):
    dump = tmp_path / "audit.json"
    call_command("dumpdata", "coop.AuditEntry", output=str(dump), stdout=io.StringIO())
    AuditEntry.objects.all()._raw_delete(AuditEntry.objects.db)
    call_command("loaddata", str(dump), stdout=io.StringIO())

    assert audit.verify() is None


def test_an_altered_old_entry_is_still_caught(society, secretary, legacy_chain):
    entry = AuditEntry.objects.order_by("id")[1]
    AuditEntry.objects.filter(pk=entry.pk)._raw_delete(AuditEntry.objects.db)
    entry.data = {"n": 99}
    entry.pk = None
    entry.save()

    assert audit.verify() is not None


def test_the_canonical_form_of_each_kind_of_value():
    assert canonical(datetime(2026, 5, 20, 9, 30, 15, 123456, tzinfo=UTC)) == \
        "2026-05-20T09:30:15.123Z"
    assert canonical(Decimal("1.50")) == canonical(Decimal("1.5")) == "1.5"
    assert canonical(2.0) == 2
    assert canonical("Zoe\u0308\r\n") == "Zoë\n"
