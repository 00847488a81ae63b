"""The meetings API: voting ahead of a general meeting (issue 18, section 2). The board opens
it on a resolution; members vote through the ballots API with `resolution.ahead.ballot`."""

import pytest

from coop.services import update_rules
from tests.factories import MemberFactory

from .meeting_setup import SOCIETY, called, client_for, ok, resolution_item, url


@pytest.fixture
def allowed(society, secretary):
    update_rules(society, by=secretary, allow_advance_votes=True)


def test_the_board_opens_voting_ahead_and_a_member_votes_through_the_ballots_api(
        allowed, society, secretary):
    member = MemberFactory(society=society)
    meeting = called(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    board = client_for(secretary)
    before = ok(board.get(url(meeting, "agenda")))[-1]
    assert before["resolution"]["ahead"] is None

    answer = ok(board.post(url(meeting, "agenda", item.pk, "open-ahead")))

    ahead = answer["resolution"]["ahead"]
    assert ahead["state"] == "open" and ahead["closes_at"]
    assert answer["resolution"]["state"] == "draft"  # the room's vote waits for the chair
    voter = client_for(member.user)
    ballot = ok(voter.get(f"{SOCIETY}/ballots/{ahead['ballot']}/"))
    choice = next(o["id"] for o in ballot["options"] if o["code"] == "for")
    ok(voter.post(f"{SOCIETY}/ballots/{ahead['ballot']}/vote/", {"choices": {choice: 1}},
                  format="json"), 201)
    assert ok(board.get(url(meeting, "agenda")))[-1]["resolution"]["ahead"] == ahead


def test_opening_voting_ahead_the_rules_forbid_is_a_409_with_the_reason(society, secretary):
    meeting = called(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)

    response = client_for(secretary).post(url(meeting, "agenda", item.pk, "open-ahead"))

    assert response.status_code == 409
    assert "rules do not allow voting ahead" in response.json()["detail"]


def test_opening_voting_ahead_twice_is_a_409(allowed, society, secretary):
    meeting = called(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    board = client_for(secretary)
    ok(board.post(url(meeting, "agenda", item.pk, "open-ahead")))
    response = board.post(url(meeting, "agenda", item.pk, "open-ahead"))
    assert response.status_code == 409 and "already open" in response.json()["detail"]


def test_a_member_cannot_open_voting_ahead(allowed, society, secretary):
    meeting = called(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    member = MemberFactory(society=society)

    response = client_for(member.user).post(url(meeting, "agenda", item.pk, "open-ahead"))

    assert response.status_code == 403
    assert ok(client_for(secretary).get(url(meeting, "agenda")))[-1]["resolution"][
        "ahead"] is None
