"""Requests a fuzzer sends (schemathesis found each of these answering 500): a body of the wrong
shape, numbers too big for the database, JSON nested thousands deep, a meeting that is not
there. Each is a 4xx that says what is wrong, and nothing is written."""

import pytest
from django.utils import timezone

from meetings import services as meeting_services
from tests.factories import MemberFactory
from voting.models import Vote

from .meeting_setup import called, client_for, hold, live, ok, resolution_item, url

BALLOTS = "/api/v1/societies/mutual/ballots"


@pytest.fixture
def board(secretary):
    return client_for(secretary)


@pytest.fixture
def open_ballot(board):
    closes = (timezone.now() + timezone.timedelta(days=7)).isoformat()
    ballot = ok(board.post(f"{BALLOTS}/", {"title": "Paint the office", "summary": "Green.",
                                           "closes_at": closes}, format="json"), 201)
    ok(board.post(f"{BALLOTS}/{ballot['id']}/open/"))
    return ballot


@pytest.mark.parametrize("body", [{}, [], "for", 7, {"choices": ["for"]}, {"choices": "for"}])
def test_a_vote_of_the_wrong_shape_is_a_400_and_no_vote(society, member, open_ballot, body):
    response = client_for(member.user).post(f"{BALLOTS}/{open_ballot['id']}/vote/", body,
                                             format="json")

    assert response.status_code == 400, response.content
    assert not Vote.objects.exists()


@pytest.mark.parametrize("body", [{}, {"choices": "for"}, {"choices": ["for"]},
                                  {"choices": 1}])
def test_a_vote_without_choices_says_how_to_send_them(society, member, open_ballot, body):
    response = client_for(member.user).post(f"{BALLOTS}/{open_ballot['id']}/vote/", body,
                                            format="json")

    assert ok(response, 400)["choices"] == ["Give your answers as choices: {option id: value}."]


def test_a_choice_that_is_not_a_number_says_so(society, member, open_ballot):
    response = client_for(member.user).post(f"{BALLOTS}/{open_ballot['id']}/vote/",
                                            {"choices": {"1": "yes"}}, format="json")

    assert ok(response, 400)["choices"] == ["Give each answer as a whole number, 0 or more."]


@pytest.mark.parametrize("threshold", ["150", "-1", "49"])
def test_a_threshold_out_of_range_is_a_400_in_percent(society, board, threshold):
    closes = (timezone.now() + timezone.timedelta(days=7)).isoformat()
    response = board.post(f"{BALLOTS}/", {
        "title": "Change the rules", "summary": "Allow hybrid meetings.", "closes_at": closes,
        "kind": "resolution", "resolution_kind": "custom", "threshold_percent": threshold},
        format="json")

    assert "50% and 100%" in ok(response, 400)["threshold_percent"][0]


@pytest.mark.parametrize("body", [{}, [], "x", {"counts": []}, {"counts": "x"}])
def test_tellers_hands_of_the_wrong_shape_are_a_400(society, secretary, board, body):
    meeting = live(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    for hand in (MemberFactory(society=society), MemberFactory(society=society)):
        meeting_services.check_in(meeting, hand, by=secretary, by_hand=True)
    ok(board.post(url(meeting, "agenda", item.pk, "open-vote")))

    response = board.post(url(meeting, "agenda", item.pk, "tellers"), body, format="json")

    assert response.status_code == 400, response.content


@pytest.mark.parametrize("body", [{}, [], "x", {"appointer": 1, "choices": []}])
def test_a_proxy_vote_of_the_wrong_shape_is_a_400(society, secretary, board, body):
    holder, absent = MemberFactory(society=society), MemberFactory(society=society)
    meeting = called(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    meeting_services.appoint_proxy(meeting, absent, holder)
    hold(meeting, secretary)
    meeting_services.check_in(meeting, holder)
    meeting_services.check_in(meeting, MemberFactory(society=society))
    ok(board.post(url(meeting, "agenda", item.pk, "open-vote")))

    response = client_for(holder.user).post(url(meeting, "agenda", item.pk, "proxy-votes"),
                                            body, format="json")

    assert response.status_code == 400, response.content


def test_proxy_holders_of_another_societys_or_no_meeting_are_a_404(society, other_society,
                                                                    secretary, member):
    theirs = called(other_society, MemberFactory(society=other_society).user)
    ours = called(society, secretary)
    as_member = client_for(member.user)

    assert as_member.get(url(ours, "proxies", "holders")).status_code == 200
    assert as_member.get(url(theirs, "proxies", "holders").replace(
        other_society.slug, society.slug)).status_code == 404
    assert as_member.get(
        "/api/v1/societies/mutual/meetings/999999/proxies/holders/").status_code == 404


def test_a_deeply_nested_body_is_a_400(society, member, open_ballot):
    body = "[" * 100_000 + "]" * 100_000

    response = client_for(member.user).post(f"{BALLOTS}/{open_ballot['id']}/vote/", body,
                                            content_type="application/json")

    assert response.status_code == 400
    assert not Vote.objects.exists()


@pytest.mark.parametrize("query", ["person=99999999999999999999", "topic=99999999999999999999",
                                   "person=-99999999999999999999", "limit=99999999999999999999",
                                   "offset=99999999999999999999"])
def test_numbers_too_big_for_the_database_are_a_400_or_nothing_found(society, secretary,
                                                                    query):
    response = client_for(secretary).get(f"/api/v1/societies/mutual/interests/?{query}")

    assert response.status_code in (200, 400), response.content


@pytest.mark.parametrize("path", ["ballots/99999999999999999999/", "members/99999999999999999999/",
                                  "meetings/99999999999999999999/",
                                  "interests/99999999999999999999/"])
def test_ids_too_big_for_the_database_are_a_404(society, secretary, path):
    response = client_for(secretary).get(f"/api/v1/societies/mutual/{path}")

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["ballots/abc/", "members/1.5/", "meetings/x/agenda/",
                                  "interests/%20/"])
def test_malformed_ids_get_the_apis_json_404(society, secretary, path):
    response = client_for(secretary).get(f"/api/v1/societies/mutual/{path}")

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
