"""Voting with a companion (issue 18, section 1): the declaration before the vote, on the web
and over the API; the society's limit on how many members one person helps in a ballot; the
audit of who helped whom (never how, and only once the box is opened); the turnout note."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from tests.coop.test_views import rules_data
from tests.pages import assert_field_error, text
from voting import marked_roll, results_export, selectors, services
from voting.models import Envelope, RollEntry, VotingHelp
from voting.services import VotingError, helping

from .clients import api_for, signed_in
from .conftest import option
from .test_member_pages import carried, post_pairs, url

SAM = helping.Help(name="Sam Carer", declared=True)
API = "/api/v1/societies/{}/ballots/{}/vote/"


@pytest.fixture
def voters(society, classes, make_members):
    return make_members(classes[0], 4)


@pytest.fixture
def ballot(open_ballot, voters):
    return open_ballot(kind="choice", options=["Garden", "Minibus"])


def nothing_written_for(ballot, member):
    entry = RollEntry.objects.get(ballot=ballot, member=member)
    assert not entry.has_voted
    assert not VotingHelp.objects.filter(roll_entry=entry).exists()


def close(ballot, secretary):
    return services.close_ballot(ballot, by=secretary, reason="Everyone has voted")


# --- the web --------------------------------------------------------------------------------------

def test_a_companion_declares_then_the_member_votes_and_the_help_is_kept(ballot, voters,
                                                                          secretary):
    client = signed_in(voters[0].user)
    page = client.get(url("ballot_detail", ballot))
    assert "Is someone helping you to vote?" in text(page)
    help_page = client.get(url("ballot_companion", ballot))
    assert help_page.status_code == 200
    assert helping.COMPANION_DECLARATION in text(help_page)
    assert "at most 2 members" in text(help_page)

    declared = client.post(url("ballot_companion", ballot),
                           {"helper_name": "  Sam   Carer ", "declaration": "on"})
    assert declared.status_code == 302
    page = client.get(url("ballot_detail", ballot))
    assert "Sam Carer is helping you vote." in text(page)
    check = client.post(url("ballot_vote", ballot), {"choice": option(ballot, "Minibus").pk})
    assert "Helping you vote Sam Carer, who has made the declaration" in text(check)
    cast = post_pairs(client, url("ballot_confirm", ballot),
                      carried(check, url("ballot_confirm", ballot)))
    assert cast.status_code == 302 and cast.url == url("ballot_receipt", ballot)

    help = VotingHelp.objects.get(ballot=ballot)
    assert (help.roll_entry.member, help.kind, help.helper_name, help.slot) == (
        voters[0], "companion", "Sam Carer", 1)
    assert help.declaration_version == helping.DECLARATION_VERSION
    # The declaration was used up by the vote: it is no longer in the session.
    assert f"voting_help_{ballot.pk}" not in client.session
    result = selectors.results(close(ballot, secretary))
    assert result.head_counts[option(ballot, "Minibus").pk] == 1


def test_the_declaration_and_the_name_are_required_next_to_their_fields(ballot, voters):
    client = signed_in(voters[0].user)
    missing = client.post(url("ballot_companion", ballot),
                          {"helper_name": "Sam Carer"})
    assert missing.status_code == 200
    assert_field_error(missing, "declaration", helping.NOT_DECLARED)
    blank = client.post(url("ballot_companion", ballot),
                        {"helper_name": "   ", "declaration": "on"})
    assert_field_error(blank, "helper_name", helping.NO_NAME)
    assert "Is someone helping you to vote?" in text(client.get(url("ballot_detail", ballot)))


def test_the_member_can_stop_being_helped(ballot, voters):
    client = signed_in(voters[0].user)
    client.post(url("ballot_companion", ballot), {"helper_name": "Sam", "declaration": "on"})
    stopped = client.post(url("ballot_companion", ballot), {"stop": "1"})
    assert stopped.status_code == 302
    assert "Is someone helping you to vote?" in text(client.get(url("ballot_detail", ballot)))
    client.post(url("ballot_vote", ballot), {"choice": option(ballot, "Garden").pk})
    client.post(url("ballot_confirm", ballot), {"choice": option(ballot, "Garden").pk})
    assert RollEntry.objects.get(ballot=ballot, member=voters[0]).has_voted
    assert not VotingHelp.objects.exists()


def test_the_help_page_refuses_a_companion_at_the_limit_next_to_the_name(ballot, voters):
    for member in voters[:2]:
        services.cast_vote(ballot, member, {option(ballot, "Garden").pk: 1}, help=SAM)
    page = signed_in(voters[2].user).post(url("ballot_companion", ballot),
                                          {"helper_name": "sam CARER", "declaration": "on"})
    assert page.status_code == 200
    assert_field_error(page, "helper_name", "has already helped 2 members to vote")


def test_a_cast_over_the_limit_is_refused_and_nothing_is_written(ballot, voters):
    """The companion declared while a slot was free; two others took the slots before the
    vote was cast: the vote is not cast and the page says why, next to the name."""
    client = signed_in(voters[2].user)
    client.post(url("ballot_companion", ballot), {"helper_name": "Sam Carer",
                                                  "declaration": "on"})
    for member in voters[:2]:
        services.cast_vote(ballot, member, {option(ballot, "Garden").pk: 1}, help=SAM)
    garden = option(ballot, "Garden").pk
    check = client.post(url("ballot_vote", ballot), {"choice": garden})
    refused = post_pairs(client, url("ballot_confirm", ballot),
                         carried(check, url("ballot_confirm", ballot)))
    assert refused.status_code == 200
    assert_field_error(refused, "helper_name", "has already helped 2 members")
    assert "Your vote has not been cast." in text(refused)
    nothing_written_for(ballot, voters[2])
    assert Envelope.objects.filter(ballot=ballot).count() == 2


def test_the_society_sets_the_limit(ballot, voters, society):
    society.max_voters_helped_per_ballot = 1
    society.save()
    services.cast_vote(ballot, voters[0], {option(ballot, "Garden").pk: 1}, help=SAM)
    with pytest.raises(VotingError, match="has already helped 1 member to vote"):
        services.cast_vote(ballot, voters[1], {option(ballot, "Garden").pk: 1},
                           help=helping.Help(name=" SAM carer", declared=True))
    nothing_written_for(ballot, voters[1])
    other = helping.Help(name="Alex Friend", declared=True)
    services.cast_vote(ballot, voters[1], {option(ballot, "Garden").pk: 1}, help=other)
    assert VotingHelp.objects.count() == 2


def test_helping_the_same_member_change_their_vote_takes_no_second_place(open_ballot, voters):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"], allow_vote_changes=True)
    for choice in ("Garden", "Minibus"):
        services.cast_vote(ballot, voters[0], {option(ballot, choice).pk: 1}, help=SAM)
    services.cast_vote(ballot, voters[1], {option(ballot, "Garden").pk: 1}, help=SAM)
    assert VotingHelp.objects.filter(ballot=ballot).count() == 2


def test_the_rule_is_on_the_rules_page_and_its_change_audited(society, secretary):
    client = signed_in(secretary)
    rules = reverse("society_rules", args=[society.slug])
    page = client.get(rules)
    assert "Most members one companion may help to vote in a ballot" in text(page)
    refused = client.post(rules, rules_data(society, max_voters_helped_per_ballot=0))
    assert_field_error(refused, "max_voters_helped_per_ballot", "greater than or equal to 1")
    saved = client.post(rules, rules_data(society, max_voters_helped_per_ballot=3))
    assert saved.status_code == 302
    society.refresh_from_db()
    assert society.max_voters_helped_per_ballot == 3
    entry = AuditEntry.objects.get(action="coop.society.rules_changed")
    assert (entry.actor, entry.data) == (
        secretary, {"max_voters_helped_per_ballot": {"from": 2, "to": 3}})


# --- the API --------------------------------------------------------------------------------------

def test_the_api_records_a_companion_with_the_vote(ballot, voters, society):
    answer = api_for(voters[0].user).post(API.format(society.slug, ballot.pk), {
        "choices": {str(option(ballot, "Garden").pk): 1},
        "helped_by": {"name": "Sam Carer", "declaration": True}}, format="json")
    assert answer.status_code == 201, answer.content
    help = VotingHelp.objects.get(ballot=ballot)
    assert (help.roll_entry.member_id, help.helper_name) == (voters[0].pk, "Sam Carer")


@pytest.mark.parametrize("helped_by, errors", [
    ({"name": "Sam Carer", "declaration": False},
     {"helped_by": {"declaration": [helping.NOT_DECLARED]}}),
    ({"name": "Sam Carer"}, {"helped_by": {"declaration": ["This field is required."]}}),
    ({"name": "", "declaration": True}, {"helped_by": {"name": [helping.NO_NAME]}}),
])
def test_the_api_refuses_a_help_without_name_or_declaration(ballot, voters, society, helped_by,
                                                            errors):
    answer = api_for(voters[0].user).post(API.format(society.slug, ballot.pk), {
        "choices": {str(option(ballot, "Garden").pk): 1}, "helped_by": helped_by},
        format="json")
    assert answer.status_code == 400
    assert answer.json() == errors
    nothing_written_for(ballot, voters[0])


def test_the_api_refuses_a_companion_over_the_limit(ballot, voters, society):
    for member in voters[:2]:
        services.cast_vote(ballot, member, {option(ballot, "Garden").pk: 1}, help=SAM)
    answer = api_for(voters[2].user).post(API.format(society.slug, ballot.pk), {
        "choices": {str(option(ballot, "Garden").pk): 1},
        "helped_by": {"name": "Sam  Carer", "declaration": True}}, format="json")
    assert answer.status_code == 400
    assert "has already helped 2 members" in answer.json()["helped_by"][0]
    nothing_written_for(ballot, voters[2])


# --- audit and turnout ----------------------------------------------------------------------------

def helped_member(entry) -> int:
    """The member a help's audit entry leads to, through the marked roll."""
    return VotingHelp.objects.get(pk=entry.data["help"]).roll_entry.member_id


