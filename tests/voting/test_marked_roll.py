"""The marked roll reduced to counts after the challenge period (Society.ballot_challenge_days,
28 days by default): nothing happens a day early; on the day after the period the retention
run (its dry run lists the ballot) keeps the counts by class, clears who voted and the paper
records, and writes one audit entry with counts and no names. Everything that showed turnout
shows the same figures after, and a member's own pages no longer say whether they voted."""

import json
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from coop.models import AuditEntry
from membership.privacy.retention import apply_retention
from membership.tasks import apply_retention_task
from surplus import selectors as surplus_selectors
from tests.pages import PageCheckingClient, text
from voting import marked_roll, secrecy, selectors, services
from voting.models import BallotPaper, RollCount, RollEntry

from .conftest import option


def vote(ballot, members, label):
    for member in members:
        services.cast_vote(ballot, member, {option(ballot, label).pk: 1})


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


@pytest.fixture
def published(classes, make_members, open_ballot, secretary, scrutineer):
    """Users: 4 for online, 1 against on paper, 1 with a paper never returned; carers: 1
    against of 2; PAs: 3 against of 5. Closed, certified and published now."""
    users, carers, pas = classes
    u, c, p = make_members(users, 6), make_members(carers, 2), make_members(pas, 5)
    ballot = open_ballot(title="Adopt the new rules")
    vote(ballot, u[:4], "For")
    for member in u[4:6]:
        services.issue_paper(ballot, member, by=secretary)
    services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, u[4].pk),
                              choices={option(ballot, "Against").pk: 1}, by=scrutineer)
    vote(ballot, c[:1], "Against")
    vote(ballot, p[:3], "Against")
    services.close_ballot(ballot, by=secretary, reason="Everyone who wanted to has voted.")
    services.certify_ballot(ballot, by=scrutineer, note="Checked.")
    ballot = services.publish_ballot(ballot, by=secretary)
    ballot.test_voter, ballot.test_abstainer = u[0], u[5]
    return ballot


def days_after_publishing(ballot, days):
    """Noon, `days` local days after the day the result was published."""
    day = timezone.localdate(ballot.published_at) + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(12)))


def turnout(ballot):
    cache.clear()  # count again, not the certified result kept in the cache
    ballot.refresh_from_db()
    result = selectors.results(ballot)
    return ([(row.name, row.on_roll, row.voted) for row in result.classes],
            result.on_roll, result.voted, result.papers)


def client_for(user, api=False):
    client = APIClient() if api else PageCheckingClient()
    client.force_login(user)
    return client


def page(ballot, name):
    return reverse(name, args=[ballot.society.slug, ballot.pk])


def test_within_the_challenge_period_nothing_changes(published, society):
    with freeze_time(days_after_publishing(published, 28)):
        assert list(marked_roll.rolls_due(society, timezone.localdate()
                                          - timedelta(days=28))) == []
        with pytest.raises(marked_roll.MarkedRollError, match="can still be challenged"):
            marked_roll.reduce_marked_roll(published)
        run = apply_retention(society)
    assert run.counts["marked_rolls_reduced"] == 0
    assert RollEntry.objects.filter(ballot=published, has_voted=True).count() == 9
    assert BallotPaper.objects.filter(ballot=published).count() == 2
    assert not RollCount.objects.exists()
    published.refresh_from_db()
    assert published.roll_reduced_at is None


def test_a_longer_challenge_period_is_respected(published, society):
    society.ballot_challenge_days = 60
    society.save()
    with freeze_time(days_after_publishing(published, 29)):
        assert apply_retention(society).counts["marked_rolls_reduced"] == 0
    with freeze_time(days_after_publishing(published, 61)):
        assert apply_retention(society).counts["marked_rolls_reduced"] == 1


def test_after_the_period_the_roll_becomes_counts(published, society):
    before = turnout(published)
    assert before[1:3] == (13, 9) and before[3] == {"issued": 1, "counted": 1, "rejected": 0}
    with freeze_time(days_after_publishing(published, 29)):
        dry = apply_retention(society, dry_run=True)
        [step] = [s for s in dry.steps if s.name == "marked_rolls_reduced"]
        assert step.rows == [f"ballot {published.pk} “Adopt the new rules” (published "
                             f"{published.published_at:%Y-%m-%d})"]
        assert RollEntry.objects.filter(ballot=published, has_voted=True).count() == 9
        assert not RollCount.objects.exists()  # the dry run changed nothing

        assert apply_retention(society).counts["marked_rolls_reduced"] == 1
        assert apply_retention(society).counts["marked_rolls_reduced"] == 0  # not twice

    assert not RollEntry.objects.filter(ballot=published, has_voted=True).exists()
    assert RollEntry.objects.filter(ballot=published).count() == 13  # the roll itself stays
    assert not BallotPaper.objects.filter(ballot=published).exists()
    assert turnout(published) == before
    users, carers, pas = society.member_classes.order_by("position")
    kept = {c.member_class_id: (c.on_roll, c.voted, c.recused, c.papers_issued,
                                c.papers_counted) for c in RollCount.objects.all()}
    assert kept == {users.pk: (6, 5, 0, 1, 1), carers.pk: (2, 1, 0, 0, 0),
                    pas.pk: (5, 3, 0, 0, 0)}
    [entry] = AuditEntry.objects.filter(action="voting.roll.reduced")
    assert entry.data["counts"][str(users.pk)] == {"on_roll": 6, "voted": 5, "recused": 0}
    logged = json.dumps(entry.data)
    voter = published.test_voter
    assert voter.full_name not in logged and voter.user.email not in logged
    with pytest.raises(PermissionError):
        RollCount.objects.filter(ballot=published).delete()


