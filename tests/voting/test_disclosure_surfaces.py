"""Every surface a member can read answers, with the outcome and without the hidden figures,
for each kind of ballot when a class is small (`voting.disclosure`); the board still gets the
full count. The adversary (`test_disclosure_adversary.py`) checks that what is left cannot
give a small class away; this checks that nothing breaks on the way."""

import csv
import io

import pytest
from django.urls import reverse

from membership.interests import services as interest_services
from membership.models import InterestTopic
from tests.pages import PageCheckingClient, text
from voting import services
from voting.conflicts import InterestAnswer

from .conftest import option

HIDDEN = "Hidden to keep a small group's votes secret"
KINDS = {
    # kind: (options, votes of the five users, votes of the two carers, the outcome in words)
    "resolution": (None, ["For"] * 4 + ["Against"], ["Against", "Abstain"],
                   "The resolution passed: it needed more than 50%"),
    "choice": (["Red", "Blue"], ["Red"] * 3 + ["Blue"] * 2, ["Blue", "Red"], "Red won."),
    "approval": (["Red", "Blue"], ["Red"] * 5, ["Blue", "Red"], "Red won."),
    "allocation": (["Red", "Blue"], ["Red"] * 5, ["Blue", "Blue"], "The points were shared"),
    "ranked": (["Ann", "Bob"], ["Ann"] * 3 + ["Bob"] * 2, ["Bob", "Bob"],
               "Elected to the seat: Bob."),
}


def url(name, ballot):
    return reverse(name, args=[ballot.society.slug, ballot.pk])


def mark(ballot, label):
    value = {"allocation": 100}.get(ballot.kind, 1)
    return {option(ballot, label).pk: value}


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


@pytest.mark.parametrize("kind", KINDS)
def test_members_get_the_outcome_and_turnout_on_every_surface(
        kind, classes, make_members, open_ballot, secretary, scrutineer):
    options, user_votes, carer_votes, outcome = KINDS[kind]
    users, carers = make_members(classes[0], 5), make_members(classes[1], 2)
    ballot = open_ballot(kind=kind, options=options, **({"seats": 1} if kind == "ranked"
                                                        else {}))
    for member, label in [*zip(users, user_votes, strict=True),
                          *zip(carers, carer_votes, strict=True)]:
        services.cast_vote(ballot, member, mark(ballot, label))
    services.close_ballot(ballot, by=secretary, reason="Everyone has voted.")
    services.certify_ballot(ballot, by=scrutineer, note="Checked.")
    services.publish_ballot(ballot, by=secretary)
    member, board = PageCheckingClient(), PageCheckingClient()
    member.force_login(users[0].user)
    board.force_login(secretary)

    page = text(member.get(url("ballot_results", ballot)))
    assert outcome in page and "7 of the 7 members on the electoral roll voted" in page
    if kind != "ranked":  # an election's page shows its STV count, never a class's figures
        assert HIDDEN in page and HIDDEN not in text(board.get(url("ballot_results", ballot)))
    rows = list(csv.DictReader(io.StringIO(
        member.get(url("ballot_results_csv", ballot)).content.decode())))
    assert rows[0]["row"] == "figures hidden"
    assert not [r for r in rows if r["row"] == "class result"]
    assert outcome in text(member.get(url("ballot_certificate", ballot)))
    pdf = member.get(url("ballot_certificate_pdf", ballot))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    api = member.get(f"/api/v1/societies/{ballot.society.slug}/ballots/{ballot.pk}/results/")
    assert api.status_code == 200 and api.json()["figures_hidden"] is True
    assert {o["head_count"] for o in api.json()["options"]} == {None}
    full = board.get(f"/api/v1/societies/{ballot.society.slug}/ballots/{ballot.pk}/results/")
    assert full.json()["figures_hidden"] is False
    assert sum(o["head_count"] for o in full.json()["options"]) >= 7


def test_the_result_without_interested_votes_is_hidden_when_a_class_has_few_of_them(
        society, classes, make_members, open_ballot, secretary, scrutineer):
    """No class is small, but two service users declared an interest. Their class's row in
    the result without interested votes is hidden; yet, with the PAs' votes all interested,
    the totals without interest are the other five users' votes, and the real users' row
    less those is how the two voted. So members get no comparison at all."""
    users, pas = make_members(classes[0], 7), make_members(classes[2], 5)
    topic = InterestTopic.objects.get(society=society, name="PA pay and conditions")
    for user in users[:2]:
        interest_services.declare(society, user.user, by=user.user, topics=[topic],
                                  interest_type="financial", description="My sister is a PA.")
    ballot = open_ballot(title="PA pay", topics=[topic], conflict_policy="declare")
    confirm, none = InterestAnswer(confirmed=True), InterestAnswer(none_to_declare=True)
    for member, label, answer in [*[(u, "For", confirm) for u in users[:2]],
                                  *[(u, "Against", none) for u in users[2:]],
                                  *[(p, "For", confirm) for p in pas]]:
        services.cast_vote(ballot, member, mark(ballot, label), interest=answer)
    services.close_ballot(ballot, by=secretary, reason="Everyone has voted.")
    services.certify_ballot(ballot, by=scrutineer, note="Checked.")
    services.publish_ballot(ballot, by=secretary)
    path = f"/api/v1/societies/{society.slug}/ballots/{ballot.pk}/results/"
    member, board = PageCheckingClient(), PageCheckingClient()
    member.force_login(users[3].user)
    board.force_login(secretary)

    seen = member.get(path).json()
    assert seen["figures_hidden"] is False and seen["votes_with_interest"] == 7
    assert seen["without_interest"] is None and seen["without_interest_hidden"] is True
    assert [o["head_count"] for o in seen["options"]] == [7, 5, 0]  # the result itself stays
    full = board.get(path).json()
    assert full["without_interest"] is not None
    assert "fewer than 5 voted with an interest (in all, or in a class)" in text(
        member.get(url("ballot_results", ballot)))
