"""membership.services: applications, admission, the register, class changes, cessation and
the member classes, as the people who use them would notice."""

import threading
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections
from django.db.models import QuerySet
from django.utils import timezone

from coop.models import AuditEntry
from membership import services, shares
from membership.models import Application, Member, RegisterChange, ShareTransaction, Withdrawal
from membership.selectors import register
from membership.services import MembershipError
from tests.factories import MemberFactory, SocietyFactory, UserFactory

DETAILS = {"full_name": "Alex Morgan", "address": "1 Mill Lane\nSheffield",
           "postcode": "S1 2AB", "email": "alex@example.org"}


def apply(society, user, member_class=None, **overrides):
    kwargs = {"member_class": member_class or society.member_classes.first(),
              "confirmed_eligible": True, "confirmed_not_in_other_class": True,
              **DETAILS, **overrides}
    return services.apply_for_membership(society, user, **kwargs)


def admit(society, secretary, user=None, **kwargs):
    """Approve a new application and record its share as paid: the applicant is admitted."""
    application = services.approve_application(apply(society, user or UserFactory()),
                                               by=secretary)
    return pay(application, secretary, **kwargs).member


def pay(application, by, **overrides):
    kwargs = {"method": "cash", "amount": application.society.share_value,
              "received_on": timezone.localdate(), **overrides}
    return shares.record_offline_payment(application=application, by=by, **kwargs)


def class_named(society, name):
    return society.member_classes.get(name=name)


def class_rows(society, **changes):
    """The society's classes as rows for save_member_classes, with some values changed:
    class_rows(society, Carer={"weight": 30})."""
    return [
        {"id": c.pk, "name": c.name, "description": c.description,
         "eligibility": c.eligibility, "votes": c.votes, "weight": c.weight,
         **changes.get(c.name, {})}
        for c in society.member_classes.all()
    ]


def actions(society):
    return list(AuditEntry.objects.filter(society=society).values_list("action", flat=True))


# --- applying -------------------------------------------------------------------------------

def test_apply_creates_pending_application_with_audit(society, user):
    application = apply(society, user, member_class=class_named(society, "Carer"))

    assert application.state == "pending"
    assert application.member_class.name == "Carer"
    assert application.full_name == "Alex Morgan"
    assert "membership.application.submitted" in actions(society)


def test_apply_class_of_another_society_refused(society, other_society, user):
    with pytest.raises(MembershipError) as error:
        apply(society, user, member_class=other_society.member_classes.first())

    assert error.value.field == "member_class"
    assert not Application.objects.filter(user=user).exists()


@pytest.mark.parametrize("unconfirmed", ["confirmed_eligible", "confirmed_not_in_other_class"])
def test_apply_without_confirmation_refused(society, user, unconfirmed):
    with pytest.raises(MembershipError) as error:
        apply(society, user, **{unconfirmed: False})

    assert error.value.field == unconfirmed
    assert not Application.objects.filter(user=user).exists()


def test_apply_when_already_member_refused(society, member):
    with pytest.raises(MembershipError, match="already a member"):
        apply(society, member.user)


def test_apply_when_already_applied_refused(society, user):
    apply(society, user)

    with pytest.raises(MembershipError, match="already applied"):
        apply(society, user)
    assert Application.objects.filter(society=society, user=user).count() == 1


def test_apply_after_rejection_allowed(society, user, secretary):
    services.reject_application(apply(society, user), by=secretary, reason="Not eligible yet")

    second = apply(society, user)

    assert second.state == "pending"


def test_apply_to_two_societies_allowed(society, other_society, user):
    apply(society, user)
    apply(other_society, user)

    assert Application.objects.filter(user=user).count() == 2


