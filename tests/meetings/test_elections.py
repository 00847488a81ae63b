"""Board elections at the AGM: nominations (self, or another who accepts), a seconder, each
class electing its own seats from its own members by STV, and the elected becoming trustees
for three years while trustees whose term has run out retire.

Shortcut: nominations close in the future when opened (the service requires it); to move past
the close, the contests' `nominations_close_at` is set in the past with a queryset update."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from coop.enums import OfficerRole
from coop.models import Officer
from meetings import elections
from meetings.enums import MeetingKind
from meetings.models import Contest
from meetings.services import MeetingError
from membership.models import MemberClass
from tests.factories import MemberFactory, OfficerFactory
from voting import services as voting
from voting.enums import BallotKind
from voting.models import RollEntry

from .conftest import fresh


@pytest.fixture
def seats(classes):
    """Users elect 2 trustees, carers 1, PAs 1 (set on the classes page in real life)."""
    for cls, n in zip(classes, (2, 1, 1), strict=True):
        MemberClass.objects.filter(pk=cls.pk).update(board_seats=n)
    return classes


@pytest.fixture
def people(society, seats):
    """Named members: users Ann..Hal (8), carers Cat..Gus (5), PAs Pat..Sam (4)."""
    users, carers, pas = seats
    names = {users: "Ann Bea Cal Dee Eve Fay Gil Hal", carers: "Cat Dan Ed Flo Gus",
             pas: "Pat Quin Rae Sam"}
    return {name: MemberFactory(society=society, member_class=cls, full_name=name)
            for cls, line in names.items() for name in line.split()}


@pytest.fixture
def contests(people, called_meeting, secretary):
    """Nominations open until tomorrow: {class name: contest}."""
    opened = elections.open_nominations(called_meeting, by=secretary,
                                        close_at=timezone.now() + timedelta(days=1))
    return {c.member_class.name: c for c in opened}


def close_nominations(meeting):
    Contest.objects.filter(meeting=meeting).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1))


def stand(contest, candidate, seconder, proposer=None):
    """A valid nomination: by `proposer` (or self), accepted, seconded."""
    nomination = elections.nominate(contest, proposer=proposer or candidate,
                                    candidate=candidate, statement="I will listen.")
    if proposer is not None:
        elections.accept(nomination, candidate, statement="I agree to stand.")
    return elections.second(nomination, seconder)


# --- opening nominations -----------------------------------------------------------------------

def test_nominations_open_for_each_class_with_seats(contests, seats):
    users, carers, pas = seats
    assert {name: c.seats for name, c in contests.items()} == {
        users.name: 2, carers.name: 1, pas.name: 1}


def test_nominations_must_close_before_the_meeting(people, called_meeting, secretary):
    with pytest.raises(MeetingError, match="close before the meeting starts"):
        elections.open_nominations(called_meeting, by=secretary,
                                   close_at=called_meeting.starts_at + timedelta(minutes=1))
    with pytest.raises(MeetingError, match="close in the future"):
        elections.open_nominations(called_meeting, by=secretary,
                                   close_at=timezone.now() - timedelta(minutes=1))


def test_no_nominations_without_seats_or_at_a_board_meeting(classes, called_meeting,
                                                            call_meeting, secretary):
    tomorrow = timezone.now() + timedelta(days=1)
    with pytest.raises(MeetingError, match="No class has trustee seats"):
        elections.open_nominations(called_meeting, by=secretary, close_at=tomorrow)
    board, _ = call_meeting(kind=MeetingKind.BOARD)
    with pytest.raises(MeetingError, match="not a board meeting"):
        elections.open_nominations(board, by=secretary, close_at=tomorrow)


# --- nominating --------------------------------------------------------------------------------

def test_self_nomination_is_accepted_at_once_and_needs_a_seconder(people, contests, seats):
    contest = contests[seats[0].name]
    nomination = elections.nominate(contest, proposer=people["Ann"], candidate=people["Ann"],
                                    statement="  I use direct payments.  ")
    assert nomination.accepted_at and nomination.statement == "I use direct payments."
    assert not nomination.is_valid and not elections.valid_nominations(contest).exists()
    elections.second(nomination, people["Bea"])
    assert fresh(nomination).is_valid
    assert list(elections.valid_nominations(contest)) == [nomination]


def test_nominating_another_needs_their_acceptance(people, contests, seats):
    contest = contests[seats[0].name]
    nomination = elections.nominate(contest, proposer=people["Bea"], candidate=people["Cal"],
                                    statement="Cal would be great.")
    assert nomination.accepted_at is None and nomination.statement == ""
    elections.second(nomination, people["Dee"])
    assert not fresh(nomination).is_valid
    with pytest.raises(MeetingError, match="Only the candidate can accept"):
        elections.accept(nomination, people["Bea"], statement="Yes")
    elections.accept(nomination, people["Cal"], statement="Happy to stand.")
    nomination = fresh(nomination)
    assert nomination.is_valid and nomination.statement == "Happy to stand."


def test_the_seconder_is_neither_proposer_nor_candidate(people, contests, seats):
    contest = contests[seats[0].name]
    nomination = elections.nominate(contest, proposer=people["Bea"], candidate=people["Cal"])
    for who in ("Bea", "Cal"):
        with pytest.raises(MeetingError, match="someone other than the proposer and the "
                                               "candidate") as refused:
            elections.second(nomination, people[who])
        assert refused.value.field == "seconder"
    elections.second(nomination, people["Dee"])
    with pytest.raises(MeetingError, match="already been seconded"):
        elections.second(nomination, people["Eve"])
    assert fresh(nomination).seconder == people["Dee"]


def test_a_nomination_can_be_withdrawn_and_made_again(people, contests, seats):
    contest = contests[seats[0].name]
    nomination = elections.nominate(contest, proposer=people["Bea"], candidate=people["Cal"])
    with pytest.raises(MeetingError, match="already been nominated"):
        elections.nominate(contest, proposer=people["Dee"], candidate=people["Cal"])
    with pytest.raises(MeetingError, match="Only the candidate or the proposer"):
        elections.withdraw(nomination, people["Dee"])
    elections.withdraw(nomination, people["Cal"])
    with pytest.raises(MeetingError, match="already withdrawn"):
        elections.withdraw(fresh(nomination), people["Bea"])
    with pytest.raises(MeetingError, match="already been seconded or withdrawn"):
        elections.second(nomination, people["Dee"])
    again = elections.nominate(contest, proposer=people["Cal"], candidate=people["Cal"])
    assert again.pk != nomination.pk and again.accepted_at


def test_a_candidate_stands_only_for_their_own_class(people, contests, seats):
    users, carers, _ = seats
    with pytest.raises(MeetingError, match=f"is not in the {users.name} class") as refused:
        elections.nominate(contests[users.name], proposer=people["Ann"],
                           candidate=people["Cat"])
    assert refused.value.field == "candidate"
    # Anyone may propose, though: a user proposes a carer for the carers' seat.
    elections.nominate(contests[carers.name], proposer=people["Ann"], candidate=people["Cat"])


def test_nothing_changes_once_nominations_close(people, contests, seats, called_meeting):
    contest = contests[seats[0].name]
    nomination = elections.nominate(contest, proposer=people["Bea"], candidate=people["Cal"])
    close_nominations(called_meeting)
    nomination = fresh(nomination)
    closed = "Nominations for these seats have closed"
    with pytest.raises(MeetingError, match=closed):
        elections.nominate(fresh(contest), proposer=people["Ann"], candidate=people["Ann"])
    with pytest.raises(MeetingError, match=closed):
        elections.second(nomination, people["Dee"])
    with pytest.raises(MeetingError, match=closed):
        elections.accept(nomination, people["Cal"], statement="Too late")
    with pytest.raises(MeetingError, match=closed):
        elections.withdraw(nomination, people["Cal"])


def test_the_election_waits_for_nominations_to_close_and_a_valid_candidate(
        people, contests, seats, called_meeting, secretary):
    contest = contests[seats[0].name]
    closes = timezone.now() + timedelta(hours=2)
    with pytest.raises(MeetingError, match="Nominations are still open"):
        elections.start_election(contest, by=secretary, closes_at=closes)
    elections.nominate(contest, proposer=people["Ann"], candidate=people["Ann"])  # unseconded
    close_nominations(called_meeting)
    with pytest.raises(MeetingError, match="Nobody has a valid nomination"):
        elections.start_election(fresh(contest), by=secretary, closes_at=closes)


# --- a three-class election --------------------------------------------------------------------

def test_three_classes_each_elect_their_own_trustees(society, people, contests, seats,
                                                     called_meeting, go_live, secretary,
                                                     officer_for):
    users, carers, pas = seats
    p = people
    # Ann is a trustee whose term ends now (she stands again); Ed's ends today too and he
    # retires; Flo's runs on.
    ann_old = OfficerFactory(society=society, user=p["Ann"].user, role=OfficerRole.TRUSTEE,
                             term_ends_on=timezone.localdate())
    ed_old = OfficerFactory(society=society, user=p["Ed"].user, role=OfficerRole.TRUSTEE,
                            term_ends_on=timezone.localdate())
    flo = OfficerFactory(society=society, user=p["Flo"].user, role=OfficerRole.TRUSTEE,
                         term_ends_on=timezone.localdate() + relativedelta(years=1))
    stand(contests[users.name], p["Ann"], p["Dee"])
    stand(contests[users.name], p["Bea"], p["Eve"], proposer=p["Fay"])
    stand(contests[users.name], p["Cal"], p["Gil"])
    stand(contests[carers.name], p["Cat"], p["Gus"])
    stand(contests[carers.name], p["Dan"], p["Gus"])
    stand(contests[pas.name], p["Pat"], p["Quin"])
    close_nominations(called_meeting)
    go_live(called_meeting)
    closes = timezone.now() + timedelta(hours=2)

    ballots = {name: elections.start_election(fresh(c), by=secretary, closes_at=closes)
               for name, c in contests.items()}
    assert ballots[pas.name] is None  # Pat is elected unopposed
    assert fresh(contests[pas.name]).unopposed_at is not None
    for name, cls, members in [(users.name, users, "Ann Bea Cal Dee Eve Fay Gil Hal"),
                               (carers.name, carers, "Cat Dan Ed Flo Gus")]:
        ballot = ballots[name]
        assert ballot.kind == BallotKind.RANKED and ballot.only_class_id == cls.pk
        roll = RollEntry.objects.filter(ballot=ballot)
        assert set(roll.values_list("member_id", flat=True)) == {
            p[n].pk for n in members.split()}
        assert set(roll.values_list("member_class_id", flat=True)) == {cls.pk}

    def rank(ballot, voter, *names):
        ids = {o.label: o.pk for o in ballot.options.all()}
        voting.cast_vote(ballot, p[voter], {ids[n]: i for i, n in enumerate(names, 1)})

    users_ballot, carers_ballot = ballots[users.name], ballots[carers.name]
    for voter in "Ann Dee Eve Hal".split():
        rank(users_ballot, voter, "Ann", "Bea")
    for voter in "Bea Fay Gil".split():
        rank(users_ballot, voter, "Bea", "Cal")
    rank(users_ballot, "Cal", "Cal", "Bea")
    for voter in "Dan Ed Flo".split():
        rank(carers_ballot, voter, "Dan")
    for voter in ("Cat", "Gus"):
        rank(carers_ballot, voter, "Cat")
    with pytest.raises(voting.VotingError, match="not on the roll"):
        rank(users_ballot, "Pat", "Cal")  # a PA has no vote for the users' seats

    scrutineer = officer_for("scrutineer")
    for ballot in (users_ballot, carers_ballot):
        voting.close_ballot(ballot, by=secretary, reason="Voting time is over.")
        voting.certify_ballot(ballot, by=scrutineer)

    on = called_meeting.date
    ends = on + relativedelta(years=3)
    appointed = {name: elections.appoint_elected(fresh(c), by=secretary)
                 for name, c in contests.items()}
    by_user = {m.user_id: n for n, m in p.items()}
    elected = {name: sorted(by_user[o.user_id] for o in officers)
               for name, officers in appointed.items()}
    assert elected == {users.name: ["Ann", "Bea"], carers.name: ["Dan"], pas.name: ["Pat"]}
    for officer in sum(appointed.values(), []):
        assert (officer.role, officer.started_on, officer.term_ends_on) == (
            OfficerRole.TRUSTEE, on, ends)
    assert set(contests[users.name].nominations.filter(elected=True)
               .values_list("candidate__full_name", flat=True)) == {"Ann", "Bea"}

    # Ed retired; Ann's old term ended and a new one began; Flo carries on.
    assert fresh(ed_old).ended_on == on and fresh(ann_old).ended_on == on
    assert fresh(flo).ended_on is None
    ann_terms = Officer.objects.filter(society=society, user=p["Ann"].user,
                                       role=OfficerRole.TRUSTEE).order_by("pk")
    assert [(o.started_on, o.ended_on, o.term_ends_on) for o in ann_terms] == [
        (ann_old.started_on, on, timezone.localdate()), (on, None, ends)]
    with pytest.raises(MeetingError, match="already been appointed"):
        elections.appoint_elected(fresh(contests[users.name]), by=secretary)


def test_trustees_are_appointed_at_the_meeting_after_the_count(
        people, contests, seats, called_meeting, go_live, secretary):
    users, _, pas = seats
    stand(contests[pas.name], people["Pat"], people["Quin"])
    for name in ("Ann", "Bea", "Cal"):
        stand(contests[users.name], people[name], people["Hal"])
    close_nominations(called_meeting)
    closes = timezone.now() + timedelta(hours=2)
    elections.start_election(fresh(contests[pas.name]), by=secretary, closes_at=closes)
    elections.start_election(fresh(contests[users.name]), by=secretary, closes_at=closes)
    with pytest.raises(MeetingError, match="appointed at the meeting"):
        elections.appoint_elected(fresh(contests[pas.name]), by=secretary)
    go_live(called_meeting)
    with pytest.raises(MeetingError, match="not certified this election's count"):
        elections.appoint_elected(fresh(contests[users.name]), by=secretary)
    with pytest.raises(MeetingError, match="already started"):
        elections.start_election(fresh(contests[users.name]), by=secretary, closes_at=closes)
    assert not Officer.objects.filter(role=OfficerRole.TRUSTEE).exists()
