"""The member's voting pages through the web: the list, a ballot, check your answer, casting,
the receipt shown once, and checking a receipt after close."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from coop.models import AuditEntry
from membership.models import MemberClass
from tests.factories import MemberFactory, OfficerFactory, SocietyFactory
from tests.pages import PageCheckingClient, assert_field_error, elements, text
from voting import selectors, services
from voting.models import Ballot, Envelope, RollEntry

from .conftest import option


@pytest.fixture
def client_for():
    def make(user):
        client = PageCheckingClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def voter(society, classes):
    """A member in the users' class, on the roll of any ballot opened after this."""
    return MemberFactory(society=society, member_class=classes[0])


def url(name, ballot):
    return reverse(name, args=[ballot.society.slug, ballot.pk])


def carried(response, action) -> list[tuple[str, str]]:
    """The hidden fields of the form on the check page that posts to `action`."""
    html = response.content.decode()
    form = re.search(rf'<form method="post" action="{re.escape(action)}">(.*?)</form>', html,
                     re.S)
    assert form, f"no form posting to {action}"
    return [(unescape(n), unescape(v)) for n, v in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1))
        if n != "csrfmiddlewaretoken"]


def post_pairs(client, path, pairs, **extra):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return client.post(path, data | extra)


def vote_through_web(client, ballot, data) -> str:
    """Ballot page → check your answer → cast → receipt; returns the receipt code."""
    page = client.get(url("ballot_detail", ballot))
    assert page.status_code == 200 and "Continue" in text(page)
    check = client.post(url("ballot_vote", ballot), data)
    assert check.status_code == 200, text(check)[:500]
    assert "Check your answer before you vote" in text(check)
    cast = post_pairs(client, url("ballot_confirm", ballot),
                      carried(check, url("ballot_confirm", ballot)))
    assert cast.status_code == 302 and cast.url == url("ballot_receipt", ballot)
    receipt = client.get(cast.url)
    return re.search(r'id="receipt-code">([^<]+)<', receipt.content.decode()).group(1)


def close(ballot, secretary):
    return services.close_ballot(ballot, by=secretary, reason="Testing the count")


# --- every kind, end to end ----------------------------------------------------------------------

def test_resolution_cast_end_to_end_is_counted(client_for, voter, open_ballot, secretary):
    ballot = open_ballot(kind="resolution")
    client = client_for(voter.user)
    for_ = option(ballot, "For")
    page = client.get(url("ballot_detail", ballot))
    assert "How do you vote on this resolution?" in text(page)
    check = client.post(url("ballot_vote", ballot), {"choice": for_.pk})
    assert "Your vote For" in text(check)
    receipt = vote_through_web(client, ballot, {"choice": for_.pk})
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", receipt)
    result = selectors.results(close(ballot, secretary))
    assert result.head_counts[for_.pk] == 1
    assert result.outcome.passed


def test_choice_cast_end_to_end_is_counted(client_for, voter, open_ballot, secretary):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus", "Training"])
    vote_through_web(client_for(voter.user), ballot, {"choice": option(ballot, "Minibus").pk})
    result = selectors.results(close(ballot, secretary))
    assert result.winners == [option(ballot, "Minibus")]
    assert result.head_counts[option(ballot, "Minibus").pk] == 1


def test_approval_cast_end_to_end_is_counted(client_for, voter, open_ballot, secretary):
    ballot = open_ballot(kind="approval", options=["Garden", "Minibus", "Training"])
    client = client_for(voter.user)
    data = {"choices": [option(ballot, "Garden").pk, option(ballot, "Training").pk]}
    check = client.post(url("ballot_vote", ballot), data)
    assert "You ticked Garden, Training" in text(check)
    vote_through_web(client, ballot, data)
    result = selectors.results(close(ballot, secretary))
    assert result.head_counts == {option(ballot, "Garden").pk: 1,
                                  option(ballot, "Minibus").pk: 0,
                                  option(ballot, "Training").pk: 1}