def test_apply_racing_submission_caught_by_constraint(society, user):
    """The first check passes for both of two simultaneous submissions; the partial unique
    constraint then refuses the second, and the person sees the same message."""
    apply(society, user)

    with mock.patch.object(QuerySet, "exists", return_value=False):
        with pytest.raises(MembershipError, match="already applied"):
            apply(society, user)

    assert Application.objects.filter(society=society, user=user).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_apply_concurrent_double_submission_creates_one_application():
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent connections need PostgreSQL")
    society = SocietyFactory(slug="race")
    user = UserFactory()
    member_class = society.member_classes.first()
    barrier = threading.Barrier(4)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            apply(society, user, member_class=member_class)
            outcomes.append("ok")
        except MembershipError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert Application.objects.filter(society=society, user=user).count() == 1


# --- approval and admission on payment ------------------------------------------------------

def test_approve_leaves_applicant_waiting_for_payment(society, user, secretary):
    application = services.approve_application(apply(society, user), by=secretary)

    application.refresh_from_db()
    assert application.state == "approved"
    assert application.decided_by == secretary
    assert application.admitted_at is None
    assert not Member.objects.filter(society=society, user=user).exists()
    assert actions(society)[-1] == "membership.application.approved"
    society.refresh_from_db()
    assert society.last_membership_number == 0, "no number is taken until the share is paid"


def test_approve_emails_applicant_how_to_pay_after_commit(society, user, secretary,
                                                          django_capture_on_commit_callbacks):
    application = apply(society, user)

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_application(application, by=secretary)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert society.name in message.subject
    assert "pay" in message.subject
    assert application.payment_reference in message.body
    assert f"£{society.share_value}" in message.body
    assert "membership number is" not in message.body


def test_payment_admits_with_the_next_number_in_order(society, secretary):
    numbers = [admit(society, secretary).membership_number for _ in range(3)]

    assert numbers == [1, 2, 3]


def test_payment_order_not_approval_order_decides_numbers(society, secretary):
    first, second = (services.approve_application(apply(society, UserFactory()), by=secretary)
                     for _ in range(2))

    assert pay(second, secretary).member.membership_number == 1
    assert pay(first, secretary).member.membership_number == 2


def test_payment_never_reuses_number_of_former_member(society, secretary):
    members = [admit(society, secretary) for _ in range(3)]
    services.cease_membership(members[2], by=secretary, reason="resigned")

    fourth = admit(society, secretary)

    assert fourth.membership_number == 4


def test_payment_numbers_each_society_separately(society, other_society, secretary):
    admit(society, secretary)
    admit(society, secretary)

    assert admit(other_society, secretary).membership_number == 1


def test_payment_admits_and_copies_details(society, user, secretary):
    application = apply(society, user, member_class=class_named(society, "Personal assistant"),
                        large_print=True)
    services.approve_application(application, by=secretary)

    member = pay(application, secretary).member

    application.refresh_from_db()
    assert application.state == "admitted"
    assert member.application == application
    assert member.admitted_on == timezone.localdate()
    assert member.member_class.name == "Personal assistant"
    assert (member.full_name, member.postcode, member.large_print) == ("Alex Morgan", "S1 2AB",
                                                                       True)
    assert (member.shares_held, member.amount_paid) == (1, society.share_value)
    assert actions(society)[-4:] == ["membership.application.approved",
                                     "membership.payment.recorded", "membership.member.admitted",
                                     "membership.shares.issue"]


def test_payment_admits_on_the_day_the_money_was_received(society, user, secretary):
    day = timezone.localdate() - timedelta(days=10)

    member = admit(society, secretary, user=user, received_on=day)

    assert member.admitted_on == day
    assert member.share_transactions.get().on == day


def test_payment_welcome_email_gives_number_and_amount_after_commit(
        society, user, secretary, django_capture_on_commit_callbacks):
    application = services.approve_application(apply(society, user), by=secretary)

    with django_capture_on_commit_callbacks(execute=True):
        member = pay(application, secretary).member

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == f"Welcome to {society.name}"
    assert f"Your membership number is {member.membership_number}." in message.body
    assert f"£{society.share_value}" in message.body


