"""Audit entries name people only by pseudonym; the names table gives the readable name, and
clearing it anonymises a person without breaking the chain. Entries written before pseudonyms
are rewritten once, with a recorded re-anchoring."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coop import audit, audit_names
from coop.models import AuditEntry, AuditName
from membership import services
from membership.privacy.anonymise import anonymise_member
from tests.factories import MemberFactory


def text_of(entry) -> str:
    return f"{entry.actor_label} {entry.object_repr} {json.dumps(entry.data)}"


def test_member_change_is_hashed_with_pseudonyms_not_names(society, secretary):
    member = MemberFactory(society=society, full_name="Philippa Quarrington")

    services.update_member_details(member, by=secretary, phone="07700 900321")

    entry = AuditEntry.objects.get(action="membership.member.details_changed")
    assert "Philippa" not in text_of(entry) and str(secretary) not in text_of(entry)
    assert audit_names.TOKEN.search(entry.object_repr)
    names = audit_names.labels([text_of(entry)])
    assert "Philippa Quarrington" in audit_names.readable(entry.object_repr, names)


def test_same_person_has_one_stable_pseudonym_per_society(society, other_society, secretary):
    first = audit.record("test.one", society=society, actor=secretary)
    second = audit.record("test.two", society=society, actor=secretary)
    elsewhere = audit.record("test.three", society=other_society, actor=secretary)

    assert first.actor_label == second.actor_label
    assert elsewhere.actor_label != first.actor_label, "not linkable across societies"


def test_anonymising_clears_the_name_and_the_chain_still_verifies(society, secretary):
    member = MemberFactory(society=society, full_name="Philippa Quarrington",
                           ceased_on=timezone.localdate(), cessation_reason="resigned")
    audit.record("test.about", society=society, actor=secretary, obj=member)

    anonymise_member(member)

    assert audit.verify() is None
    entry = AuditEntry.objects.get(action="test.about")
    shown = audit_names.readable(entry.object_repr, audit_names.labels([entry.object_repr]))
    assert "Philippa" not in shown and audit_names.ANONYMISED in shown
    assert AuditName.objects.get(user=member.user, society=society).label == ""


def test_audit_log_page_shows_names_then_anonymised(client, society, secretary):
    member = MemberFactory(society=society, full_name="Philippa Quarrington",
                           ceased_on=timezone.localdate(), cessation_reason="resigned")
    audit.record("test.about", society=society, actor=secretary, obj=member)
    client.force_login(secretary)
    url = reverse("audit_log", args=[society.slug])

    assert "Philippa Quarrington" in client.get(url).content.decode()
    anonymise_member(member)
    page = client.get(url).content.decode()

    assert "Philippa" not in page and "an anonymised person" in page
    assert escape(str(secretary)) in page  # a name like O'Connor is escaped in HTML


def _old_entry(society, actor, obj, data):
    """An entry as the code before pseudonyms wrote it: names in its hashed text."""
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry = AuditEntry(society=society, actor=actor, actor_label=str(actor),
                       action="membership.member.details_changed",
                       object_type=obj._meta.label, object_id=str(obj.pk),
                       object_repr=str(obj), data=data, prev_hash=last or audit.GENESIS)
    entry.hash = entry.compute_hash()
    entry.save()
    return entry


def test_reanchor_rewrites_old_names_and_records_the_anchor(society, secretary):
    member = MemberFactory(society=society, full_name="Philippa Quarrington")
    old = _old_entry(society, secretary, member, {"elected": ["Philippa Quarrington"]})
    audit.record("test.after", society=society, actor=secretary)
    head = AuditEntry.objects.order_by("-id").first().hash
    out = io.StringIO()

    call_command("reanchor_audit", stdout=out)

    rewritten = AuditEntry.objects.get(pk=old.pk)
    assert "Philippa" not in text_of(rewritten) and str(secretary) not in text_of(rewritten)
    anchor = AuditEntry.objects.order_by("-id").first()
    assert anchor.action == "coop.audit.reanchored"
    assert anchor.data["previous_head"] == head
    assert anchor.data["entries_rewritten"] == 1
    assert head in out.getvalue()
    assert audit.verify() is None
    call_command("verify_audit", stdout=io.StringIO())
    names = audit_names.labels([rewritten.object_repr])
    assert audit_names.readable(rewritten.object_repr, names).startswith("Philippa Quarrington")


def test_reanchor_twice_records_nothing_the_second_time(society, secretary):
    member = MemberFactory(society=society, full_name="Philippa Quarrington")
    _old_entry(society, secretary, member, {})
    call_command("reanchor_audit", stdout=io.StringIO())
    count = AuditEntry.objects.count()
    out = io.StringIO()

    call_command("reanchor_audit", stdout=out)

    assert AuditEntry.objects.count() == count
    assert "Nothing to rewrite" in out.getvalue()


def test_reanchor_refuses_a_chain_already_tampered_with(society, secretary):
    member = MemberFactory(society=society, full_name="Philippa Quarrington")
    old = _old_entry(society, secretary, member, {})
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE coop_auditentry SET action = %s WHERE id = %s",
                       ["forged", old.pk])

    with pytest.raises(CommandError, match=f"Audit entry {old.pk} is bad"):
        call_command("reanchor_audit", stdout=io.StringIO())
