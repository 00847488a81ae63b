"""Stripe's webhook events: each is stored once by its id and acted on once. A paid Checkout
session admits the applicant (or issues a member's extra shares), unless something about the
payment needs an officer's eye, in which case the payment is held for them (see `held`).

An event from the Connect endpoint carries its connected `account`: it acts only on payments
charged on that account, so one society's events never touch another's records."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from coop import audit
from coop.models import Society

from ..errors import MembershipError
from ..models import Payment, StripeAccount, StripeEvent
from ..services import current_membership
from ..shares import check_can_buy_more, confirm_card_payment
from .client import CURRENCY, pence, pounds
from .connect import account_updated

# StripeEvent.outcome values that other code looks for.
UNKNOWN_SESSION = "unknown session"
UNKNOWN_PAYMENT = "unknown payment"
UNKNOWN_ACCOUNT = "unknown account"
MALFORMED = "refused: not in the shape Stripe documents"

logger = logging.getLogger(__name__)

# The events that say a Checkout session was paid.
PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")


def process_event(payload: dict, *, account: str = "") -> StripeEvent:
    """Store a verified webhook event by its id and act on it once. A replay, or a second
    delivery racing the first, finds the stored row (locked until the first commits) and
    changes nothing. Side effects: depend on the event (see `_HANDLERS`); always the
    StripeEvent row with its outcome, and an audit entry for each outcome. `account` is the
    connected account of a Connect event; one no society owns changes nothing."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeEvent.objects.create(id=payload["id"], type=payload.get("type", ""),
                                           payload=payload, account=account)
        except IntegrityError:
            pass  # stored already: by an earlier delivery, or one committing just now
        event = StripeEvent.objects.select_for_update().get(pk=payload["id"])
        if event.processed_at is not None:
            return event
        handler = _HANDLERS.get(event.type, _ignore)
        if event.account and not StripeAccount.objects.filter(
                account_id=event.account).exists():
            handler = _unknown_account
        event.outcome = _handle(event, payload["data"]["object"], handler)[:300]
        event.processed_at = timezone.now()
        event.save(update_fields=["outcome", "processed_at"])
    return event


def _handle(event: StripeEvent, obj: dict, handler) -> str:
    """Run the event's handler in a savepoint. The signature proves Stripe sent the event,
    not that its object has the shape Stripe documents (a list where a dict belongs): such an
    event is stored, refused and audited, and nothing it began to write is kept."""
    try:
        with transaction.atomic():
            return handler(event, obj)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError, ArithmeticError):
        logger.warning("Stripe event %s is not in the expected shape", event.id, exc_info=True)
        audit.record("membership.stripe.malformed", obj=event, data={"type": event.type})
        return MALFORMED


def _ignore(event: StripeEvent, obj: dict) -> str:
    audit.record("membership.stripe.ignored", obj=event, data={"type": event.type})
    return f"ignored ({event.type})"


def _unknown_account(event: StripeEvent, obj: dict) -> str:
    audit.record("membership.stripe.unknown_account", obj=event,
                 data={"event": event.id, "type": event.type, "account": event.account,
                       "object": obj.get("id")})
    return UNKNOWN_ACCOUNT


def _payments(event: StripeEvent):
    """The payments an event may act on: those charged on the event's own account."""
    return Payment.objects.select_for_update().filter(stripe_account=event.account)


def _payment_for_session(event: StripeEvent, session: dict) -> Payment | None:
    """The card payment whose Checkout session is exactly this one, on the event's account and
    in the society the session was made for. An event without a session id matches nothing:
    filtering on a missing id would match every payment made another way (they have none),
    whichever co-op's."""
    session_id, metadata = session.get("id"), session.get("metadata")
    if not isinstance(session_id, str) or not session_id or not isinstance(metadata, dict):
        return None
    return (_payments(event)
            .filter(stripe_session_id=session_id, society__slug=metadata.get("society") or "")
            .first())


def _unknown(event: StripeEvent, obj: dict, outcome: str) -> str:
    slug = (obj.get("metadata") or {}).get("society", "")
    if event.account:  # a connected account's event is its owner's, whatever it says
        society = Society.objects.filter(stripe_account__account_id=event.account).first()
    else:
        society = Society.objects.filter(slug=slug).first() if slug else None
    audit.record("membership.stripe.unmatched", obj=event, society=society,
                 data={"event": event.id, "type": event.type, "object": obj.get("id"),
                       "amount": obj.get("amount_total", obj.get("amount")),
                       "reference": (obj.get("metadata") or {}).get("reference", "")})
    return outcome


def _session_completed(event: StripeEvent, session: dict) -> str:
    payment = _payment_for_session(event, session)
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
    payment = _payment_for_session(event, session)
    if payment is None:
        return _unknown(event, session, UNKNOWN_SESSION)
    return _confirm(payment, session, event)


def _async_failed(event: StripeEvent, session: dict) -> str:
    payment = _payment_for_session(event, session)
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
    intent = charge.get("payment_intent")
    payment = (_payments(event).filter(stripe_payment_intent=intent).first()
               if isinstance(intent, str) and intent else None)
    if payment is None:
        return _unknown(event, charge, UNKNOWN_PAYMENT)
    if payment.refunded_at:
        return _noted(payment, event, "nothing to do: already refunded")
    amount = pounds(charge.get("amount_refunded"))
    if not charge.get("refunded"):
        return _noted(payment, event, f"partly refunded in Stripe (£{amount}): left for an "
                                      "officer", action="membership.payment.partly_refunded")
    refunds = (charge.get("refunds") or {}).get("data") or []
    if not isinstance(refunds, list):
        raise TypeError("refunds.data is not a list")
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
    "account.updated": account_updated,
}


def _noted(payment: Payment, event: StripeEvent, outcome: str,
           action: str = "membership.stripe.no_change") -> str:
    audit.record(action, society=payment.society, obj=payment,
                 data={"event": event.id, "type": event.type, "outcome": outcome})
    return outcome


def _confirm(payment: Payment, session: dict, event: StripeEvent) -> str:
    """Money has arrived: admit the applicant and issue their share (or issue a member's
    extra shares), unless something about it needs an officer's eye."""
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
            member = confirm_card_payment(payment)
    except MembershipError as error:
        payment.confirmed_at = payment.received_on = payment.stripe_payment_intent = None
        if payment.application_id is not None:
            payment.member = None
        return _hold(payment, session, event, error.message)
    if payment.application_id is None:
        return f"confirmed: more shares for member no. {member.membership_number}"
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
        return _extra_shares_problem(payment)
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


def _extra_shares_problem(payment: Payment) -> str:
    if payment.member_id is None:
        return "This card payment is not for a joining share or for more shares."
    try:
        check_can_buy_more(payment.member, payment.amount)
    except MembershipError as error:
        return f"{payment.member.full_name} cannot have these shares: {error.message}"
    return ""
