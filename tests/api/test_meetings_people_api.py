"""The meetings API, third part: what members do for themselves before the meeting:
appointing and revoking proxies, and nominating, seconding and accepting candidates for the
board."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import elections, services
from meetings.models import Contest, Meeting, Proxy
from tests.factories import MemberFactory

from .meeting_setup import called, client_for, draft, hold, ok, resolution_item, url


@pytest.fixture
def board(secretary):
    return client_for(secretary)


@pytest.fixture
def people(society):
    """Four members of the first class, named A to D, and their API clients."""
    names = ["Alice Adams", "Bob Brown", "Carol Clark", "Dev Dutta"]
    members = [MemberFactory(society=society, full_name=n) for n in names]
    return [(m, client_for(m.user)) for m in members]


# --- proxies -------------------------------------------------------------------------------------

def test_appointing_a_directed_proxy(society, secretary, people):
    (alice, as_alice), (bob, as_bob), (_, as_carol), _ = people
    meeting = called(society, secretary, resolution="special")
    item = resolution_item(meeting)

    body = ok(as_alice.post(url(meeting, "proxies"), {
        "holder": bob.pk, "instructions": {str(item.pk): "against"}}, format="json"), 201)

    assert body["appointer"]["id"] == alice.pk and body["holder"]["id"] == bob.pk
    assert body["instructions"] == {str(item.pk): "against"} and body["holder_holds"] == 1
    assert [p["id"] for p in ok(as_bob.get(url(meeting, "proxies")))["results"]] == [body["id"]]
    assert ok(as_carol.get(url(meeting, "proxies")))["results"] == []
    assert ok(as_alice.get(url(meeting)))["you"]["proxy"]["instructions"] == {
        str(item.pk): "against"}


def test_a_member_finds_who_they_can_appoint_by_name(society, secretary, people):
    (alice, as_alice), (bob, _), (carol, _), (dev, _) = people
    meeting = called(society, secretary)

    listed = ok(as_alice.get(url(meeting, "proxies/holders")))["results"]

    assert [(p["id"], p["full_name"]) for p in listed] == [
        (bob.pk, "Bob Brown"), (carol.pk, "Carol Clark"), (dev.pk, "Dev Dutta")]
    assert as_alice.post(url(meeting, "proxies"), {"holder": listed[0]["id"]},
                         format="json").status_code == 201


def test_a_holder_may_hold_only_as_many_proxies_as_the_rules_allow(society, secretary, board,
                                                                   people):
    society.max_proxies_per_holder = 2
    society.save(update_fields=["max_proxies_per_holder"])
    (alice, _), *others = people
    meeting = called(society, secretary)

    answers = [as_member.post(url(meeting, "proxies"), {"holder": alice.pk}, format="json")
               for _, as_member in others]

    assert [a.status_code for a in answers] == [201, 201, 400]
    assert "already holds 2 proxies" in answers[2].json()["holder"][0]
    listed = ok(board.get(url(meeting, "proxies")))["results"]
    assert [p["holder_holds"] for p in listed] == [2, 2]


def test_appointing_names_the_fields_that_are_wrong(society, secretary, people):
    (alice, as_alice) = people[0]
    meeting = called(society, secretary, resolution="ordinary")
    not_a_resolution = meeting.items.first().pk
    bob = people[1][0]

    yourself = as_alice.post(url(meeting, "proxies"), {"holder": alice.pk}, format="json")
    nobody = as_alice.post(url(meeting, "proxies"), {}, format="json")
    wrong_item = as_alice.post(url(meeting, "proxies"), {
        "holder": bob.pk, "instructions": {not_a_resolution: "for"}}, format="json")
    malformed = as_alice.post(url(meeting, "proxies"), {
        "holder": bob.pk, "instructions": {"first": "maybe"}}, format="json")

    assert ok(yourself, 400) == {"holder": ["Choose someone other than yourself."]}
    assert ok(nobody, 400) == {"holder": ["Choose who will be your proxy."]}
    assert "this meeting's resolutions" in ok(wrong_item, 400)["instructions"][0]
    assert "instructions" in ok(malformed, 400)
    assert Proxy.objects.count() == 0


def test_no_proxy_after_the_deadline_or_before_notice(society, secretary, people):
    (_, as_alice), (bob, _) = people[:2]
    meeting = called(society, secretary)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + timedelta(days=2))
    preparing = draft(society, secretary)

    late = as_alice.post(url(meeting, "proxies"), {"holder": bob.pk}, format="json")
    unseen = as_alice.post(url(preparing, "proxies"), {"holder": bob.pk}, format="json")

    assert late.status_code == 409 and "deadline" in late.json()["detail"]
    assert unseen.status_code == 404


def test_an_officer_who_is_not_a_member_has_no_proxy_to_give(society, secretary, board,
                                                             people):
    meeting = called(society, secretary)

    response = board.post(url(meeting, "proxies"), {"holder": people[0][0].pk}, format="json")

    assert response.status_code == 403


def test_only_the_appointer_revokes_and_only_before_the_start(society, secretary, people):
    (alice, as_alice), (bob, as_bob), (_, as_carol), (dev, as_dev) = people
    meeting = called(society, secretary)
    mine = services.appoint_proxy(meeting, alice, bob)
    devs = services.appoint_proxy(meeting, dev, bob)

    by_holder = as_bob.post(url(meeting, "proxies", mine.pk, "revoke"))
    by_stranger = as_carol.post(url(meeting, "proxies", mine.pk, "revoke"))
    revoked = as_alice.post(url(meeting, "proxies", mine.pk, "revoke"))
    again = as_alice.post(url(meeting, "proxies", mine.pk, "revoke"))
    hold(meeting, secretary)
    started = as_dev.post(url(meeting, "proxies", devs.pk, "revoke"))

    assert by_holder.status_code == 403
    assert by_stranger.status_code == 404
    assert ok(revoked)["revoked_at"] is not None
    assert again.status_code == 409
    assert started.status_code == 409 and "has started" in started.json()["detail"]
    assert ok(as_bob.get(url(meeting, "proxies")))["results"][0]["appointer"]["id"] == dev.pk


# --- nominations --------------------------------------------------------------------------------

@pytest.fixture
def election(society, secretary):
    """A called AGM with nominations open for two seats of the first class."""
    first = society.member_classes.first()
    first.board_seats = 2
    first.save(update_fields=["board_seats"])
    meeting = called(society, secretary, kind="agm")
    contest = elections.open_nominations(meeting, by=secretary,
                                         close_at=timezone.now() + timedelta(days=10))[0]
    return meeting, contest


def test_the_board_opens_nominations_before_the_meeting(society, secretary, board, people):
    society.member_classes.filter(pk=people[0][0].member_class_id).update(board_seats=3)
    meeting = called(society, secretary, kind="agm")

    after = board.post(url(meeting, "nominations", "open"), {
        "close_at": (meeting.starts_at + timedelta(hours=1)).isoformat()}, format="json")
    by_member = people[0][1].post(url(meeting, "nominations", "open"), {
        "close_at": (timezone.now() + timedelta(days=5)).isoformat()}, format="json")
    opened = ok(board.post(url(meeting, "nominations", "open"), {
        "close_at": (timezone.now() + timedelta(days=5)).isoformat()}, format="json"), 201)

    assert ok(after, 400) == {"close_at": ["Nominations must close before the meeting starts."]}
    assert by_member.status_code == 403
    assert [(c["member_class"]["id"], c["seats"], c["nominations_open"]) for c in opened] == [
        (people[0][0].member_class_id, 3, True)]


def test_a_self_nomination_seconded_by_another_member(election, people):
    meeting, contest = election
    (alice, as_alice), (bob, as_bob) = people[:2]

    nominated = ok(as_alice.post(url(meeting, "nominations"), {
        "contest": contest.pk, "statement": "I use care and want it better."},
        format="json"), 201)
    own_second = as_alice.post(url(meeting, "nominations", nominated["id"], "second"))
    seconded = ok(as_bob.post(url(meeting, "nominations", nominated["id"], "second")))

    assert nominated["candidate"]["id"] == alice.pk and nominated["proposer"]["id"] == alice.pk
    assert nominated["accepted_at"] and not nominated["valid"]
    assert "non_field_errors" in ok(own_second, 400)
    assert seconded["seconder"]["id"] == bob.pk and seconded["valid"] is True
    listed = ok(as_bob.get(url(meeting, "nominations")))
    assert [n["statement"] for n in listed[0]["nominations"]] == [
        "I use care and want it better."]


def test_only_the_candidate_accepts_a_nomination(election, people):
    meeting, contest = election
    (_, as_alice), (bob, as_bob), (_, as_carol) = people[:3]
    nomination = ok(as_alice.post(url(meeting, "nominations"), {
        "contest": contest.pk, "candidate": bob.pk}, format="json"), 201)

    by_other = as_carol.post(url(meeting, "nominations", nomination["id"], "accept"),
                             {"statement": "Vote for Bob"}, format="json")
    accepted = ok(as_bob.post(url(meeting, "nominations", nomination["id"], "accept"),
                              {"statement": "I am a carer's friend."}, format="json"))

    assert nomination["accepted_at"] is None
    assert by_other.status_code == 403
    assert accepted["accepted_at"] and accepted["statement"] == "I am a carer's friend."


def test_a_candidate_must_be_in_the_elections_class(society, election, people):
    meeting, contest = election
    other_class = society.member_classes.exclude(pk=contest.member_class_id).first()
    outsider = MemberFactory(society=society, member_class=other_class)

    response = people[0][1].post(url(meeting, "nominations"), {
        "contest": contest.pk, "candidate": outsider.pk}, format="json")
    no_contest = people[0][1].post(url(meeting, "nominations"), {}, format="json")

    assert "whose members elect these seats" in ok(response, 400)["candidate"][0]
    assert ok(no_contest, 400) == {"contest": ["Choose the election."]}


def test_withdrawn_nominations_are_hidden_from_other_members(election, people, board):
    meeting, contest = election
    (_, as_alice), (bob, as_bob), (_, as_carol) = people[:3]
    nomination = ok(as_alice.post(url(meeting, "nominations"), {
        "contest": contest.pk, "candidate": bob.pk}, format="json"), 201)

    by_stranger = as_carol.post(url(meeting, "nominations", nomination["id"], "withdraw"))
    withdrawn = ok(as_alice.post(url(meeting, "nominations", nomination["id"], "withdraw")))

    assert by_stranger.status_code == 403
    assert withdrawn["withdrawn_at"] is not None
    assert ok(as_carol.get(url(meeting, "nominations")))[0]["nominations"] == []
    assert len(ok(as_bob.get(url(meeting, "nominations")))[0]["nominations"]) == 1
    assert len(ok(board.get(url(meeting, "nominations")))[0]["nominations"]) == 1


def test_no_nominations_after_they_close(election, people):
    meeting, contest = election
    Contest.objects.filter(pk=contest.pk).update(
        nominations_close_at=timezone.now() - timedelta(minutes=1))

    response = people[0][1].post(url(meeting, "nominations"), {"contest": contest.pk},
                                 format="json")
    listed = ok(people[0][1].get(url(meeting, "nominations")))

    assert response.status_code == 409
    assert listed[0]["nominations_open"] is False


def test_the_proxies_list_costs_the_same_at_one_proxy_and_many(
        society, secretary, board, people, django_assert_max_num_queries):
    (alice, _), *others = people
    meeting = called(society, secretary, resolution="ordinary")
    item = resolution_item(meeting)
    services.appoint_proxy(meeting, others[0][0], alice, instructions={item.pk: "for"})
    with django_assert_max_num_queries(12) as one:
        ok(board.get(url(meeting, "proxies")))
    for member, _ in others[1:]:
        services.appoint_proxy(meeting, member, alice, instructions={item.pk: "against"})

    with django_assert_max_num_queries(len(one.captured_queries)):
        listed = ok(board.get(url(meeting, "proxies")))["results"]

    assert [p["holder_holds"] for p in listed] == [3, 3, 3]
