"""The invariants the database holds for membership, even when a service is bypassed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from membership.models import (
    ClassChangeRequest,
    Member,
    MemberClass,
    Payment,
    ShareTransaction,
    Withdrawal,
)
from tests.factories import ApplicationFactory, MemberFactory


def refused(**kwargs):
    """Expect the database itself to refuse what the block writes."""
    return pytest.raises(IntegrityError, **kwargs)


def test_application_second_pending_for_same_person_refused(society, user):
    ApplicationFactory(society=society, user=user)

    with refused(), transaction.atomic():
        ApplicationFactory(society=society, user=user)


def test_application_new_pending_after_decided_one_allowed(society, user):
    ApplicationFactory(society=society, user=user, rejected_at=timezone.now())
    ApplicationFactory(society=society, user=user, withdrawn_at=timezone.now())

    pending = ApplicationFactory(society=society, user=user)

    assert pending.state == "pending"


def test_application_pending_in_two_societies_allowed(society, other_society, user):
    ApplicationFactory(society=society, user=user)
    ApplicationFactory(society=other_society, user=user)


def test_application_approved_and_rejected_refused(society):
    now = timezone.now()

    with refused(), transaction.atomic():
        ApplicationFactory(society=society, approved_at=now, rejected_at=now)


@pytest.mark.parametrize("stamps, state", [
    ((), "pending"), (("approved_at",), "approved"), (("rejected_at",), "rejected"),
    (("withdrawn_at",), "withdrawn"), (("approved_at", "admitted_at"), "admitted"),
])
def test_application_state_follows_timestamps(society, stamps, state):
    application = ApplicationFactory(society=society, **dict.fromkeys(stamps, timezone.now()))

    assert application.state == state


def test_application_admitted_without_approval_refused(society):
    with refused(), transaction.atomic():
        ApplicationFactory(society=society, admitted_at=timezone.now())


def test_application_approved_but_unpaid_still_blocks_a_second_one(society, user):
    ApplicationFactory(society=society, user=user, approved=True)

    with refused(), transaction.atomic():
        ApplicationFactory(society=society, user=user)


def test_application_new_one_allowed_after_admission(society, user):
    now = timezone.now()
    ApplicationFactory(society=society, user=user, approved_at=now, admitted_at=now)

    assert ApplicationFactory(society=society, user=user).state == "pending"


def test_member_number_unique_within_society(society, other_society):
    MemberFactory(society=society, membership_number=7)
    MemberFactory(society=other_society, membership_number=7)

    with refused(), transaction.atomic():
        MemberFactory(society=society, membership_number=7)


def test_member_one_current_membership_per_person(society, member):
    with refused(), transaction.atomic():
        MemberFactory(society=society, user=member.user)


def test_member_former_and_current_entries_for_same_person_allowed(society, member):
    Member.objects.filter(pk=member.pk).update(ceased_on=timezone.localdate(),
                                               cessation_reason="resigned")

    again = MemberFactory(society=society, user=member.user)

    assert again.membership_number != member.membership_number


def test_member_cessation_without_reason_refused(member):
    with refused(), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(ceased_on=timezone.localdate())


def test_member_cessation_before_admission_refused(member):
    with refused(), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(
            ceased_on=member.admitted_on - timedelta(days=1), cessation_reason="resigned")


def test_member_current_and_former_by_date(society):
    today = timezone.localdate()
    current = MemberFactory(society=society)
    leaving_soon = MemberFactory(society=society, ceased_on=today + timedelta(days=5),
                                 cessation_reason="resigned")
    former = MemberFactory(society=society, ceased_on=today, cessation_reason="resigned")
    not_yet = MemberFactory(society=society, admitted_on=today + timedelta(days=3))

    assert set(Member.objects.current()) == {current, leaving_soon}
    assert set(Member.objects.former()) == {former}
    assert (leaving_soon.is_current, former.is_current) == (True, False)
    assert not_yet not in Member.objects.current()


def test_member_class_names_unique_within_society(society, other_society):
    MemberClass.objects.create(society=other_society, name="Supporter")
    MemberClass.objects.create(society=society, name="Supporter", votes=False)

    with refused(), transaction.atomic():
        MemberClass.objects.create(society=society, name="Supporter", votes=False)


def test_member_class_non_voting_with_weight_refused(society):
    with refused(), transaction.atomic():
        MemberClass.objects.create(society=society, name="Investor", votes=False,
                                   weight=Decimal("10"))


def test_member_class_negative_weight_refused(society):
    with refused(), transaction.atomic():
        MemberClass.objects.create(society=society, name="Everyone", weight=-1)


def test_class_change_to_same_class_refused(member):
    with refused(), transaction.atomic():
        ClassChangeRequest.objects.create(member=member, from_class=member.member_class,
                                          to_class=member.member_class, reason="x")


def test_class_change_two_pending_for_member_refused(society, member):
    carer, pa = society.member_classes.all()[1:3]
    ClassChangeRequest.objects.create(member=member, from_class=member.member_class,
                                      to_class=carer, reason="x")

    with refused(), transaction.atomic():
        ClassChangeRequest.objects.create(member=member, from_class=member.member_class,
                                          to_class=pa, reason="y")


def test_member_entries_are_protected_from_deleting_their_person(member):
    """Register entries are never deleted: deleting the person's login is refused."""
    with pytest.raises(ProtectedError):
        member.user.delete()
    assert Member.objects.filter(pk=member.pk).exists()



