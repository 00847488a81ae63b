"""The share ledger (membership.shares): the register's shares column always equals the ledger's
sums; ledger lines are never changed or deleted; refused payments and repayments write nothing;
reminders to pay go once; every payment and ledger line is in the audit log."""

import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coop.models import AuditEntry, Society
from coop.notify import emails_muted
from coop.services import create_society
from membership import selectors, services, shares
from membership.models import Application, Member, Payment, ShareTransaction, Withdrawal
from membership.services import MembershipError
from tests.factories import ApplicationFactory, MemberFactory, SocietyFactory, UserFactory, join

TODAY = timezone.localdate


def apply_and_approve(society, by, user=None) -> Application:
    application = services.apply_for_membership(
        society, user or UserFactory(), member_class=society.member_classes.first(),
        confirmed_eligible=True, confirmed_not_in_other_class=True, full_name="Sam Evans",
        address="3 Mill Lane\nLeeds", postcode="LS1 4AP", email="sam@example.org")
    return services.approve_application(application, by=by)


def pay_to_join(application, by, **overrides) -> Payment:
    kwargs = {"method": "bank_transfer", "amount": application.society.share_value,
              "received_on": TODAY(), **overrides}
    return shares.record_offline_payment(application=application, by=by, **kwargs)


def buy_more(member, by, amount, **overrides) -> Payment:
    kwargs = {"method": "cheque", "received_on": TODAY(), **overrides}
    return shares.record_offline_payment(member=member, amount=amount, by=by, **kwargs)


def ledger_sums(member) -> tuple[int, Decimal]:
    sums = ShareTransaction.objects.filter(member=member).aggregate(s=Sum("shares"),
                                                                    a=Sum("amount"))
    return sums["s"] or 0, sums["a"] or Decimal("0")


def assert_register_agrees_with_ledger(society) -> None:
    for member in Member.objects.filter(society=society):
        assert (member.shares_held, member.amount_paid) == ledger_sums(member), member
        assert member.amount_paid == member.shares_held * society.share_value
    bought = ShareTransaction.objects.filter(
        member__society=society, kind__in=["issue", "additional_issue"]).aggregate(a=Sum("amount"))
    confirmed = Payment.objects.filter(society=society, confirmed_at__isnull=False).aggregate(
        a=Sum("amount"))
    assert (bought["a"] or 0) == (confirmed["a"] or 0), "every share bought was paid for"


def snapshot() -> dict:
    return {
        "payments": Payment.objects.count(), "ledger": ShareTransaction.objects.count(),
        "members": Member.objects.count(), "audit": AuditEntry.objects.count(),
        "withdrawals": list(Withdrawal.objects.values_list("pk", "repaid_at")),
        "applications": list(Application.objects.values_list("pk", "admitted_at")),
        "register": list(Member.objects.values_list("pk", "shares_held", "amount_paid")),
        "numbers": list(Society.objects.values_list("pk", "last_membership_number")),
    }


@contextmanager
def refused(match: str, field_name: str | None = None):
    """The block raises a MembershipError matching `match` and nothing is written."""
    before = snapshot()
    with pytest.raises(MembershipError, match=match) as error:
        yield
    assert error.value.field == field_name
    assert snapshot() == before


# --- the register is the ledger's sum, whatever happens (property) -------------------------

@dataclass
class Model:
    """What the register should say, worked out independently of the services."""

    share_value: Decimal
    cap: Decimal
    awaiting: list = field(default_factory=list)  # approved applications not yet paid
    paid: list = field(default_factory=list)  # applications already paid (admitted)
    members: dict = field(default_factory=dict)  # member pk -> [shares, current]
    withdrawals: int = 0
    next_number: int = 1


OPERATIONS = st.one_of(
    st.tuples(st.just("apply")),
    st.tuples(st.just("pay"), st.integers(0, 20), st.sampled_from([1, 1, 1, 2, 0])),
    st.tuples(st.just("pay_again"), st.integers(0, 20)),
    st.tuples(st.just("buy"), st.integers(0, 20), st.integers(1, 4)),
    st.tuples(st.just("cease"), st.integers(0, 20), st.booleans()),
)


