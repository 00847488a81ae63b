"""The interest prompt in the member's web vote flow, for each conflict policy: a member with a
declared or deemed interest in the ballot's topics reads it and confirms; a member with none
says so or declares one; recused members are told why; the answer is carried through the check
page and cannot be skipped."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from membership.interests import services as interest_services
from membership.models import Declaration, InterestTopic
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, assert_field_error, elements, text
from voting import services
from voting.conflicts import InterestAnswer
from voting.models import Envelope, RollEntry
from voting.selectors import results

from .conftest import option
from .sealed import only_sealed, sealed
from .test_member_pages import carried, post_pairs, url

PA_PAY = "PA pay and conditions"


@pytest.fixture
def client_for():
    def make(user):
        client = PageCheckingClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def topic(society):
    return InterestTopic.objects.get(society=society, name=PA_PAY)


@pytest.fixture
def pa(society, classes):
    return MemberFactory(society=society, member_class=classes[2])


@pytest.fixture
def user_member(society, classes):
    return MemberFactory(society=society, member_class=classes[0])


@pytest.fixture
def pay_ballot(society, secretary, topic):
    """pay_ballot(policy) -> an open one-member-one-vote resolution about PA pay."""

    def make(policy, **fields):
        ballot = services.create_ballot(
            society, by=secretary, title="Raise PA pay", summary="Raise PA pay by 5%.",
            kind="resolution", weighting="one_member", topics=[topic],
            conflict_policy=policy, **fields)
        return services.open_ballot(ballot, by=secretary,
                                    closes_at=timezone.now() + timedelta(days=7))

    return make


def check_and_cast(client, ballot, data):
    """Ballot page answer → check page → cast → receipt. Returns the check page's text."""
    check = client.post(url("ballot_vote", ballot), data)
    assert check.status_code == 200
    assert "Check your answer before you vote" in text(check), text(check)[:800]
    cast = post_pairs(client, url("ballot_confirm", ballot),
                      carried(check, url("ballot_confirm", ballot)))
    assert cast.status_code == 302 and cast.url == url("ballot_receipt", ballot)
    assert "receipt-code" in elements(client.get(cast.url))
    return text(check)


def assert_no_vote(ballot):
    assert not Envelope.objects.filter(ballot=ballot).exists()
    assert not RollEntry.objects.filter(ballot=ballot, has_voted=True).exists()


def close(ballot, secretary):
    return services.close_ballot(ballot, by=secretary, reason="Testing the count")


# --- declare -------------------------------------------------------------------------------------

def test_declare_pa_confirms_deemed_interest_and_results_show_without_it(
        client_for, pay_ballot, pa, society, classes, user_member, secretary):
    other_pa = MemberFactory(society=society, member_class=classes[2])
    society.class_breakdown_minimum = 2  # so two interested votes may be compared
    society.save()
    ballot = pay_ballot("declare")
    for_, against = option(ballot, "For"), option(ballot, "Against")
    client = client_for(pa.user)
    page = text(client.get(url("ballot_detail", ballot)))
    assert "Your interests in this vote" in page
    assert ("As a personal assistant you are treated as having an interest in PA pay and "
            "conditions") in page
    assert ("Your vote counts. The results will also show the result without votes from "
            "members with an interest.") in page
    assert page.index("Your interests in this vote") < page.index("How do you vote")
    assert "I have read my interests and I want to vote" in page

    # Not ticking the box is an error next to it, and the choice is kept.
    refused = client.post(url("ballot_vote", ballot), {"choice": for_.pk})
    assert_field_error(refused, "interest_confirmed", "Tick the box to say you have read your "
                                                      "interests")
    assert "checked" in elements(refused)["id_choice_0"]

    check = check_and_cast(client, ballot, {"choice": for_.pk, "interest_confirmed": "on"})
    assert "Your interests As a personal assistant you are treated as having" in check
    services.cast_vote(ballot, other_pa, {for_.pk: 1},
                       interest=InterestAnswer(confirmed=True))
    check_and_cast(client_for(user_member.user), ballot,
                   {"choice": against.pk, "interest_answer": "no"})

    assert sorted(c.with_interest for c in sealed(ballot)) == [False, True, True]
    result = results(close(ballot, secretary))
    assert result.outcome.passed  # 2 for, 1 against
    assert result.with_interest == 2
    assert result.without_interest.passed is False  # without the PAs: 0 for, 1 against
    assert result.without_interest.shares[against.pk] == 1


def test_declared_interest_is_shown_in_plain_words(client_for, pay_ballot, user_member,
                                                   society, topic):
    interest_services.declare(
        society, user_member.user, by=user_member.user, topics=[topic],
        interest_type="family", description="My son is a PA employed by the co-op.")
    ballot = pay_ballot("declare")
    page = text(client_for(user_member.user).get(url("ballot_detail", ballot)))
    assert ("You declared an interest in PA pay and conditions: My son is a PA employed by "
            "the co-op.") in page
    assert "Do you have an interest to declare" not in page


