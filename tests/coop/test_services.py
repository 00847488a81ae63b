"""coop.services: societies, their rules and the register of officers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coop import audit, audit_names, services
from coop.models import AuditEntry, Officer, Society, User
from coop.permissions import current_roles
from coop.services import CoopError


def test_create_society_has_three_default_classes(db):
    society = services.create_society(name="Mutual Support Co-op")

    classes = list(society.member_classes.all())
    assert [(c.name, c.votes, c.weight) for c in classes] == [
        ("Service user", True, 50), ("Carer", True, 25), ("Personal assistant", True, 25)]
    assert all(c.eligibility for c in classes)


def test_create_society_has_default_rules(db):
    society = services.create_society(name="Mutual Support Co-op")

    society.refresh_from_db()
    assert society.slug == "mutual-support-co-op"
    assert society.share_value == Decimal("1.00")
    assert society.notice_clear_days == 14
    assert (society.quorum_minimum, society.quorum_percent) == (2, Decimal("10"))
    assert society.special_resolution_percent == Decimal("75")
    assert (society.proxies_allowed, society.max_proxies_per_holder) == (True, 5)
    assert society.hybrid_meetings_allowed is True
    assert society.online_meetings_allowed is True
    assert society.last_membership_number == 0


def test_create_society_has_default_share_rules(db):
    society = services.create_society(name="Mutual Support Co-op")

    society.refresh_from_db()
    assert society.shares_withdrawable is True
    assert society.withdrawal_notice_days == 30
    assert society.withdrawals_suspended is False
    assert society.multiple_shares_allowed is False
    assert society.max_holding == Decimal("100000")
    assert "reference" in society.payment_instructions


def test_create_society_audited_with_actor(db, user):
    society = services.create_society(name="Mutual Support", slug="mutual", by=user)

    entry = AuditEntry.objects.get(society=society)
    assert entry.action == "coop.society.created"
    assert entry.actor == user
    assert entry.data == {"name": "Mutual Support", "slug": "mutual"}


def test_create_society_duplicate_slug_refused(db):
    services.create_society(name="Mutual Support", slug="mutual")

    with pytest.raises(CoopError, match="mutual") as error:
        services.create_society(name="Another Mutual", slug="mutual")

    assert error.value.field == "slug"
    assert Society.objects.count() == 1


def test_create_society_name_without_letters_refused(db):
    with pytest.raises(CoopError) as error:
        services.create_society(name="!!!")

    assert error.value.field == "name"
    assert not Society.objects.exists()


def test_update_rules_audits_old_and_new_values(society, secretary):
    services.update_rules(society, by=secretary, notice_clear_days=21,
                          special_resolution_percent=Decimal("66.67"), proxies_allowed=True)

    society.refresh_from_db()
    assert society.notice_clear_days == 21
    assert society.special_resolution_percent == Decimal("66.67")
    entry = AuditEntry.objects.get(action="coop.society.rules_changed")
    assert entry.actor == secretary
    assert set(entry.data) == {"notice_clear_days", "special_resolution_percent"}
    assert entry.data["notice_clear_days"] == {"from": 14, "to": 21}
    percent = entry.data["special_resolution_percent"]
    assert (Decimal(percent["from"]), Decimal(percent["to"])) == (75, Decimal("66.67"))


def test_update_rules_without_change_writes_no_audit(society, secretary):
    services.update_rules(society, by=secretary, notice_clear_days=14)

    assert not AuditEntry.objects.filter(action="coop.society.rules_changed").exists()


def test_update_rules_unknown_field_refused(society, secretary):
    with pytest.raises(CoopError, match="last_membership_number"):
        services.update_rules(society, by=secretary, last_membership_number=0)


def test_update_rules_special_resolution_out_of_range_refused_by_database(society, secretary):
    with pytest.raises(IntegrityError), transaction.atomic():
        services.update_rules(society, by=secretary, special_resolution_percent=Decimal("50"))


def test_update_rules_share_rules_audited(society, secretary):
    services.update_rules(society, by=secretary, shares_withdrawable=False,
                          withdrawals_suspended=True, multiple_shares_allowed=True,
                          max_holding=Decimal("500.00"))

    data = AuditEntry.objects.get(action="coop.society.rules_changed").data
    cap = data.pop("max_holding")
    assert (Decimal(cap["from"]), Decimal(cap["to"])) == (Decimal("100000"), Decimal("500"))
    assert data == {"shares_withdrawable": {"from": True, "to": False},
                    "withdrawals_suspended": {"from": False, "to": True},
                    "multiple_shares_allowed": {"from": False, "to": True}}


def test_update_rules_cap_below_one_share_refused_by_database(society, secretary):
    with pytest.raises(IntegrityError), transaction.atomic():
        services.update_rules(society, by=secretary, max_holding=Decimal("0.50"))


def test_appoint_officer_adds_current_term_and_role(society, user, secretary):
    officer = services.appoint_officer(society, user=user, role="treasurer", by=secretary)

    assert officer.is_current()
    assert officer.started_on == timezone.localdate()
    assert current_roles(User.objects.get(pk=user.pk), society) == {"treasurer"}
    entry = AuditEntry.objects.get(action="coop.officer.appointed")
    assert entry.data["role"] == "treasurer"
    assert entry.data["user"] != user.email, "named by pseudonym in the hashed text"
    names = audit_names.labels([entry.data["user"]])
    assert audit_names.readable(entry.data["user"], names) == str(user)


def test_appoint_officer_twice_to_same_role_refused(society, user, secretary):
    services.appoint_officer(society, user=user, role="trustee", by=secretary)

    with pytest.raises(CoopError, match="already trustee"):
        services.appoint_officer(society, user=user, role="trustee", by=secretary)


def test_appoint_officer_unknown_role_refused(society, user, secretary):
    with pytest.raises(CoopError, match="Choose a role") as error:
        services.appoint_officer(society, user=user, role="president", by=secretary)

    assert error.value.field == "role"


def test_appoint_officer_in_one_society_gives_no_role_in_another(society, other_society, user,
                                                                 secretary):
    services.appoint_officer(society, user=user, role="chair", by=secretary)

    assert current_roles(User.objects.get(pk=user.pk), other_society) == set()


def test_end_office_keeps_entry_and_removes_role(society, user, secretary):
    start = timezone.localdate() - timedelta(days=30)
    officer = services.appoint_officer(society, user=user, role="trustee", started_on=start,
                                       by=secretary)

    services.end_office(officer, by=secretary, ended_on=timezone.localdate() - timedelta(days=1))

    officer.refresh_from_db()
    assert officer.ended_on == timezone.localdate() - timedelta(days=1)
    assert not officer.is_current()
    assert Officer.objects.filter(pk=officer.pk).exists()
    assert current_roles(User.objects.get(pk=user.pk), society) == set()
    assert "coop.officer.term_ended" in AuditEntry.objects.values_list("action", flat=True)


def test_end_office_twice_refused(society, user, secretary):
    officer = services.appoint_officer(society, user=user, role="trustee", by=secretary)
    services.end_office(officer, by=secretary)

    with pytest.raises(CoopError, match="already ended"):
        services.end_office(officer, by=secretary)


def test_end_office_before_start_refused(society, user, secretary):
    officer = services.appoint_officer(society, user=user, role="trustee", by=secretary)

    with pytest.raises(CoopError, match="before it started"):
        services.end_office(officer, by=secretary,
                            ended_on=officer.started_on - timedelta(days=1))


def test_reappoint_after_term_ended_allowed(society, user, secretary):
    first = services.appoint_officer(society, user=user, role="trustee",
                                     started_on=timezone.localdate() - timedelta(days=10),
                                     by=secretary)
    services.end_office(first, by=secretary)

    second = services.appoint_officer(society, user=user, role="trustee", by=secretary)

    assert Officer.objects.filter(society=society, user=user).count() == 2
    assert second.is_current()


def test_audit_chain_intact_after_service_calls(society, user, secretary):
    services.update_rules(society, by=secretary, notice_clear_days=20)
    services.appoint_officer(society, user=user, role="trustee", by=secretary)

    assert audit.verify() is None


def test_user_email_stored_lowercase_and_unique(db):
    User.objects.create_user("Jo@Example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("JO@example.ORG")
    assert User.objects.get().email == "jo@example.org"


def test_society_saved_from_a_stale_copy_does_not_reuse_membership_numbers(society):
    from coop.models import Society
    from membership.services import next_membership_number

    stale = Society.objects.get(pk=society.pk)
    first = next_membership_number(society)

    stale.name = "Renamed Co-op"
    stale.save()

    assert next_membership_number(society) == first + 1
    assert Society.objects.get(pk=society.pk).name == "Renamed Co-op"
