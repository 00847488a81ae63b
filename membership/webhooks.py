"""The endpoints Stripe posts events to: the platform's own (`STRIPE_WEBHOOK_SECRET`) and the
Connect one (`STRIPE_CONNECT_WEBHOOK_SECRET`) for every society's connected account. Only
signed, recent events are accepted; what they do is decided in
`stripe_payments.process_event`."""

import logging

import stripe
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coop.errors import loads

from . import stripe_payments

logger = logging.getLogger(__name__)


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain")


def _verified(request, secret: str, setting: str) -> dict | HttpResponse:
    """The event, once its signature checks out with `secret`; else the answer to give."""
    if not secret:
        logger.error("A Stripe webhook arrived but %s is not set", setting)
        return _text("Stripe webhooks are not configured.", 503)
    try:
        # Parsed first: stripe's own parsing trips over a body that is not an object.
        payload = loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError("The body is not a JSON object.")
        stripe.Webhook.construct_event(request.body, request.headers.get("Stripe-Signature"),
                                       secret)
    except (ValueError, stripe.SignatureVerificationError) as error:
        logger.warning("Refused a Stripe webhook: %s", error)
        return _text("Invalid signature or payload.", 400)
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str) or not isinstance(
            (payload.get("data") or {}).get("object"), dict):
        return _text("Not a Stripe event.", 400)
    return payload


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """200 once the event is stored (also when it matches nothing, so Stripe stops retrying);
    400 for a bad or stale signature; 503 while no webhook secret is configured (Stripe
    retries, so events sent before it is set are not lost)."""
    payload = _verified(request, settings.STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET")
    if isinstance(payload, HttpResponse):
        return payload
    event = stripe_payments.process_event(payload)
    return JsonResponse({"id": event.id, "outcome": event.outcome})


@csrf_exempt
@require_POST
def stripe_connect_webhook(request):
    """Events for the societies' connected accounts, each carrying its `account`; an event
    for an account no society owns is stored and changes nothing. Answers as above."""
    payload = _verified(request, settings.STRIPE_CONNECT_WEBHOOK_SECRET,
                        "STRIPE_CONNECT_WEBHOOK_SECRET")
    if isinstance(payload, HttpResponse):
        return payload
    account = payload.get("account")
    if not isinstance(account, str) or not account:
        return _text("A Connect event names its account.", 400)
    event = stripe_payments.process_event(payload, account=account)
    return JsonResponse({"id": event.id, "outcome": event.outcome})