def run(operation, society, by, model: Model) -> None:
    """Carry out one operation and check the outcome the model expects."""
    kind, *args = operation
    if kind == "apply":
        model.awaiting.append(apply_and_approve(society, by))
    elif kind == "pay" and model.awaiting:
        index, times = args
        application = model.awaiting[index % len(model.awaiting)]
        if times != 1:  # the wrong amount for one share (two shares, or nothing)
            amount = model.share_value * times
            with refused("joining share costs" if amount else "Enter an amount|costs",
                         "amount"):
                pay_to_join(application, by, amount=amount)
            event("refused: wrong amount to join")  # see --hypothesis-show-statistics
            return
        member = pay_to_join(application, by).member
        assert member.membership_number == model.next_number
        model.next_number += 1
        model.awaiting.remove(application)
        model.paid.append(application)
        model.members[member.pk] = [1, True]
        event("joined")
    elif kind == "pay_again" and model.paid:
        application = model.paid[args[0] % len(model.paid)]
        with refused("Only an approved applicant"):
            pay_to_join(application, by)
        event("refused: paid twice")
    elif kind == "buy" and model.members:
        pk = list(model.members)[args[0] % len(model.members)]
        held, current = model.members[pk]
        amount = model.share_value * args[1]
        member = Member.objects.get(pk=pk)
        if not current:
            with refused("membership has ended"):
                buy_more(member, by, amount)
            event("refused: former member buying")
        elif (held + args[1]) * model.share_value > model.cap:
            with refused("the most one person may hold", "amount"):
                buy_more(member, by, amount)
            event("refused: above the cap")
        else:
            buy_more(member, by, amount)
            model.members[pk][0] += args[1]
            event("bought more")
    elif kind == "cease" and model.members:
        pk = list(model.members)[args[0] % len(model.members)]
        held, current = model.members[pk]
        Society.objects.filter(pk=society.pk).update(shares_withdrawable=args[1])
        member = Member.objects.get(pk=pk)
        if not current:
            with refused("already ended"):
                services.cease_membership(member, by=by, reason="resigned")
            event("refused: ceased twice")
            return
        services.cease_membership(member, by=by, reason="resigned")
        model.members[pk] = [0, False]
        kinds = list(member.share_transactions.values_list("kind", flat=True))
        assert kinds[-1] == ("withdrawal" if args[1] else "cancellation")
        model.withdrawals += args[1]
        event("ceased: withdrawn" if args[1] else "ceased: cancelled")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(joined_first=st.integers(0, 3), operations=st.lists(OPERATIONS, max_size=14),
       share_value=st.sampled_from([Decimal("1.00"), Decimal("0.50"), Decimal("25.00")]),
       cap_in_shares=st.integers(1, 8))
def test_register_always_equals_the_ledger(db, user, joined_first, operations, share_value,
                                           cap_in_shares):
    with transaction.atomic(), emails_muted():
        society = create_society(name="Property Co-op", slug="property", share_value=share_value,
                                 max_holding=share_value * cap_in_shares,
                                 multiple_shares_allowed=True)
        model = Model(share_value=share_value, cap=society.max_holding)
        # Some members to start with, so that buying and leaving come up often.
        preamble = [("apply",), ("pay", 0, 1)] * joined_first
        for operation in [*preamble, *operations]:
            run(operation, society, user, model)
            assert_register_agrees_with_ledger(society)
        for member in Member.objects.filter(society=society):
            assert [member.shares_held, member.is_current] == model.members[member.pk]
        assert Withdrawal.objects.filter(member__society=society).count() == model.withdrawals
        assert sorted(Member.objects.filter(society=society).values_list(
            "membership_number", flat=True)) == list(range(1, model.next_number))
        assert selectors.payments_awaited(society).count() == len(model.awaiting)
        transaction.set_rollback(True)  # each example starts from an empty database


# --- the ledger is append-only --------------------------------------------------------------

def test_share_transaction_save_of_existing_line_raises(member):
    line = member.share_transactions.get()
    line.amount = Decimal("500")

    with pytest.raises(PermissionError, match="never changed"):
        line.save()

    assert member.share_transactions.get().amount == member.amount_paid


def test_share_transaction_delete_raises(member):
    line = member.share_transactions.get()

    with pytest.raises(PermissionError, match="never deleted"):
        line.delete()

    assert ShareTransaction.objects.filter(pk=line.pk).exists()


def test_share_transaction_queryset_delete_raises(society):
    MemberFactory.create_batch(2, society=society)

    with pytest.raises(PermissionError, match="never deleted"):
        ShareTransaction.objects.all().delete()
    with pytest.raises(PermissionError, match="never deleted"):
        ShareTransaction.objects.filter(kind="issue").delete()

    assert ShareTransaction.objects.count() == 2


