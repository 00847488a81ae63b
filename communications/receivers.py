"""Bounces and complaints reported by the email provider through django-anymail's tracking
webhook (any provider anymail supports; the README documents Mailgun)."""

from anymail.signals import tracking
from django.dispatch import receiver

from . import services
from .enums import ProblemKind

# A temporary failure is "deferred" in anymail's terms and marks nothing.
PROBLEMS = {"bounced": ProblemKind.BOUNCED, "complained": ProblemKind.COMPLAINED}


@receiver(tracking, dispatch_uid="communications.address_problems")
def mark_address(sender, event, esp_name, **kwargs):
    kind = PROBLEMS.get(event.event_type)
    if kind and event.recipient:
        services.record_address_problem(
            event.recipient, kind=kind,
            detail=f"{esp_name}: {event.description or event.reject_reason or ''}".strip())
