"""Paying for shares by card with Stripe Checkout: the joining share, and extra shares a
member buys where the rules allow. Under Connect the session is made on the society's own
account (a direct charge), and the payment remembers that account."""

import logging

import stripe
from django.db import transaction

from coop import audit

from ..enums import PaymentMethod
from ..errors import MembershipError
from ..models import Application, Member, Payment
from ..shares import check_can_buy_more
from .client import (
    CURRENCY,
    card_payments_enabled,
    charging_account,
    on_account,
    pence,
    stripe_client,
)

logger = logging.getLogger(__name__)

CHECKOUT_BROKEN = "Card payments are not working at the moment. You can pay another way."
NOT_AVAILABLE = "Card payments are not available. You can pay another way."


def start_checkout(application: Application, *, success_url: str, cancel_url: str) -> str:
    """Start (or resume) paying for the joining share by card; return the Checkout page's URL.
    A pending card payment for the application is reused, and its id is the idempotency key,
    so a double click gives one Stripe session. Side effects: a pending card Payment; audit
    entry when it is new. On any Stripe error nothing is written."""
    if not card_payments_enabled(application.society):
        raise MembershipError(NOT_AVAILABLE)
    with transaction.atomic():
        application = (Application.objects.select_for_update().select_related("society", "user")
                       .get(pk=application.pk))
        _check_can_pay_by_card(application)
        society = application.society
        payment, created = _pending_card_payment(
            society, application.payments.all(), amount=society.share_value,
            application=application, reference=application.payment_reference)
        return _checkout(payment, created, actor=application.user, shares=1,
                         name=f"One share in {society.name}",
                         email=application.email or application.user.email,
                         metadata={"application_id": str(application.pk)},
                         success_url=success_url, cancel_url=cancel_url)


def start_extra_shares_checkout(member: Member, *, shares: int, success_url: str,
                                cancel_url: str) -> str:
    """A member buys `shares` more shares by card; return the Checkout page's URL. The same
    path as the joining share: a pending card Payment for the member, confirmed by the
    webhook, which writes the ledger line and the register in the payment's transaction.
    Checked here and again when the money arrives: the rules allow more than one share and
    the holding stays within the cap. On any Stripe error nothing is written."""
    if not card_payments_enabled(member.society):
        raise MembershipError(NOT_AVAILABLE)
    if shares < 1:
        raise MembershipError("Enter how many shares you want to buy: 1 or more.",
                              field="shares")
    with transaction.atomic():
        member = (Member.objects.select_for_update().select_related("society", "user")
                  .get(pk=member.pk))
        society = member.society
        amount = society.share_value * shares
        check_can_buy_more(member, amount, field="shares")
        payment, created = _pending_card_payment(
            society, member.payments.filter(application__isnull=True), amount=amount,
            member=member, reference=f"M{member.membership_number}")
        return _checkout(payment, created, actor=member.user, shares=shares,
                         name=f"{'One more share' if shares == 1 else f'{shares} more shares'}"
                              f" in {society.name}",
                         email=member.email or member.user.email,
                         metadata={"member_number": str(member.membership_number)},
                         success_url=success_url, cancel_url=cancel_url)


def _checkout(payment: Payment, created: bool, *, actor, shares: int, name: str, email: str,
              metadata: dict, success_url: str, cancel_url: str) -> str:
    session = _create_session(payment, shares=shares, name=name, email=email,
                              metadata=metadata, success_url=success_url,
                              cancel_url=cancel_url)
    payment.stripe_session_id = session["id"]
    payment.save(update_fields=["stripe_session_id"])
    if created:
        audit.record("membership.payment.checkout_started", society=payment.society,
                     actor=actor, obj=payment,
                     data={"amount": payment.amount, "session": session["id"],
                           "reference": payment.reference, "shares": shares,
                           "account": payment.stripe_account})
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


def _pending_card_payment(society, payments, *, amount, reference: str,
                          **payer) -> tuple[Payment, bool]:
    """The payer's card payment still waiting for this amount on this account, or a new one."""
    account = charging_account(society)
    pending = payments.filter(
        method=PaymentMethod.CARD, amount=amount, stripe_account=account,
        confirmed_at__isnull=True, failed_at__isnull=True, held_at__isnull=True,
        refunded_at__isnull=True).order_by("created_at").first()
    if pending is not None:
        return pending, False
    return Payment.objects.create(
        society=society, method=PaymentMethod.CARD, amount=amount, currency=CURRENCY.upper(),
        reference=reference, stripe_account=account, **payer), True


def _create_session(payment: Payment, *, shares: int, name: str, email: str, metadata: dict,
                    success_url: str, cancel_url: str) -> dict:
    society = payment.society
    metadata = {"payment_id": str(payment.pk), "society": society.slug,
                "reference": payment.reference, **metadata}
    params = {
        "mode": "payment",
        "line_items": [{"quantity": shares, "price_data": {
            "currency": CURRENCY, "unit_amount": pence(payment.amount / shares),
            "product_data": {"name": name}}}],
        "client_reference_id": str(payment.pk),
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata,
                                "description": f"Shares in {society.name} ({payment.reference})"},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if email:
        params["customer_email"] = email
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params=params, options=on_account(payment.stripe_account,
                                              idempotency_key=f"checkout-{payment.pk}"))
    except stripe.StripeError as error:
        logger.warning("Stripe Checkout failed for payment %s: %s", payment.pk, error)
        raise MembershipError(CHECKOUT_BROKEN) from error
    return session.to_dict()
