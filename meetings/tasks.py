"""Background work for meetings: emailing the notice (with its .ics invitation)."""

from django.tasks import task


@task()
def email_notice(meeting_id: int) -> int:
    from . import notice

    return notice.email_notice(meeting_id)
