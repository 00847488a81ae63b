"""Background work for voting: thin wrappers around services, each safe to run late or twice.
The services queue these by their dotted paths (`voting.scheduling`), never by importing them."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from . import services
from .models import Ballot, RollEntry

BATCH = 200


@task()
def open_ballot_when_due(ballot_id: int) -> str:
    ballot = Ballot.objects.get(pk=ballot_id)
    return services.open_if_due(ballot).state


@task()
def close_ballot_when_due(ballot_id: int) -> str:
    return services.record_closing(Ballot.objects.get(pk=ballot_id)).state


@task()
def send_reminders_when_due(ballot_id: int) -> int:
    return services.send_reminders(Ballot.objects.get(pk=ballot_id))


def _email_roll(ballot_id: int, template: str, subject: str, *, only_not_voted: bool) -> int:
    """Email members on the roll who take email, in batches over one connection."""
    ballot = Ballot.objects.select_related("society").get(pk=ballot_id)
    entries = RollEntry.objects.filter(ballot=ballot, member__contact_by_email=True,
                                       recused=False).exclude(member__email="")
    if only_not_voted:
        entries = entries.filter(has_voted=False)
    link = settings.SITE_URL + reverse("ballot_detail", args=[ballot.society.slug, ballot.pk])
    sent, batch = 0, []
    rows = entries.values_list("member__full_name", "member__email", "member__easy_read")
    for name, email, easy_read in rows.iterator(chunk_size=BATCH):
        body = render_to_string(template, {"ballot": ballot, "name": name, "link": link,
                                           "easy_read": easy_read, "society": ballot.society})
        batch.append((subject, body, None, [email]))
        if len(batch) >= BATCH:  # one connection per batch
            sent += send_mass_mail(batch)
            batch = []
    if batch:
        sent += send_mass_mail(batch)
    return sent


@task()
def announce_ballot(ballot_id: int) -> int:
    title = Ballot.objects.values_list("title", flat=True).get(pk=ballot_id)
    return _email_roll(ballot_id, "voting/email/opened.txt", f"Vote now: {title}",
                       only_not_voted=False)


@task()
def remind_non_voters(ballot_id: int) -> int:
    title = Ballot.objects.values_list("title", flat=True).get(pk=ballot_id)
    return _email_roll(ballot_id, "voting/email/reminder.txt",
                       f"Reminder: voting closes soon: {title}", only_not_voted=True)
