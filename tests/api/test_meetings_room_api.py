"""The meetings API, second part: the agenda, the chair's room actions (a hybrid vote counted
from devices, proxies and the tellers' hands) and the minutes. Proxies and nominations are in
test_meetings_people_api.py."""

import pytest

from meetings import services
from tests.factories import MemberFactory, OfficerFactory

from .meeting_setup import (
    SOCIETY,
    called,
    client_for,
    draft,
    hold,
    live,
    ok,
    resolution_item,
    url,
)


@pytest.fixture
def board(secretary):
    return client_for(secretary)


@pytest.fixture
def people(society):
    """Four members of the first class, named A to D, and their API clients."""
    names = ["Alice Adams", "Bob Brown", "Carol Clark", "Dev Dutta"]
    members = [MemberFactory(society=society, full_name=n) for n in names]
    return [(m, client_for(m.user)) for m in members]


def options(item) -> dict:
    return {o.code: o.pk for o in item.ballot.options.all()}


# --- the agenda ---------------------------------------------------------------------------------

def test_the_board_adds_items_and_resolutions_before_notice(society, secretary, board):
    meeting = draft(society, secretary)
    topic = society.interest_topics.first()

    item = ok(board.post(url(meeting, "agenda"), {"title": "Garden", "topics": [topic.pk]},
                         format="json"), 201)
    resolution = ok(board.post(url(meeting, "agenda"), {
        "title": "Change the rules", "description": "That the rules be changed.",
        "resolution_kind": "ordinary"}, format="json"), 201)

    assert item["kind"] == "other" and item["topics"] == [{"id": topic.pk, "name": topic.name}]
    assert item["resolution"] is None
    assert resolution["kind"] == "resolution"
    assert resolution["resolution"]["resolution_kind"] == "ordinary"
    agenda = ok(board.get(url(meeting, "agenda")))
    assert [i["title"] for i in agenda][-2:] == ["Garden", "Change the rules"]
    assert [i["position"] for i in agenda] == list(range(1, len(agenda) + 1))


def test_adding_items_names_the_fields_that_are_wrong(society, other_society, secretary,
                                                      board):
    meeting = called(society, secretary)

    too_late = board.post(url(meeting, "agenda"), {
        "title": "Late", "description": "That…", "resolution_kind": "special"}, format="json")
    no_kind = board.post(url(meeting, "agenda"), {"title": "Vote", "kind": "resolution"},
                         format="json")
    foreign = board.post(url(meeting, "agenda"), {
        "title": "Topic", "topics": [other_society.interest_topics.first().pk]}, format="json")
    untitled = board.post(url(meeting, "agenda"), {"title": ""}, format="json")

    assert "must be in the notice" in ok(too_late, 400)["resolution_kind"][0]
    assert "resolution_kind" in ok(no_kind, 400)
    assert ok(foreign, 400) == {"topics": ["Choose one of this co-op's topics."]}
    assert ok(untitled, 400) == {"title": ["Give the item a title."]}


def test_members_read_the_agenda_but_cannot_change_it(society, secretary, people):
    meeting = called(society, secretary, resolution="ordinary")
    _, as_alice = people[0]
    item = resolution_item(meeting)

    assert len(ok(as_alice.get(url(meeting, "agenda")))) == 3
    assert as_alice.post(url(meeting, "agenda"), {"title": "Mine"}).status_code == 403
    assert as_alice.post(url(meeting, "agenda", item.pk, "withdraw")).status_code == 403


def test_withdrawing_an_item_keeps_it_marked(society, secretary, board):
    meeting = draft(society, secretary)
    item = meeting.items.first()

    body = ok(board.post(url(meeting, "agenda", item.pk, "withdraw")))
    missing = board.post(url(meeting, "agenda", 99999, "withdraw"))
    services.cancel_meeting(meeting, by=secretary, reason="Called in error.")
    over = board.post(url(meeting, "agenda", meeting.items.last().pk, "withdraw"))

    assert body["withdrawn_at"] is not None
    assert len(ok(board.get(url(meeting, "agenda")))) == 2
    assert missing.status_code == 404
    assert over.status_code == 409


# --- the vote in the room -------------------------------------------------------------------------

def test_no_vote_is_opened_while_the_meeting_is_inquorate(society, secretary, board):
    meeting = live(society, secretary, resolution="ordinary")

    response = board.post(url(meeting, "agenda", resolution_item(meeting).pk, "open-vote"))

    assert response.status_code == 409
    assert "not quorate" in response.json()["detail"]