# --- recuse --------------------------------------------------------------------------------------

def test_recuse_pa_cannot_vote_and_the_count_says_so(client_for, pay_ballot, pa, user_member,
                                                     secretary):
    ballot = pay_ballot("recuse")
    client = client_for(pa.user)
    page = client.get(url("ballot_detail", ballot))
    assert "You cannot vote in this ballot." in text(page)
    assert "You have an interest in what this ballot decides" in text(page)
    assert "id_choice_0" not in elements(page)
    assert "id_interest_confirmed" not in elements(page)
    assert RollEntry.objects.get(ballot=ballot, member=pa).recused
    data = {"choice": option(ballot, "For").pk, "interest_confirmed": "on"}
    for name in ["ballot_vote", "ballot_confirm"]:
        response = client.post(url(name, ballot), data, follow=True)
        assert "under the co-op's rules you do not vote in it" in text(response)
    assert_no_vote(ballot)

    check_and_cast(client_for(user_member.user), ballot,
                   {"choice": option(ballot, "Against").pk, "interest_answer": "no"})
    result = results(close(ballot, secretary))
    assert result.recused == 1 and result.voted == 1
    page = client_for(secretary).get(url("ballot_results", ballot))
    assert "1 member on the roll had an interest" in text(page)


def test_recuse_member_who_declares_at_the_prompt_is_recused(client_for, pay_ballot,
                                                             user_member, secretary):
    """The declaration is kept in the register; the vote is refused and the count says so."""
    ballot = pay_ballot("recuse")
    client = client_for(user_member.user)
    page = text(client.get(url("ballot_detail", ballot)))
    assert "the co-op's rules say you do not vote in this ballot" in page
    response = client.post(url("ballot_confirm", ballot), {
        "choice": option(ballot, "For").pk, "interest_answer": "declare",
        "interest_type": "financial", "interest_description": "I am paid as a PA."},
        follow=True)
    assert ("You have declared an interest in what this ballot decides, so under the co-op's "
            "rules you do not vote in it.") in text(response)
    assert "You cannot vote in this ballot." in text(response)
    assert "id_choice_0" not in elements(response)
    assert_no_vote(ballot)
    assert Declaration.objects.get().person == user_member.user
    assert RollEntry.objects.get(ballot=ballot, member=user_member).recused
    assert results(close(ballot, secretary)).recused == 1


# --- record --------------------------------------------------------------------------------------

def test_record_pa_is_prompted_and_counted_as_normal(client_for, pay_ballot, pa, user_member,
                                                    secretary):
    ballot = pay_ballot("record")
    client = client_for(pa.user)
    page = text(client.get(url("ballot_detail", ballot)))
    assert "As a personal assistant you are treated as having an interest" in page
    assert "Your vote counts as normal. Your interest is kept in the register." in page
    assert "without votes from members with an interest" not in page
    check_and_cast(client, ballot, {"choice": option(ballot, "For").pk,
                                    "interest_confirmed": "on"})
    check_and_cast(client_for(user_member.user), ballot,
                   {"choice": option(ballot, "Against").pk, "interest_answer": "no"})
    assert [c.with_interest for c in sealed(ballot)].count(True) == 1
    result = results(close(ballot, secretary))
    assert result.outcome.passed is False  # 1 for, 1 against: a tie does not pass
    assert result.head_counts[option(ballot, "For").pk] == 1
    assert result.without_interest is None


# --- members with nothing matching ---------------------------------------------------------------

def test_member_with_no_interest_answers_no(client_for, pay_ballot, user_member):
    ballot = pay_ballot("declare")
    client = client_for(user_member.user)
    page = client.get(url("ballot_detail", ballot))
    assert "Do you have an interest to declare in: PA pay and conditions?" in text(page)
    assert "Only if you answered yes" in text(page)
    found = elements(page)
    assert found["id_interest_answer_0"]["value"] == "no"
    assert found["id_interest_answer_1"]["value"] == "declare"
    assert "id_interest_description" in found and "id_interest_type_0" in found

    check = check_and_cast(client, ballot, {"choice": option(ballot, "For").pk,
                                            "interest_answer": "no"})
    assert "You said you have no interest to declare in PA pay and conditions." in check
    assert only_sealed(ballot).with_interest is False
    assert not Declaration.objects.exists()


