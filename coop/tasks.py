"""Background work: thin wrappers that the task worker runs."""

from django.core.mail import send_mail
from django.tasks import task


@task()
def send_email(to: list[str], subject: str, body: str) -> int:
    """Send one plain-text email through the configured email backend."""
    return send_mail(subject, body, None, to)
