"""Paying for the joining share by card with Stripe Checkout."""

import logging

import stripe
from django.db import transaction

from coop import audit

from ..enums import PaymentMethod
from ..errors import MembershipError
from ..models import Application, Payment
from .client import CURRENCY, card_payments_enabled, pence, stripe_client

logger = logging.getLogger(__name__)

CHECKOUT_BROKEN = "Card payments are not working at the moment. You can pay another way."


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
        session = stripe_client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": f"checkout-{payment.pk}"})
    except stripe.StripeError as error:
        logger.warning("Stripe Checkout failed for payment %s: %s", payment.pk, error)
        raise MembershipError(CHECKOUT_BROKEN) from error
    return session.to_dict()
