"""The limit on how many members one companion helps in a ballot holds when their votes are
cast at the same moment, each on its own PostgreSQL connection: exactly the limit get through
(a vote that loses a race for a slot counts again and takes the next one), never more."""

import pytest

from tests.concurrency import all_at_once, needs_postgresql
from voting import services
from voting.models import Envelope, RollEntry, VotingHelp
from voting.services import VotingError, helping

from .conftest import option

MEMBERS = 12


def helped_vote(ballot, member, choice, name):
    def job():
        try:
            services.cast_vote(ballot, member, {choice: 1},
                               help=helping.Help(name=name, declared=True))
            return "voted"
        except VotingError as error:
            return error.message
    return job


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_companion_helping_twelve_members_at_once_helps_only_two(society, classes,
                                                                     make_members,
                                                                     open_ballot):
    needs_postgresql("Helped votes racing")
    members = make_members(classes[0], MEMBERS)
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    garden = option(ballot, "Garden").pk
    # The same person, typing their name a little differently each time.
    names = ["Sam Carer", "sam carer", " Sam  Carer", "SAM CARER"]
    jobs = [helped_vote(ballot, m, garden, names[i % 4]) for i, m in enumerate(members)]

    results, errors = all_at_once(jobs)

    assert errors == []
    assert results.count("voted") == 2
    refusals = [r for r in results if r != "voted"]
    assert len(refusals) == MEMBERS - 2
    assert all("has already helped 2 members" in r for r in refusals)
    assert VotingHelp.objects.filter(ballot=ballot).count() == 2
    assert sorted(VotingHelp.objects.values_list("slot", flat=True)) == [1, 2]
    # Nothing half-written: a refused vote left neither a mark on the roll nor an envelope.
    assert RollEntry.objects.filter(ballot=ballot, has_voted=True).count() == 2
    assert Envelope.objects.filter(ballot=ballot).count() == 2