def test_only_a_resolution_has_a_vote(society, secretary, board):
    meeting = live(society, secretary)

    response = board.post(url(meeting, "agenda", meeting.items.first().pk, "open-vote"))

    assert ok(response, 409) == {"detail": "This item has no resolution to vote on."}
    assert board.post(url(meeting, "agenda", meeting.items.first().pk,
                          "declare")).status_code == 409


def test_a_hybrid_vote_devices_proxies_and_tellers(society, secretary, board, people):
    """Alice votes on her device, Bob and Carol by hand, Dev is absent with a proxy directed
    for: the declared result counts all four."""
    (alice, as_alice), (bob, _), (carol, _), (dev, _) = people
    meeting = called(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    services.appoint_proxy(meeting, dev, alice, instructions={item.pk: "for"})
    hold(meeting, secretary)
    ok(as_alice.post(url(meeting, "attendance"), {}, format="json"), 201)
    for member in (bob, carol):
        ok(board.post(url(meeting, "attendance"), {"member": member.pk, "by_hand": True},
                      format="json"), 201)
    votes = options(item)
    first_class = alice.member_class_id
    chair = client_for(OfficerFactory(society=society, role="chair").user)
    trustee = client_for(OfficerFactory(society=society, role="trustee").user)

    quorum = ok(as_alice.get(url(meeting)))["quorum"]
    opened = ok(chair.post(url(meeting, "agenda", item.pk, "open-vote")))
    ok(as_alice.post(f"{SOCIETY}/ballots/{item.ballot_id}/vote/",
                     {"choices": {votes["for"]: 1}}, format="json"), 201)
    too_many = trustee.post(url(meeting, "agenda", item.pk, "tellers"),
                            {"counts": {first_class: {votes["for"]: 3}}}, format="json")
    counted = trustee.post(url(meeting, "agenda", item.pk, "tellers"), {"counts": {
        first_class: {votes["for"]: 1, votes["against"]: 1}}}, format="json")
    by_member = as_alice.post(url(meeting, "agenda", item.pk, "tellers"),
                              {"counts": {first_class: {votes["for"]: 1}}}, format="json")
    by_trustee = trustee.post(url(meeting, "agenda", item.pk, "close-vote"))
    ok(chair.post(url(meeting, "agenda", item.pk, "close-vote")))
    declared = ok(chair.post(url(meeting, "agenda", item.pk, "declare")))
    results = ok(as_alice.get(f"{SOCIETY}/ballots/{item.ballot_id}/results/"))

    assert quorum["present"] == 3 and quorum["proxies"] == 1 and quorum["quorate"]
    assert opened["resolution"]["state"] == "open"
    assert "more than the people voting by hand" in ok(too_many, 400)["counts"][0]
    assert counted.status_code == 200
    assert by_member.status_code == 403 and by_trustee.status_code == 403
    assert declared["resolution"]["state"] == "published"
    # Fewer than 5 voted in a class: Alice sees the outcome without the figures
    # (voting.disclosure); the board sees the count, which includes all four votes.
    assert results["passed"] is True and results["figures_hidden"] is True
    assert {o["head_count"] for o in results["options"]} == {None}
    full = ok(board.get(f"{SOCIETY}/ballots/{item.ballot_id}/results/"))
    heads = {o["code"]: o["head_count"] for o in full["options"]}
    assert heads["for"] == 3 and heads["against"] == 1


def test_tellers_give_the_hands_of_this_societys_classes(society, other_society, secretary,
                                                         board, people):
    (alice, _), (bob, _) = people[:2]
    meeting = live(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    for member in (alice, bob):
        services.check_in(meeting, member, by=secretary, by_hand=True)
    ok(board.post(url(meeting, "agenda", item.pk, "open-vote")))
    foreign = other_society.member_classes.first().pk

    theirs = board.post(url(meeting, "agenda", item.pk, "tellers"),
                        {"counts": {foreign: {options(item)["for"]: 0}}}, format="json")
    malformed = board.post(url(meeting, "agenda", item.pk, "tellers"),
                           {"counts": {"users": {"for": "many"}}}, format="json")

    assert "this co-op's classes" in ok(theirs, 400)["counts"][0]
    assert "counts" in ok(malformed, 400)


def test_an_undirected_proxy_holder_votes_for_the_absent_member(society, secretary, board,
                                                               people):
    (alice, as_alice), (bob, as_bob), (carol, _), _ = people
    meeting = called(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    services.appoint_proxy(meeting, carol, alice)
    hold(meeting, secretary)
    for member in (alice, bob):
        services.check_in(meeting, member)
    ok(board.post(url(meeting, "agenda", item.pk, "open-vote")))
    choice = {"appointer": carol.pk, "choices": {options(item)["against"]: 1}}

    not_holder = as_bob.post(url(meeting, "agenda", item.pk, "proxy-votes"), choice,
                             format="json")
    voted = as_alice.post(url(meeting, "agenda", item.pk, "proxy-votes"), choice,
                          format="json")
    twice = as_alice.post(url(meeting, "agenda", item.pk, "proxy-votes"), choice,
                          format="json")

    assert not_holder.status_code == 409
    assert ok(voted, 201)["receipt"]
    assert twice.status_code == 409


def test_the_chair_records_withdrawals_for_interests(society, secretary, board, people):
    (alice, as_alice), (bob, _) = people[:2]
    meeting = live(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    trustee = client_for(OfficerFactory(society=society, role="trustee").user)
    body = {"member": bob.pk, "reason": "Bob is a PA here."}

    recorded = board.post(url(meeting, "agenda", item.pk, "withdrawals"), body, format="json")
    twice = board.post(url(meeting, "agenda", item.pk, "withdrawals"), body, format="json")
    not_chair = trustee.post(url(meeting, "agenda", item.pk, "withdrawals"),
                             {"member": alice.pk}, format="json")

    assert ok(recorded, 201)["member"]["id"] == bob.pk
    assert twice.status_code == 409
    assert not_chair.status_code == 403
    listed = ok(as_alice.get(url(meeting, "agenda", item.pk, "withdrawals")))
    assert [(w["member"]["full_name"], w["reason"]) for w in listed] == [
        ("Bob Brown", "Bob is a PA here.")]


# --- minutes ------------------------------------------------------------------------------------

def test_minutes_drafted_edited_and_approved_at_the_next_meeting(society, secretary, board,
                                                                 people):
    (alice, as_alice) = people[0]
    meeting = live(society, secretary)
    services.check_in(meeting, alice)
    trustee = client_for(OfficerFactory(society=society, role="trustee").user)

    not_yet = board.get(url(meeting, "minutes"))
    while_live = board.post(url(meeting, "minutes"))
    ok(board.post(url(meeting, "end")))
    by_trustee = trustee.post(url(meeting, "minutes"))
    drafted = ok(board.post(url(meeting, "minutes")), 201)
    hidden = as_alice.get(url(meeting, "minutes"))
    blank = board.patch(url(meeting, "minutes"), {"text": "  "}, format="json")
    edited = ok(board.put(url(meeting, "minutes"), {"text": "Minutes as corrected."},
                          format="json"))
    same_meeting = board.post(url(meeting, "minutes", "approve"), {"at_meeting": meeting.pk},
                              format="json")
    next_meeting = live(society, secretary)
    approved = ok(board.post(url(meeting, "minutes", "approve"),
                             {"at_meeting": next_meeting.pk}, format="json"))

    assert not_yet.status_code == 404 and while_live.status_code == 409
    assert by_trustee.status_code == 403
    assert "Alice Adams" in drafted["text"] and drafted["locked"] is False
    assert hidden.status_code == 404
    assert ok(blank, 400) == {"text": ["The minutes cannot be empty."]}
    assert edited["text"] == "Minutes as corrected.\n" and edited["edited_at"]
    assert "later meeting" in ok(same_meeting, 400)["at_meeting"][0]
    assert approved["locked"] is True
    assert approved["approved_at_meeting"]["id"] == next_meeting.pk
    assert ok(as_alice.get(url(meeting, "minutes")))["text"] == "Minutes as corrected.\n"
    assert board.patch(url(meeting, "minutes"), {"text": "Changed"},
                       format="json").status_code == 409


def test_approving_at_another_societys_meeting_is_a_field_error(society, other_society,
                                                                secretary, board):
    meeting = live(society, secretary)
    services.end_meeting(meeting, by=secretary)
    ok(board.post(url(meeting, "minutes")), 201)
    theirs = called(other_society, OfficerFactory(society=other_society).user)

    response = board.post(url(meeting, "minutes", "approve"), {"at_meeting": theirs.pk},
                          format="json")

    assert ok(response, 400) == {"at_meeting": ["Choose a meeting of this co-op."]}


def test_the_meeting_cannot_end_while_a_vote_is_open(society, secretary, board, people):
    meeting = live(society, secretary, resolution="ordinary")
    for member, _ in people[:2]:
        services.check_in(meeting, member)
    ok(board.post(url(meeting, "agenda", resolution_item(meeting).pk, "open-vote")))

    response = board.post(url(meeting, "end"))

    assert response.status_code == 409 and "still open" in response.json()["detail"]
