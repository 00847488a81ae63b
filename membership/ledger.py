"""The share ledger: every change to a member's shares is a ledger line, and the register's
`shares_held` and `amount_paid` are never set by hand. `record_ledger_entry` sums the ledger
into the register inside the same transaction as the line it writes, so the two always agree.

Both the register's services (cessation) and the payment services (`shares`) write here, so
this module imports neither of them."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from coop import audit

from .enums import PaymentMethod, ShareTransactionKind
from .errors import MembershipError
from .models import Member, Payment, ShareTransaction, Withdrawal

PENNY = Decimal("0.01")


def sync_register(member: Member) -> None:
    """Set the register's shares and amount paid to the sums of the member's ledger."""
    totals = member.share_transactions.aggregate(shares=Sum("shares"), amount=Sum("amount"))
    member.shares_held = totals["shares"] or 0
    # SQLite's SUM drops the pennies' trailing zeros (Decimal("1")); keep pounds and pence.
    member.amount_paid = (totals["amount"] or Decimal("0")).quantize(PENNY)
    member.save(update_fields=["shares_held", "amount_paid"])


def record_ledger_entry(member: Member, kind: str, *, shares: int, amount: Decimal,
                        reason: str, payment: Payment | None = None, by=None,
                        on: date | None = None) -> ShareTransaction:
    """One ledger line, the register brought in line with it, and an audit entry. Call it
    inside the caller's transaction."""
    entry = ShareTransaction.objects.create(
        member=member, kind=kind, shares=shares, amount=amount, reason=reason, payment=payment,
        recorded_by=by, on=on or timezone.localdate())
    sync_register(member)
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


def settle_shares_on_cessation(member: Member, *, by, on: date) -> None:
    """When a membership ends its shares go: withdrawn (money owed back after the notice
    period) where the rules make them withdrawable, otherwise cancelled to reserves."""
    if member.shares_held <= 0:
        return
    society = member.society
    shares, amount = member.shares_held, member.amount_paid
    if society.shares_withdrawable:
        record_ledger_entry(
            member, ShareTransactionKind.WITHDRAWAL, shares=-shares, amount=-amount,
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
        record_ledger_entry(
            member, ShareTransactionKind.CANCELLATION, shares=-shares, amount=-amount,
            reason="Cancelled to reserves when the membership ended", by=by, on=on)