def test_payment_records_society_share_value(officer_for):
    society = SocietyFactory(slug="fiver", share_value=Decimal("5.00"))
    by = officer_for("secretary", society)

    member = admit(society, by, amount=Decimal("5"))

    member.refresh_from_db()
    assert member.shares_held == 1
    assert member.amount_paid == Decimal("5.00")


def test_payment_before_approval_refused(society, user, secretary):
    application = apply(society, user)

    with pytest.raises(MembershipError, match="Only an approved applicant"):
        pay(application, secretary)
    assert not Member.objects.filter(society=society, user=user).exists()


def test_approve_twice_refused(society, user, secretary):
    application = apply(society, user)
    services.approve_application(application, by=secretary)

    with pytest.raises(MembershipError, match="already been decided"):
        services.approve_application(application, by=secretary)
    assert Application.objects.get(pk=application.pk).state == "approved"
    assert not Member.objects.filter(society=society, user=user).exists()


def test_approve_after_admission_refused(society, user, secretary):
    member = admit(society, secretary, user=user)

    with pytest.raises(MembershipError, match="already been decided"):
        services.approve_application(member.application, by=secretary)
    assert Member.objects.filter(society=society, user=user).count() == 1


def test_approve_rejected_application_refused(society, user, secretary):
    application = services.reject_application(apply(society, user), by=secretary,
                                              reason="Not eligible")

    with pytest.raises(MembershipError, match="already been decided"):
        services.approve_application(application, by=secretary)
    assert not Member.objects.filter(society=society, user=user).exists()


# --- rejection ------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_without_reason_refused(society, user, secretary, reason):
    application = apply(society, user)

    with pytest.raises(MembershipError) as error:
        services.reject_application(application, by=secretary, reason=reason)

    assert error.value.field == "reason"
    application.refresh_from_db()
    assert application.state == "pending"


def test_reject_emails_reason_to_applicant(society, user, secretary,
                                           django_capture_on_commit_callbacks):
    application = apply(society, user)

    with django_capture_on_commit_callbacks(execute=True):
        services.reject_application(application, by=secretary,
                                    reason="  You do not live in our area.  ")

    application.refresh_from_db()
    assert application.state == "rejected"
    assert application.rejection_reason == "You do not live in our area."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "You do not live in our area." in mail.outbox[0].body
    assert "membership.application.rejected" in actions(society)


def test_reject_twice_refused(society, user, secretary):
    application = apply(society, user)
    services.reject_application(application, by=secretary, reason="No")

    with pytest.raises(MembershipError, match="already been decided"):
        services.reject_application(application, by=secretary, reason="Still no")


# --- the register ---------------------------------------------------------------------------

def test_update_details_keeps_history_of_changed_fields_only(member, secretary):
    old_postcode = member.postcode

    history = services.update_member_details(
        member, by=member.user, full_name=member.full_name, postcode="LS2 9JT",
        large_print=True)

    assert {h.field for h in history} == {"postcode", "large_print"}
    rows = {c.field: c for c in RegisterChange.objects.filter(member=member)}
    assert set(rows) == {"postcode", "large_print"}
    assert (rows["postcode"].old_value, rows["postcode"].new_value) == (old_postcode, "LS2 9JT")
    assert (rows["large_print"].old_value, rows["large_print"].new_value) == ("no", "yes")
    assert rows["postcode"].changed_by == member.user
    member.refresh_from_db()
    assert member.postcode == "LS2 9JT"
    entry = AuditEntry.objects.get(action="membership.member.details_changed")
    assert sorted(entry.data["fields"]) == ["large_print", "postcode"]


def test_update_details_unchanged_writes_nothing(member):
    history = services.update_member_details(member, by=member.user, full_name=member.full_name)

    assert history == []
    assert not RegisterChange.objects.exists()
    assert "membership.member.details_changed" not in actions(member.society)


