"""Privacy notices, consent records and erasure requests (UK GDPR)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop.models import Society
from coop.text import LONG_TEXT, NOTE, bounded_text, validate_one_line

from ..enums import ConsentMethod, ConsentPurpose, ErasureOutcome
from .register import Member


class PrivacyNotice(models.Model):
    """One version of a society's privacy notice. Versions are kept; the one that applies on a
    day is the latest whose `applies_from` is on or before it."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="privacy_notices")
    text = models.TextField(**bounded_text(LONG_TEXT))
    applies_from = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["society", "-applies_from", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""),
                                              name="privacy_notice_has_text")]

    def __str__(self):
        return f"Privacy notice of {self.society} from {self.applies_from}"


class Consent(models.Model):
    """A member giving or withdrawing consent for one purpose. Rows are only added; the latest
    for a purpose is what holds (membership/consent.py reads it)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(max_length=20, choices=ConsentPurpose)
    given = models.BooleanField()
    method = models.CharField(max_length=20, choices=ConsentMethod)
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    help_text="The officer who recorded a consent given on "
                                              "paper or by phone; empty when the member did.")

    class Meta:
        ordering = ["member", "purpose", "-at", "-id"]
        indexes = [models.Index(fields=["member", "purpose", "at"], name="consent_latest")]

    def __str__(self):
        return f"{self.get_purpose_display()}: {'given' if self.given else 'withdrawn'}"


class ErasureRequest(models.Model):
    """A person's request to erase their data, and what the society did about it."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="erasure_requests")
    received_on = models.DateField(default=timezone.localdate)
    how_received = models.CharField(max_length=200, blank=True,
                                    validators=[validate_one_line])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, choices=ErasureOutcome, blank=True)
    outcome_note = models.TextField(blank=True, **bounded_text(NOTE))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(decided_at__isnull=True) | ~Q(outcome=""),
                                   name="erasure_decided_has_outcome"),
        ]

    def __str__(self):
        return f"Erasure request for no. {self.member.membership_number}"