def test_surplus_history_turnout_is_the_same_after(published, society):
    def history():
        return [(b.ballot_id, sorted((n, c.on_roll, c.voted) for n, c in b.classes.items()))
                for b in surplus_selectors.turnout_by_class(society)]

    before = history()
    with freeze_time(days_after_publishing(published, 29)):
        marked_roll.reduce_marked_roll(published)
    assert history() == before


def test_every_page_still_works_and_no_longer_says_who_voted(published, society, secretary,
                                                            scrutineer):
    voter, abstainer = published.test_voter, published.test_abstainer
    board = client_for(secretary)
    before = {name: text(board.get(page(published, name)))
              for name in ("ballot_results", "ballot_certificate", "ballot_manage")}
    csv_before = board.get(page(published, "ballot_results_csv")).content
    with freeze_time(days_after_publishing(published, 29)):
        marked_roll.reduce_marked_roll(published)
    cache.clear()
    for name, shown in before.items():
        response = board.get(page(published, name))
        assert response.status_code == 200
        if name != "ballot_manage":
            assert text(response) == shown, name
    assert "6 5 83.3%" in text(board.get(page(published, "ballot_manage")))
    assert board.get(page(published, "ballot_results_csv")).content == csv_before

    for member in (voter, abstainer):
        client = client_for(member.user)
        ballots = client.get(reverse("ballot_list", args=[society.slug]))
        assert ballots.status_code == 200
        assert "who voted is no longer kept" in text(ballots)
        assert "You voted" not in text(ballots) and "You did not vote" not in text(ballots)
        detail = client.get(page(published, "ballot_detail"))
        assert detail.status_code == 200
        assert "The record of who voted in this ballot was destroyed on" in text(detail)
        receipt = client.get(page(published, "ballot_receipt"))
        assert receipt.status_code == 200
        assert "we cannot say whether you voted" in text(receipt)
        assert client.get(page(published, "ballot_results")).status_code == 200

        api = client_for(member.user, api=True)
        url = f"/api/v1/societies/{society.slug}/ballots/{published.pk}/"
        answer = api.get(url)
        assert answer.status_code == 200
        assert answer.json()["has_voted"] is None and answer.json()["roll_reduced_at"]
        assert api.get(f"{url}results/").status_code == 200

        copy = json.loads(client.get(reverse("my_data")).content)
        [row] = [r for r in _ballots(copy)
                 if r["ballot"] == "Adopt the new rules"]
        assert row["has_voted"] is None
        assert row["marked_roll_destroyed_on"] == str(timezone.localdate(
            published.__class__.objects.get(pk=published.pk).roll_reduced_at))


def _ballots(copy) -> list[dict]:
    """The subject access copy's "ballots" section, wherever the copy nests it."""
    if isinstance(copy, dict):
        if "ballots" in copy and isinstance(copy["ballots"], list):
            return copy["ballots"]
        return [r for value in copy.values() for r in _ballots(value)]
    if isinstance(copy, list):
        return [r for value in copy for r in _ballots(value)]
    return []


def test_the_management_command_and_the_scheduled_task_reduce_it(published, society):
    with freeze_time(days_after_publishing(published, 29)):
        out = StringIO()
        call_command("apply_retention", "--dry-run", stdout=out)
        assert "marked rolls reduced: 1" in out.getvalue()
        assert f"ballot {published.pk} “Adopt the new rules”" in out.getvalue()
        assert not RollCount.objects.exists()
        assert apply_retention_task.call()[society.slug]["marked_rolls_reduced"] == 1
    assert RollCount.objects.filter(ballot=published).count() == 3


@pytest.mark.django_db(transaction=True)
def test_postgres_xmin_does_not_single_out_the_voters_afterwards(published, society):
    """Each vote committed its own has-voted flag, so before the reduction the voters' rows
    carry xmins the others do not. The reduction rewrites every row of the roll in one
    transaction, so afterwards xmin names nobody."""
    from django.db import connection

    from tests.concurrency import ON_POSTGRES_URL
    from tests.conftest import IN_CI

    if connection.vendor != "postgresql":
        if IN_CI and ON_POSTGRES_URL:
            pytest.fail("DATABASE_URL names PostgreSQL but the tests run elsewhere")
        pytest.skip("xmin exists only on PostgreSQL; the suite runs on both in CI.")

    def xmins(voted=None):
        sql = "SELECT DISTINCT xmin::text FROM voting_rollentry WHERE ballot_id = %s"
        if voted is not None:
            sql += f" AND has_voted = {'true' if voted else 'false'}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [published.pk])
            return {row[0] for row in cursor.fetchall()}

    assert not xmins(voted=True) & xmins(voted=False)  # the marked roll, as it was
    with freeze_time(days_after_publishing(published, 29)):
        apply_retention(society)
    assert len(xmins()) == 1
