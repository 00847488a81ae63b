"""Background work for meetings: thin wrappers around the work they run, each safe to run
late or twice. The services enqueue them; nothing here imports a service back."""

from django.tasks import task

from . import notice


@task()
def email_notice(meeting_id: int) -> int:
    """Email the notice of a meeting (with its .ics invitation) to those it goes to by
    email; see `notice.email_notice`."""
    return notice.email_notice(meeting_id)
