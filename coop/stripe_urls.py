"""The Stripe webhook route (see membership/webhooks.py)."""

from django.urls import path

from membership import webhooks

urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
]