def test_share_transaction_queryset_update_raises(member):
    with pytest.raises(PermissionError), transaction.atomic():
        ShareTransaction.objects.filter(member=member).update(amount=Decimal("500"))

    assert member.share_transactions.get().amount == member.amount_paid


# --- refused payments write nothing ---------------------------------------------------------

@pytest.fixture
def awaiting(society, secretary):
    return apply_and_approve(society, secretary)


@pytest.fixture
def can_buy_more(society):
    society.multiple_shares_allowed = True
    society.save()
    return society


def test_joining_payment_admits_and_issues_one_share(awaiting, secretary, society):
    payment = pay_to_join(awaiting, secretary, received_on=TODAY() - timedelta(days=2))

    member = payment.member
    assert (member.membership_number, member.shares_held, member.amount_paid) == (
        1, 1, Decimal("1.00"))
    assert member.admitted_on == TODAY() - timedelta(days=2)
    line = member.share_transactions.get()
    assert (line.kind, line.payment, line.recorded_by, line.on) == (
        "issue", payment, secretary, member.admitted_on)
    assert (payment.state, payment.recorded_by, payment.reference) == (
        "confirmed", secretary, awaiting.payment_reference)


@pytest.mark.parametrize("amount", [Decimal("2.00"), Decimal("0.99"), Decimal("0")])
def test_joining_payment_of_the_wrong_amount_refused(awaiting, secretary, amount):
    with refused("A joining share costs £1.00", "amount"):
        pay_to_join(awaiting, secretary, amount=amount)


def test_joining_payment_for_someone_already_admitted_refused(awaiting, secretary):
    pay_to_join(awaiting, secretary)

    with refused(r"Only an approved applicant .* \(admitted as a member\)"):
        pay_to_join(awaiting, secretary)


@pytest.mark.parametrize("state", ["pending", "rejected", "withdrawn"])
def test_joining_payment_for_an_application_not_approved_refused(society, secretary, state):
    stamps = {"pending": {}, "rejected": {"rejected_at": timezone.now()},
              "withdrawn": {"withdrawn_at": timezone.now()}}[state]
    application = ApplicationFactory(society=society, **stamps)

    with refused("Only an approved applicant"):
        pay_to_join(application, secretary)


def test_payment_dated_in_the_future_refused(awaiting, secretary):
    with refused("cannot be in the future", "received_on"):
        pay_to_join(awaiting, secretary, received_on=TODAY() + timedelta(days=1))


def test_payment_by_card_cannot_be_recorded_by_hand(awaiting, secretary):
    with refused("Choose how the money was paid", "method"):
        pay_to_join(awaiting, secretary, method="card")


def test_payment_must_say_who_paid(awaiting, member, secretary):
    with refused("Say who paid"):
        shares.record_offline_payment(method="cash", amount=Decimal("1"), received_on=TODAY(),
                                      by=secretary)
    with refused("Say who paid"):
        shares.record_offline_payment(application=awaiting, member=member, method="cash",
                                      amount=Decimal("1"), received_on=TODAY(), by=secretary)


def test_buying_more_shares_adds_a_ledger_line(can_buy_more, member, secretary):
    payment = buy_more(member, secretary, Decimal("4.00"))

    member.refresh_from_db()
    assert (member.shares_held, member.amount_paid) == (5, Decimal("5.00"))
    line = member.share_transactions.get(kind="additional_issue")
    assert (line.shares, line.amount, line.payment) == (4, Decimal("4.00"), payment)
    assert payment.member == member and payment.application is None


def test_buying_more_shares_when_only_one_is_allowed_refused(member, secretary):
    with refused("hold one share each"):
        buy_more(member, secretary, Decimal("1.00"))


def test_buying_more_shares_above_the_cap_refused(can_buy_more, member, secretary):
    can_buy_more.max_holding = Decimal("3.00")
    can_buy_more.save()

    with refused(r"holding of £4\.00; the most one person may hold .* is £3\.00", "amount"):
        buy_more(member, secretary, Decimal("3.00"))
    buy_more(member, secretary, Decimal("2.00"))  # up to the cap exactly is fine
    with refused("the most one person may hold", "amount"):
        buy_more(member, secretary, Decimal("1.00"))
    member.refresh_from_db()
    assert member.amount_paid == Decimal("3.00")


@pytest.mark.parametrize("amount", [Decimal("1.50"), Decimal("0.01"), Decimal("-1")])
def test_buying_part_of_a_share_refused(can_buy_more, member, secretary, amount):
    with refused("multiple of £1.00|above £0", "amount"):
        buy_more(member, secretary, amount)


