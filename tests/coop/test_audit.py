"""The audit log: hash-chained, secrets masked, append-only through the ORM, tampering found by
`manage.py verify_audit`, and every officer action through a service recorded."""

import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from coop import audit, audit_names, services
from coop.models import AuditEntry
from membership import services as membership_services
from membership import shares
from membership.models import Withdrawal
from tests.concurrency import needs_postgresql
from tests.factories import ApplicationFactory, MemberFactory, UserFactory


def readable(text: str) -> str:
    """An entry's text as the audit log page shows it: pseudonyms read back as names."""
    return audit_names.readable(text, audit_names.labels([text]))


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def verify_audit():
    """Run the command as an officer would; return what it printed."""
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list) -> None:
    """Change the table behind the ORM's back, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- the chain ------------------------------------------------------------------------------

def test_record_first_entry_links_to_genesis(db):
    entry = audit.record("test.first")

    assert entry.prev_hash == audit.GENESIS
    assert entry.hash == entry.compute_hash()


def test_record_chains_each_entry_to_the_previous_one(db, user):
    first = audit.record("test.one", actor=user, data={"n": 1})
    second = audit.record("test.two", actor=user, data={"n": 2})
    third = audit.record("test.three", data={"n": 3})

    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_record_hash_still_matches_after_reading_back(db, society, user):
    entry = audit.record("test.read_back", society=society, actor=user, obj=society,
                         data={"when": "2026-01-01", "amount": "1.00", "nested": {"b": [1, 2]}})

    stored = AuditEntry.objects.get(pk=entry.pk)

    assert stored.compute_hash() == stored.hash == entry.hash
    assert stored.object_type == "coop.Society"
    assert stored.object_id == str(society.pk)
    assert stored.actor == user
    assert audit_names.TOKEN.fullmatch(stored.actor_label), "a pseudonym, not the name"
    assert readable(stored.actor_label) == str(user)


def test_record_without_actor_is_labelled_system(db):
    entry = audit.record("test.system")

    assert entry.actor is None
    assert entry.actor_label == "system"


# --- secrets --------------------------------------------------------------------------------

def test_record_masks_secret_looking_keys_at_any_depth(db):
    entry = audit.record("test.secrets", data={
        "password": "hunter2",
        "api_token": "tok-123",
        "Client_Secret": "shh",
        "signing_key": "k-456",
        "login_code": "987654",
        "nested": {"new_password": "correct horse", "items": [{"recovery_code": "r-1"}]},
        "apiKey": "k-789",
        "name": "Alex Morgan",
        "postcode": "S1 2AB",
        "keyboard_only": True,
    })

    stored = AuditEntry.objects.get(pk=entry.pk).data
    text = json.dumps(stored)

    for secret in ("hunter2", "tok-123", "shh", "k-456", "987654", "correct horse", "r-1",
                   "k-789"):
        assert secret not in text
    assert stored["password"] == "***"
    assert stored["nested"]["items"][0]["recovery_code"] == "***"
    assert stored["name"] == "Alex Morgan", "ordinary values stay readable"
    assert stored["postcode"] == "S1 2AB", "a word that merely contains 'code' is not secret"
    assert stored["keyboard_only"] is True


def test_record_masks_secrets_inside_tuples(db):
    entry = audit.record("test.tuple", data={"attempts": ({"password": "hunter2"},)})

    assert "hunter2" not in json.dumps(AuditEntry.objects.get(pk=entry.pk).data)


# --- append-only ----------------------------------------------------------------------------

def test_audit_entry_save_of_existing_entry_raises(db):
    entry = audit.record("test.original")
    entry.action = "test.rewritten"

    with pytest.raises(PermissionError):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).action == "test.original"


def test_audit_entry_delete_raises(db):
    entry = audit.record("test.keep")

    with pytest.raises(PermissionError):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_audit_queryset_update_raises(db):
    entry = audit.record("test.keep")

    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(data={})
    entry.action = "test.rewritten"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])

    assert AuditEntry.objects.get(pk=entry.pk).action == "test.keep"


def test_audit_queryset_delete_raises(db):
    audit.record("test.one")
    audit.record("test.two")

    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(action="test.one").delete()

    assert AuditEntry.objects.count() == 2


# --- verify_audit ---------------------------------------------------------------------------

@pytest.fixture
def log(db, user):
    """Five entries in a chain."""
    return [audit.record(f"test.entry_{i}", actor=user, data={"i": i}) for i in range(5)]


def test_verify_audit_passes_on_intact_log(log):
    output = verify_audit()

    assert "intact" in output
    assert "5 entries" in output
    assert audit.verify() is None


def test_verify_audit_passes_on_empty_log(db):
    assert "intact (0 entries)" in verify_audit()


def test_verify_audit_names_entry_altered_with_raw_sql(log):
    altered = log[2]
    tamper("UPDATE coop_auditentry SET data = %s WHERE id = %s",
           [json.dumps({"i": 99}), altered.pk])

    with pytest.raises(CommandError, match=rf"Audit entry {altered.pk} is bad: .*altered") as exc:
        verify_audit()

    assert exc.value.returncode != 0
    assert audit.verify().entry_id == altered.pk


def test_verify_audit_names_entry_after_one_removed_with_raw_sql(log):
    removed, following = log[2], log[3]
    tamper("DELETE FROM coop_auditentry WHERE id = %s", [removed.pk])

    with pytest.raises(CommandError, match=rf"Audit entry {following.pk} is bad: .*removed"):
        verify_audit()


def test_verify_audit_finds_altered_entry_even_when_its_hash_is_recomputed(log):
    """Rewriting a row's own hash does not help: the next row still points at the old one."""
    altered = log[1]
    altered.data = {"i": 99}
    new_hash = altered.compute_hash()
    tamper("UPDATE coop_auditentry SET data = %s, hash = %s WHERE id = %s",
           [json.dumps({"i": 99}), new_hash, altered.pk])

    with pytest.raises(CommandError, match=rf"Audit entry {log[2].pk} is bad"):
        verify_audit()


