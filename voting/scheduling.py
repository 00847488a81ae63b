"""How the services ask for background work without importing the module that does it.

`voting.tasks` imports the services each task runs, so the services cannot import the tasks
back. They name a task by its dotted path instead, the way django.tasks' own queues store and
find a task, and the path is looked up when the work is queued. A test checks every path
here names a task, so a renamed task fails there rather than at a ballot's opening."""

from django.db import transaction
from django.tasks import Task
from django.utils.module_loading import import_string

from coop.notify import emails_are_muted

OPEN_WHEN_DUE = "voting.tasks.open_ballot_when_due"
CLOSE_WHEN_DUE = "voting.tasks.close_ballot_when_due"
REMIND_WHEN_DUE = "voting.tasks.send_reminders_when_due"
ANNOUNCE = "voting.tasks.announce_ballot"
REMIND = "voting.tasks.remind_non_voters"
TASKS = (OPEN_WHEN_DUE, CLOSE_WHEN_DUE, REMIND_WHEN_DUE, ANNOUNCE, REMIND)


def task(path: str) -> Task:
    return import_string(path)


def defer(path: str, ballot_id: int, when) -> None:
    """After commit, queue the task to run at `when`, where the task backend can wait. The
    tasks check the ballot again when they run, so a stale one does nothing; `run_due`
    covers backends that cannot wait."""
    later = task(path)
    if later.get_backend().supports_defer:
        transaction.on_commit(lambda: later.using(run_after=when).enqueue(ballot_id))


def email_after_commit(path: str, ballot_id: int) -> None:
    """After commit, queue an email task for the ballot, unless emails are muted (the demo)."""
    def enqueue():
        if not emails_are_muted():
            task(path).enqueue(ballot_id)

    transaction.on_commit(enqueue)
