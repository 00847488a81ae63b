"""Paying share money back to the card it came from, when a member who left is owed it."""

from django.db import transaction
from django.utils import timezone

from coop import audit
from coop.notify import email_after_commit

from ..enums import PaymentMethod
from ..errors import MembershipError
from ..models import Payment, Withdrawal
from ..shares import check_withdrawal_can_be_repaid
from .client import create_refund, pence


def refund_withdrawal(withdrawal: Withdrawal, *, by) -> Withdrawal:
    """Pay share money back to the card it came from. The withdrawal's id is the idempotency
    key, so trying again never refunds twice. Side effects: the withdrawal marked repaid, the
    payment marked refunded, audit entry, email to the former member. On a Stripe error
    nothing is written."""
    with transaction.atomic():
        withdrawal = (Withdrawal.objects.select_for_update(of=("self",))
                      .select_related("member__society", "member__user")
                      .get(pk=withdrawal.pk))
        check_withdrawal_can_be_repaid(withdrawal)
        payment = _refundable_payment(withdrawal)
        refund = create_refund(
            payment, amount=pence(withdrawal.amount), idempotency_key=f"refund-{withdrawal.pk}",
            what=f"withdrawal {withdrawal.pk}",
            metadata={"withdrawal_id": str(withdrawal.pk), "payment_id": str(payment.pk),
                      "society": withdrawal.member.society.slug})
        now = timezone.now()
        withdrawal.repaid_at, withdrawal.repaid_by = now, by
        withdrawal.repayment_method = PaymentMethod.CARD
        withdrawal.repayment_reference = refund["id"]
        withdrawal.save(update_fields=["repaid_at", "repaid_by", "repayment_method",
                                       "repayment_reference"])
        payment.refunded_at, payment.refund_reference = now, refund["id"]
        payment.save(update_fields=["refunded_at", "refund_reference"])
        society = withdrawal.member.society
        audit.record("membership.withdrawal.repaid", society=society, actor=by, obj=withdrawal,
                     data={"amount": withdrawal.amount, "method": PaymentMethod.CARD,
                           "reference": refund["id"], "payment": str(payment.pk)})
        email_after_commit(withdrawal.member.user.email, "Your share money has been paid back",
                           "membership/email/withdrawal_repaid.txt",
                           {"withdrawal": withdrawal, "society": society})
    return withdrawal


def _refundable_payment(withdrawal: Withdrawal) -> Payment:
    payment = Payment.objects.select_for_update().filter(pk=withdrawal.payment_id).first()
    if payment is None or payment.method != PaymentMethod.CARD \
            or not payment.stripe_payment_intent:
        raise MembershipError("This money was not paid by card, so it cannot go back to a "
                              "card. Pay it back another way and record that.")
    if payment.refunded_at:
        raise MembershipError("The card payment has already been refunded.")
    if withdrawal.amount > payment.amount:
        raise MembershipError(f"£{withdrawal.amount} is more than the £{payment.amount} card "
                              "payment. Pay it back another way and record that.")
    return payment