def test_the_audit_says_who_helped_whom_only_once_the_box_is_opened_and_never_how(
        ballot, voters, secretary):
    minibus = option(ballot, "Minibus")
    services.cast_vote(ballot, voters[1], {minibus.pk: 1}, help=SAM)
    services.cast_vote(ballot, voters[0], {minibus.pk: 1},
                       help=helping.Help(name="Alex Friend", declared=True))
    assert not AuditEntry.objects.filter(action="voting.vote.helped").exists()
    close(ballot, secretary)
    entries = list(AuditEntry.objects.filter(action="voting.vote.helped").order_by("id"))
    assert [(helped_member(e), e.data["helper"], e.data["kind"]) for e in entries] == [
        (voters[0].pk, "Alex Friend", "companion"), (voters[1].pk, "Sam Carer", "companion")]
    for entry in entries:
        written = str(entry.data) + entry.object_repr
        assert "Minibus" not in written and str(minibus.pk) not in entry.data.values()
    # Opening again (at certification) audits nothing twice.
    services.open_box(ballot, by=secretary)
    assert AuditEntry.objects.filter(action="voting.vote.helped").count() == 2


def test_the_turnout_note_counts_votes_cast_with_help_once_closed(ballot, voters, secretary,
                                                                  society):
    garden = option(ballot, "Garden").pk
    for member in voters[:2]:
        services.cast_vote(ballot, member, {garden: 1}, help=SAM)
    services.cast_vote(ballot, voters[2], {garden: 1})
    assert selectors.results(ballot).helped is None  # not while live results could move
    close(ballot, secretary)
    note = "2 votes cast with help (2 by a companion)"
    board = signed_in(secretary)
    assert note in text(board.get(url("ballot_results", ballot)))
    rows = list(csv.reader(io.StringIO(
        board.get(url("ballot_results_csv", ballot)).content.decode("utf-8-sig"))))
    assert ["cast with help", "All classes", note] == rows[-1][:3]
    api = api_for(secretary).get(f"/api/v1/societies/{society.slug}/ballots/{ballot.pk}/"
                                 "results/").json()
    assert api["votes_cast_with_help"] == {"total": 2, "companion": 2, "officer": 0,
                                           "note": note}