def test_allocation_cast_end_to_end_is_counted(client_for, voter, open_ballot, secretary):
    ballot = open_ballot(kind="allocation", options=["Garden", "Minibus", "Training"])
    client = client_for(voter.user)
    page = client.get(url("ballot_detail", ballot))
    assert "Your points must add up to 100" in text(page)
    data = {"points_0": "60", "points_1": "", "points_2": "40"}
    check = client.post(url("ballot_vote", ballot), data)
    assert "Garden 60 points Minibus 0 points Training 40 points" in text(check)
    vote_through_web(client, ballot, data)
    result = selectors.results(close(ballot, secretary))
    assert selectors.percent(result.outcome.shares[option(ballot, "Garden").pk]) == 60
    assert selectors.percent(result.outcome.shares[option(ballot, "Training").pk]) == 40


def test_ranked_cast_end_to_end_is_counted(client_for, voter, open_ballot, secretary):
    ballot = open_ballot(kind="ranked", options=["Asha", "Ben", "Cleo"], seats=1,
                         weighting="one_member")
    client = client_for(voter.user)
    data = {"rank_0": "2", "rank_1": "1", "rank_2": ""}
    check = client.post(url("ballot_vote", ballot), data)
    assert "Choice 1 Ben Choice 2 Asha Not ranked Cleo" in text(check)
    vote_through_web(client, ballot, data)
    assert selectors.ranked_ballots(ballot) == [
        ((option(ballot, "Ben").pk, option(ballot, "Asha").pk), 1)]
    result = selectors.results(close(ballot, secretary))
    assert result.stv.elected == [option(ballot, "Ben").pk]


# --- errors next to the field, nothing written ---------------------------------------------------

def assert_nothing_written(ballot, member):
    assert not Envelope.objects.filter(ballot=ballot).exists()
    assert not RollEntry.objects.get(ballot=ballot, member=member).has_voted


def test_allocation_not_adding_up_to_100_is_shown_next_to_the_boxes(client_for, voter,
                                                                    open_ballot):
    ballot = open_ballot(kind="allocation", options=["Garden", "Minibus"])
    response = client_for(voter.user).post(url("ballot_vote", ballot),
                                           {"points_0": "50", "points_1": "40"})
    assert response.status_code == 200
    assert_field_error(response, "points", "Your points add up to 90. They must add up to "
                                           "exactly 100.")
    assert elements(response)["id_points_0"]["value"] == "50"  # choices kept
    assert elements(response)["id_points_1"]["value"] == "40"
    assert_nothing_written(ballot, voter)


def test_points_that_are_not_a_number_are_shown_next_to_that_box(client_for, voter,
                                                                 open_ballot):
    ballot = open_ballot(kind="allocation", options=["Garden", "Minibus"])
    response = client_for(voter.user).post(url("ballot_vote", ballot),
                                           {"points_0": "lots", "points_1": "40"})
    found = elements(response)
    assert found["id_points_0"]["aria-invalid"] == "true"
    assert "id_points_0_error" in found["id_points_0"]["aria-describedby"].split()
    assert "Enter a whole number of points, like 25." in text(response)
    assert "aria-invalid" not in found["id_points_1"]
    assert_nothing_written(ballot, voter)


def test_no_choice_is_shown_next_to_the_radios(client_for, voter, open_ballot):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    response = client_for(voter.user).post(url("ballot_vote", ballot), {})
    assert_field_error(response, "choice", "Choose one option.")
    assert_nothing_written(ballot, voter)


def test_no_tick_on_approval_is_shown_next_to_the_checkboxes(client_for, voter, open_ballot):
    ballot = open_ballot(kind="approval", options=["Garden", "Minibus"])
    response = client_for(voter.user).post(url("ballot_vote", ballot), {})
    assert_field_error(response, "choices", "Tick at least one option.")


