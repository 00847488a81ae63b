"""Card payments held for an officer (a wrong amount, a second payment, an application that
moved on): the officer refunds them to the card or accepts them as the joining share (or as
the member's extra shares). Either way the payer is told, by email or letter."""

from django.db import transaction
from django.utils import timezone

from coop import audit

from ..enums import PaymentMethod
from ..errors import MembershipError
from ..models import Application, Payment, StripeEvent
from ..payer_notices import tell_payer
from ..services import current_membership
from ..shares import check_can_buy_more, confirm_card_payment
from .client import CURRENCY, card_payments_enabled, create_refund, pence, pounds
from .events import PAID_EVENTS

NOTE_REQUIRED = "Write a note saying why you decided this."


def refund_held_payment(payment: Payment, *, by, note: str) -> Payment:
    """An officer sends a held card payment back to the card in full. The payment's id is the
    idempotency key, so trying again never refunds twice; under Connect the refund is made on
    the account the card was charged on. Side effects: the payment marked refunded; audit
    entry with the officer's note; the payer told. On any Stripe error nothing is written."""
    note = _required_note(note)
    if not card_payments_enabled():
        raise MembershipError("Card refunds are not available. Pay the money back another way "
                              "and keep a record of it.")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("society").get(
            pk=payment.pk)
        _check_still_held(payment)
        if payment.method != PaymentMethod.CARD or not payment.stripe_payment_intent:
            raise MembershipError("There is no card payment in Stripe to refund for this "
                                  "payment. Pay the money back another way.")
        paid = _paid_in_stripe(payment)[0]
        refund = create_refund(payment, amount=paid,
                               idempotency_key=f"refund-held-{payment.pk}",
                               what=f"held payment {payment.pk}")
        payment.refunded_at, payment.refund_reference = timezone.now(), refund["id"]
        payment.save(update_fields=["refunded_at", "refund_reference"])
        audit.record("membership.payment.held_refunded", society=payment.society, actor=by,
                     obj=payment,
                     data={"amount": payment.amount, "reference": refund["id"], "note": note,
                           "held_reason": payment.held_reason})
        tell_payer(payment, subject=f"{payment.society.name}: your card payment has been "
                                    "sent back",
                   template="membership/email/held_refunded.txt",
                   context={"amount": pounds(paid), "reason": payment.held_reason,
                            "note": note})
    return payment


def accept_held_payment(payment: Payment, *, by, note: str):
    """An officer decides a held card payment is right after all: admit the applicant and
    issue their share (or a member's extra shares), as if the payment had gone through by
    itself. Only for the amount expected in pounds, from an applicant still approved and
    waiting to pay (or a member who may still hold that much more). Side effects: the payment
    confirmed; register entry, ledger line and email; audit entries; the payer told. Nothing
    is written if any check fails. Returns the member."""
    note = _required_note(note)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("society").get(
            pk=payment.pk)
        _check_still_held(payment)
        problem = _acceptance_problem(payment)
        if problem:
            what = "a joining share" if payment.application_id else "more shares"
            raise MembershipError(f"{problem} It cannot be accepted as {what}: refund "
                                  "it to the card instead.")
        payment.confirmed_at = timezone.now()
        payment.received_on = payment.received_on or timezone.localdate()
        payment.save(update_fields=["confirmed_at", "received_on"])
        audit.record("membership.payment.held_accepted", society=payment.society, actor=by,
                     obj=payment,
                     data={"amount": payment.amount, "reference": payment.reference,
                           "note": note, "held_reason": payment.held_reason})
        member = confirm_card_payment(payment, by=by)
        tell_payer(payment, subject=f"{payment.society.name}: your card payment is accepted",
                   template="membership/email/held_accepted.txt",
                   context={"member": member, "reason": payment.held_reason, "note": note})
    return member


def _required_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise MembershipError(NOTE_REQUIRED, field="note")
    return note


def _check_still_held(payment: Payment) -> None:
    if payment.refunded_at:
        raise MembershipError("This payment has already been refunded.")
    if payment.confirmed_at:
        raise MembershipError("This payment has already been accepted.")
    if not payment.held_at:
        raise MembershipError("This payment is not held for an officer.")


def _paid_in_stripe(payment: Payment) -> tuple[int, str]:
    """What the card was charged, in pence and currency, as Stripe last reported it for the
    Checkout session. A held payment keeps the amount that was expected, so a wrong amount or
    currency is only in Stripe's event; without one, the payment's own amount."""
    if payment.stripe_session_id:
        event = (StripeEvent.objects
                 .filter(type__in=PAID_EVENTS, account=payment.stripe_account,
                         payload__data__object__id=payment.stripe_session_id)
                 .order_by("-received_at").first())
        session = event.payload["data"]["object"] if event else {}
        if session.get("amount_total") is not None:
            return session["amount_total"], (session.get("currency") or "").lower()
    return pence(payment.amount), payment.currency.lower()


def _acceptance_problem(payment: Payment) -> str:
    society = payment.society
    paid, currency = _paid_in_stripe(payment)
    if currency != CURRENCY:
        return (f"The payment was in {currency.upper() or 'an unknown currency'}, not in "
                "pounds (GBP).")
    if payment.failed_at:
        return "Stripe said this payment failed."
    if payment.application_id is None:
        return _extra_shares_problem(payment, paid)
    if paid != pence(payment.amount) or payment.amount != society.share_value:
        return f"£{pounds(paid)} was paid, but a share costs £{society.share_value}."
    application = Application.objects.select_for_update().get(pk=payment.application_id)
    member = current_membership(society, application.user)
    if member is not None:
        return (f"{application.full_name} is already a member (no. "
                f"{member.membership_number}).")
    if application.state != "approved":
        return (f"The application is no longer waiting for payment "
                f"({application.get_state_display().lower()}).")
    return ""


def _extra_shares_problem(payment: Payment, paid: int) -> str:
    if payment.member_id is None:
        return "This payment is not for a joining share or for more shares."
    if paid != pence(payment.amount):
        return f"£{pounds(paid)} was paid, not the £{payment.amount} the shares cost."
    try:
        check_can_buy_more(payment.member, payment.amount)
    except MembershipError as error:
        return error.message
    return ""
