"""The busiest requests: a vote (API and web), the home page, the ballot list and the results
page. Their query counts are pinned; what they read from the shared cache (an open ballot's
frozen facts, a certified result) is forgotten when it changes, and a stale entry can only
make a vote fail, never count where it should not."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from coop.api_auth import create_token
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, text
from voting import frozen, services, views_results
from voting.models import Ballot, RollEntry

from .conftest import option
from .sealed import sealed

# PostgreSQL: the token's user with its last use noted and their roll entry; the roll flag
# with the sealed envelope. SQLite: the roll entry, the touch, the savepoint and its release
# are five more.
VOTE_QUERIES = 2 if connection.vendor == "postgresql" else 7
# A cold cache: the ballot, its options and topics are 3; the session, and the user with
# their roll entry (SQLite: apart), no society; the write (SQLite: 5 statements).
CONFIRM_QUERIES = 6 if connection.vendor == "postgresql" else 10
# Home: societies, memberships, applications, ballots, meetings, and "what needs you now"
# (nominations, proxies held, returns due, minutes): the same at 1 ballot or 4.
HOME_QUERIES = 15
LIST_QUERIES = 9
RESULTS_QUERIES = 9  # with the counted receipts, kept apart from the votes


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def voters(society, classes):
    return [MemberFactory(society=society, member_class=classes[0]) for _ in range(4)]


def token_client(user) -> APIClient:
    _, key = create_token(user, "tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def api_vote(client, ballot, label):
    choices = {str(option(ballot, label).pk): 1} if label else {}
    return vote_with(client, ballot, choices)


def vote_with(client, ballot, choices):
    return client.post(f"/api/v1/societies/{ballot.society.slug}/ballots/{ballot.pk}/vote/",
                       json.dumps({"choices": choices}), content_type="application/json")


def page_client(user) -> PageCheckingClient:
    client = PageCheckingClient()
    client.force_login(user)
    return client


def tables_read(queries) -> str:
    return " ".join(q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT"))


# --- the vote -----------------------------------------------------------------------------------

def test_api_vote_reads_the_ballot_from_the_cache(voters, open_ballot,
                                                  django_capture_on_commit_callbacks):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    first, second = token_client(voters[0].user), token_client(voters[1].user)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_vote(first, ballot, "Garden").status_code == 201

    choices = {str(option(ballot, "Minibus").pk): 1}
    with CaptureQueriesContext(connection) as queries:
        response = vote_with(second, ballot, choices)

    assert response.status_code == 201
    assert len(queries) <= VOTE_QUERIES, [q["sql"][:90] for q in queries]
    selects = tables_read(queries)
    assert "voting_ballotoption" not in selects and "coop_society" not in selects
    assert "voting_ballot_topics" not in selects
    assert len(sealed(ballot)) == 2  # while open, votes are sealed envelopes


def test_api_vote_answers_in_json_whatever_the_client_asks_for(voters, open_ballot):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    client = token_client(voters[0].user)
    response = client.post(
        f"/api/v1/societies/{ballot.society.slug}/ballots/{ballot.pk}/vote/?format=api",
        json.dumps({"choices": {str(option(ballot, "Garden").pk): 1}}),
        content_type="application/json", HTTP_ACCEPT="text/html")
    assert response.status_code == 201 and response["Content-Type"] == "application/json"
    assert len(response.json()["receipt"]) == 19
    refused = vote_with(client, ballot, {str(option(ballot, "Minibus").pk): 1})
    assert refused.status_code == 409 and "already voted" in refused.json()["detail"]


@pytest.mark.parametrize("body", [[], ["choices"], "choices", {"choices": [1]}, {}])
def test_api_vote_with_a_body_of_the_wrong_shape_is_a_400_saying_so(voters, open_ballot, body):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    response = token_client(voters[0].user).post(
        f"/api/v1/societies/{ballot.society.slug}/ballots/{ballot.pk}/vote/",
        json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()  # a message (under the field, where there is one)
    assert not RollEntry.objects.get(ballot=ballot, member=voters[0]).has_voted


def test_api_vote_query_count_is_pinned_without_a_warm_cache(voters, open_ballot,
                                                             django_assert_max_num_queries):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    client = token_client(voters[0].user)
    choices = {str(option(ballot, "Garden").pk): 1}
    # Cold: the ballot, its options and topics are read once (three more).
    with django_assert_max_num_queries(VOTE_QUERIES + 3):
        assert vote_with(client, ballot, choices).status_code == 201


def test_closing_early_forgets_the_cached_ballot(voters, open_ballot, secretary,
                                                django_capture_on_commit_callbacks):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    with django_capture_on_commit_callbacks(execute=True):
        assert api_vote(token_client(voters[0].user), ballot, "Garden").status_code == 201
    assert cache.get(frozen.cache_key(ballot.pk)) is not None

    with django_capture_on_commit_callbacks(execute=True):
        services.close_ballot(ballot, by=secretary, reason="The meeting decided instead.")

    assert cache.get(frozen.cache_key(ballot.pk)) is None
    response = api_vote(token_client(voters[1].user), ballot, "Minibus")
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_a_stale_cached_ballot_cannot_take_a_vote(voters, open_ballot,
                                                 django_capture_on_commit_callbacks):
    """Closed behind the cache's back (no `forget`): the write's own check refuses."""
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    with django_capture_on_commit_callbacks(execute=True):
        assert api_vote(token_client(voters[0].user), ballot, "Garden").status_code == 201
    Ballot.objects.filter(pk=ballot.pk).update(closed_at=ballot.opened_at)
    assert frozen.facts(ballot.pk).ballot().closed_at is None  # the cache still says open

    response = api_vote(token_client(voters[1].user), ballot, "Minibus")

    assert response.status_code == 409
    assert len(sealed(ballot)) == 1
    assert not RollEntry.objects.get(ballot=ballot, member=voters[1]).has_voted


def test_certifying_and_publishing_forget_the_cached_ballot(open_ballot, secretary,
                                                           officer_for,
                                                           django_capture_on_commit_callbacks):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    with django_capture_on_commit_callbacks(execute=True):
        frozen.facts(ballot.pk)
        services.close_ballot(ballot, by=secretary, reason="Done.")
        frozen.facts(ballot.pk)
        services.certify_ballot(ballot, by=officer_for("scrutineer"))
    assert frozen.facts(ballot.pk).ballot().certified_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_ballot(ballot, by=secretary)
    assert frozen.facts(ballot.pk).ballot().published_at is not None


def test_a_draft_is_never_cached(society, secretary, django_capture_on_commit_callbacks):
    ballot = services.create_ballot(society, by=secretary, title="Draft", summary="x",
                                    kind="choice", options=["A", "B"])
    with django_capture_on_commit_callbacks(execute=True):
        frozen.facts(ballot.pk)
    assert cache.get(frozen.cache_key(ballot.pk)) is None
    services.update_draft(ballot, by=secretary, options=["A", "B", "C"])
    assert len(frozen.facts(ballot.pk).option_ids) == 3


def test_a_vote_in_another_societys_ballot_is_not_found(voters, open_ballot, other_society,
                                                        django_capture_on_commit_callbacks):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    with django_capture_on_commit_callbacks(execute=True):
        frozen.facts(ballot.pk)
    outsider = MemberFactory(society=other_society)
    response = token_client(outsider.user).post(
        f"/api/v1/societies/{other_society.slug}/ballots/{ballot.pk}/vote/",
        {"choices": {str(option(ballot, "Garden").pk): 1}}, format="json")
    assert response.status_code == 404


def test_a_member_of_two_societies_votes_with_the_entry_of_the_ballots_own(
        voters, open_ballot, other_society, classes):
    """The roll entry read with the token is the one of the ballot's society, whatever other
    memberships the person has; someone not on the roll is refused, and no entry is made."""
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    person = voters[2].user
    MemberFactory(society=other_society, user=person)
    latecomer = MemberFactory(society=ballot.society, member_class=classes[0])

    assert api_vote(token_client(person), ballot, "Minibus").status_code == 201
    refused = api_vote(token_client(latecomer.user), ballot, "Garden")

    assert refused.status_code == 403
    assert RollEntry.objects.get(ballot=ballot, member=voters[2]).has_voted
    assert not RollEntry.objects.filter(ballot=ballot, member=latecomer).exists()
    assert len(sealed(ballot)) == 1


def test_web_cast_query_count_is_pinned(voters, open_ballot, django_assert_max_num_queries):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    client = page_client(voters[0].user)
    confirm = reverse("ballot_confirm", args=[ballot.society.slug, ballot.pk])
    garden = option(ballot, "Garden").pk
    with django_assert_max_num_queries(CONFIRM_QUERIES):
        response = client.post(confirm, {"choice": garden})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{ballot.pk}/receipt/")
    assert RollEntry.objects.get(ballot=ballot, member=voters[0]).has_voted


def test_web_cast_reads_the_ballot_and_its_options_from_the_cache(
        voters, open_ballot, django_capture_on_commit_callbacks):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    confirm = reverse("ballot_confirm", args=[ballot.society.slug, ballot.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert page_client(voters[0].user).post(
            confirm, {"choice": option(ballot, "Garden").pk}).status_code == 302

    minibus, client = option(ballot, "Minibus").pk, page_client(voters[1].user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(confirm, {"choice": minibus})

    assert response.status_code == 302 and response["Location"].endswith("/receipt/")
    selects = tables_read(queries)
    assert "voting_ballotoption" not in selects and '"voting_ballot"' not in selects
    assert "membership_member\".\"full_name" not in selects  # no full register entry
    assert len(sealed(ballot)) == 2


def test_web_cast_by_someone_not_on_the_roll_takes_the_full_path_and_is_refused(
        voters, open_ballot, society, classes):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    latecomer = MemberFactory(society=society, member_class=classes[0])  # joined after the roll
    confirm = reverse("ballot_confirm", args=[ballot.society.slug, ballot.pk])

    response = page_client(latecomer.user).post(confirm,
                                                {"choice": option(ballot, "Garden").pk})

    assert response.status_code == 302
    assert not RollEntry.objects.filter(ballot=ballot, member=latecomer).exists()
    assert len(sealed(ballot)) == 0


def test_web_cast_reads_the_person_and_their_roll_entry_together_on_postgresql(
        voters, open_ballot, django_capture_on_commit_callbacks):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    confirm = reverse("ballot_confirm", args=[ballot.society.slug, ballot.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the ballot is cached
        page_client(voters[0].user).post(confirm, {"choice": option(ballot, "Garden").pk})
    client, minibus = page_client(voters[1].user), option(ballot, "Minibus").pk

    with CaptureQueriesContext(connection) as queries:
        response = client.post(confirm, {"choice": minibus})

    assert response["Location"].endswith("/receipt/")
    reads = [q["sql"] for q in queries if q["sql"].startswith(("SELECT", "WITH found"))]
    # The session; then the person, with their roll entry on PostgreSQL (in SQLite's own
    # process a round trip costs little, and its planner would read the whole roll).
    assert len(reads) == (2 if connection.vendor == "postgresql" else 3), reads
    assert "coop_user" in reads[1]
    assert ("voting_rollentry" in reads[1]) == (connection.vendor == "postgresql")
    assert RollEntry.objects.get(ballot=ballot, member=voters[1]).has_voted


def test_web_cast_after_the_password_changed_elsewhere_casts_nothing_and_signs_out(
        voters, open_ballot):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    confirm = reverse("ballot_confirm", args=[ballot.society.slug, ballot.pk])
    client = page_client(voters[0].user)
    voters[0].user.set_password("changed after a lost phone")
    voters[0].user.save()

    response = client.post(confirm, {"choice": option(ballot, "Garden").pk})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not RollEntry.objects.get(ballot=ballot, member=voters[0]).has_voted
    assert len(sealed(ballot)) == 0


# --- the pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 4])
def test_home_page_query_count_is_pinned(voters, open_ballot, count,
                                         django_assert_max_num_queries):
    for i in range(count):
        open_ballot(kind="choice", options=["A", "B"], title=f"Ballot {i}")
    client = page_client(voters[0].user)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert text(response).count("Ballot ") >= count


@pytest.mark.parametrize("count", [1, 4])
def test_ballot_list_query_count_is_pinned(voters, open_ballot, count, society,
                                           django_assert_max_num_queries):
    for i in range(count):
        open_ballot(kind="choice", options=["A", "B"], title=f"Ballot {i}")
    client = page_client(voters[0].user)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("ballot_list", args=[society.slug]))
    assert response.status_code == 200


def certified_ballot(voters, open_ballot, secretary, scrutineer):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    for member, label in zip(voters, ["Garden", "Garden", "Minibus", "Garden"], strict=True):
        services.cast_vote(ballot, member, {option(ballot, label).pk: 1})
    services.close_ballot(ballot, by=secretary, reason="Everyone voted.")
    return services.certify_ballot(ballot, by=scrutineer)


def test_a_certified_result_is_not_counted_again(voters, open_ballot, secretary, officer_for,
                                                 django_capture_on_commit_callbacks,
                                                 django_assert_max_num_queries):
    scrutineer = officer_for("scrutineer")
    with django_capture_on_commit_callbacks(execute=True):  # certifying counts it once
        ballot = certified_ballot(voters, open_ballot, secretary, scrutineer)
    client = page_client(secretary)
    page = reverse("ballot_results", args=[ballot.society.slug, ballot.pk])

    with django_assert_max_num_queries(RESULTS_QUERIES) as queries:
        response = client.get(page)

    assert "Garden" in text(response) and "3" in text(response)
    counting = [q["sql"] for q in queries.captured_queries
                if "GROUP BY" in q["sql"].upper() and "voting_votemark" in q["sql"]]
    assert counting == []


def test_a_published_result_shows_as_published(voters, open_ballot, secretary, officer_for,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ballot = certified_ballot(voters, open_ballot, secretary, officer_for("scrutineer"))
        services.publish_ballot(ballot, by=secretary)
    member = page_client(voters[0].user)
    page = text(member.get(reverse("ballot_results", args=[ballot.society.slug, ballot.pk])))
    assert "Garden" in page


def test_many_receipts_are_a_download_not_a_list(voters, open_ballot, secretary, officer_for,
                                                 monkeypatch):
    ballot = certified_ballot(voters, open_ballot, secretary, officer_for("scrutineer"))
    services.publish_ballot(ballot, by=secretary)
    monkeypatch.setattr(views_results, "RECEIPTS_ON_PAGE", 3)
    client = page_client(voters[0].user)
    slug = ballot.society.slug

    page = text(client.get(reverse("ballot_results", args=[slug, ballot.pk])))
    download = client.get(reverse("ballot_receipts_txt", args=[slug, ballot.pk]))

    assert "Download the counted receipts" in page
    assert len(download.content.decode().split()) == 4
    assert "attachment" in download["Content-Disposition"]


def test_receipts_download_waits_for_the_result(voters, open_ballot):
    ballot = open_ballot(kind="choice", options=["Garden", "Minibus"])
    client = page_client(voters[0].user)
    response = client.get(reverse("ballot_receipts_txt", args=[ballot.society.slug, ballot.pk]))
    assert response.status_code == 404
