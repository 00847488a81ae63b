"""The share ledger and payments. Both are append-only records: a payment's later life
(confirmed, failed, refunded, held) is kept as timestamps, and the ledger is never edited."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop.text import NOTE, bounded_text, validate_one_line

from ..enums import PaymentMethod, ShareTransactionKind
from .register import Application, Member


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Ledger entries are never changed; add a new one")

    def delete(self):
        raise PermissionError("Ledger entries are never deleted")


class ShareTransaction(models.Model):
    """One line of the share ledger. `shares` and `amount` are signed: issues add, withdrawals
    and cancellations take away. The register's shares column is their sum."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="share_transactions")
    kind = models.CharField(max_length=20, choices=ShareTransactionKind)
    shares = models.IntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    on = models.DateField(default=timezone.localdate)
    reason = models.CharField(max_length=300, blank=True, validators=[validate_one_line])
    payment = models.ForeignKey("Payment", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="share_transactions")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=["issue", "additional_issue"], shares__gt=0, amount__gt=0)
                           | Q(kind__in=["withdrawal", "cancellation"], shares__lt=0,
                               amount__lt=0)),
                name="sharetransaction_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {abs(self.shares)} share(s), £{abs(self.amount)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Ledger entries are never changed; add a new one")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Ledger entries are never deleted")


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Payments and withdrawals are never deleted")


class Payment(models.Model):
    """Money received for shares, by card (Stripe) or another way (recorded by an officer).
    Its later life is kept as timestamps; it is never deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    society = models.ForeignKey("coop.Society", on_delete=models.PROTECT, related_name="payments")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="payments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="payments")
    method = models.CharField(max_length=20, choices=PaymentMethod)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="GBP")
    reference = models.CharField(max_length=40, help_text="What the payer quotes, e.g. MS-0042.",
                                 validators=[validate_one_line])
    note = models.TextField(blank=True, **bounded_text(NOTE))
    received_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    stripe_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.TextField(blank=True, **bounded_text(NOTE))
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_reference = models.CharField(max_length=255, blank=True,
                                        validators=[validate_one_line])
    # The connected Stripe account the card was charged on (Stripe Connect, a direct charge);
    # empty for the platform's own account. Refunds go back through the same account.
    stripe_account = models.CharField(max_length=255, blank=True, default="")

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(application__isnull=False) | Q(member__isnull=False),
                name="payment_is_for_someone"),
            models.CheckConstraint(
                condition=~(Q(confirmed_at__isnull=False) & Q(failed_at__isnull=False)),
                name="payment_not_both_confirmed_and_failed"),
        ]
        indexes = [models.Index(fields=["society", "created_at"])]

    def __str__(self):
        return f"£{self.amount} by {self.get_method_display().lower()} ({self.reference})"

    def delete(self, *args, **kwargs):
        raise PermissionError("Payments are never deleted")

    @property
    def state(self) -> str:
        if self.refunded_at:
            return "refunded"
        if self.held_at and not self.confirmed_at:
            return "held"
        if self.confirmed_at:
            return "confirmed"
        if self.failed_at:
            return "failed"
        return "pending"


class StripeEvent(models.Model):
    """Every webhook event, stored by Stripe's id so that a replay is processed once."""

    id = models.CharField(max_length=255, primary_key=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    # The connected account an event from the Connect endpoint is about; empty for the
    # platform's own events. Events act only on payments charged on that same account.
    account = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.id}"


class Withdrawal(models.Model):
    """Money owed back to a member who resigned with withdrawable shares."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="withdrawals")
    shares = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    requested_on = models.DateField(default=timezone.localdate)
    due_on = models.DateField()
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="withdrawals",
                                help_text="The payment to refund, when it was by card.")
    repaid_at = models.DateTimeField(null=True, blank=True)
    repaid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    repayment_method = models.CharField(max_length=20, choices=PaymentMethod, blank=True)
    repayment_reference = models.CharField(max_length=255, blank=True,
                                           validators=[validate_one_line])

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(shares__gt=0),
                                   name="withdrawal_positive"),
        ]

    def __str__(self):
        return f"£{self.amount} to {self.member}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Withdrawals are never deleted")

    @property
    def is_due(self) -> bool:
        return self.repaid_at is None and self.due_on <= timezone.localdate()


class StripeAccount(models.Model):
    """A society's own Stripe account, connected to the platform (Stripe Connect). Card money
    is charged directly on it, so it is the society's. Readiness mirrors what Stripe last said
    (onboarding return, `account.updated`)."""

    society = models.OneToOneField("coop.Society", on_delete=models.PROTECT,
                                   related_name="stripe_account")
    account_id = models.CharField(max_length=255, unique=True)
    charges_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.account_id} ({self.society})"

    @property
    def state(self) -> str:
        if self.charges_enabled:
            return "ready"
        if self.details_submitted:
            return "checking"
        return "started"


class PayerNotice(models.Model):
    """What we told a payer about their card payment (refunded, accepted), by email or as a
    letter for the officers to post, by the payer's preference."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="notices")
    channel = models.CharField(max_length=10, choices=Channel)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    large_print = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.name}: {self.subject}"


__all__ = ["PayerNotice", "Payment", "ShareTransaction", "StripeAccount", "StripeEvent",
           "Withdrawal", "Decimal"]
