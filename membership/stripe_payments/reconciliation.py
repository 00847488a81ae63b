"""What the reconciliation page reads: payments held for an officer, and card money that
matched nothing."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from coop.models import Society

from ..enums import PaymentMethod
from ..models import Payment, StripeAccount, StripeEvent
from .events import UNKNOWN_SESSION


def held_payments(society: Society) -> QuerySet[Payment]:
    """Payments received but not applied, waiting for an officer (oldest first)."""
    return (Payment.objects.filter(society=society, held_at__isnull=False,
                                   confirmed_at__isnull=True, refunded_at__isnull=True)
            .select_related("application", "member").order_by("held_at"))


@dataclass
class UnmatchedStripePayments:
    payments: QuerySet[Payment]  # card payments confirmed with no ledger line
    events: QuerySet[StripeEvent]  # Stripe sessions for this society that matched no Payment

    def __bool__(self) -> bool:
        return self.payments.exists() or self.events.exists()


def unmatched_stripe_payments(society: Society) -> UnmatchedStripePayments:
    """What the reconciliation page shows besides held payments. Unknown sessions are tied to
    a society by the slug Checkout put in their metadata on a single-account site; under
    Connect by the connected account alone (whatever slug they carry)."""
    payments = (Payment.objects.filter(society=society, method=PaymentMethod.CARD,
                                       confirmed_at__isnull=False,
                                       share_transactions__isnull=True)
                .select_related("application", "member").order_by("confirmed_at"))
    own = Q(pk__in=[])
    if not settings.STRIPE_CONNECT:  # the platform's account is the society's only one
        own = Q(account="", payload__data__object__metadata__society=society.slug)
    account = StripeAccount.objects.filter(society=society).first()
    if account is not None:
        own |= Q(account=account.account_id)
    events = StripeEvent.objects.filter(own, outcome=UNKNOWN_SESSION).order_by("received_at")
    return UnmatchedStripePayments(payments=payments, events=events)