def test_buying_more_shares_after_the_membership_ended_refused(can_buy_more, member,
                                                               secretary):
    services.cease_membership(member, by=secretary, reason="resigned")

    with refused("This membership has ended"):
        buy_more(member, secretary, Decimal("1.00"))


# --- withdrawals ----------------------------------------------------------------------------

@pytest.fixture
def withdrawal(society, member, secretary):
    """Money owed back to a member who resigned today; due after the 30-day notice."""
    services.cease_membership(member, by=member.user, reason="resigned")
    return member.withdrawals.get()


def test_withdrawal_due_after_the_notice_period(withdrawal, member, society):
    assert withdrawal.due_on == TODAY() + timedelta(days=30)
    assert (withdrawal.shares, withdrawal.amount) == (1, society.share_value)
    assert not withdrawal.is_due
    assert withdrawal.payment is None, "paid another way: nothing to refund by card"


def test_withdrawal_repaid_once_due(withdrawal, secretary, django_capture_on_commit_callbacks):
    Withdrawal.objects.filter(pk=withdrawal.pk).update(due_on=TODAY())

    with django_capture_on_commit_callbacks(execute=True):
        shares.record_withdrawal_repaid(withdrawal, by=secretary, method="bank_transfer",
                                        reference=" BACS 77 ")

    withdrawal.refresh_from_db()
    assert withdrawal.repaid_at is not None and withdrawal.repaid_by == secretary
    assert (withdrawal.repayment_method, withdrawal.repayment_reference) == ("bank_transfer",
                                                                             "BACS 77")
    assert [m.to for m in mail.outbox] == [[withdrawal.member.user.email]]


def test_withdrawal_repaid_before_it_is_due_refused(withdrawal, secretary):
    with refused("not due until"):
        shares.record_withdrawal_repaid(withdrawal, by=secretary, method="cash")


def test_withdrawal_repaid_while_withdrawals_are_suspended_refused(withdrawal, society,
                                                                   secretary):
    Withdrawal.objects.filter(pk=withdrawal.pk).update(due_on=TODAY())
    society.withdrawals_suspended = True
    society.save()

    with refused("suspended"):
        shares.record_withdrawal_repaid(withdrawal, by=secretary, method="cash")


def test_withdrawal_repaid_twice_refused(withdrawal, secretary):
    Withdrawal.objects.filter(pk=withdrawal.pk).update(due_on=TODAY())
    shares.record_withdrawal_repaid(withdrawal, by=secretary, method="cash")

    with refused("already been paid back"):
        shares.record_withdrawal_repaid(withdrawal, by=secretary, method="cheque")


def test_withdrawal_repaid_by_card_by_hand_refused(withdrawal, secretary):
    Withdrawal.objects.filter(pk=withdrawal.pk).update(due_on=TODAY())

    with refused("Choose how the money was paid back", "method"):
        shares.record_withdrawal_repaid(withdrawal, by=secretary, method="card")


def test_withdrawal_remembers_a_card_payment_to_refund(society, member, secretary):
    card = Payment.objects.create(society=society, member=member, method="card",
                                  amount=member.amount_paid, reference="card",
                                  confirmed_at=timezone.now(), stripe_session_id="cs_test_w")

    services.cease_membership(member, by=member.user, reason="resigned")

    assert member.withdrawals.get().payment == card


# --- reminders to pay -----------------------------------------------------------------------

def test_payment_reminder_goes_once_after_14_days(society, secretary,
                                                  django_capture_on_commit_callbacks):
    application = apply_and_approve(society, secretary)
    approved = application.approved_at
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        too_soon = shares.send_payment_reminders(now=approved + timedelta(days=13, hours=23))
    assert (too_soon, mail.outbox) == (0, [])

    with django_capture_on_commit_callbacks(execute=True):
        sent = shares.send_payment_reminders(now=approved + timedelta(days=14))
    assert sent == 1
    [message] = mail.outbox
    assert message.to == [application.user.email]
    assert message.subject == f"{society.name}: a reminder to pay for your share"
    assert application.payment_reference in message.body

    with django_capture_on_commit_callbacks(execute=True):
        again = shares.send_payment_reminders(now=approved + timedelta(days=30))
    assert again == 0
    assert len(mail.outbox) == 1
    application.refresh_from_db()
    assert application.payment_reminded_at == approved + timedelta(days=14)


