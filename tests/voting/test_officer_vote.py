"""A vote taken by an officer (issue 18, section 1): a member phones or comes in, the officer
checks who they are, tells them they will see the choice, marks it and declares. On the web
and over the API; the vote is the member's and sealed like any other; the help names the
officer and how they checked, never the choice."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership.models import InterestTopic
from tests.factories import MemberFactory
from tests.pages import assert_field_error, text
from voting import selectors, services
from voting.models import RollEntry, VotingHelp
from voting.services import VotingError, helping

from .clients import api_for, signed_in
from .conftest import option

API = "/api/v1/societies/{}/ballots/{}/take-vote/"


@pytest.fixture
def voters(society, classes, make_members):
    return make_members(classes[0], 4)


@pytest.fixture
def ballot(open_ballot, voters):
    return open_ballot(kind="choice", options=["Garden", "Minibus"])


def page_url(ballot):
    return reverse("ballot_take_vote", args=[ballot.society.slug, ballot.pk])


def form_data(ballot, member, **changes):
    return {"member_number": member.membership_number,
            "identity_check": "Asked their date of birth and address",
            "member_told": "on", "choices": option(ballot, "Minibus").pk,
            "declaration": "on", **changes}


def test_an_officer_takes_a_members_vote_on_the_web(ballot, voters, secretary):
    client = signed_in(secretary)
    manage = client.get(reverse("ballot_manage", args=[ballot.society.slug, ballot.pk]))
    assert "Take a member's vote" in text(manage)
    page = client.get(page_url(ballot))
    html = page.content.decode()
    # The member is told the officer will see the choice before the choice is asked.
    assert html.index(helping.OFFICER_TELL_MEMBER) < html.index('name="choices"')
    assert helping.OFFICER_DECLARATION in text(page)

    taken = client.post(page_url(ballot), form_data(ballot, voters[1]))
    assert taken.status_code == 200
    assert f"The vote of member number {voters[1].membership_number} has been cast." in text(
        taken)
    assert "Cache-Control" in taken and "no-store" in taken["Cache-Control"]
    help = VotingHelp.objects.get(ballot=ballot)
    assert (help.kind, help.helper_user, help.roll_entry.member, help.identity_check) == (
        "officer", secretary, voters[1], "Asked their date of birth and address")
    assert RollEntry.objects.get(ballot=ballot, member=voters[1]).has_voted
    result = selectors.results(services.close_ballot(ballot, by=secretary, reason="Counting"))
    assert result.head_counts[option(ballot, "Minibus").pk] == 1
    assert result.helped == {"total": 1, "companion": 0, "officer": 1}
    entry = AuditEntry.objects.get(action="voting.vote.helped")
    assert (VotingHelp.objects.get(pk=entry.data["help"]).roll_entry.member,
            entry.data["kind"], entry.data["helper_user"]) == (voters[1], "officer", secretary.pk)
    assert "Minibus" not in str(entry.data)


@pytest.mark.parametrize("field, changes, message", [
    ("member_told", {"member_told": ""}, "Read the words above to the member"),
    ("declaration", {"declaration": ""}, "Tick the box to make the declaration."),
    ("identity_check", {"identity_check": " "}, "Say how you checked it was the member"),
    ("member_number", {"member_number": 99999}, "No member with that number is on this "
                                                "ballot's roll."),
    ("choices", {"choices": ""}, "Choose the option marked on the paper."),
])
def test_each_missing_step_is_refused_next_to_its_field(ballot, voters, secretary, field,
                                                        changes, message):
    page = signed_in(secretary).post(page_url(ballot), form_data(ballot, voters[0], **changes))
    assert page.status_code == 200
    assert_field_error(page, field, message)
    assert not RollEntry.objects.filter(ballot=ballot, has_voted=True).exists()
    assert not VotingHelp.objects.exists()


def test_a_member_who_has_voted_is_refused_and_only_the_board_may_take_votes(ballot, voters,
                                                                             secretary):
    services.cast_vote(ballot, voters[0], {option(ballot, "Garden").pk: 1})
    page = signed_in(secretary).post(page_url(ballot), form_data(ballot, voters[0]))
    assert "You have already voted in this ballot." in text(page)
    assert not VotingHelp.objects.exists()
    assert signed_in(voters[1].user).get(page_url(ballot)).status_code == 403


def test_an_officer_cannot_take_their_own_vote(ballot, society, secretary, classes):
    own = MemberFactory(society=society, member_class=classes[0], user=secretary)
    ballot = services.open_ballot(
        services.create_ballot(society, by=secretary, title="Again", summary="Again",
                               kind="choice", options=["A", "B"]),
        by=secretary, closes_at=ballot.closes_at)
    with pytest.raises(VotingError, match="You cannot take your own vote"):
        services.take_vote(ballot, member_number=own.membership_number,
                           choices={option(ballot, "A").pk: 1}, by=secretary,
                           identity_check="It is me")


def test_an_officer_is_not_limited_like_a_companion(ballot, voters, secretary):
    for member in voters[:3]:
        services.take_vote(ballot, member_number=member.membership_number,
                           choices={option(ballot, "Garden").pk: 1}, by=secretary,
                           identity_check="Knew their voice and asked their postcode")
    assert VotingHelp.objects.filter(kind="officer").count() == 3


def test_the_api_takes_a_vote_and_refuses_with_field_errors(ballot, voters, secretary,
                                                            society):
    board = api_for(secretary)
    body = {"member_number": voters[2].membership_number, "member_told": True,
            "identity_check": "Asked date of birth", "declaration": True,
            "choices": {str(option(ballot, "Garden").pk): 1}}
    refused = board.post(API.format(society.slug, ballot.pk),
                         {**body, "member_told": False, "declaration": False}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"member_told", "declaration"}
    unknown = board.post(API.format(society.slug, ballot.pk), {**body, "member_number": 9999},
                         format="json")
    assert unknown.status_code == 400
    assert unknown.json() == {"member_number": [
        "No member with that number is on this ballot's roll."]}
    assert not VotingHelp.objects.exists()
    taken = board.post(API.format(society.slug, ballot.pk), body, format="json")
    assert taken.status_code == 201 and taken.json()["receipt"]
    assert VotingHelp.objects.get().roll_entry.member == voters[2]
    again = board.post(API.format(society.slug, ballot.pk), body, format="json")
    assert again.status_code == 409
    member = api_for(voters[3].user).post(API.format(society.slug, ballot.pk),
                                          {**body, "member_number":
                                           voters[3].membership_number}, format="json")
    assert member.status_code == 403


def test_an_officer_cannot_take_a_vote_in_a_ballot_with_topics(society, secretary, voters):
    topic = InterestTopic.objects.filter(society=society).first()
    ballot = services.open_ballot(services.create_ballot(
        society, by=secretary, title="Raise PA pay", summary="By 5%.", kind="resolution",
        topics=[topic]), by=secretary, closes_at=timezone.now() + timedelta(days=7))
    page = signed_in(secretary).post(page_url(ballot), {
        "member_number": voters[0].membership_number, "identity_check": "Asked postcode",
        "member_told": "on", "choices": option(ballot, "For").pk, "declaration": "on"})
    assert "which only they can answer" in text(page)
    assert not RollEntry.objects.filter(ballot=ballot, has_voted=True).exists()