def test_update_details_unknown_field_refused(member):
    with pytest.raises(MembershipError, match="membership_number"):
        services.update_member_details(member, by=member.user, membership_number=99)


def test_update_details_of_former_member_refused(member, secretary):
    services.cease_membership(member, by=secretary, reason="resigned")
    member.refresh_from_db()

    with pytest.raises(MembershipError, match="former member"):
        services.update_member_details(member, by=secretary, postcode="YO1 7HH")
    assert not RegisterChange.objects.filter(member=member).exists()


# --- class changes --------------------------------------------------------------------------

def test_class_change_approved_moves_member_and_keeps_history(
        member, society, secretary, django_capture_on_commit_callbacks):
    carer = class_named(society, "Carer")
    request = services.request_class_change(member, to_class=carer, reason="I stopped using care")

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_class_change(request, by=secretary, approve=True)

    member.refresh_from_db()
    assert member.member_class == carer
    change = RegisterChange.objects.get(member=member, field="member_class")
    assert (change.old_value, change.new_value) == ("Service user", "Carer")
    assert change.changed_by == secretary
    request.refresh_from_db()
    assert request.state == "approved"
    assert len(mail.outbox) == 1
    assert "approved" in mail.outbox[0].body
    assert "membership.class_change.approved" in actions(society)


def test_class_change_reject_needs_note(member, society, secretary):
    request = services.request_class_change(member, to_class=class_named(society, "Carer"),
                                            reason="Moving")

    with pytest.raises(MembershipError) as error:
        services.decide_class_change(request, by=secretary, approve=False, note=" ")

    assert error.value.field == "note"
    request.refresh_from_db()
    assert request.state == "pending"


def test_class_change_rejected_leaves_class_and_tells_member(
        member, society, secretary, django_capture_on_commit_callbacks):
    request = services.request_class_change(member, to_class=class_named(society, "Carer"),
                                            reason="Moving")

    with django_capture_on_commit_callbacks(execute=True):
        services.decide_class_change(request, by=secretary, approve=False,
                                     note="You still use our services.")

    member.refresh_from_db()
    assert member.member_class.name == "Service user"
    assert not RegisterChange.objects.filter(member=member).exists()
    assert "You still use our services." in mail.outbox[0].body


def test_class_change_one_pending_request_at_a_time(member, society):
    services.request_class_change(member, to_class=class_named(society, "Carer"), reason="A")

    with pytest.raises(MembershipError, match="already have a request"):
        services.request_class_change(member, to_class=class_named(society, "Personal assistant"),
                                      reason="B")


def test_class_change_allowed_again_after_decision(member, society, secretary):
    first = services.request_class_change(member, to_class=class_named(society, "Carer"),
                                          reason="A")
    services.decide_class_change(first, by=secretary, approve=False, note="No")

    second = services.request_class_change(member, to_class=class_named(society, "Carer"),
                                           reason="Please look again")

    assert second.state == "pending"


def test_class_change_decided_twice_refused(member, society, secretary):
    request = services.request_class_change(member, to_class=class_named(society, "Carer"),
                                            reason="A")
    services.decide_class_change(request, by=secretary, approve=True)

    with pytest.raises(MembershipError, match="already been decided"):
        services.decide_class_change(request, by=secretary, approve=False, note="Oops")


@pytest.mark.parametrize("target, message", [("same", "already in that class"),
                                             ("other_society", "this co-op's classes")])
def test_class_change_to_wrong_class_refused(member, other_society, target, message):
    to_class = member.member_class if target == "same" else other_society.member_classes.first()

    with pytest.raises(MembershipError, match=message):
        services.request_class_change(member, to_class=to_class, reason="A")


def test_class_change_by_former_member_refused(member, society, secretary):
    services.cease_membership(member, by=secretary, reason="resigned")
    member.refresh_from_db()

    with pytest.raises(MembershipError, match="ended"):
        services.request_class_change(member, to_class=class_named(society, "Carer"),
                                      reason="A")


