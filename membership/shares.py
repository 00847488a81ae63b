"""Services for the share ledger and payments: paying another way, admission on payment,
extra shares, and settling shares when a membership ends. Stripe lives in `stripe_payments`.

The register's `shares_held` and `amount_paid` are never set by hand: `_sync_register` sums
the ledger inside the same transaction as every ledger write, so the two always agree."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from coop import audit
from coop.notify import email_after_commit

from .enums import OFFLINE_METHODS, PaymentMethod, ShareTransactionKind
from .models import Application, Member, Payment, ShareTransaction, Withdrawal
from .services import MembershipError, admit

PENNY = Decimal("0.01")


def _sync_register(member: Member) -> None:
    totals = member.share_transactions.aggregate(shares=Sum("shares"), amount=Sum("amount"))
    member.shares_held = totals["shares"] or 0
    # SQLite's SUM drops the pennies' trailing zeros (Decimal("1")); keep pounds and pence.
    member.amount_paid = (totals["amount"] or Decimal("0")).quantize(PENNY)
    member.save(update_fields=["shares_held", "amount_paid"])


def _ledger(member: Member, kind: str, *, shares: int, amount: Decimal, reason: str,
            payment: Payment | None = None, by=None, on: date | None = None) -> ShareTransaction:
    entry = ShareTransaction.objects.create(
        member=member, kind=kind, shares=shares, amount=amount, reason=reason, payment=payment,
        recorded_by=by, on=on or timezone.localdate())
    _sync_register(member)
    audit.record(f"membership.shares.{kind}", society=member.society, actor=by, obj=member,
                 data={"shares": shares, "amount": amount, "reason": reason,
                       "payment": str(payment.pk) if payment else None})
    return entry


def shares_for(society, amount: Decimal) -> int:
    """How many whole shares `amount` buys; an error unless it is an exact multiple."""
    value = society.share_value
    if amount <= 0:
        raise MembershipError("Enter an amount above £0.", field="amount")
    count, remainder = divmod(amount, value)
    if remainder:
        raise MembershipError(f"Shares cost £{value} each, so the amount must be a multiple of "
                              f"£{value}.", field="amount")
    return int(count)


def check_holding_cap(society, *, current: Decimal, adding: Decimal) -> None:
    if current + adding > society.max_holding:
        raise MembershipError(
            f"That would make a holding of £{current + adding}; the most one person may hold "
            f"in {society.name} is £{society.max_holding}.", field="amount")


def _expected_joining_amount(application: Application) -> Decimal:
    return application.society.share_value


def confirm_joining_payment(payment: Payment, *, by=None) -> Member:
    """A joining payment is confirmed: admit the applicant and issue their share.
    Side effects: a register entry and ledger line; audit entries; welcome email."""
    application = payment.application
    member = admit(application, by=by, admitted_on=payment.received_on)
    payment.member = member
    payment.save(update_fields=["member"])
    _ledger(member, ShareTransactionKind.ISSUE, shares=shares_for(member.society, payment.amount),
            amount=payment.amount, reason="Share bought on joining", payment=payment, by=by,
            on=payment.received_on)
    # After the ledger line, so the email can say what was paid.
    society = member.society
    email_after_commit(member.user.email, f"Welcome to {society.name}",
                       "membership/email/welcome.txt", {"member": member, "society": society})
    return member


def record_offline_payment(*, application: Application | None = None,
                           member: Member | None = None, method: str, amount: Decimal,
                           received_on: date, reference: str = "", note: str = "",
                           by) -> Payment:
    """An officer records money received another way (cash, cheque, bank transfer). For an
    approved applicant it pays for the joining share and admits them; for a member it buys
    more shares where the rules allow. Nothing is written if any check fails."""
    if method not in OFFLINE_METHODS:
        raise MembershipError("Choose how the money was paid.", field="method")
    if received_on > timezone.localdate():
        raise MembershipError("The date received cannot be in the future.", field="received_on")
    if (application is None) == (member is None):
        raise MembershipError("Say who paid.")
    with transaction.atomic():
        if application is not None:
            application = Application.objects.select_for_update().get(pk=application.pk)
            society = application.society
            if application.state != "approved":
                raise MembershipError(
                    "Only an approved applicant who has not paid yet can pay for a joining "
                    f"share ({application.get_state_display().lower()}).")
            expected = _expected_joining_amount(application)
            if amount != expected:
                raise MembershipError(f"A joining share costs £{expected}; the amount recorded "
                                      f"is £{amount}.", field="amount")
        else:
            member = Member.objects.select_for_update().get(pk=member.pk)
            society = member.society
            _check_can_buy_more(member, amount)
        payment = Payment.objects.create(
            society=society, application=application, member=member, method=method,
            amount=amount, reference=reference.strip() or (
                application.payment_reference if application else f"M{member.membership_number}"),
            note=note.strip(), received_on=received_on, recorded_by=by,
            confirmed_at=timezone.now())
        audit.record("membership.payment.recorded", society=society, actor=by, obj=payment,
                     data={"method": method, "amount": amount, "received_on": received_on,
                           "reference": payment.reference})
        if application is not None:
            confirm_joining_payment(payment, by=by)
        else:
            _ledger(member, ShareTransactionKind.ADDITIONAL_ISSUE,
                    shares=shares_for(society, amount), amount=amount,
                    reason="More shares bought", payment=payment, by=by, on=received_on)
    return payment


def _check_can_buy_more(member: Member, amount: Decimal) -> None:
    society = member.society
    if not member.is_current:
        raise MembershipError("This membership has ended.")
    if not society.multiple_shares_allowed:
        raise MembershipError(f"Members of {society.name} hold one share each.")
    shares_for(society, amount)
    check_holding_cap(society, current=member.amount_paid, adding=amount)


def settle_shares_on_cessation(member: Member, *, by, on: date) -> None:
    """When a membership ends its shares go: withdrawn (money owed back after the notice
    period) where the rules make them withdrawable, otherwise cancelled to reserves."""
    if member.shares_held <= 0:
        return
    society = member.society
    shares, amount = member.shares_held, member.amount_paid
    if society.shares_withdrawable:
        _ledger(member, ShareTransactionKind.WITHDRAWAL, shares=-shares, amount=-amount,
                reason=f"Membership ended ({member.get_cessation_reason_display().lower()})",
                by=by, on=on)
        card = (member.payments.filter(method=PaymentMethod.CARD, confirmed_at__isnull=False,
                                       refunded_at__isnull=True).order_by("-confirmed_at")
                .first())
        withdrawal = Withdrawal.objects.create(
            member=member, shares=shares, amount=amount, requested_on=on,
            due_on=on + timedelta(days=society.withdrawal_notice_days),
            payment=card if card and card.amount >= amount else None)
        audit.record("membership.withdrawal.due", society=society, actor=by, obj=withdrawal,
                     data={"amount": amount, "due_on": withdrawal.due_on})
    else:
        _ledger(member, ShareTransactionKind.CANCELLATION, shares=-shares, amount=-amount,
                reason="Cancelled to reserves when the membership ended", by=by, on=on)


def record_withdrawal_repaid(withdrawal: Withdrawal, *, by, method: str,
                             reference: str = "") -> Withdrawal:
    """An officer records that share money was paid back another way."""
    if method not in OFFLINE_METHODS:
        raise MembershipError("Choose how the money was paid back.", field="method")
    with transaction.atomic():
        withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
        check_withdrawal_can_be_repaid(withdrawal)
        withdrawal.repaid_at, withdrawal.repaid_by = timezone.now(), by
        withdrawal.repayment_method, withdrawal.repayment_reference = method, reference.strip()
        withdrawal.save()
        audit.record("membership.withdrawal.repaid", society=withdrawal.member.society,
                     actor=by, obj=withdrawal,
                     data={"amount": withdrawal.amount, "method": method,
                           "reference": withdrawal.repayment_reference})
        email_after_commit(withdrawal.member.user.email, "Your share money has been paid back",
                           "membership/email/withdrawal_repaid.txt",
                           {"withdrawal": withdrawal, "society": withdrawal.member.society})
    return withdrawal


def check_withdrawal_can_be_repaid(withdrawal: Withdrawal) -> None:
    society = withdrawal.member.society
    if withdrawal.repaid_at:
        raise MembershipError("This withdrawal has already been paid back.")
    if society.withdrawals_suspended:
        raise MembershipError("Paying shares back is suspended by the officers at the moment.")
    if withdrawal.due_on > timezone.localdate():
        raise MembershipError(
            f"This money is not due until {withdrawal.due_on:%-d %B %Y} (the notice period).")


def payments_awaited(society):
    """Approved applicants who have not paid for their share yet."""
    return (Application.objects.filter(society=society, approved_at__isnull=False,
                                       admitted_at__isnull=True, rejected_at__isnull=True,
                                       withdrawn_at__isnull=True)
            .select_related("member_class", "user").order_by("approved_at"))


REMINDER_AFTER = timedelta(days=14)


def send_payment_reminders(*, now=None) -> int:
    """Remind approved applicants who have not paid after 14 days (once each)."""
    now = now or timezone.now()
    due = (Application.objects.filter(approved_at__lte=now - REMINDER_AFTER,
                                      admitted_at__isnull=True, rejected_at__isnull=True,
                                      withdrawn_at__isnull=True,
                                      payment_reminded_at__isnull=True)
           .select_related("society", "user"))
    sent = 0
    for application in due:
        with transaction.atomic():
            claimed = Application.objects.filter(
                pk=application.pk, payment_reminded_at__isnull=True).update(
                payment_reminded_at=now)
            if not claimed:
                continue
            email_after_commit(application.user.email,
                               f"{application.society.name}: a reminder to pay for your share",
                               "membership/email/payment_reminder.txt",
                               {"application": application, "society": application.society})
            sent += 1
    return sent
