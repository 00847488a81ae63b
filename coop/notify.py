"""Sending email after the transaction that caused it has committed."""

from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email


def email_after_commit(to: str | list[str], subject: str, template: str, context: dict) -> None:
    """Queue an email built from a plain-text template once the current transaction commits,
    so a rolled-back change never sends a message."""
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    body = render_to_string(template, context)
    transaction.on_commit(lambda: send_email.enqueue(recipients, subject, body))