def test_members_do_not_see_the_help_count_when_a_small_class_hides_the_figures(
        society, classes, make_members, open_ballot, secretary, officer_for):
    users = make_members(classes[0], 5)
    carer = make_members(classes[1], 1)[0]
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    garden = option(ballot, "Garden").pk
    for member in users:
        services.cast_vote(ballot, member, {garden: 1})
    services.cast_vote(ballot, carer, {garden: 1}, help=SAM)
    close(ballot, secretary)
    services.certify_ballot(ballot, by=officer_for("scrutineer"))
    services.publish_ballot(ballot, by=secretary)
    path = f"/api/v1/societies/{society.slug}/ballots/{ballot.pk}/results/"
    as_member = api_for(users[0].user).get(path).json()
    assert as_member["figures_hidden"] is True
    assert as_member["votes_cast_with_help"] is None
    assert "cast with help" not in text(signed_in(users[0].user).get(url("ballot_results",
                                                                         ballot)))
    assert api_for(secretary).get(path).json()["votes_cast_with_help"]["total"] == 1


def test_helped_votes_under_the_scrutineers_seal_are_counted_and_audited_at_its_opening(
        society, secretary, officer_for, voters):
    scrutineer = officer_for("scrutineer")
    passphrase = "marmalade kettle hillside 42"
    draft = services.create_ballot(society, by=secretary, title="Sealed", summary="Which?",
                                   kind="choice", options=["Garden", "Minibus"],
                                   scrutineer_seal=True)
    services.set_passphrase(draft, by=scrutineer, passphrase=passphrase, again=passphrase)
    ballot = services.open_ballot(draft, by=secretary, closes_at=timezone.now()
                                  + timedelta(days=7))
    services.cast_vote(ballot, voters[0], {option(ballot, "Minibus").pk: 1}, help=SAM)
    services.take_vote(ballot, member_number=voters[1].membership_number,
                       choices={option(ballot, "Minibus").pk: 1}, by=secretary,
                       identity_check="Asked their postcode")
    ballot = close(ballot, secretary)
    assert not AuditEntry.objects.filter(action="voting.vote.helped").exists()  # still sealed
    services.open_sealed_box(ballot, by=scrutineer, passphrase=passphrase)
    assert selectors.results(ballot).head_counts[option(ballot, "Minibus").pk] == 2
    assert AuditEntry.objects.filter(action="voting.vote.helped").count() == 2
    assert results_export.helped_note(selectors.results(ballot)) == (
        "2 votes cast with help (1 by a companion, 1 taken by an officer)")


