"""The Stripe webhook route (see membership/webhooks.py)."""

urlpatterns: list = []
