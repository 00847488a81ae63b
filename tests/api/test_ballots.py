"""The ballots API: each kind of ballot run end to end by the people who would run it (the
board drafts and opens, members vote, the board closes, the scrutineer certifies, the board
publishes, a member reads the result), the errors a client meets, and who may do what."""

from datetime import timedelta
from fractions import Fraction

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from membership.interests import services as interest_services
from membership.models import Declaration, InterestTopic
from tests.factories import MemberFactory, OfficerFactory, UserFactory
from tests.voting.sealed import only_sealed
from voting import services
from voting.models import Ballot

BASE = "/api/v1/societies/mutual/ballots"


def later(**delta):
    return (timezone.now() + timedelta(**(delta or {"days": 7}))).isoformat()


@pytest.fixture
def classes(society):
    """Users 50%, carers 25%, PAs 25% (the society's defaults)."""
    return list(society.member_classes.order_by("position"))


@pytest.fixture
def people(society, classes, officer_for):
    """people(users, carers, pas) -> members per class; officers come with it."""

    def make(*sizes):
        return [[MemberFactory(society=society, member_class=cls) for _ in range(n)]
                for cls, n in zip(classes, sizes, strict=False)]

    return make


@pytest.fixture
def as_user():
    def make(user):
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def board(as_user, secretary):
    return as_user(secretary)


@pytest.fixture
def scrutineer(as_user, officer_for):
    return as_user(officer_for("scrutineer"))


def ids(ballot_json):
    return {o["label"]: o["id"] for o in ballot_json["options"]}