def test_verify_audit_names_the_first_of_several_bad_entries(log):
    for entry in (log[3], log[1]):
        tamper("UPDATE coop_auditentry SET action = %s WHERE id = %s", ["test.forged", entry.pk])

    with pytest.raises(CommandError, match=rf"Audit entry {log[1].pk} is bad"):
        verify_audit()


# --- officer actions through services -------------------------------------------------------

def _approve(society, officer):
    application = ApplicationFactory(society=society)
    return membership_services.approve_application(application, by=officer), None


def _record_payment(society, officer):
    application = ApplicationFactory(society=society, approved=True)
    return shares.record_offline_payment(application=application, method="cash",
                                         amount=society.share_value,
                                         received_on=timezone.localdate(), by=officer), None


def _buy_more_shares(society, officer):
    society.multiple_shares_allowed = True
    society.save()
    member = MemberFactory(society=society)
    return shares.record_offline_payment(member=member, method="bank_transfer",
                                         amount=society.share_value * 5,
                                         received_on=timezone.localdate(), by=officer), None


def _repay_withdrawal(society, officer):
    # Set up without the services, so the only entries written are the repayment's.
    withdrawal = Withdrawal.objects.create(member=MemberFactory(society=society), shares=1,
                                           amount=society.share_value,
                                           due_on=timezone.localdate())
    return shares.record_withdrawal_repaid(withdrawal, by=officer, method="bank_transfer"), None


def _reject(society, officer):
    application = ApplicationFactory(society=society)
    return membership_services.reject_application(application, by=officer,
                                                  reason="Not eligible for this class"), None


def _cease(society, officer):
    member = MemberFactory(society=society)
    return membership_services.cease_membership(member, by=officer, reason="expelled",
                                                note="Board decision of 3 March"), None


def _update_rules(society, officer):
    return services.update_rules(society, by=officer, notice_clear_days=21), None


def _save_classes(society, officer):
    rows = [{"id": c.pk, "name": c.name, "description": c.description,
             "eligibility": c.eligibility, "votes": c.votes, "weight": c.weight}
            for c in society.member_classes.all()]
    rows[0]["weight"], rows[1]["weight"] = 40, 35
    membership_services.save_member_classes(society, rows, by=officer)
    return None, None


def _appoint(society, officer):
    return services.appoint_officer(society, user=UserFactory(), role="trustee", by=officer), None


OFFICER_ACTIONS = [
    (_approve, ["membership.application.approved"]),
    (_record_payment, ["membership.payment.recorded", "membership.member.admitted",
                       "membership.shares.issue"]),
    (_buy_more_shares, ["membership.payment.recorded", "membership.shares.additional_issue"]),
    (_reject, ["membership.application.rejected"]),
    (_cease, ["membership.member.expelled", "membership.shares.withdrawal",
              "membership.withdrawal.due"]),
    (_repay_withdrawal, ["membership.withdrawal.repaid"]),
    (_update_rules, ["coop.society.rules_changed"]),
    (_save_classes, ["membership.classes.changed"]),
    (_appoint, ["coop.officer.appointed"]),
]


@pytest.mark.parametrize(("action", "codes"), OFFICER_ACTIONS,
                         ids=[a.__name__.strip("_") for a, _ in OFFICER_ACTIONS])
def test_officer_action_writes_audit_entry(society, secretary, action, codes):
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    obj, _ = action(society, secretary)

    written = entries(id__gt=before)
    assert [e.action for e in written] == codes
    assert all(e.society_id == society.pk for e in written)
    assert all(e.actor_id == secretary.pk for e in written)
    assert all(readable(e.actor_label) == str(secretary) for e in written)
    assert not any(str(secretary) in e.actor_label for e in written)
    if obj is not None:
        assert written[0].object_type == obj._meta.label
        assert written[0].object_id == str(obj.pk)
    assert audit.verify() is None


def test_update_rules_records_old_and_new_values(society, secretary):
    services.update_rules(society, by=secretary, notice_clear_days=21)

    entry = entries(action="coop.society.rules_changed")[-1]
    assert entry.data == {"notice_clear_days": {"from": 14, "to": 21}}


def test_reject_application_records_the_reason(society, secretary):
    application, _ = _reject(society, secretary)

    entry = entries(action="membership.application.rejected")[-1]
    assert entry.data == {"reason": "Not eligible for this class"}
    assert readable(entry.object_repr) == str(application)
    assert application.full_name not in entry.object_repr


# --- concurrency ----------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_record_concurrent_appends_keep_the_chain_valid():
    needs_postgresql("Concurrent appends")
    threads_n, per_thread = 8, 15
    barrier = threading.Barrier(threads_n)
    errors = []

    def append(worker):
        try:
            barrier.wait()
            for i in range(per_thread):
                audit.record("test.concurrent", data={"worker": worker, "i": i})
        except Exception as error:  # reported by the assertion below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    log = entries()
    assert len(log) == threads_n * per_thread
    assert len({e.prev_hash for e in log}) == len(log), "two entries claim the same predecessor"
    assert audit.verify() is None
