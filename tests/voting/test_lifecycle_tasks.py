"""Ballots open, remind and close by themselves: `run_due` (which needs no worker that can
wait) and, with the database task backend, tasks deferred to the right moment."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import Task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from voting import scheduling, services, tasks
from voting.enums import BallotState
from voting.models import Ballot, RollEntry

DAY = timedelta(days=1)


@pytest.fixture
def scheduled(society, secretary, classes, make_members):
    """A choice ballot due to open in an hour and close a week later, with four voters."""
    make_members(classes[0], 2)
    make_members(classes[1], 2)
    ballot = services.create_ballot(society, by=secretary, title="Garden day",
                                    summary="Which Saturday shall we garden?", kind="choice",
                                    options=["First Saturday", "Last Saturday"])
    opens = timezone.now() + timedelta(hours=1)
    return services.schedule_ballot(ballot, by=secretary, opens_at=opens,
                                    closes_at=opens + 7 * DAY)


def open_now(ballot):
    """Bring the opening time to the present, as if the hour had passed."""
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=timezone.now() - timedelta(seconds=1))
    ballot.refresh_from_db()
    return ballot


def test_scheduled_ballot_waits_until_its_time(scheduled):
    result = services.run_due(now=scheduled.opens_at - timedelta(minutes=1))

    scheduled.refresh_from_db()
    assert result == {"opened": 0, "closed": 0, "reminded": 0}
    assert scheduled.state == BallotState.SCHEDULED
    assert scheduled.opened_at is None
    assert not RollEntry.objects.filter(ballot=scheduled).exists()


def test_run_due_opens_a_scheduled_ballot_at_its_time_and_tells_members(
        scheduled, django_capture_on_commit_callbacks):
    ballot = open_now(scheduled)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.run_due()

    ballot.refresh_from_db()
    assert result["opened"] == 1
    assert ballot.state == BallotState.OPEN
    assert RollEntry.objects.filter(ballot=ballot).count() == 4
    assert len(mail.outbox) == 4
    assert services.run_due()["opened"] == 0


def test_open_if_due_opens_only_once_the_time_has_come(scheduled):
    early = services.open_if_due(scheduled, now=scheduled.opens_at - timedelta(seconds=1))
    assert early.opened_at is None

    ballot = services.open_if_due(open_now(scheduled))

    assert ballot.state == BallotState.OPEN
    assert services.open_if_due(ballot).opened_at == ballot.opened_at


def test_open_if_due_leaves_a_ballot_that_cannot_open_as_it_was(scheduled):
    Ballot.objects.filter(pk=scheduled.pk).update(
        opens_at=timezone.now() - 2 * DAY, closes_at=timezone.now() - DAY)
    scheduled.refresh_from_db()

    ballot = services.open_if_due(scheduled)

    assert ballot.opened_at is None
    assert not RollEntry.objects.filter(ballot=scheduled).exists()


def test_opening_task_run_early_does_nothing(scheduled):
    assert tasks.open_ballot_when_due.call(scheduled.pk) == BallotState.SCHEDULED

    assert tasks.open_ballot_when_due.call(open_now(scheduled).pk) == BallotState.OPEN


def test_scheduling_rejects_an_opening_time_in_the_past(society, secretary):
    ballot = services.create_ballot(society, by=secretary, title="Late", summary="Too late.")

    with pytest.raises(services.VotingError) as error:
        services.schedule_ballot(ballot, by=secretary, opens_at=timezone.now() - DAY,
                                 closes_at=timezone.now() + DAY)

    assert error.value.field == "opens_at"


# --- with the database task backend -------------------------------------------------------------

@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}


def queued(ballot):
    return sorted((row.task_path.rsplit(".", 1)[-1], row.run_after, row.status)
                  for row in DBTaskResult.objects.all()
                  if row.args_kwargs == {"args": [ballot.pk], "kwargs": {}})


def test_scheduling_defers_the_opening_task_to_the_opening_time(
        database_tasks, society, secretary, classes, make_members,
        django_capture_on_commit_callbacks):
    make_members(classes[0], 1)
    ballot = services.create_ballot(society, by=secretary, title="Garden day",
                                    summary="Which Saturday?", kind="choice",
                                    options=["First", "Last"])
    opens = timezone.now() + timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_ballot(ballot, by=secretary, opens_at=opens, closes_at=opens + 7 * DAY)

    assert queued(ballot) == [("open_ballot_when_due", opens, "READY")]
    assert not DBTaskResult.objects.ready().exists()  # not before its time


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when it stops
def test_opening_defers_the_reminder_and_closing_and_announces_at_once(
        database_tasks, open_ballot, classes, make_members):
    make_members(classes[0], 2)

    ballot = open_ballot(kind="choice", options=["First", "Last"])

    rows = queued(ballot)
    assert [name for name, _, _ in rows] == [
        "announce_ballot", "close_ballot_when_due", "send_reminders_when_due"]
    run_after = {name: when for name, when, _ in rows}
    assert run_after["close_ballot_when_due"] == ballot.closes_at
    assert run_after["send_reminders_when_due"] == ballot.closes_at - DAY
    assert [row.task_path for row in DBTaskResult.objects.ready()] == [
        "voting.tasks.announce_ballot"]
    assert mail.outbox == []  # nothing is sent until a worker runs the task

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert len(mail.outbox) == 2
    assert DBTaskResult.objects.get(task_path="voting.tasks.announce_ballot").status == \
        "SUCCESSFUL"
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # still waiting


def test_every_task_the_services_queue_by_name_is_a_task_of_that_name():
    """The services name tasks by dotted path (so the task module alone imports the other):
    a renamed or moved task fails here, not when a ballot opens."""
    for path in scheduling.TASKS:
        found = scheduling.task(path)

        assert isinstance(found, Task)
        assert found.module_path == path
