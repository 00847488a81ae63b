"""Card payments through Stripe: Checkout for the joining share, the webhook's events, and card
refunds when share money is paid back. Offline payments and the ledger live in `shares`.

Stripe is reached only through `_client()`; `STRIPE_API_BASE` points it elsewhere (tests run a
fake Stripe HTTP server). Money goes to Stripe in pence, in GBP."""

import logging
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from coop import audit
from coop.models import Society
from coop.notify import email_after_commit

from .enums import PaymentMethod
from .models import Application, Payment, StripeEvent, Withdrawal
from .services import MembershipError, current_membership
from .shares import check_withdrawal_can_be_repaid, confirm_joining_payment

logger = logging.getLogger(__name__)

CURRENCY = "gbp"
CHECKOUT_BROKEN = "Card payments are not working at the moment. You can pay another way."
REFUND_BROKEN = ("Card refunds are not working at the moment. Try again later, or pay the money "
                 "back another way and record it.")

# StripeEvent.outcome values that other code looks for.
UNKNOWN_SESSION = "unknown session"
UNKNOWN_PAYMENT = "unknown payment"


def card_payments_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    # No retries: a retried POST is left to the person (or to Stripe's webhook retries), and
    # the idempotency keys make a second attempt safe.
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base,
                               max_network_retries=0)


