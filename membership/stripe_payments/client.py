"""The one way to Stripe, and money in Stripe's units. `STRIPE_API_BASE` points the client
elsewhere (tests run a fake Stripe HTTP server). Money goes to Stripe in pence, in GBP.

With `STRIPE_CONNECT` on, each society's card money is charged on its own connected account:
every call for it carries that account (the `Stripe-Account` header), so the charge, and any
refund of it, is the society's. Without it, the key's own account takes every payment."""

import logging
from decimal import Decimal

import stripe
from django.conf import settings

from ..errors import MembershipError
from ..models import Payment, StripeAccount

logger = logging.getLogger(__name__)

CURRENCY = "gbp"
REFUND_BROKEN = ("Card refunds are not working at the moment. Try again later, or pay the money "
                 "back another way and record it.")


def card_payments_enabled(society=None) -> bool:
    """Whether `society` can take card payments now. Under Connect, only once its own
    account is connected and Stripe says it can take charges."""
    if not settings.STRIPE_SECRET_KEY:
        return False
    if not settings.STRIPE_CONNECT or society is None:
        return True
    return bool(charging_account(society))


def charging_account(society) -> str:
    """The connected account `society`'s card payments are charged on: "" for the platform's
    own account (no Connect), or when Connect is on but the society's account is not ready."""
    if not settings.STRIPE_CONNECT:
        return ""
    account = StripeAccount.objects.filter(society=society, charges_enabled=True).first()
    return account.account_id if account else ""


def on_account(account: str, **options) -> dict:
    """Request options acting as the connected `account` (none for the platform's own)."""
    return {**options, "stripe_account": account} if account else options


def stripe_client() -> stripe.StripeClient:
    # No retries: a retried POST is left to the person (or to Stripe's webhook retries), and
    # the idempotency keys make a second attempt safe.
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base,
                               max_network_retries=0)


def pence(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def pounds(pence: int | None) -> Decimal:
    return (Decimal(pence or 0) / 100).quantize(Decimal("0.01"))


def create_refund(payment: Payment, *, amount: int, idempotency_key: str, what: str,
            metadata: dict | None = None) -> dict:
    """Ask Stripe to refund `amount` pence of a card payment; a Stripe error, or a refund
    Stripe reports as failed, becomes a MembershipError and nothing is written."""
    params = {"payment_intent": payment.stripe_payment_intent, "amount": amount}
    if metadata:
        params["metadata"] = metadata
    try:
        refund = stripe_client().v1.refunds.create(
            params=params, options=on_account(payment.stripe_account,
                                              idempotency_key=idempotency_key))
    except stripe.StripeError as error:
        logger.warning("Stripe refund failed for %s: %s", what, error)
        raise MembershipError(REFUND_BROKEN) from error
    refund = refund.to_dict()
    if refund.get("status") in ("failed", "canceled"):
        logger.warning("Stripe refund %s for %s is %s", refund["id"], what, refund["status"])
        raise MembershipError(REFUND_BROKEN)
    return refund