def test_ranks_with_gaps_are_shown_next_to_the_boxes(client_for, voter, open_ballot):
    ballot = open_ballot(kind="ranked", options=["Asha", "Ben", "Cleo"], weighting="one_member")
    response = client_for(voter.user).post(url("ballot_vote", ballot),
                                           {"rank_0": "1", "rank_1": "3"})
    assert_field_error(response, "rank", "without gaps")
    assert elements(response)["id_rank_1"]["value"] == "3"
    assert_nothing_written(ballot, voter)


def test_a_rank_above_the_number_of_candidates_is_refused(client_for, voter, open_ballot):
    ballot = open_ballot(kind="ranked", options=["Asha", "Ben"], weighting="one_member")
    response = client_for(voter.user).post(url("ballot_vote", ballot),
                                           {"rank_0": "1", "rank_1": "7"})
    assert "There are 2 candidates, so the highest number you can use is 2." in text(response)
    assert elements(response)["id_rank_1"]["aria-invalid"] == "true"


def test_a_tampered_cast_is_checked_again(client_for, voter, open_ballot):
    """The cast step validates again: hidden fields are only a convenience."""
    ballot = open_ballot(kind="allocation", options=["Garden", "Minibus"])
    response = client_for(voter.user).post(url("ballot_confirm", ballot),
                                           {"points_0": "99", "points_1": "99"})
    assert_field_error(response, "points", "They must add up to exactly 100.")
    assert_nothing_written(ballot, voter)


# --- change, already voted, closed ---------------------------------------------------------------

def test_change_button_brings_the_choices_back(client_for, voter, open_ballot):
    ballot = open_ballot(kind="approval", options=["Garden", "Minibus", "Training"])
    client = client_for(voter.user)
    check = client.post(url("ballot_vote", ballot), {"choices": [option(ballot, "Minibus").pk]})
    back = post_pairs(client, url("ballot_vote", ballot),
                      carried(check, url("ballot_vote", ballot)), change="1")
    found = elements(back)
    assert "checked" in found["id_choices_1"] and "checked" not in found["id_choices_0"]
    assert "There is a problem" not in text(back)
    assert not Envelope.objects.filter(ballot=ballot).exists()


def test_already_voted_cannot_vote_again(client_for, voter, open_ballot):
    ballot = open_ballot(kind="resolution")
    client = client_for(voter.user)
    vote_through_web(client, ballot, {"choice": option(ballot, "For").pk})
    page = client.get(url("ballot_detail", ballot))
    assert "You have voted in this ballot." in text(page)
    assert "This ballot does not allow votes to be changed." in text(page)
    assert "id_choice_0" not in elements(page)
    again = client.post(url("ballot_confirm", ballot), {"choice": option(ballot, "Against").pk},
                        follow=True)
    assert "You have already voted in this ballot." in text(again)
    assert Envelope.objects.filter(ballot=ballot).count() == 1


def test_change_vote_when_allowed_last_one_counts(client_for, voter, open_ballot, secretary):
    ballot = open_ballot(kind="resolution", allow_vote_changes=True)
    client = client_for(voter.user)
    first = vote_through_web(client, ballot, {"choice": option(ballot, "For").pk})
    page = client.get(url("ballot_detail", ballot))
    assert "You can change your vote until voting closes" in text(page)
    second = vote_through_web(client, ballot, {"choice": option(ballot, "Against").pk})
    result = selectors.results(close(ballot, secretary))
    assert result.head_counts[option(ballot, "Against").pk] == 1
    assert result.head_counts[option(ballot, "For").pk] == 0
    assert selectors.receipt_status(ballot, first) == "replaced"
    assert selectors.receipt_status(ballot, second) == "counted"


def test_closed_ballot_past_its_time_refuses_without_any_job(client_for, voter, open_ballot):
    ballot = open_ballot(kind="resolution")
    past = timezone.now() - timedelta(minutes=1)
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=past - timedelta(hours=1),
                                               opened_at=past - timedelta(hours=1),
                                               closes_at=past)
    client = client_for(voter.user)
    page = client.get(url("ballot_detail", ballot))
    assert "This ballot has closed, so it takes no more votes." in text(page)
    assert "id_choice_0" not in elements(page)
    response = client.post(url("ballot_confirm", ballot), {"choice": option(ballot, "For").pk},
                           follow=True)
    assert "This ballot has closed, so it cannot take any more votes." in text(response)
    assert_nothing_written(ballot, voter)


