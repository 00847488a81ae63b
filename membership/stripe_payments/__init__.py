"""Card payments through Stripe: Checkout for the joining share and extra shares, Connect
(each society's own account), the webhooks' events, card refunds when share money is paid
back, and held payments an officer resolves. Offline payments and the ledger live in `shares`
and `ledger`.

Stripe is reached only through `client.stripe_client()`. The names callers use are importable
from this package."""

from .checkout import CHECKOUT_BROKEN, start_checkout, start_extra_shares_checkout
from .client import CURRENCY, REFUND_BROKEN, card_payments_enabled, pence, pounds
from .connect import connect_available, refresh_account, start_onboarding
from .events import UNKNOWN_ACCOUNT, UNKNOWN_PAYMENT, UNKNOWN_SESSION, process_event
from .held import NOTE_REQUIRED, accept_held_payment, refund_held_payment
from .reconciliation import UnmatchedStripePayments, held_payments, unmatched_stripe_payments
from .refunds import refund_withdrawal

__all__ = [
    "CHECKOUT_BROKEN", "CURRENCY", "NOTE_REQUIRED", "REFUND_BROKEN", "UNKNOWN_PAYMENT",
    "UNKNOWN_SESSION", "UnmatchedStripePayments", "accept_held_payment", "card_payments_enabled",
    "held_payments", "pence", "pounds", "process_event", "refund_held_payment",
    "refund_withdrawal", "start_checkout", "unmatched_stripe_payments", "UNKNOWN_ACCOUNT",
    "connect_available", "refresh_account", "start_extra_shares_checkout", "start_onboarding",
]
