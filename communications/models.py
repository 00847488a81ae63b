"""A message to members, who it went to and how, news consent and email addresses that bounce.

A message's state comes from its timestamps: a draft has neither `send_at` nor `queued_at`;
a scheduled one has `send_at`; once `queued_at` is set every recipient has a `Delivery` row and
the message cannot change. Deliveries are kept (never deleted) so that a member's Messages page
and the officers' delivery report always agree with what was sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop.models import Society
from coop.text import LONG_TEXT, bounded_text, validate_one_line
from meetings.models import Meeting
from membership.models import Member, MemberClass
from voting.models import Ballot

from .enums import (
    Audience,
    DeliveryStatus,
    MessageKind,
    MessageState,
    Method,
    Preference,
    ProblemKind,
)


class Message(models.Model):
    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind, default=MessageKind.NEWS)
    subject = models.CharField(max_length=150, validators=[validate_one_line])
    body = models.TextField(help_text="Plain text. Simple formatting: a line starting with # "
                                      "is a heading, - starts a list item, [words](address) "
                                      "is a link.", **bounded_text(LONG_TEXT))
    easy_read_body = models.TextField(
        "easy-read version", blank=True,
        help_text="Short sentences and common words. Members who asked for easy read get this "
                  "first, then the full message.", **bounded_text(LONG_TEXT))
    audience = models.CharField(max_length=12, choices=Audience, default=Audience.ALL)
    classes = models.ManyToManyField(MemberClass, blank=True, related_name="+")
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    joined_since = models.DateField(null=True, blank=True)
    preference = models.CharField(max_length=12, choices=Preference, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    send_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    queued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(posted_at__isnull=True)
                                   | Q(queued_at__isnull=False),
                                   name="message_posted_only_after_queued"),
            models.CheckConstraint(condition=~Q(audience="not_voted") | Q(ballot__isnull=False),
                                   name="message_not_voted_needs_ballot"),
            models.CheckConstraint(condition=~Q(audience="meeting") | Q(meeting__isnull=False),
                                   name="message_meeting_audience_needs_meeting"),
        ]

    def __str__(self):
        return self.subject

    @property
    def state(self) -> str:
        if self.queued_at:
            return MessageState.SENT
        if self.send_at:
            return MessageState.SCHEDULED
        return MessageState.DRAFT

    def get_state_display(self) -> str:
        return MessageState(self.state).label

    @property
    def is_news(self) -> bool:
        return self.kind == MessageKind.NEWS


class Delivery(models.Model):
    """One member's copy of a message, by email or by letter, and what became of it."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="deliveries")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=Method)
    address = models.TextField(help_text="The email address or the postal address.")
    large_print = models.BooleanField(default=False)
    easy_read = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=DeliveryStatus,
                              default=DeliveryStatus.QUEUED)
    claim = models.UUIDField(null=True, blank=True, help_text="The sending run that took it.")
    reason = models.TextField(blank=True, help_text="Why it failed.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["message", "member__full_name", "method"]
        constraints = [
            models.UniqueConstraint(fields=["message", "member", "method"],
                                    name="delivery_once_per_method"),
            models.CheckConstraint(condition=~Q(status="failed") | ~Q(reason=""),
                                   name="delivery_failure_has_reason"),
        ]
        indexes = [models.Index(fields=["message", "method", "status"],
                                name="delivery_progress")]

    def __str__(self):
        return f"{self.message} to {self.member} by {self.method}"


class AddressProblem(models.Model):
    """An email address the provider reported as bouncing or complaining. Later messages to
    it go by post, or not at all, by the member's preferences."""

    address = models.EmailField(unique=True, help_text="Stored in lower case.")
    kind = models.CharField(max_length=12, choices=ProblemKind)
    detail = models.TextField(blank=True)
    reported_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.address} ({self.kind})"