# --- who may vote, who may look ------------------------------------------------------------------

def test_member_who_joined_after_the_record_date_is_told_why(client_for, society, classes,
                                                           open_ballot):
    ballot = open_ballot(kind="resolution")
    late = MemberFactory(society=society, member_class=classes[0],
                         admitted_on=timezone.localdate() + timedelta(days=1))
    page = client_for(late.user).get(url("ballot_detail", ballot))
    assert "You cannot vote in this ballot." in text(page)
    assert "after this ballot's record date" in text(page)
    response = client_for(late.user).post(url("ballot_confirm", ballot),
                                          {"choice": option(ballot, "For").pk}, follow=True)
    assert "You are not on the roll for this ballot" in text(response)
    assert not Envelope.objects.filter(ballot=ballot).exists()


def test_ballot_for_another_class_says_so(client_for, voter, classes, open_ballot):
    ballot = open_ballot(kind="resolution", only_class=classes[1])
    page = client_for(voter.user).get(url("ballot_detail", ballot))
    assert f"This ballot is only for members in the class “{classes[1].name}”" in text(page)


def test_member_of_a_class_that_does_not_vote_is_told(client_for, society, classes, open_ballot):
    supporters = MemberClass.objects.create(society=society, name="Supporters", votes=False,
                                            weight=0, position=9)
    supporter = MemberFactory(society=society, member_class=supporters)
    ballot = open_ballot(kind="resolution")
    page = client_for(supporter.user).get(url("ballot_detail", ballot))
    assert "Members in the class “Supporters” do not vote." in text(page)


def test_officer_who_is_not_a_member_can_read_but_not_vote(client_for, society, voter,
                                                           open_ballot, officer_for):
    treasurer = officer_for("treasurer")
    ballot = open_ballot(kind="resolution")
    client = client_for(treasurer)
    page = client.get(url("ballot_detail", ballot))
    assert page.status_code == 200
    assert "You are not a member of Mutual Support" in text(page)
    response = client.post(url("ballot_vote", ballot), {"choice": option(ballot, "For").pk},
                           follow=True)
    assert "Only members can vote." in text(response)


def test_another_societys_ballot_is_not_found(client_for, voter, open_ballot, other_society):
    ballot = open_ballot(kind="resolution")
    outsider = MemberFactory(society=other_society)
    client = client_for(outsider.user)
    # Through the other society's address: not found. Through this one's: not a member.
    for name in ["ballot_detail", "ballot_receipt", "receipt_check"]:
        path = reverse(name, args=[other_society.slug, ballot.pk])
        assert client.get(path).status_code == 404
    for name in ["ballot_vote", "ballot_confirm"]:
        path = reverse(name, args=[other_society.slug, ballot.pk])
        assert client.post(path, {"choice": option(ballot, "For").pk}).status_code == 404
    assert client.get(url("ballot_detail", ballot)).status_code == 403
    assert not Envelope.objects.filter(ballot=ballot).exists()


def test_signed_out_visitors_are_sent_to_sign_in(open_ballot):
    ballot = open_ballot(kind="resolution")
    response = PageCheckingClient().get(url("ballot_detail", ballot))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_members_do_not_see_drafts(client_for, voter, society, secretary):
    draft = services.create_ballot(society, by=secretary, title="Secret plans", summary="x")
    client = client_for(voter.user)
    assert client.get(url("ballot_detail", draft)).status_code == 404
    assert "Secret plans" not in text(client.get(reverse("ballot_list", args=[society.slug])))


# --- the list ------------------------------------------------------------------------------------