def draft(board, **fields):
    payload = {"title": "Test ballot", "summary": "What we are deciding.", "closes_at": later(),
               **fields}
    response = board.post(f"{BASE}/", payload, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def vote(as_user, member, ballot_id, choices):
    response = as_user(member.user).post(f"{BASE}/{ballot_id}/vote/",
                                         {"choices": {str(k): v for k, v in choices.items()}},
                                         format="json")
    assert response.status_code == 201, response.content
    return response.json()["receipt"]


def run(board, scrutineer, as_user, ballot, votes):
    """Open through the API, cast `votes` ((member, choices) pairs), close, certify and
    publish; return the receipts."""
    assert board.post(f"{BASE}/{ballot['id']}/open/", {}, format="json").status_code == 200
    receipts = [vote(as_user, member, ballot["id"], choices) for member, choices in votes]
    closed = board.post(f"{BASE}/{ballot['id']}/close/", {"reason": "Everyone has voted"},
                        format="json")
    assert closed.json()["state"] == "closed"
    certified = scrutineer.post(f"{BASE}/{ballot['id']}/certify/", {"note": "Checked"},
                                format="json")
    assert certified.json()["state"] == "certified", certified.content
    published = board.post(f"{BASE}/{ballot['id']}/publish/", {}, format="json")
    assert published.json()["state"] == "published"
    return receipts


def results(as_user, member, ballot_id):
    response = as_user(member.user).get(f"{BASE}/{ballot_id}/results/")
    assert response.status_code == 200, response.content
    return response.json()


def board_results(board, ballot_id):
    """The full count, as the board sees it: members get only the outcome and turnout when a
    class is small (`voting.disclosure`), and these ballots have small classes."""
    response = board.get(f"{BASE}/{ballot_id}/results/")
    assert response.status_code == 200, response.content
    return response.json()


def by_label(result):
    return {o["label"]: o for o in result["options"]}


# --- each kind, end to end ---------------------------------------------------------------------

def test_choice_ballot_gives_design_worked_example_share(board, scrutineer, as_user, people):
    users, carers, pas = people(4, 2, 10)
    ballot = draft(board, kind="choice", options=[{"label": "A"}, {"label": "B"}])
    a, b = ids(ballot)["A"], ids(ballot)["B"]
    # Users 3 of 4 for A, carers 1 of 2, PAs 1 of 10: DESIGN.md's shares, fewer people.
    votes = [(m, {a if i < n else b: 1}) for group, n in ((users, 3), (carers, 1), (pas, 1))
             for i, m in enumerate(group)]
    run(board, scrutineer, as_user, ballot, votes)

    member = results(as_user, users[0], ballot["id"])
    assert member["figures_hidden"] and member["winners"] == [ids(ballot)["A"]]
    assert {o["share"] for o in member["options"]} == {None}
    result = board_results(board, ballot["id"])
    assert result["figures_hidden"] is False and result["hidden_reason"] == ""

    options = by_label(result)
    assert options["A"]["share"] == "52.500000" and options["A"]["share_fraction"] == "21/40"
    assert options["B"]["share"] == "47.500000"
    assert (options["A"]["head_count"], options["B"]["head_count"]) == (5, 11)
    assert options["A"]["one_member_share"] == "31.250000"
    assert result["winners"] == [a] and result["tie"] is False and options["A"]["winner"]
    assert result["one_member_one_vote"]["winners"] == [b]
    assert "not the rule" in result["one_member_one_vote"]["note"]
    assert (result["on_roll"], result["voted"], result["turnout"]) == (16, 16, "100.000000")
    # Fewer than 5 users and carers voted: their own breakdowns are hidden.
    assert [row["shown"] for row in result["classes"]] == [False, False, True]
    assert result["classes"][0]["options"] is None
    assert (result["classes"][0]["voted"], result["classes"][0]["on_roll"]) == (4, 4)
    pa_row = result["classes"][2]
    assert {o["option"]: o["head_count"] for o in pa_row["options"]} == {a: 1, b: 9}
    assert pa_row["options"][0]["share"] == "10.000000"
    assert result["passed"] is None and result["certified"] and result["published"]


def test_resolution_passes_on_weighted_votes_with_abstentions_left_out(
        board, scrutineer, as_user, people):
    users, carers, pas = people(5, 5, 5)
    ballot = draft(board, kind="resolution", title="Raise PA pay")
    codes = {o["code"]: o["id"] for o in ballot["options"]}
    assert sorted(codes) == ["abstain", "against", "for"]
    plan = [(users, ["for"] * 4 + ["against"]), (carers, ["for"] * 2 + ["against"] * 3),
            (pas, ["abstain"] * 5)]
    votes = [(m, {codes[c]: 1}) for group, marks in plan for m, c in zip(group, marks,
                                                                         strict=True)]
    run(board, scrutineer, as_user, ballot, votes)

    result = results(as_user, carers[0], ballot["id"])

    # PAs only abstained, so their share is shared out: (0.5×0.8 + 0.25×0.4) ÷ 0.75 = 2/3.
    assert result["passed"] is True
    assert result["for_share_of_cast"] == "66.666667"
    assert result["for_share_of_cast_fraction"] == "2/3"
    assert by_label(result)["Abstain"]["counted"] is False
    assert by_label(result)["Abstain"]["head_count"] == 5
    assert result["one_member_one_vote"]["passed"] is True  # 6 for, 4 against


def test_special_resolution_fails_below_its_threshold(board, scrutineer, as_user, people):
    (users,) = people(4)
    ballot = draft(board, kind="resolution", resolution_kind="special",
                   weighting="one_member")
    codes = {o["code"]: o["id"] for o in ballot["options"]}
    assert ballot["threshold_percent"] == "75.0000"
    run(board, scrutineer, as_user, ballot,
        [(m, {codes["for" if i < 2 else "against"]: 1}) for i, m in enumerate(users)])

    result = board_results(board, ballot["id"])

    assert result["passed"] is False and result["for_share_of_cast"] == "50.000000"


def test_approval_ballot_with_votes_per_member(board, scrutineer, as_user, people, classes):
    users, carers = people(2, 3)
    ballot = draft(board, kind="approval", weighting="per_member",
                   options=[{"label": "Garden"}, {"label": "Minibus"}, {"label": "Training"}],
                   weights=[{"member_class": classes[0].pk, "weight": "50",
                             "votes_per_member": 3}])
    assert ballot["weights"][0]["votes_per_member"] == 3
    garden, bus, training = ids(ballot).values()
    votes = [(users[0], {garden: 1, bus: 1}), (users[1], {garden: 1}),
             (carers[0], {bus: 1, training: 1}), (carers[1], {bus: 1}),
             (carers[2], {training: 1})]
    run(board, scrutineer, as_user, ballot, votes)

    result = board_results(board, ballot["id"])

    options = by_label(result)
    # Each user's tick weighs 3: garden 6, minibus 3 + 2 = 5, training 2, of 2×3 + 3 voters.
    assert options["Garden"]["share_fraction"] == "2/3"
    assert options["Minibus"]["share_fraction"] == "5/9"
    assert options["Garden"]["head_count"] == 2 and options["Minibus"]["head_count"] == 3
    assert result["winners"] == [garden]


def test_allocation_shares_sum_to_exactly_100(board, scrutineer, as_user, people):
    users, carers, pas = people(3, 2, 1)
    ballot = draft(board, kind="allocation",
                   options=[{"label": "Reserves"}, {"label": "Bonus"}, {"label": "Garden"}])
    r, b, g = ids(ballot).values()
    votes = [(users[0], {r: 50, b: 50}), (users[1], {r: 100}), (users[2], {g: 100}),
             (carers[0], {b: 33, g: 67}), (carers[1], {r: 1, b: 1, g: 98}),
             (pas[0], {b: 100})]
    run(board, scrutineer, as_user, ballot, votes)

    result = results(as_user, pas[0], ballot["id"])

    assert sum(Fraction(o["share_fraction"]) for o in result["options"]) == 1
    # Users' mean 50/100/0…: reserves 0.5×(150/300) + 0.25×(1/200) = 0.25125.
    assert by_label(result)["Reserves"]["share"] == "25.125000"
    assert result["winners"] == []


def test_election_elects_by_stv(board, scrutineer, as_user, people):
    users, carers, pas = people(4, 3, 2)
    ballot = draft(board, kind="ranked", weighting="one_member", seats=2,
                   options=[{"label": "Asha"}, {"label": "Ben"}, {"label": "Cai"}])
    asha, ben, cai = ids(ballot).values()
    voters = users + carers + pas
    rankings = [{asha: 1, ben: 2}] * 5 + [{ben: 1, cai: 2}] * 3 + [{cai: 1}]
    run(board, scrutineer, as_user, ballot, list(zip(voters, rankings, strict=True)))

    result = results(as_user, users[0], ballot["id"])

    election = result["election"]
    assert election["seats"] == 2 and election["valid_votes"] == 9
    assert election["quota"] == "4"
    assert [c["label"] for c in election["elected"]] == ["Asha", "Ben"]
    assert by_label(result)["Asha"]["elected"] and not by_label(result)["Cai"]["elected"]
    assert "Scottish" in election["rules"]


# --- the ballot as a member sees it ------------------------------------------------------------

def test_member_sees_own_roll_status_and_no_drafts(board, as_user, people, society):
    (users,) = people(2)
    draft(board, title="Still a draft")
    opened = draft(board, title="Open one")
    board.post(f"{BASE}/{opened['id']}/open/", {}, format="json")
    late = MemberFactory(society=society)  # joined after the roll froze
    vote(as_user, users[0], opened["id"], {ids(opened)["For"]: 1})

    def mine(member):
        listing = as_user(member.user).get(f"{BASE}/").json()
        return [(b["title"], b["on_roll"], b["has_voted"]) for b in listing["results"]]

    assert mine(users[0]) == [("Open one", True, True)]
    assert mine(users[1]) == [("Open one", True, False)]
    assert mine(late) == [("Open one", False, False)]
    assert [b["title"] for b in board.get(f"{BASE}/").json()["results"]] == [
        "Open one", "Still a draft"]


def test_ballot_representation(board, classes):
    ballot = draft(board, kind="choice", easy_read_summary="We choose one.", live_results=True,
                   options=[{"label": "A", "description": "The first"}, {"label": "B"}])

    assert ballot["state"] == "draft" and ballot["kind"] == "choice"
    assert ballot["options"][0] == {"id": ballot["options"][0]["id"], "label": "A",
                                    "description": "The first", "code": ""}
    assert [(w["name"], w["weight"]) for w in ballot["weights"]] == [
        (c.name, c.weight) for c in classes]
    for key in ("easy_read_summary", "empty_class_policy", "breakdown_minimum", "record_date",
                "opened_at", "closed_at", "certified_at", "published_at", "live_results",
                "allow_vote_changes", "only_class", "seats", "threshold_percent"):
        assert key in ballot


# --- errors a client meets ---------------------------------------------------------------------

def open_choice(board, **fields):
    ballot = draft(board, kind="choice", options=[{"label": "A"}, {"label": "B"}], **fields)
    assert board.post(f"{BASE}/{ballot['id']}/open/", {}, format="json").status_code == 200
    return ballot


@pytest.mark.parametrize("choices, message", [
    ({"A": "yes"}, "whole number"),
    ({"999999": 1}, "not on this ballot"),
    ({"A": 1, "B": 1}, "Choose one option"),
    ({}, "Choose one option"),
])
def test_bad_choices_are_400_on_the_choices_field(board, as_user, people, choices, message):
    (users,) = people(1)
    ballot = open_choice(board)
    names = ids(ballot)
    body = {"choices": {str(names.get(k, k)): v for k, v in choices.items()}}

    response = as_user(users[0].user).post(f"{BASE}/{ballot['id']}/vote/", body, format="json")

    assert response.status_code == 400
    assert message in response.json()["choices"][0]
    assert not Ballot.objects.get(pk=ballot["id"]).votes.exists()


def test_allocation_not_adding_up_to_100(board, as_user, people):
    (users,) = people(1)
    ballot = draft(board, kind="allocation", options=[{"label": "A"}, {"label": "B"}])
    board.post(f"{BASE}/{ballot['id']}/open/", {}, format="json")
    a, b = ids(ballot).values()

    response = as_user(users[0].user).post(f"{BASE}/{ballot['id']}/vote/",
                                           {"choices": {a: 60, b: 30}}, format="json")

    assert response.status_code == 400
    assert response.json() == {"choices": [
        "Your points add up to 90. They must add up to exactly 100."]}


def test_weights_need_some_whole_parts(board, classes):
    ballot = draft(board)
    rows = [{"member_class": c.pk, "weight": 0} for c in classes]

    response = board.patch(f"{BASE}/{ballot['id']}/", {"weights": rows}, format="json")

    assert response.status_code == 400
    assert "at least one class a weight of 1 part" in response.json()["weights"][0]
    assert [w["weight"] for w in board.get(f"{BASE}/{ballot['id']}/").json()["weights"]] == [
        50, 25, 25]


def test_weights_for_another_societys_class_are_refused(board, other_society):
    ballot = draft(board)
    foreign = other_society.member_classes.first()

    response = board.patch(f"{BASE}/{ballot['id']}/", {"weights": [
        {"member_class": foreign.pk, "weight": "100"}]}, format="json")

    assert response.status_code == 400
    assert response.json()["weights"] == [
        "Choose one of this co-op's member classes."]


def test_closing_in_the_past_is_refused_at_drafting_and_opening(board):
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = board.post(f"{BASE}/", {"title": "T", "summary": "S", "closes_at": past},
                          format="json")
    assert response.status_code == 400
    assert "already passed" in response.json()["closes_at"][0]

    ballot = draft(board)
    response = board.post(f"{BASE}/{ballot['id']}/open/", {"closes_at": past}, format="json")
    assert response.status_code == 400
    assert "already passed" in response.json()["closes_at"][0]
    assert board.get(f"{BASE}/{ballot['id']}/").json()["state"] == "draft"


def test_drafting_errors_name_their_fields(board):
    response = board.post(f"{BASE}/", {"kind": "ranked", "weighting": "class_share"},
                          format="json")
    assert response.status_code == 400
    assert response.json()["title"] == ["Enter a title."]

    response = board.post(f"{BASE}/", {"title": "T", "summary": "S", "kind": "ranked",
                                       "weighting": "class_share"}, format="json")
    assert response.status_code == 400
    assert "one member, one vote" in response.json()["weighting"][0]

    ballot = draft(board, kind="choice", options=[{"label": "Only one"}])
    response = board.post(f"{BASE}/{ballot['id']}/open/", {}, format="json")
    assert response.json() == {"options": ["A ballot needs at least two options."]}


def test_close_needs_a_reason_and_an_open_ballot_cannot_be_edited(board):
    ballot = open_choice(board)

    response = board.post(f"{BASE}/{ballot['id']}/close/", {"reason": " "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()

    response = board.patch(f"{BASE}/{ballot['id']}/", {"title": "New"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == ("This ballot has opened, so it can no longer be "
                                         "changed.")


def test_voting_twice_is_409_unless_the_ballot_allows_changes(board, as_user, people):
    (users,) = people(1)
    fixed = open_choice(board, title="Fixed")
    a, b = ids(fixed).values()
    vote(as_user, users[0], fixed["id"], {a: 1})

    again = as_user(users[0].user).post(f"{BASE}/{fixed['id']}/vote/",
                                        {"choices": {b: 1}}, format="json")

    assert again.status_code == 409
    assert again.json() == {"detail": "You have already voted in this ballot."}


def test_changed_vote_replaces_the_first_and_receipts_say_so(board, scrutineer, as_user,
                                                              people):
    (users,) = people(5)
    ballot = open_choice(board, allow_vote_changes=True)
    a, b = ids(ballot).values()
    first = vote(as_user, users[0], ballot["id"], {a: 1})
    second = vote(as_user, users[0], ballot["id"], {b: 1})
    client = as_user(users[1].user)
    check = f"{BASE}/{ballot['id']}/receipts/check/"
    early = client.post(check, {"code": second}, format="json")
    assert early.status_code == 409

    board.post(f"{BASE}/{ballot['id']}/close/", {"reason": "Done"}, format="json")

    assert client.post(check, {"code": first}, format="json").json() == {"status": "replaced"}
    typed = second.lower().replace("-", "")
    assert client.post(check, {"code": typed}, format="json").json() == {"status": "counted"}
    assert client.post(check, {"code": "ABCD-EFGH-JKMN-PQRS"},
                       format="json").status_code == 404
    assert client.post(check, {"code": "ABCD"}, format="json").json() == {
        "code": ["A receipt code has 16 letters and numbers."]}
    # The code never goes in the address: the old GET with the code in the URL is gone.
    assert client.get(f"{BASE}/{ballot['id']}/receipts/{second}/").status_code == 404
    result = scrutineer.get(f"{BASE}/{ballot['id']}/results/").json()
    assert by_label(result)["B"]["head_count"] == 1 and by_label(result)["A"]["head_count"] == 0


def test_voting_after_closing_time_is_refused_without_any_job(board, scrutineer, as_user,
                                                              people):
    (users,) = people(2)
    ballot = open_choice(board)
    a = ids(ballot)["A"]
    vote(as_user, users[0], ballot["id"], {a: 1})
    now = timezone.now()  # the closing time passes; no job runs
    Ballot.objects.filter(pk=ballot["id"]).update(opens_at=now - timedelta(minutes=1),
                                                  closes_at=now - timedelta(seconds=1))

    response = as_user(users[1].user).post(f"{BASE}/{ballot['id']}/vote/", {"choices": {a: 1}},
                                           format="json")

    assert response.status_code == 409
    assert "has closed" in response.json()["detail"]
    assert board.get(f"{BASE}/{ballot['id']}/").json()["state"] == "closed"
    assert scrutineer.post(f"{BASE}/{ballot['id']}/certify/", {}, format="json"
                           ).json()["state"] == "certified"
    assert Ballot.objects.get(pk=ballot["id"]).votes.count() == 1


def test_member_not_on_the_roll_cannot_vote(board, as_user, people, society):
    people(1)
    ballot = open_choice(board)
    newcomer = MemberFactory(society=society)

    response = as_user(newcomer.user).post(f"{BASE}/{ballot['id']}/vote/",
                                           {"choices": {ids(ballot)["A"]: 1}}, format="json")

    assert response.status_code == 403 and "roll" in response.json()["detail"]


def test_certify_and_publish_in_the_wrong_order_are_409(board, scrutineer):
    ballot = open_choice(board)

    assert scrutineer.post(f"{BASE}/{ballot['id']}/certify/", {}, format="json"
                           ).status_code == 409
    assert board.post(f"{BASE}/{ballot['id']}/publish/", {}, format="json").status_code == 409


def test_scheduled_ballot_opens_when_asked_for_after_its_time(board, as_user, people):
    (users,) = people(1)
    ballot = draft(board, kind="choice", options=[{"label": "A"}, {"label": "B"}])
    opens = timezone.now() + timedelta(hours=1)
    response = board.post(f"{BASE}/{ballot['id']}/open/", {"opens_at": opens.isoformat()},
                          format="json")
    assert response.json()["state"] == "scheduled"
    Ballot.objects.filter(pk=ballot["id"]).update(opens_at=timezone.now() - timedelta(minutes=1))

    vote(as_user, users[0], ballot["id"], {ids(ballot)["A"]: 1})

    assert board.get(f"{BASE}/{ballot['id']}/").json()["state"] == "open"


# --- secrecy -----------------------------------------------------------------------------------

def test_nothing_returned_identifies_a_voter(board, scrutineer, as_user, people):
    users, carers, pas = people(5, 5, 5)
    everyone = users + carers + pas
    ballot = draft(board, kind="choice", options=[{"label": "A"}, {"label": "B"}])
    a, b = ids(ballot).values()
    run(board, scrutineer, as_user, ballot,
        [(m, {a if i % 2 else b: 1}) for i, m in enumerate(everyone)])

    texts = [scrutineer.get(f"{BASE}/{ballot['id']}/results/").content.decode(),
             scrutineer.get(f"{BASE}/{ballot['id']}/").content.decode(),
             as_user(users[0].user).get(f"{BASE}/{ballot['id']}/results/").content.decode()]

    for member in everyone:
        for text in texts:
            assert member.full_name not in text and member.user.email not in text
            assert f'"membership_number": {member.membership_number}' not in text


# --- who may do what ---------------------------------------------------------------------------

ENDPOINTS = {
    "list": ("get", "", None),
    "create": ("post", "", {"title": "New", "summary": "About"}),
    "read": ("get", "{open}/", None),
    "update": ("patch", "{draft}/", {"title": "Renamed"}),
    "open": ("post", "{draft}/open/", {}),
    "close": ("post", "{open}/close/", {"reason": "Urgent"}),
    "vote": ("post", "{open}/vote/", "for"),
    "results": ("get", "{published}/results/", None),
    "results unpublished": ("get", "{closed}/results/", None),
    "certify": ("post", "{closed}/certify/", {}),
    "publish": ("post", "{certified}/publish/", {}),
    "receipt": ("post", "{closed}/receipts/check/", "receipt"),
}
#                   list create read update open close vote results  results  certify publish
#                                                                   unpubl.                  receipt
TABLE = {
    "anonymous":     (401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401),
    "outsider":      (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "other member":  (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "other officer": (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "member":        (200, 403, 200, 403, 403, 403, 201, 200, 403, 403, 403, 200),
    "secretary":     (200, 201, 200, 200, 200, 200, 403, 200, 200, 403, 200, 200),
    "trustee":       (200, 201, 200, 200, 200, 200, 403, 200, 200, 403, 200, 200),
    "scrutineer":    (200, 403, 200, 403, 403, 403, 403, 200, 200, 200, 403, 200),
}
CASES = [(who, endpoint, expected) for who, row in TABLE.items()
         for endpoint, expected in zip(ENDPOINTS, row, strict=True)]


def person(who, society, other_society, member):
    if who == "anonymous":
        return None
    if who == "outsider":
        return UserFactory()
    if who == "other member":
        return MemberFactory(society=other_society).user
    if who == "other officer":
        return OfficerFactory(society=other_society, role="secretary").user
    if who == "member":
        return member.user
    return OfficerFactory(society=society, role=who).user


def ballot_in_state(state, society, secretary, voter):
    """A resolution in `state`, made through the services; "closed" has `voter`'s vote, and
    its receipt comes back too."""
    ballot = services.create_ballot(society, by=secretary, title=state.title(), summary="S",
                                    closes_at=timezone.now() + timedelta(days=3))
    if state == "draft":
        return ballot.pk, None
    services.open_ballot(ballot, by=secretary)
    receipt = None
    if state == "closed":
        receipt = services.cast_vote(ballot, voter, {ballot.options.get(code="for").pk: 1})
    if state != "open":
        services.close_ballot(ballot, by=secretary, reason="Done")
    if state in ("certified", "published"):
        services.certify_ballot(ballot, by=secretary)
    if state == "published":
        services.publish_ballot(ballot, by=secretary)
    return ballot.pk, receipt


@pytest.mark.parametrize("who, endpoint, expected", CASES)
def test_permission_table(who, endpoint, expected, society, other_society, secretary):
    member = MemberFactory(society=society)
    method, path, body = ENDPOINTS[endpoint]
    refs = {}
    for state in ("draft", "open", "closed", "certified", "published"):
        if f"{{{state}}}" in path:
            refs[state], refs["receipt"] = ballot_in_state(state, society, secretary, member)
    user = person(who, society, other_society, member)
    client = APIClient()
    if user is not None:
        client.force_login(user)
    if body == "receipt":
        body = {"code": refs["receipt"]}
    if body == "for":
        body = {"choices": {Ballot.objects.get(pk=refs["open"]).options.get(code="for").pk: 1}}

    response = getattr(client, method)(f"{BASE}/{path.format(**refs)}", body, format="json")

    assert response.status_code == expected, response.content


def test_another_societys_ballot_is_404_under_this_societys_address(board, other_society,
                                                                     officer_for):
    theirs = services.create_ballot(other_society, by=officer_for("secretary", other_society),
                                    title="Theirs", summary="S")

    assert board.get(f"{BASE}/{theirs.pk}/").status_code == 404
    assert board.post(f"{BASE}/{theirs.pk}/open/", {}, format="json").status_code == 404


def test_member_cannot_read_a_draft(board, as_user, member):
    ballot = draft(board)

    assert as_user(member.user).get(f"{BASE}/{ballot['id']}/").status_code == 404


# --- cost of the list --------------------------------------------------------------------------

@pytest.mark.parametrize("how_many", [1, 25])
def test_list_queries_do_not_grow_with_ballots(how_many, society, secretary, member,
                                                django_assert_max_num_queries):
    for i in range(how_many):
        ballot = services.create_ballot(society, by=secretary, title=f"Ballot {i}", summary="S",
                                        closes_at=timezone.now() + timedelta(days=3))
        services.open_ballot(ballot, by=secretary)
    client = APIClient()
    client.force_login(member.user)
    # Session, user, society, roles, count, ballots, options, topics, weights.
    with django_assert_max_num_queries(9):
        response = client.get(f"{BASE}/")

    assert response.json()["count"] == how_many
    assert all(b["on_roll"] for b in response.json()["results"])


def test_voting_reads_only_what_it_needs(board, as_user, people, django_assert_max_num_queries):
    (users,) = people(1)
    ballot = open_choice(board)
    client = as_user(users[0].user)

    # The view: user, society, ballot, roll entry; the service: 10 (checks, vote, marks).
    with django_assert_max_num_queries(15):
        response = client.post(f"{BASE}/{ballot['id']}/vote/",
                               {"choices": {ids(ballot)["A"]: 1}}, format="json")

    assert response.status_code == 201


def test_personal_token_can_vote(with_token, board, people):
    (users,) = people(1)
    ballot = open_choice(board)

    response = with_token(users[0].user).post(f"{BASE}/{ballot['id']}/vote/",
                                              {"choices": {ids(ballot)["A"]: 1}}, format="json")

    assert response.status_code == 201
    assert len(response.json()["receipt"]) == 19



def test_schema_documents_the_ballot_errors(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]

    vote_op = paths["/api/v1/societies/{slug}/ballots/{id}/vote/"]["post"]
    assert set(vote_op["responses"]) == {"201", "400", "401", "403", "404", "409"}
    receipt = paths["/api/v1/societies/{slug}/ballots/{id}/receipts/check/"]["post"]
    assert set(receipt["responses"]) == {"200", "400", "401", "404", "409"}
    assert not any("{code}" in path for path in paths)
    for action in ("open", "close", "certify", "publish"):
        assert "409" in paths[f"/api/v1/societies/{{slug}}/ballots/{{id}}/{action}/"]["post"][
            "responses"]
    assert set(paths["/api/v1/societies/{slug}/ballots/{id}/results/"]["get"][
        "responses"]) == {"200", "401", "403", "404"}


def test_ballot_with_topics_asks_about_interests(board, as_user, people, society, classes,
                                                 other_society):
    users, _, pas = people(1, 0, 1)
    topic = InterestTopic.objects.create(society=society, name="PA pay")
    topic.deemed_classes.add(classes[2])
    foreign = InterestTopic.objects.create(society=other_society, name="PA pay")
    refused = board.post(f"{BASE}/", {"title": "T", "summary": "S", "topics": [foreign.pk]},
                         format="json")
    assert refused.json() == {"topics": ["Choose one of this co-op's topics."]}
    ballot = open_choice(board, topics=[topic.pk], conflict_policy="declare")
    assert ballot["topics"] == [{"id": topic.pk, "name": "PA pay"}]
    url, choices = f"{BASE}/{ballot['id']}/vote/", {"choices": {ids(ballot)["A"]: 1}}

    unanswered = as_user(users[0].user).post(url, choices, format="json")
    assert unanswered.status_code == 400
    assert "interest to declare" in unanswered.json()["interest"][0]
    assert as_user(users[0].user).post(url, {**choices, "interest": {"none_to_declare": True}},
                                       format="json").status_code == 201
    assert as_user(pas[0].user).post(url, {**choices, "interest": {"confirmed": True}},
                                     format="json").status_code == 201


# --- interests: the prompt, each conflict policy, and the result without interested votes ------

def pa_pay(society):
    """The seeded topic every personal assistant is deemed to have an interest in."""
    return InterestTopic.objects.get(society=society, name="PA pay and conditions")


def resolution_on_pa_pay(board, society, policy):
    ballot = draft(board, kind="resolution", title="Raise PA pay", topics=[pa_pay(society).pk],
                   conflict_policy=policy)
    assert board.post(f"{BASE}/{ballot['id']}/open/", {}, format="json").status_code == 200
    return ballot, {o["code"]: o["id"] for o in ballot["options"]}


def cast(as_user, member, ballot, choice, interest=None):
    body = {"choices": {str(choice): 1}}
    if interest is not None:
        body["interest"] = interest
    return as_user(member.user).post(f"{BASE}/{ballot['id']}/vote/", body, format="json")


def finish(board, scrutineer, ballot):
    board.post(f"{BASE}/{ballot['id']}/close/", {"reason": "Everyone has voted"}, format="json")
    assert scrutineer.post(f"{BASE}/{ballot['id']}/certify/", {},
                           format="json").status_code == 200
    assert board.post(f"{BASE}/{ballot['id']}/publish/", {}, format="json").status_code == 200


def test_declare_policy_pa_confirms_and_results_show_the_result_without_them(
        board, scrutineer, as_user, people, society):
    users, carers, pas = people(5, 5, 5)
    ballot, codes = resolution_on_pa_pay(board, society, "declare")

    detail = as_user(pas[0].user).get(f"{BASE}/{ballot['id']}/").json()
    assert detail["topics"] == [{"id": pa_pay(society).pk, "name": "PA pay and conditions"}]
    assert detail["conflict_policy"] == "declare"
    assert (detail["recused"], detail["interest_question"]) == (False, "confirm")
    assert detail["interests"] == [{
        "topic": {"id": pa_pay(society).pk, "name": "PA pay and conditions"}, "deemed": True,
        "declaration": None,
        "description": "Every personal assistant is treated as having an interest in this "
                       "topic."}]
    user_detail = as_user(users[0].user).get(f"{BASE}/{ballot['id']}/").json()
    assert (user_detail["interests"], user_detail["interest_question"]) == ([], "declare")

    # The prompt cannot be skipped: no answer is a 400 that says what to send.
    refused = cast(as_user, pas[0], ballot, codes["against"])
    assert refused.status_code == 400
    assert list(refused.json()) == ["interest"]
    assert '"confirmed": true' in refused.json()["interest"][0]
    wrong = cast(as_user, pas[0], ballot, codes["against"], {"none_to_declare": True})
    assert wrong.status_code == 400 and "Confirm" in wrong.json()["interest"][0]
    assert not Ballot.objects.get(pk=ballot["id"]).votes.exists()

    # Users 4 for 1 against, carers 2 for 3 against, PAs all against (with their interest).
    for member, choice in [*((m, "for" if i < 4 else "against") for i, m in enumerate(users)),
                           *((m, "for" if i < 2 else "against") for i, m in enumerate(carers))]:
        assert cast(as_user, member, ballot, codes[choice],
                    {"none_to_declare": True}).status_code == 201
    for member in pas:
        assert cast(as_user, member, ballot, codes["against"],
                    {"confirmed": True}).status_code == 201
    finish(board, scrutineer, ballot)

    result = results(as_user, users[0], ballot["id"])

    # With the PAs: 0.5×0.8 + 0.25×0.4 = 1/2 for, a tie, so it fails.
    assert (result["passed"], result["for_share_of_cast"]) == (False, "50.000000")
    assert result["votes_with_interest"] == 5 and result["recused"] == 0
    without = result["without_interest"]
    # Without them the PA class is empty, its weight shared out: (0.4 + 0.1) ÷ 0.75 = 2/3.
    assert (without["passed"], without["for_share_of_cast"]) == (True, "66.666667")
    assert without["for_share_of_cast_fraction"] == "2/3"
    assert without["votes_left_out"] == 5 and "their votes count" in without["note"]
    shares = {o["code"]: o["share"] for o in without["options"]}
    assert (shares["for"], shares["against"]) == ("66.666667", "33.333333")
    # PAs' own breakdown is shown in the real result (5 voted) but no PA voted without an
    # interest, so theirs is hidden in the result without interested votes.
    assert [row["shown"] for row in result["classes"]] == [True, True, True]
    assert [row["shown"] for row in without["classes"]] == [True, True, False]
    assert without["classes"][2]["options"] is None
    users_row = {o["option"]: o["head_count"] for o in without["classes"][0]["options"]}
    assert (users_row[codes["for"]], users_row[codes["against"]]) == (4, 1)


def test_declaring_while_voting_adds_to_the_register(board, as_user, people, society):
    (users,) = people(2)
    ballot, codes = resolution_on_pa_pay(board, society, "declare")
    declaration = {"interest_type": "family", "description": "My son is a PA.",
                   "other_party": "My son", "began_on": "2024-01-01"}

    response = cast(as_user, users[0], ballot, codes["for"], {"declaration": declaration})

    assert response.status_code == 201, response.content
    made = Declaration.objects.get()
    assert (made.person, made.interest_type, made.description, made.other_party) == (
        users[0].user, "family", "My son is a PA.", "My son")
    assert [t.name for t in made.topics.all()] == ["PA pay and conditions"]
    assert only_sealed(Ballot.objects.get(pk=ballot["id"])).with_interest
    # Their next look at the ballot shows the declaration as one of their interests.
    detail = as_user(users[0].user).get(f"{BASE}/{ballot['id']}/").json()
    assert [(i["declaration"], i["deemed"]) for i in detail["interests"]] == [(made.pk, False)]


@pytest.mark.parametrize("interest, choices, where, message", [
    ({"declaration": {"interest_type": "family", "description": "Son"}}, "bad", ["choices"],
     "not on this ballot"),
    ({"declaration": {"interest_type": "family", "description": "  "}}, "for",
     ["interest", "declaration", "description"], "Describe the interest"),
    ({"declaration": {"interest_type": "money", "description": "Son"}}, "for",
     ["interest", "declaration", "interest_type"], "Choose the kind of interest"),
    ({"declaration": {"interest_type": "family", "description": "Son",
                      "began_on": "2999-01-01"}}, "for",
     ["interest", "declaration", "began_on"], "cannot be in the future"),
    ({"declaration": {"interest_type": "family", "description": "Son", "topics": "other"}},
     "for", ["interest", "declaration", "topics"], "one of this ballot's topics"),
    ({"declaration": {"interest_type": "family", "description": "Son"},
      "none_to_declare": True}, "for", ["interest"], "Send one answer"),
])
def test_a_refused_vote_leaves_no_declaration(interest, choices, where, message, board, as_user,
                                              people, society):
    (users,) = people(1)
    ballot, codes = resolution_on_pa_pay(board, society, "declare")
    if interest["declaration"].get("topics") == "other":
        other = InterestTopic.objects.get(society=society, name="Contracts and suppliers")
        interest["declaration"]["topics"] = [other.pk]

    response = cast(as_user, users[0], ballot, codes.get(choices, 999999), interest)

    assert response.status_code == 400
    errors = response.json()
    for key in where:
        errors = errors[key]
    assert message in errors[0]
    assert not Declaration.objects.exists()
    assert not Ballot.objects.get(pk=ballot["id"]).votes.exists()


def test_a_declaration_in_a_closed_ballot_is_not_kept(board, as_user, people, society):
    (users,) = people(1)
    ballot, codes = resolution_on_pa_pay(board, society, "declare")
    board.post(f"{BASE}/{ballot['id']}/close/", {"reason": "Stopped"}, format="json")

    response = cast(as_user, users[0], ballot, codes["for"],
                    {"declaration": {"interest_type": "family", "description": "Son"}})

    assert response.status_code == 409
    assert not Declaration.objects.exists()


def test_recuse_policy_tells_the_member_and_refuses_their_vote(board, scrutineer, as_user,
                                                               people, society):
    users, _, pas = people(2, 0, 3)
    ballot, codes = resolution_on_pa_pay(board, society, "recuse")

    detail = as_user(pas[0].user).get(f"{BASE}/{ballot['id']}/").json()
    assert (detail["on_roll"], detail["recused"]) == (True, True)
    assert detail["interest_question"] == "recused"
    assert [b["recused"] for b in as_user(pas[0].user).get(f"{BASE}/").json()["results"]] == [
        True]
    refused = cast(as_user, pas[0], ballot, codes["against"], {"confirmed": True})
    assert refused.status_code == 409
    assert "you do not vote" in refused.json()["detail"]
    assert as_user(users[0].user).get(f"{BASE}/{ballot['id']}/").json()["recused"] is False
    assert cast(as_user, users[0], ballot, codes["for"],
                {"none_to_declare": True}).status_code == 201

    # An interest declared after the roll was frozen also bars the member.
    interest_services.declare(society, users[1].user, by=users[1].user, topics=[pa_pay(society)],
                      interest_type="family", description="My son is a PA.")
    late = as_user(users[1].user).get(f"{BASE}/{ballot['id']}/").json()
    assert (late["recused"], late["interest_question"]) == (True, "recused")
    assert cast(as_user, users[1], ballot, codes["for"],
                {"confirmed": True}).status_code == 409
    finish(board, scrutineer, ballot)

    result = results(as_user, users[0], ballot["id"])
    assert result["recused"] == 3 and result["on_roll"] == 2 and result["voted"] == 1
    assert result["without_interest"] is None


def test_recuse_policy_keeps_an_interest_declared_at_the_prompt(board, as_user, people,
                                                                society):
    (users,) = people(1)
    ballot, codes = resolution_on_pa_pay(board, society, "recuse")

    response = cast(as_user, users[0], ballot, codes["for"],
                    {"declaration": {"interest_type": "family", "description": "My son is a PA."}})

    assert response.status_code == 409
    assert "you do not vote" in response.json()["detail"]
    assert Declaration.objects.get().person == users[0].user  # kept in the register
    assert not Ballot.objects.get(pk=ballot["id"]).votes.exists()
    detail = as_user(users[0].user).get(f"{BASE}/{ballot['id']}/").json()
    assert (detail["recused"], detail["interest_question"]) == (True, "recused")


def test_record_policy_keeps_the_answer_and_counts_as_normal(board, scrutineer, as_user,
                                                             people, society):
    users, _, pas = people(1, 0, 1)
    ballot, codes = resolution_on_pa_pay(board, society, "record")

    assert cast(as_user, pas[0], ballot, codes["against"]).status_code == 400
    assert cast(as_user, pas[0], ballot, codes["against"],
                {"confirmed": True}).status_code == 201
    assert cast(as_user, users[0], ballot, codes["for"],
                {"none_to_declare": True}).status_code == 201
    finish(board, scrutineer, ballot)

    result = board_results(board, ballot["id"])
    assert result["without_interest"] is None and result["recused"] == 0
    # Users 50% for, PAs 25% against, carers empty: 0.5 ÷ 0.75 = 2/3 for.
    assert (result["passed"], result["for_share_of_cast_fraction"]) == (True, "2/3")


def test_ballot_without_topics_asks_nothing(board, as_user, people):
    (users,) = people(1)
    ballot = open_choice(board)

    detail = as_user(users[0].user).get(f"{BASE}/{ballot['id']}/").json()

    assert (detail["topics"], detail["conflict_policy"]) == ([], "declare")
    assert (detail["interests"], detail["interest_question"], detail["recused"]) == (
        None, "none", False)
    assert cast(as_user, users[0], ballot, ids(ballot)["A"]).status_code == 201