def test_reducing_the_marked_roll_keeps_only_the_counts_of_help(ballot, voters, secretary,
                                                                 officer_for):
    garden = option(ballot, "Garden").pk
    services.cast_vote(ballot, voters[0], {garden: 1}, help=SAM)
    services.take_vote(ballot, member_number=voters[1].membership_number,
                       choices={garden: 1}, by=secretary, identity_check="Asked postcode")
    close(ballot, secretary)
    services.certify_ballot(ballot, by=officer_for("scrutineer"))
    ballot = services.publish_ballot(ballot, by=secretary)
    later = timezone.localdate() + timedelta(days=400)
    marked_roll.reduce_marked_roll(ballot, today=later)
    ballot.refresh_from_db()
    # Who was helped said who voted: gone with the marked roll; the totals stay.
    assert not VotingHelp.objects.filter(ballot=ballot).exists()
    assert marked_roll.help_counts(ballot) == {"total": 2, "companion": 1, "officer": 1}
    # The audit log is never rewritten, and names no voter: its helps now lead nowhere.
    entries = AuditEntry.objects.filter(action="voting.vote.helped")
    assert entries.count() == 2
    for entry in entries:
        assert set(entry.data) == {"help", "kind", "helper", "helper_user",
                                   "declaration_version", "identity_check"}
        assert not VotingHelp.objects.filter(pk=entry.data["help"]).exists()
        assert not any(v.full_name in entry.object_repr for v in voters)


def test_no_companion_is_asked_for_when_the_member_cannot_vote(ballot, voters):
    services.cast_vote(ballot, voters[0], {option(ballot, "Garden").pk: 1})
    client = signed_in(voters[0].user)
    answer = client.post(url("ballot_companion", ballot), {"helper_name": "Sam",
                                                           "declaration": "on"})
    assert answer.status_code == 302 and answer.url == url("ballot_detail", ballot)
    assert f"voting_help_{ballot.pk}" not in client.session
    assert "nobody can help you with it" in text(client.get(answer.url))