def test_list_shows_open_ballots_first_with_the_members_state(client_for, voter, society,
                                                              classes, open_ballot, secretary):
    voted = open_ballot(kind="resolution", title="Voted one")
    open_ballot(kind="resolution", title="Waiting one")
    open_ballot(kind="resolution", title="Carers only", only_class=classes[1])
    closed = open_ballot(kind="resolution", title="Old one")
    services.cast_vote(voted, voter, {option(voted, "For").pk: 1})
    close(closed, secretary)
    services.certify_ballot(closed, by=OfficerFactory(society=society, role="scrutineer").user)
    services.publish_ballot(closed, by=secretary)

    page = text(client_for(voter.user).get(reverse("ballot_list", args=[society.slug])))
    assert page.index("Open for voting") < page.index("Voted one") < page.index("Closed votes")
    assert "Voted one Open for voting You have voted" in page
    assert "Waiting one Open for voting Not voted yet" in page
    assert "Carers only Open for voting Not on the roll" in page
    assert page.index("Closed votes") < page.index("Old one")
    assert "Old one Result published You did not vote" in page
    assert "Results of Old one" in page
    assert "Voting closes at" in page
    assert "Create a ballot" not in page and "Manage" not in page


def test_officers_see_drafts_and_links_to_create_and_manage(client_for, society, secretary):
    draft = services.create_ballot(society, by=secretary, title="Draft budget", summary="x")
    response = client_for(secretary).get(reverse("ballot_list", args=[society.slug]))
    page = text(response)
    assert "Drafts and ballots that open later" in page and "Draft budget" in page
    html = response.content.decode()
    assert reverse("ballot_new", args=[society.slug]) in html
    assert url("ballot_manage", draft) in html


def test_list_shows_only_this_societys_ballots(client_for, voter, open_ballot, secretary):
    open_ballot(kind="resolution", title="Ours")
    elsewhere = SocietyFactory(name="Far Co-op", slug="far")
    their_secretary = OfficerFactory(society=elsewhere).user
    theirs = services.create_ballot(elsewhere, by=their_secretary, title="Theirs", summary="x")
    services.open_ballot(theirs, by=their_secretary,
                         closes_at=timezone.now() + timedelta(days=1))
    page = text(client_for(voter.user).get(reverse("ballot_list", args=["mutual"])))
    assert "Ours" in page and "Theirs" not in page


@pytest.mark.parametrize("count", [1, 12])
def test_list_query_count_does_not_grow(client_for, voter, society, open_ballot, secretary,
                                        django_assert_max_num_queries, count):
    ballots = [open_ballot(kind="resolution", title=f"Ballot {i}") for i in range(count)]
    services.cast_vote(ballots[0], voter, {option(ballots[0], "For").pk: 1})
    services.create_ballot(society, by=secretary, title="A draft", summary="x")
    client = client_for(voter.user)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("ballot_list", args=[society.slug]))
    assert text(response).count("Open for voting") == count + 1  # the heading and each tag


# --- the ballot page -----------------------------------------------------------------------------

def test_ballot_page_explains_weighting_and_changes(client_for, voter, open_ballot):
    ballot = open_ballot(kind="resolution", resolution_kind="special")
    page = text(client_for(voter.user).get(url("ballot_detail", ballot)))
    assert "Each class of member carries a fixed share of the result" in page
    assert "passes if at least 75% of the votes cast for and against are for it" in page
    assert "Once you have cast your vote, you cannot change it." in page
    assert "Voting closes" in page and "What this vote is about" in page


def test_easy_read_is_shown_first_to_members_who_asked_for_it(client_for, society, classes,
                                                              open_ballot):
    reader = MemberFactory(society=society, member_class=classes[0], easy_read=True)
    other = MemberFactory(society=society, member_class=classes[0])
    ballot = open_ballot(kind="resolution", summary="The board proposes a new policy.",
                         easy_read_summary="We want to change a rule.")
    first = client_for(reader.user).get(url("ballot_detail", ballot)).content.decode()
    assert first.index("We want to change a rule.") < first.index("The board proposes")
    assert "<details>" not in first
    second = client_for(other.user).get(url("ballot_detail", ballot)).content.decode()
    assert second.index("The board proposes") < second.index("We want to change a rule.")
    assert re.search(r"<details>\s*<summary>Read this in easy read</summary>\s*<p>We want",
                     second)


