"""Background work for messages: thin wrappers, each safe to run late or twice."""

from django.tasks import task

from . import sending, services


@task()
def send_email(message_id: int) -> int:
    """Send the message's queued email copies (see `sending.send_email`)."""
    return sending.send_email(message_id)


@task()
def send_when_due(message_id: int) -> int:
    """Send a scheduled message once its time has come; does nothing if it went already."""
    return services.send_if_due(message_id)