def test_payment_reminder_not_sent_to_who_paid_or_is_not_waiting(society, secretary):
    long_ago = timezone.now() - timedelta(days=60)
    paid = ApplicationFactory(society=society, approved_at=long_ago)
    pay_to_join(paid, secretary)
    ApplicationFactory(society=society)  # waiting for a decision
    ApplicationFactory(society=society, rejected_at=long_ago)
    ApplicationFactory(society=society, approved_at=long_ago, withdrawn_at=long_ago)

    assert shares.send_payment_reminders() == 0


def test_payment_reminders_cover_every_society(society, other_society, secretary):
    long_ago = timezone.now() - timedelta(days=15)
    ApplicationFactory(society=society, approved_at=long_ago)
    ApplicationFactory(society=other_society, approved_at=long_ago)

    assert shares.send_payment_reminders() == 2


# --- the audit log --------------------------------------------------------------------------

def actions_since(entry_id: int) -> list[str]:
    return list(AuditEntry.objects.filter(id__gt=entry_id).order_by("id")
                .values_list("action", flat=True))


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_audit_has_every_payment_and_ledger_line(society, secretary, can_buy_more):
    start = last_id()
    member = join(society, by=secretary)
    buy_more(member, secretary, Decimal("2.00"))
    services.cease_membership(member, by=member.user, reason="resigned")
    withdrawal = member.withdrawals.get()
    Withdrawal.objects.filter(pk=withdrawal.pk).update(due_on=TODAY())
    shares.record_withdrawal_repaid(withdrawal, by=secretary, method="cheque")

    assert actions_since(start) == [
        "membership.application.submitted", "membership.application.approved",
        "membership.payment.recorded", "membership.member.admitted", "membership.shares.issue",
        "membership.payment.recorded", "membership.shares.additional_issue",
        "membership.member.resigned", "membership.shares.withdrawal",
        "membership.withdrawal.due", "membership.withdrawal.repaid"]
    recorded = AuditEntry.objects.filter(action="membership.payment.recorded").last()
    assert recorded.actor == secretary and recorded.society == society
    assert recorded.data["amount"] == "2.00" and recorded.data["method"] == "cheque"
    issue = AuditEntry.objects.get(action="membership.shares.additional_issue")
    assert (issue.data["shares"], issue.data["amount"]) == (2, "2.00")
    assert issue.data["payment"] == str(recorded.object_id)


def test_audit_has_cancellation_when_shares_are_not_withdrawable(society, member, secretary):
    society.shares_withdrawable = False
    society.save()
    start = last_id()

    services.cease_membership(member, by=secretary, reason="died", note="Letter of 1 May")

    assert actions_since(start) == ["membership.member.died", "membership.shares.cancellation"]
    entry = AuditEntry.objects.get(action="membership.shares.cancellation")
    assert (entry.data["shares"], entry.data["amount"]) == (-1, "-1.00")


def test_verify_audit_passes_after_payments_and_settlements(society, secretary, can_buy_more):
    members = [join(society, by=secretary) for _ in range(3)]
    buy_more(members[0], secretary, Decimal("5.00"))
    services.cease_membership(members[1], by=secretary, reason="resigned")
    society.shares_withdrawable = False
    society.save()
    services.cease_membership(members[2], by=secretary, reason="expelled", note="Board")
    with pytest.raises(MembershipError):
        buy_more(members[2], secretary, Decimal("1.00"))
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    assert "intact" in out.getvalue()


# --- concurrency ----------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_joining_payment_recorded_twice_at_once_admits_once():
    if connection.vendor != "postgresql":
        pytest.skip("Real concurrent connections need PostgreSQL")
    society = SocietyFactory(slug="race-pay")
    officer = UserFactory()
    with emails_muted():
        application = apply_and_approve(society, officer)
    barrier = threading.Barrier(3)
    outcomes = []

    def record():
        try:
            barrier.wait()
            with emails_muted():
                pay_to_join(application, officer)
            outcomes.append("ok")
        except MembershipError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok", "refused", "refused"]
    assert Member.objects.filter(society=society).count() == 1
    assert Payment.objects.filter(society=society).count() == 1
    assert_register_agrees_with_ledger(society)


def test_payment_and_withdrawal_cannot_be_deleted(member):
    from membership.models import Payment, Withdrawal

    payment = member.payments.first()
    with pytest.raises(PermissionError):
        payment.delete()
    with pytest.raises(PermissionError):
        Payment.objects.filter(pk=payment.pk).delete()
    with pytest.raises(PermissionError):
        Withdrawal.objects.all().delete()
    assert Payment.objects.filter(pk=payment.pk).exists()
