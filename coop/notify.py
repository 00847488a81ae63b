"""Sending email after the transaction that caused it has committed."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email

_muted: ContextVar[bool] = ContextVar("coop_email_muted", default=False)


@contextmanager
def emails_muted():
    """Send no email inside this block (used when seeding demo data for made-up people)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def emails_are_muted() -> bool:
    return _muted.get()


def email_after_commit(to: str | list[str], subject: str, template: str, context: dict) -> None:
    """Queue an email built from a plain-text template once the current transaction commits,
    so a rolled-back change never sends a message."""
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [r for r in recipients if r]
    if not recipients or _muted.get():
        return
    from django.conf import settings

    body = render_to_string(template, {"site_url": settings.SITE_URL, **context})
    transaction.on_commit(lambda: send_email.enqueue(recipients, subject, body))
