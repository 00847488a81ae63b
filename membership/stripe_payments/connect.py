"""Stripe Connect: each society connects its own Stripe account, so its card money is its own.
The treasurer starts onboarding (an account link to Stripe's pages), comes back, and the
account's readiness is read from Stripe then and on every `account.updated` event."""

import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coop import audit
from coop.models import Society

from ..errors import MembershipError
from ..models import StripeAccount, StripeEvent
from .client import stripe_client

logger = logging.getLogger(__name__)

CONNECT_BROKEN = "Stripe is not answering at the moment. Nothing has changed; try again later."
READINESS = ("charges_enabled", "details_submitted", "payouts_enabled")


def connect_available() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_CONNECT)


def start_onboarding(society: Society, *, by, return_url: str, refresh_url: str) -> str:
    """Create the society's connected account if it has none, and return the address of
    Stripe's onboarding pages for it. Side effects: a StripeAccount (once); audit entries.
    The society's id is the idempotency key, so a double click makes one account."""
    if not connect_available():
        raise MembershipError("Connecting a Stripe account is not switched on for this site.")
    client = stripe_client()
    with transaction.atomic():
        society = Society.objects.select_for_update().get(pk=society.pk)
        account = StripeAccount.objects.filter(society=society).first()
        try:
            if account is None:
                account = _create_account(client, society, by=by)
            link = client.v1.account_links.create(params={
                "account": account.account_id, "type": "account_onboarding",
                "return_url": return_url, "refresh_url": refresh_url})
        except stripe.StripeError as error:
            logger.warning("Stripe Connect onboarding failed for %s: %s", society.slug, error)
            raise MembershipError(CONNECT_BROKEN) from error
        audit.record("membership.stripe_account.onboarding_started", society=society, actor=by,
                     obj=account, data={"account": account.account_id})
    return link.url


def _create_account(client, society: Society, *, by) -> StripeAccount:
    created = client.v1.accounts.create(
        params={"type": "standard", "country": "GB",
                "email": society.contact_email or by.email,
                "business_profile": {"name": society.name},
                "metadata": {"society": society.slug}},
        options={"idempotency_key": f"connect-account-{society.pk}"})
    account = StripeAccount.objects.create(society=society, account_id=created.id)
    audit.record("membership.stripe_account.created", society=society, actor=by, obj=account,
                 data={"account": account.account_id})
    return account


def record_connected_account(society: Society, *, account_id: str, by,
                             ready: bool = False) -> StripeAccount:
    """Record an account connected outside onboarding (the demo's accounts in the fake
    server; an account the platform linked by hand). Readiness is re-read from Stripe on the
    treasurer's page and on `account.updated`. Side effects: audit entry."""
    account = StripeAccount.objects.create(
        society=society, account_id=account_id, charges_enabled=ready,
        details_submitted=ready, payouts_enabled=ready)
    audit.record("membership.stripe_account.created", society=society, actor=by, obj=account,
                 data={"account": account_id, "ready": ready})
    return account


def refresh_account(society: Society, *, by=None) -> StripeAccount | None:
    """Ask Stripe how the society's account stands (after onboarding, or when the treasurer
    looks) and keep its readiness. A Stripe error leaves what we knew."""
    account = StripeAccount.objects.filter(society=society).first()
    if account is None or not connect_available():
        return account
    try:
        found = stripe_client().v1.accounts.retrieve(account.account_id).to_dict()
    except stripe.StripeError as error:
        logger.warning("Could not read Stripe account %s: %s", account.account_id, error)
        return account
    with transaction.atomic():
        account = StripeAccount.objects.select_for_update().get(pk=account.pk)
        _keep_readiness(account, found, actor=by, source="onboarding")
    return account


def account_updated(event: StripeEvent, obj: dict) -> str:
    """`account.updated` from the Connect endpoint: keep the owning society's readiness."""
    account = (StripeAccount.objects.select_for_update()
               .filter(account_id=event.account).first() if event.account else None)
    if account is None or obj.get("id") != event.account:
        audit.record("membership.stripe.ignored", obj=event,
                     data={"type": event.type, "account": event.account})
        return "ignored (not a connected society's account)"
    _keep_readiness(account, obj, actor=None, source=event.id)
    return "card payments ready" if account.charges_enabled else "card payments not ready"


def _keep_readiness(account: StripeAccount, found: dict, *, actor, source: str) -> None:
    before = {name: getattr(account, name) for name in READINESS}
    after = {name: bool(found.get(name)) for name in READINESS}
    for name, value in after.items():
        setattr(account, name, value)
    account.checked_at = timezone.now()
    account.save(update_fields=[*READINESS, "checked_at"])
    if before != after:
        audit.record("membership.stripe_account.updated", society=account.society, actor=actor,
                     obj=account, data={"account": account.account_id, "source": source,
                                        **after})
