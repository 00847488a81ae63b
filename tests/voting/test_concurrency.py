"""Votes arriving at the same moment, each on its own database connection (PostgreSQL).

One member sending 50 votes at once still has exactly one vote that counts; 200 members voting
at once are all counted. PostgreSQL's default limit is 100 connections, shared with whatever
else runs, so the 200 members are cast by 50 threads (four each) released together."""


import pytest
from django.utils import timezone

from coop.models import User
from membership.models import Member
from tests.concurrency import all_at_once, needs_postgresql
from tests.factories import MemberFactory
from voting import selectors, services
from voting.models import Envelope, RollEntry
from voting.services import VotingError

from .conftest import option
from .sealed import sealed

THREADS = 50


def vote_or_refusal(ballot, member, choices):
    def job():
        try:
            return ("voted", services.cast_vote(ballot, member, choices))
        except VotingError as error:
            return ("refused", error.message)
    return job


def many_members(society, classes, n):
    """`n` members in one go (the factory's five inserts each would take most of the test)."""
    users = User.objects.bulk_create([User(email=f"voter{i}@example.org") for i in range(n)])
    Member.objects.bulk_create([
        Member(society=society, user=user, member_class=classes[i % len(classes)],
               membership_number=1000 + i, full_name=f"Voter {i}", address="1 Mill Lane",
               postcode="S1 2AB", email=user.email,
               admitted_on=timezone.localdate() - timezone.timedelta(days=30))
        for i, user in enumerate(users)])
    return list(Member.objects.filter(society=society))


@pytest.fixture
def ballot(society, secretary):
    def make(allow_vote_changes):
        draft = services.create_ballot(
            society, by=secretary, title="Garden day", summary="Which Saturday?",
            kind="choice", options=["First", "Last"], allow_vote_changes=allow_vote_changes)
        return services.open_ballot(draft, by=secretary,
                                    closes_at=timezone.now() + timezone.timedelta(days=7))
    return make


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_votes_at_once_from_one_member_leave_one_vote(society, classes, ballot):
    needs_postgresql("Votes racing")
    member = MemberFactory(society=society, member_class=classes[0])
    ballot = ballot(allow_vote_changes=False)
    first, last = option(ballot, "First"), option(ballot, "Last")
    jobs = [vote_or_refusal(ballot, member, {(first if i % 2 else last).pk: 1})
            for i in range(THREADS)]

    results, errors = all_at_once(jobs)

    assert errors == []
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["refused"] * (THREADS - 1) + ["voted"]
    assert {message for kind, message in results if kind == "refused"} == {
        "You have already voted in this ballot."}
    assert Envelope.objects.filter(ballot=ballot).count() == 1
    assert len(sealed(ballot)) == 1
    assert RollEntry.objects.get(ballot=ballot, member=member).has_voted
    assert sum(selectors.results(ballot).head_counts.values()) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_changes_at_once_from_one_member_leave_one_current_vote(society, classes,
                                                                      ballot):
    needs_postgresql("Votes racing")
    member = MemberFactory(society=society, member_class=classes[0])
    ballot = ballot(allow_vote_changes=True)
    first, last = option(ballot, "First"), option(ballot, "Last")
    jobs = [vote_or_refusal(ballot, member, {(first if i % 2 else last).pk: 1})
            for i in range(THREADS)]

    results, errors = all_at_once(jobs)

    assert errors == []
    assert [kind for kind, _ in results] == ["voted"] * THREADS
    receipts = [receipt for _, receipt in results]
    assert Envelope.objects.filter(ballot=ballot).count() == THREADS
    assert len(sealed(ballot)) == 1
    statuses = [selectors.receipt_status(ballot, r) for r in receipts]
    assert sorted(statuses) == ["counted"] + ["replaced"] * (THREADS - 1)
    assert RollEntry.objects.get(ballot=ballot, member=member).has_voted
    assert sum(selectors.results(ballot).head_counts.values()) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_members_voting_at_once_are_all_counted(society, classes, ballot):
    needs_postgresql("Votes racing")
    members = many_members(society, classes, 200)
    ballot = ballot(allow_vote_changes=False)
    first, last = option(ballot, "First"), option(ballot, "Last")
    per_thread = len(members) // THREADS

    def voter_group(group):
        def job():
            return [vote_or_refusal(ballot, m, {(first if m.pk % 2 else last).pk: 1})()
                    for m in group]
        return job

    jobs = [voter_group(members[i * per_thread:(i + 1) * per_thread]) for i in range(THREADS)]
    results, errors = all_at_once(jobs)

    assert errors == []
    outcomes = [kind for group in results for kind, _ in group]
    assert outcomes == ["voted"] * 200
    expected_first = sum(1 for m in members if m.pk % 2)
    result = selectors.results(ballot)
    assert result.head_counts == {first.pk: expected_first, last.pk: 200 - expected_first}
    assert result.voted == result.on_roll == 200
    assert Envelope.objects.filter(ballot=ballot, current=True).count() == 200
    assert not RollEntry.objects.filter(ballot=ballot, has_voted=False).exists()