def test_member_declares_a_new_interest_at_the_prompt(client_for, pay_ballot, user_member,
                                                      topic):
    ballot = pay_ballot("declare")
    client = client_for(user_member.user)
    began = timezone.localdate() - timedelta(days=100)
    data = {"choice": option(ballot, "For").pk, "interest_answer": "declare",
            "interest_type": "family", "interest_description": "My daughter is a PA here.",
            "interest_other_party": "Sam Jones", "interest_began_on": began.isoformat()}
    check = check_and_cast(client, ballot, data)
    assert ("You are declaring Family or close relationship: My daughter is a PA here. "
            f"(involving Sam Jones) since {began.day} {began:%B %Y}") in check
    declaration = Declaration.objects.get()
    assert declaration.person == user_member.user
    assert list(declaration.topics.all()) == [topic]
    assert (declaration.interest_type, declaration.other_party, declaration.began_on) == (
        "family", "Sam Jones", began)
    assert only_sealed(ballot).with_interest is True


def test_change_on_the_check_page_brings_the_declaration_back(client_for, pay_ballot,
                                                              user_member):
    ballot = pay_ballot("declare")
    client = client_for(user_member.user)
    check = client.post(url("ballot_vote", ballot), {
        "choice": option(ballot, "For").pk, "interest_answer": "declare",
        "interest_type": "personal", "interest_description": "I use PA support."})
    back = post_pairs(client, url("ballot_vote", ballot),
                      carried(check, url("ballot_vote", ballot)), change="1")
    found = elements(back)
    assert "checked" in found["id_interest_answer_1"]
    assert "checked" in found["id_interest_type_1"]
    assert "I use PA support." in text(back)
    assert "There is a problem" not in text(back)
    assert not Declaration.objects.exists()


# --- the prompt cannot be skipped, and a failed declaration writes nothing ---------------------

def test_posting_straight_to_cast_without_an_answer_is_refused(client_for, pay_ballot,
                                                               user_member, pa):
    ballot = pay_ballot("declare")
    choice = {"choice": option(ballot, "For").pk}
    response = client_for(user_member.user).post(url("ballot_confirm", ballot), choice)
    assert response.status_code == 200
    assert_field_error(response, "interest_answer", "Say whether you have an interest to "
                                                    "declare.")
    response = client_for(pa.user).post(url("ballot_confirm", ballot), choice)
    assert_field_error(response, "interest_confirmed", "Tick the box")
    assert_no_vote(ballot)


def test_a_declaration_missing_its_details_is_shown_next_to_each_field(client_for, pay_ballot,
                                                                      user_member):
    ballot = pay_ballot("declare")
    client = client_for(user_member.user)
    data = {"choice": option(ballot, "For").pk, "interest_answer": "declare",
            "interest_description": "   "}
    for name in ["ballot_vote", "ballot_confirm"]:
        response = client.post(url(name, ballot), data)
        assert_field_error(response, "interest_type", "Choose the kind of interest.")
        assert_field_error(response, "interest_description", "Describe the interest")
        assert "checked" in elements(response)["id_interest_answer_1"]
    future = client.post(url("ballot_confirm", ballot), data | {
        "interest_type": "other", "interest_description": "A contract.",
        "interest_began_on": (timezone.localdate() + timedelta(days=3)).isoformat()})
    assert_field_error(future, "interest_began_on", "cannot be in the future")
    bad_date = client.post(url("ballot_confirm", ballot), data | {
        "interest_type": "other", "interest_description": "A contract.",
        "interest_began_on": "31/02/2025"})
    assert_field_error(bad_date, "interest_began_on", "Enter the date it began as a real date")
    assert_no_vote(ballot)
    assert not Declaration.objects.exists()


def test_a_refused_vote_leaves_no_declaration(client_for, pay_ballot, user_member):
    """The vote is refused after the answer was accepted (the ballot closed meanwhile)."""
    ballot = pay_ballot("declare")
    client = client_for(user_member.user)
    check = client.post(url("ballot_vote", ballot), {
        "choice": option(ballot, "For").pk, "interest_answer": "declare",
        "interest_type": "financial", "interest_description": "I sell to the co-op."})
    past = timezone.now() - timedelta(seconds=1)
    type(ballot).objects.filter(pk=ballot.pk).update(
        opens_at=past - timedelta(hours=1), opened_at=past - timedelta(hours=1), closes_at=past)
    response = post_pairs(client, url("ballot_confirm", ballot),
                          carried(check, url("ballot_confirm", ballot)))
    assert response.status_code == 302
    assert "has closed" in text(client.get(response.url))
    assert_no_vote(ballot)
    assert not Declaration.objects.exists()


def test_ballot_without_topics_asks_nothing(client_for, open_ballot, user_member):
    ballot = open_ballot(kind="resolution")
    page = client_for(user_member.user).get(url("ballot_detail", ballot))
    assert "Your interests in this vote" not in text(page)
    assert "id_interest_answer_0" not in elements(page)


def test_the_ballot_list_still_works_with_topics(client_for, pay_ballot, pa, society):
    pay_ballot("declare")
    page = client_for(pa.user).get(reverse("ballot_list", args=[society.slug]))
    assert "Raise PA pay" in text(page)