# --- cessation ------------------------------------------------------------------------------

def test_class_change_pending_request_closed_when_member_ceases(member, society, secretary):
    request = services.request_class_change(member, to_class=class_named(society, "Carer"),
                                            reason="A")
    services.cease_membership(member, by=secretary, reason="resigned")

    request.refresh_from_db()
    assert request.state == "rejected"
    assert "membership ended" in request.decision_note
    with pytest.raises(MembershipError, match="already been decided"):
        services.decide_class_change(request, by=secretary, approve=True)
    member.refresh_from_db()
    assert member.member_class.name == "Service user"


def test_cease_resignation_keeps_entry_with_date(member, society):
    services.cease_membership(member, by=member.user, reason="resigned")

    member.refresh_from_db()
    assert member.ceased_on == timezone.localdate()
    assert member.cessation_reason == "resigned"
    assert not member.is_current
    assert list(register(society, status="former")) == [member]
    assert list(register(society, status="current")) == []
    assert "membership.member.resigned" in actions(society)


@pytest.mark.parametrize("reason", ["died", "expelled"])
def test_cease_death_or_expulsion_needs_note(member, secretary, reason):
    with pytest.raises(MembershipError) as error:
        services.cease_membership(member, by=secretary, reason=reason)

    assert error.value.field == "note"
    member.refresh_from_db()
    assert member.ceased_on is None


def test_cease_expulsion_with_note_recorded(member, secretary):
    services.cease_membership(member, by=secretary, reason="expelled",
                              note="Board decision of 3 March")

    member.refresh_from_db()
    assert member.cessation_reason == "expelled"
    assert member.cessation_note == "Board decision of 3 March"


def test_cease_unknown_reason_refused(member, secretary):
    with pytest.raises(MembershipError, match="Choose a reason"):
        services.cease_membership(member, by=secretary, reason="bored")


def test_cease_before_admission_refused(member, secretary):
    with pytest.raises(MembershipError, match="before the date it began"):
        services.cease_membership(member, by=secretary, reason="resigned",
                                  on=member.admitted_on - timedelta(days=1))


def test_cease_twice_refused(member, secretary):
    services.cease_membership(member, by=secretary, reason="resigned")

    with pytest.raises(MembershipError, match="already ended"):
        services.cease_membership(member, by=secretary, reason="resigned")


def test_ceased_member_reapplies_and_gets_new_number(society, user, secretary):
    first = admit(society, secretary, user=user)
    admit(society, secretary)
    services.cease_membership(first, by=user, reason="resigned")

    second = admit(society, secretary, user=user)

    assert (first.membership_number, second.membership_number) == (1, 3)
    entries = Member.objects.filter(society=society, user=user).order_by("membership_number")
    assert [m.is_current for m in entries] == [False, True]


# --- member classes -------------------------------------------------------------------------

@pytest.mark.parametrize(("weights", "message"), [
    ((Decimal("33.3"), 1, 1), "whole-number parts"),
    ((0, 0, 0), "at least one voting class a weight of 1 part"),
])
def test_save_classes_weights_are_whole_parts_with_some_weight(society, secretary, weights,
                                                               message):
    names = ["Service user", "Carer", "Personal assistant"]
    rows = class_rows(society, **{n: {"weight": w} for n, w in zip(names, weights, strict=True)})

    with pytest.raises(MembershipError, match=message) as error:
        services.save_member_classes(society, rows, by=secretary)

    assert error.value.field == "weight"
    assert class_named(society, "Carer").weight == 25