def pence(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def pounds(pence: int | None) -> Decimal:
    return (Decimal(pence or 0) / 100).quantize(Decimal("0.01"))


# --- Checkout ---------------------------------------------------------------------------------

def start_checkout(application: Application, *, success_url: str, cancel_url: str) -> str:
    """Start (or resume) paying for the joining share by card; return the Checkout page's URL.
    A pending card payment for the application is reused, and its id is the idempotency key,
    so a double click gives one Stripe session. Side effects: a pending card Payment; audit
    entry when it is new. On any Stripe error nothing is written."""
    if not card_payments_enabled():
        raise MembershipError("Card payments are not available. You can pay another way.")
    with transaction.atomic():
        application = (Application.objects.select_for_update().select_related("society", "user")
                       .get(pk=application.pk))
        _check_can_pay_by_card(application)
        payment, created = _pending_card_payment(application)
        session = _create_session(application, payment, success_url=success_url,
                                  cancel_url=cancel_url)
        payment.stripe_session_id = session["id"]
        payment.save(update_fields=["stripe_session_id"])
        if created:
            audit.record("membership.payment.checkout_started", society=application.society,
                         actor=application.user, obj=payment,
                         data={"amount": payment.amount, "session": session["id"],
                               "reference": payment.reference})
    return session["url"]


def _check_can_pay_by_card(application: Application) -> None:
    if application.state == "admitted":
        raise MembershipError("Your share is paid and you are a member already.")
    if application.state != "approved":
        raise MembershipError("You can pay for your share once the officers have approved your "
                              "application.")
    if application.payments.filter(held_at__isnull=False, confirmed_at__isnull=True,
                                   refunded_at__isnull=True).exists():
        raise MembershipError("We have received a card payment from you that an officer needs "
                              "to check. They will be in touch; you do not need to pay again.")


def _pending_card_payment(application: Application) -> tuple[Payment, bool]:
    pending = application.payments.filter(
        method=PaymentMethod.CARD, confirmed_at__isnull=True, failed_at__isnull=True,
        held_at__isnull=True, refunded_at__isnull=True).order_by("created_at").first()
    if pending is not None:
        return pending, False
    society = application.society
    return Payment.objects.create(
        society=society, application=application, method=PaymentMethod.CARD,
        amount=society.share_value, currency=CURRENCY.upper(),
        reference=application.payment_reference), True


def _create_session(application: Application, payment: Payment, *, success_url: str,
                    cancel_url: str) -> dict:
    society = application.society
    metadata = {"payment_id": str(payment.pk), "application_id": str(application.pk),
                "society": society.slug, "reference": payment.reference}
    params = {
        "mode": "payment",
        "line_items": [{"quantity": 1, "price_data": {
            "currency": CURRENCY, "unit_amount": pence(payment.amount),
            "product_data": {"name": f"One share in {society.name}"}}}],
        "client_reference_id": str(payment.pk),
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata,
                                "description": f"Share in {society.name} ({payment.reference})"},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if application.email or application.user.email:
        params["customer_email"] = application.email or application.user.email
    try:
        session = _client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": f"checkout-{payment.pk}"})
    except stripe.StripeError as error:
        logger.warning("Stripe Checkout failed for payment %s: %s", payment.pk, error)
        raise MembershipError(CHECKOUT_BROKEN) from error
    return session.to_dict()


# --- webhook events ---------------------------------------------------------------------------

def process_event(payload: dict) -> StripeEvent:
    """Store a verified webhook event by its id and act on it once. A replay, or a second
    delivery racing the first, finds the stored row (locked until the first commits) and
    changes nothing. Side effects: depend on the event (see `_HANDLERS`); always the
    StripeEvent row with its outcome, and an audit entry for each outcome."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(id=payload["id"], type=payload.get("type", ""),
                                           payload=payload)
        except IntegrityError:
            pass  # stored already: by an earlier delivery, or one committing just now
        event = StripeEvent.objects.select_for_update().get(pk=payload["id"])
        if event.processed_at is not None:
            return event
        handler = _HANDLERS.get(event.type, _ignore)
        event.outcome = handler(event, payload["data"]["object"])[:300]
        event.processed_at = timezone.now()
        event.save(update_fields=["outcome", "processed_at"])
    return event


def _ignore(event: StripeEvent, obj: dict) -> str:
    audit.record("membership.stripe.ignored", obj=event, data={"type": event.type})
    return f"ignored ({event.type})"


def _payment_for_session(session: dict) -> Payment | None:
    return (Payment.objects.select_for_update().filter(stripe_session_id=session.get("id"))
            .first())


def _unknown(event: StripeEvent, obj: dict, outcome: str) -> str:
    slug = (obj.get("metadata") or {}).get("society", "")
    audit.record("membership.stripe.unmatched", obj=event,
                 society=Society.objects.filter(slug=slug).first() if slug else None,
                 data={"event": event.id, "type": event.type, "object": obj.get("id"),
                       "amount": obj.get("amount_total", obj.get("amount")),
                       "reference": (obj.get("metadata") or {}).get("reference", "")})
    return outcome


def _session_completed(event: StripeEvent, session: dict) -> str:
    payment = _payment_for_session(session)
    if payment is None:
        return _unknown(event, session, UNKNOWN_SESSION)
    if session.get("payment_status") == "paid":
        return _confirm(payment, session, event)
    if session.get("payment_status") == "unpaid":
        if payment.confirmed_at or payment.held_at:
            return _noted(payment, event, "nothing to do: already dealt with")
        return _noted(payment, event, "waiting: the payment has not cleared yet",
                      action="membership.payment.awaiting")
    return _hold(payment, session, event,
                 f"Stripe says no payment was needed ({session.get('payment_status')}).")


def _async_succeeded(event: StripeEvent, session: dict) -> str:
    payment = _payment_for_session(session)
    if payment is None:
        return _unknown(event, session, UNKNOWN_SESSION)
    return _confirm(payment, session, event)


def _async_failed(event: StripeEvent, session: dict) -> str:
    payment = _payment_for_session(session)
    if payment is None:
        return _unknown(event, session, UNKNOWN_SESSION)
    if payment.confirmed_at or payment.failed_at:
        return _noted(payment, event, "nothing to do: already dealt with")
    payment.failed_at = timezone.now()
    payment.save(update_fields=["failed_at"])
    audit.record("membership.payment.failed", society=payment.society, obj=payment,
                 data={"event": event.id, "session": session.get("id")})
    return "failed"


def _charge_refunded(event: StripeEvent, charge: dict) -> str:
    payment = (Payment.objects.select_for_update()
               .filter(stripe_payment_intent=charge.get("payment_intent") or "").first())
    if payment is None:
        return _unknown(event, charge, UNKNOWN_PAYMENT)
    if payment.refunded_at:
        return _noted(payment, event, "nothing to do: already refunded")
    amount = pounds(charge.get("amount_refunded"))
    if not charge.get("refunded"):
        return _noted(payment, event, f"partly refunded in Stripe (£{amount}): left for an "
                                      "officer", action="membership.payment.partly_refunded")
    refunds = (charge.get("refunds") or {}).get("data") or []
    payment.refunded_at = timezone.now()
    payment.refund_reference = refunds[0]["id"] if refunds else charge.get("id", "")
    payment.save(update_fields=["refunded_at", "refund_reference"])
    audit.record("membership.payment.refunded", society=payment.society, obj=payment,
                 data={"event": event.id, "amount": amount,
                       "reference": payment.refund_reference})
    return "refunded"


_HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "charge.refunded": _charge_refunded,
}


def _noted(payment: Payment, event: StripeEvent, outcome: str,
           action: str = "membership.stripe.no_change") -> str:
    audit.record(action, society=payment.society, obj=payment,
                 data={"event": event.id, "type": event.type, "outcome": outcome})
    return outcome


def _confirm(payment: Payment, session: dict, event: StripeEvent) -> str:
    """Money has arrived: admit the applicant and issue their share, unless something about
    it needs an officer's eye."""
    if payment.confirmed_at or payment.held_at:
        return _noted(payment, event, "nothing to do: already dealt with")
    problem = _problem_with(payment, session)
    if problem:
        return _hold(payment, session, event, problem)
    try:
        with transaction.atomic():
            payment.confirmed_at = timezone.now()
            payment.received_on = timezone.localdate()
            payment.stripe_payment_intent = session.get("payment_intent") or None
            payment.save(update_fields=["confirmed_at", "received_on", "stripe_payment_intent"])
            audit.record("membership.payment.confirmed", society=payment.society, obj=payment,
                         data={"event": event.id, "amount": payment.amount,
                               "reference": payment.reference})
            member = confirm_joining_payment(payment)
    except MembershipError as error:
        payment.confirmed_at = payment.received_on = payment.stripe_payment_intent = None
        payment.member = None
        return _hold(payment, session, event, error.message)
    return f"confirmed: member no. {member.membership_number} admitted"


def _problem_with(payment: Payment, session: dict) -> str:
    paid, currency = session.get("amount_total"), (session.get("currency") or "").lower()
    if currency != CURRENCY:
        return (f"The payment was in {currency.upper() or 'an unknown currency'}, not in "
                f"pounds (GBP); £{payment.amount} was expected.")
    if paid != pence(payment.amount):
        return f"£{pounds(paid)} was paid, not the £{payment.amount} expected."
    if payment.failed_at:
        return "Stripe said this payment failed, and later that it was paid."
    application = payment.application
    if application is None:
        return "This card payment is not for a joining share."
    member = current_membership(application.society, application.user)
    if member is not None:
        return (f"{application.full_name} is already a member (no. "
                f"{member.membership_number}), so this payment was not needed.")
    if application.state != "approved":
        return (f"The application is no longer waiting for payment "
                f"({application.get_state_display().lower()}).")
    return ""


def _hold(payment: Payment, session: dict, event: StripeEvent, reason: str) -> str:
    payment.held_at, payment.held_reason = timezone.now(), reason
    payment.received_on = timezone.localdate()
    payment.stripe_payment_intent = session.get("payment_intent") or None
    payment.save(update_fields=["held_at", "held_reason", "received_on",
                                "stripe_payment_intent"])
    audit.record("membership.payment.held", society=payment.society, obj=payment,
                 data={"event": event.id, "reason": reason,
                       "amount_total": session.get("amount_total"),
                       "currency": session.get("currency")})
    return f"held: {reason}"


# --- refunds ----------------------------------------------------------------------------------

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
        refund = _refund(
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


def _refund(payment: Payment, *, amount: int, idempotency_key: str, what: str,
            metadata: dict | None = None) -> dict:
    """Ask Stripe to refund `amount` pence of a card payment; a Stripe error, or a refund
    Stripe reports as failed, becomes a MembershipError and nothing is written."""
    params = {"payment_intent": payment.stripe_payment_intent, "amount": amount}
    if metadata:
        params["metadata"] = metadata
    try:
        refund = _client().v1.refunds.create(params=params,
                                             options={"idempotency_key": idempotency_key})
    except stripe.StripeError as error:
        logger.warning("Stripe refund failed for %s: %s", what, error)
        raise MembershipError(REFUND_BROKEN) from error
    refund = refund.to_dict()
    if refund.get("status") in ("failed", "canceled"):
        logger.warning("Stripe refund %s for %s is %s", refund["id"], what, refund["status"])
        raise MembershipError(REFUND_BROKEN)
    return refund


# --- resolving held payments -----------------------------------------------------------------

NOTE_REQUIRED = "Write a note saying why you decided this."


def refund_held_payment(payment: Payment, *, by, note: str) -> Payment:
    """An officer sends a held card payment back to the card in full. The payment's id is the
    idempotency key, so trying again never refunds twice. Side effects: the payment marked
    refunded; audit entry with the officer's note. On any Stripe error nothing is written."""
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
        refund = _refund(payment, amount=_paid_in_stripe(payment)[0],
                         idempotency_key=f"refund-held-{payment.pk}",
                         what=f"held payment {payment.pk}")
        payment.refunded_at, payment.refund_reference = timezone.now(), refund["id"]
        payment.save(update_fields=["refunded_at", "refund_reference"])
        audit.record("membership.payment.held_refunded", society=payment.society, actor=by,
                     obj=payment,
                     data={"amount": payment.amount, "reference": refund["id"], "note": note,
                           "held_reason": payment.held_reason})
    return payment


def accept_held_payment(payment: Payment, *, by, note: str):
    """An officer decides a held card payment is right after all: admit the applicant and
    issue their share, as if the payment had gone through by itself. Only for the society's
    share value in pounds, from an applicant still approved and waiting to pay. Side effects:
    the payment confirmed; register entry, ledger line and welcome email; audit entries.
    Nothing is written if any check fails. Returns the new member."""
    note = _required_note(note)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("society").get(
            pk=payment.pk)
        _check_still_held(payment)
        problem = _acceptance_problem(payment)
        if problem:
            raise MembershipError(f"{problem} It cannot be accepted as a joining share: refund "
                                  "it to the card instead.")
        payment.confirmed_at = timezone.now()
        payment.received_on = payment.received_on or timezone.localdate()
        payment.save(update_fields=["confirmed_at", "received_on"])
        audit.record("membership.payment.held_accepted", society=payment.society, actor=by,
                     obj=payment,
                     data={"amount": payment.amount, "reference": payment.reference,
                           "note": note, "held_reason": payment.held_reason})
        member = confirm_joining_payment(payment, by=by)
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
                 .filter(type__in=_PAID_EVENTS,
                         payload__data__object__id=payment.stripe_session_id)
                 .order_by("-received_at").first())
        session = event.payload["data"]["object"] if event else {}
        if session.get("amount_total") is not None:
            return session["amount_total"], (session.get("currency") or "").lower()
    return pence(payment.amount), payment.currency.lower()


_PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


def _acceptance_problem(payment: Payment) -> str:
    society = payment.society
    paid, currency = _paid_in_stripe(payment)
    if currency != CURRENCY:
        return (f"The payment was in {currency.upper() or 'an unknown currency'}, not in "
                "pounds (GBP).")
    if paid != pence(payment.amount) or payment.amount != society.share_value:
        return f"£{pounds(paid)} was paid, but a share costs £{society.share_value}."
    if payment.failed_at:
        return "Stripe said this payment failed."
    if payment.application_id is None:
        return "This payment is not for a joining share."
    application = Application.objects.select_for_update().get(pk=payment.application_id)
    member = current_membership(society, application.user)
    if member is not None:
        return (f"{application.full_name} is already a member (no. "
                f"{member.membership_number}).")
    if application.state != "approved":
        return (f"The application is no longer waiting for payment "
                f"({application.get_state_display().lower()}).")
    return ""


# --- reconciliation ---------------------------------------------------------------------------

def held_payments(society: Society) -> QuerySet[Payment]:
    """Payments received but not applied, waiting for an officer (oldest first)."""
    return (Payment.objects.filter(society=society, held_at__isnull=False,
                                   confirmed_at__isnull=True, refunded_at__isnull=True)
            .select_related("application", "member").order_by("held_at"))


@dataclass
class UnmatchedStripePayments:
    payments: QuerySet[Payment]  # card payments confirmed with no ledger line
    events: QuerySet[StripeEvent]  # Stripe sessions for this society that matched no Payment

    def __bool__(self) -> bool:
        return self.payments.exists() or self.events.exists()


def unmatched_stripe_payments(society: Society) -> UnmatchedStripePayments:
    """What the reconciliation page shows besides held payments. Unknown sessions are tied to
    a society by the slug Checkout put in their metadata."""
    payments = (Payment.objects.filter(society=society, method=PaymentMethod.CARD,
                                       confirmed_at__isnull=False,
                                       share_transactions__isnull=True)
                .select_related("application", "member").order_by("confirmed_at"))
    events = StripeEvent.objects.filter(
        outcome=UNKNOWN_SESSION, payload__data__object__metadata__society=society.slug,
    ).order_by("received_at")
    return UnmatchedStripePayments(payments=payments, events=events)
