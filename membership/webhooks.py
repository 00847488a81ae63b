"""The endpoint Stripe posts events to. Only signed, recent events are accepted; what they do
is decided in `stripe_payments.process_event`."""

import logging

import stripe
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coop.errors import loads

from . import stripe_payments

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """200 once the event is stored (also when it matches nothing, so Stripe stops retrying);
    400 for a bad or stale signature; 503 while no webhook secret is configured (Stripe
    retries, so events sent before it is set are not lost)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("A Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
        return HttpResponse("Stripe webhooks are not configured.", status=503,
                            content_type="text/plain")
    try:
        # Parsed first: stripe's own parsing trips over a body that is not an object.
        payload = loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError("The body is not a JSON object.")
        stripe.Webhook.construct_event(request.body, request.headers.get("Stripe-Signature"),
                                       secret)
    except (ValueError, stripe.SignatureVerificationError) as error:
        logger.warning("Refused a Stripe webhook: %s", error)
        return HttpResponse("Invalid signature or payload.", status=400,
                            content_type="text/plain")
    if not isinstance(payload.get("id"), str) or not isinstance(
            (payload.get("data") or {}).get("object"), dict):
        return HttpResponse("Not a Stripe event.", status=400, content_type="text/plain")
    event = stripe_payments.process_event(payload)
    return JsonResponse({"id": event.id, "outcome": event.outcome})