def test_save_classes_new_weights_saved_and_audited(society, secretary):
    rows = class_rows(society, **{"Service user": {"weight": Decimal("60")},
                                  "Carer": {"weight": Decimal("20")},
                                  "Personal assistant": {"weight": Decimal("20")}})

    services.save_member_classes(society, rows, by=secretary)

    assert [c.weight for c in society.member_classes.all()] == [60, 20, 20]
    entry = AuditEntry.objects.get(action="membership.classes.changed")
    assert entry.data["Service user"]["weight"] == {"from": 50, "to": 60}


def test_save_classes_non_voting_class_must_have_no_weight(society, secretary):
    rows = class_rows(society)
    rows.append({"id": None, "name": "Supporter", "description": "", "eligibility": "",
                 "votes": False, "weight": Decimal("10")})

    with pytest.raises(MembershipError, match="does not vote"):
        services.save_member_classes(society, rows, by=secretary)
    assert not society.member_classes.filter(name="Supporter").exists()


def test_save_classes_non_voting_class_added_with_no_weight(society, secretary):
    rows = class_rows(society)
    rows.append({"id": None, "name": "Supporter", "description": "", "eligibility": "",
                 "votes": False, "weight": Decimal("0")})

    services.save_member_classes(society, rows, by=secretary)

    supporter = class_named(society, "Supporter")
    assert (supporter.votes, supporter.weight) == (False, 0)


def test_save_classes_duplicate_names_refused(society, secretary):
    rows = class_rows(society, Carer={"name": "service USER "})

    with pytest.raises(MembershipError, match="same name"):
        services.save_member_classes(society, rows, by=secretary)
    assert class_named(society, "Carer")


def test_save_classes_rename_keeps_members(society, member, secretary):
    rows = class_rows(society, **{"Service user": {"name": "People who use care"}})

    services.save_member_classes(society, rows, by=secretary)

    member.refresh_from_db()
    assert member.member_class.name == "People who use care"
    assert society.member_classes.count() == 3


def test_save_classes_of_another_society_refused(society, other_society, secretary):
    rows = class_rows(society)
    rows[0]["id"] = other_society.member_classes.first().pk

    with pytest.raises(MembershipError, match="another society"):
        services.save_member_classes(society, rows, by=secretary)
    assert other_society.member_classes.first().name == "Service user"


# --- shares on cessation ----------------------------------------------------------------------

def test_cease_with_withdrawable_shares_owes_the_money_back(member, society, secretary):
    today = timezone.localdate()

    services.cease_membership(member, by=secretary, reason="resigned")

    member.refresh_from_db()
    assert (member.shares_held, member.amount_paid) == (0, Decimal("0"))
    line = member.share_transactions.get(kind="withdrawal")
    assert (line.shares, line.amount) == (-1, -society.share_value)
    withdrawal = Withdrawal.objects.get(member=member)
    assert (withdrawal.shares, withdrawal.amount) == (1, society.share_value)
    assert withdrawal.requested_on == today
    assert withdrawal.due_on == today + timedelta(days=society.withdrawal_notice_days)
    assert withdrawal.repaid_at is None
    assert actions(society)[-3:] == ["membership.member.resigned", "membership.shares.withdrawal",
                                     "membership.withdrawal.due"]


def test_cease_with_non_withdrawable_shares_cancels_them(member, society, secretary):
    society.shares_withdrawable = False
    society.save()
    member.refresh_from_db()

    services.cease_membership(member, by=secretary, reason="expelled", note="Board, 3 March")

    member.refresh_from_db()
    assert (member.shares_held, member.amount_paid) == (0, Decimal("0"))
    assert list(member.share_transactions.values_list("kind", "shares")) == [
        ("issue", 1), ("cancellation", -1)]
    assert not Withdrawal.objects.exists()
    assert actions(society)[-1] == "membership.shares.cancellation"


def test_cease_without_shares_writes_no_ledger_line(society, secretary):
    member = MemberFactory(society=society, shares_held=0)

    services.cease_membership(member, by=secretary, reason="resigned")

    assert not ShareTransaction.objects.filter(member=member).exists()
    assert not Withdrawal.objects.exists()