def test_scheduled_ballot_opens_when_its_page_is_visited(client_for, society, voter, secretary):
    ballot = services.create_ballot(society, by=secretary, title="Later", summary="x",
                                    kind="resolution")
    soon = timezone.now() + timedelta(minutes=5)
    services.schedule_ballot(ballot, by=secretary, opens_at=soon,
                             closes_at=soon + timedelta(days=2))
    Ballot.objects.filter(pk=ballot.pk).update(opens_at=timezone.now() - timedelta(seconds=1))
    page = client_for(voter.user).get(url("ballot_detail", ballot))
    assert page.status_code == 200 and "id_choice_0" in elements(page)


# --- receipts ------------------------------------------------------------------------------------

def test_receipt_is_shown_once_and_never_recorded(client_for, voter, open_ballot):
    ballot = open_ballot(kind="resolution")
    client = client_for(voter.user)
    audit_before = AuditEntry.objects.count()
    check = client.post(url("ballot_vote", ballot), {"choice": option(ballot, "For").pk})
    cast = post_pairs(client, url("ballot_confirm", ballot),
                      carried(check, url("ballot_confirm", ballot)))
    first = client.get(cast.url)
    code = re.search(r'id="receipt-code">([^<]+)<', first.content.decode()).group(1)
    assert "after the vote closes you can check your vote was counted" in text(first).lower()
    assert "will not be shown again" in text(first)
    assert "no-store" in first.headers["Cache-Control"]
    again = client.get(cast.url)
    assert code not in again.content.decode()
    assert "It has already been shown" in text(again)
    assert code not in str(dict(client.session))
    assert AuditEntry.objects.count() == audit_before  # nobody logs who voted when
    assert selectors.receipt_status(ballot, code) == "counted"


def test_receipt_check_waits_for_close(client_for, voter, open_ballot):
    ballot = open_ballot(kind="resolution")
    code = services.cast_vote(ballot, voter, {option(ballot, "For").pk: 1})
    client = client_for(voter.user)
    page = client.get(url("receipt_check", ballot))
    assert "Receipts and results are available after close." in text(page)
    response = client.post(url("receipt_check", ballot), {"code": code})
    assert "Your vote was counted." not in text(response)