# --- shares and payments --------------------------------------------------------------------

def payment_for(someone, **overrides):
    fields = {"society": someone.society, "member": someone, "method": "cash",
              "amount": Decimal("1.00"), "reference": "M1", **overrides}
    return Payment.objects.create(**fields)


@pytest.mark.parametrize("kind, shares, amount", [
    ("issue", -1, Decimal("-1")), ("issue", 1, Decimal("-1")), ("additional_issue", 0, 0),
    ("withdrawal", 1, Decimal("1")), ("cancellation", -1, Decimal("1")),
])
def test_share_transaction_sign_must_match_its_kind(member, kind, shares, amount):
    with refused(), transaction.atomic():
        ShareTransaction.objects.create(member=member, kind=kind, shares=shares, amount=amount)


def test_member_shares_held_cannot_go_negative(member):
    with refused(), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(shares_held=-1)


def test_member_amount_paid_cannot_go_negative(member):
    with refused(), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(amount_paid=Decimal("-1"))


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
def test_payment_amount_must_be_positive(member, amount):
    with refused(), transaction.atomic():
        payment_for(member, amount=amount)


def test_payment_must_be_for_someone(member):
    with refused(), transaction.atomic():
        payment_for(member, member=None)


def test_payment_confirmed_and_failed_refused(member):
    now = timezone.now()

    with refused(), transaction.atomic():
        payment_for(member, confirmed_at=now, failed_at=now)


def test_payment_stripe_ids_unique(member):
    payment_for(member, stripe_session_id="cs_1", stripe_payment_intent="pi_1")

    with refused(), transaction.atomic():
        payment_for(member, stripe_session_id="cs_1")
    with refused(), transaction.atomic():
        payment_for(member, stripe_payment_intent="pi_1")
    payment_for(member), payment_for(member)  # no Stripe ids: NULLs do not clash


@pytest.mark.parametrize("stamps, state", [
    ((), "pending"), (("confirmed_at",), "confirmed"), (("failed_at",), "failed"),
    (("held_at",), "held"), (("held_at", "confirmed_at"), "confirmed"),
    (("confirmed_at", "refunded_at"), "refunded"),
])
def test_payment_state_follows_timestamps(member, stamps, state):
    payment = payment_for(member, **dict.fromkeys(stamps, timezone.now()))

    assert payment.state == state


def test_payment_protects_its_member(member):
    with pytest.raises(ProtectedError):
        member.delete()


@pytest.mark.parametrize("shares, amount", [(0, Decimal("1")), (1, Decimal("0"))])
def test_withdrawal_must_be_positive(member, shares, amount):
    with refused(), transaction.atomic():
        Withdrawal.objects.create(member=member, shares=shares, amount=amount,
                                  due_on=timezone.localdate())


def test_member_factory_register_agrees_with_ledger(society):
    member = MemberFactory(society=society, shares_held=3)
    no_share = MemberFactory(society=society, shares_held=0)

    line = member.share_transactions.get()
    assert (line.kind, line.shares, line.amount) == ("issue", 3, member.amount_paid)
    assert line.payment.confirmed_at and line.payment.amount == member.amount_paid
    assert not no_share.share_transactions.exists() and not no_share.payments.exists()