def test_receipt_check_after_close(client_for, voter, open_ballot, secretary):
    ballot = open_ballot(kind="resolution", allow_vote_changes=True)
    old = services.cast_vote(ballot, voter, {option(ballot, "For").pk: 1})
    new = services.cast_vote(ballot, voter, {option(ballot, "Against").pk: 1})
    close(ballot, secretary)
    client = client_for(voter.user)
    counted = client.post(url("receipt_check", ballot), {"code": new.lower().replace("-", "")})
    assert "Your vote was counted." in text(counted)
    replaced = client.post(url("receipt_check", ballot), {"code": old})
    assert "replaced by a later vote" in text(replaced)
    missing = client.post(url("receipt_check", ballot), {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert "No vote in this ballot has this receipt code." in text(missing)


def test_receipt_check_explains_a_malformed_code(client_for, voter, open_ballot, secretary):
    ballot = close(open_ballot(kind="resolution"), secretary)
    client = client_for(voter.user)
    assert_field_error(client.post(url("receipt_check", ballot), {"code": ""}), "code",
                       "Enter your receipt code.")
    assert_field_error(client.post(url("receipt_check", ballot), {"code": "ABC"}), "code",
                       "A receipt code has 16 letters and numbers")


def test_a_double_click_on_cast_shows_the_first_receipt(client_for, voter, open_ballot):
    ballot = open_ballot(kind="resolution")
    client = client_for(voter.user)
    data = {"choice": option(ballot, "For").pk}
    first = client.post(url("ballot_confirm", ballot), data)
    second = client.post(url("ballot_confirm", ballot), data)
    assert first.url == second.url == url("ballot_receipt", ballot)
    receipt = client.get(second.url)
    assert elements(receipt).get("receipt-code")
    assert Envelope.objects.filter(ballot=ballot).count() == 1


def test_receipt_code_is_kept_in_no_session_and_no_database_row(client_for, voter, open_ballot):
    """Between casting and the receipt page the code travels in a signed cookie sent only to
    the receipt page; no session row (decoded) and no vote row holds it."""
    ballot = open_ballot(kind="resolution")
    client = client_for(voter.user)
    cast = client.post(url("ballot_confirm", ballot), {"choice": option(ballot, "For").pk})
    cookie = cast.cookies[f"coop_receipt_secret_{ballot.pk}"]
    assert cookie["path"] == url("ballot_receipt", ballot)
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 600
    receipt = client.get(cast.url)
    code = re.search(r'id="receipt-code">([^<]+)<', receipt.content.decode()).group(1)
    assert code in cookie.value  # signed, so it cannot be forged or changed
    sessions = [s.get_decoded() for s in Session.objects.all()]
    assert sessions and all(code not in str(data) for data in sessions)
    for model in apps.get_models():  # every row of every table, as stored
        for row in model._base_manager.values_list():
            assert code not in str(row), f"{model.__name__} holds the receipt code"
    shown = receipt.cookies[f"coop_receipt_secret_{ballot.pk}"]
    assert shown.value == ""  # deleted as shown
    assert shown["path"] == url("ballot_receipt", ballot)


def test_receipt_cookie_shows_nobody_else(client_for, voter, society, classes, open_ballot):
    """In a shared browser, the next person to sign in within ten minutes does not see it."""
    ballot = open_ballot(kind="resolution")
    other = MemberFactory(society=society, member_class=classes[0])
    client = client_for(voter.user)
    client.post(url("ballot_confirm", ballot), {"choice": option(ballot, "For").pk})
    client.force_login(other.user)
    page = client.get(url("ballot_receipt", ballot))
    assert "receipt-code" not in elements(page)
    assert "You have not voted in this ballot" in text(page)


def test_a_second_press_without_the_first_response_says_the_vote_was_cast(client_for, voter,
                                                                          open_ballot):
    """When the browser dropped the first press's response (so it has no cookie), the second
    press is told plainly that the first one cast the vote."""
    ballot = open_ballot(kind="resolution")
    data = {"choice": option(ballot, "For").pk}
    client_for(voter.user).post(url("ballot_confirm", ballot), data)
    second = client_for(voter.user).post(url("ballot_confirm", ballot), data, follow=True)
    assert "You have already voted in this ballot." in text(second)
    assert "your first press cast your vote and your receipt code was shown" in text(second)
    assert "receipt-code" not in elements(second)
    assert Envelope.objects.filter(ballot=ballot).count() == 1


def test_receipt_page_without_a_vote_says_so(client_for, voter, open_ballot):
    ballot = open_ballot(kind="resolution")
    page = client_for(voter.user).get(url("ballot_receipt", ballot))
    assert "You have not voted in this ballot" in text(page)


def test_a_recused_member_is_told_why_and_cannot_vote(client_for, voter, open_ballot):
    ballot = open_ballot(kind="resolution")
    RollEntry.objects.filter(ballot=ballot, member=voter).update(recused=True)
    client = client_for(voter.user)
    page = client.get(url("ballot_detail", ballot))
    assert "You have an interest in what this ballot decides" in text(page)
    assert "id_choice_0" not in elements(page)
    response = client.post(url("ballot_vote", ballot), {"choice": option(ballot, "For").pk},
                           follow=True)
    assert "under the co-op's rules you do not vote in it" in text(response)
    assert_nothing_written(ballot, voter)
