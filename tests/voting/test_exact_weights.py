"""Class weights as exact whole-number parts (issue 15): equal thirds can be set as 1:1:1 and
a three-way split is a tie, not a win by 0.0001%; old percentages convert without loss."""

from decimal import Decimal
from fractions import Fraction
from importlib import import_module

import pytest
from rest_framework.test import APIClient

from membership import services as membership
from voting import selectors, services
from voting.services import VotingError

from .conftest import option

as_parts = import_module("membership.migrations.0008_class_weights_as_parts").as_parts


@pytest.mark.parametrize(("percentages", "parts"), [
    ([Decimal("50.00"), Decimal("25.00"), Decimal("25.00")], [2, 1, 1]),
    ([Decimal("33.3333"), Decimal("33.3333"), Decimal("33.3334")], [333333, 333333, 333334]),
    ([Decimal("60"), Decimal("40"), Decimal("0")], [3, 2, 0]),
    ([Decimal("12.5"), Decimal("87.5")], [1, 7]),
    ([Decimal("0"), Decimal("0")], [0, 0]),
])
def test_migration_converts_percentages_to_parts_without_loss(percentages, parts):
    converted = as_parts(percentages)

    assert converted == parts
    total, old_total = sum(converted), sum(percentages)
    if total:
        assert [Fraction(p, total) for p in converted] == [Fraction(p) / Fraction(old_total)
                                                           for p in percentages]


def equal_thirds(society, secretary):
    rows = [{"id": c.pk, "name": c.name, "description": c.description,
             "eligibility": c.eligibility, "votes": c.votes, "weight": 1}
            for c in society.member_classes.all()]
    membership.save_member_classes(society, rows, by=secretary)


def test_equal_thirds_make_a_three_way_split_a_tie(society, secretary, classes,
                                                    make_members, open_ballot):
    equal_thirds(society, secretary)
    voters = [make_members(cls, 1)[0] for cls in classes]
    ballot = open_ballot(kind="choice", weighting="class_share", options=["A", "B", "C"])
    for member, label in zip(voters, "ABC", strict=True):
        services.cast_vote(ballot, member, {option(ballot, label).pk: 1})

    results = selectors.results(ballot)

    assert [w.weight for w in ballot.class_weights.all()] == [1, 1, 1]
    assert set(results.outcome.shares.values()) == {Fraction(1, 3)}
    assert results.is_tie and len(results.winners) == 3


def test_two_one_one_parts_count_as_half_and_quarters(society, secretary, classes,
                                                      make_members, open_ballot):
    users, carers, pas = classes
    ballot_voters = [make_members(cls, 1)[0] for cls in classes]
    ballot = services.create_ballot(society, by=secretary, title="Parts", summary="Which?",
                                    kind="choice", weighting="class_share", options=["A", "B"])
    services.set_weights(ballot, [{"member_class": users.pk, "weight": 2},
                                  {"member_class": carers.pk, "weight": 1},
                                  {"member_class": pas.pk, "weight": 1}], by=secretary)
    from datetime import timedelta

    from django.utils import timezone
    ballot = services.open_ballot(ballot, by=secretary,
                                  closes_at=timezone.now() + timedelta(days=7))
    for member, label in zip(ballot_voters, "ABB", strict=True):
        services.cast_vote(ballot, member, {option(ballot, label).pk: 1})

    shares = selectors.results(ballot).outcome.shares

    assert (shares[option(ballot, "A").pk], shares[option(ballot, "B").pk]) == (
        Fraction(1, 2), Fraction(1, 2))


@pytest.mark.parametrize("weight", [Decimal("1.5"), -1])
def test_set_weights_refuses_a_part_that_is_not_a_whole_number(society, secretary, classes,
                                                               weight):
    ballot = services.create_ballot(society, by=secretary, title="Parts", summary="Which?",
                                    kind="choice", weighting="class_share", options=["A", "B"])
    with pytest.raises(VotingError, match="whole-number parts"):
        services.set_weights(ballot, [{"member_class": classes[0].pk, "weight": weight}],
                             by=secretary)
    assert [w.weight for w in ballot.class_weights.all()] == [50, 25, 25]


def test_api_takes_weights_as_parts_and_refuses_fractions(society, secretary, classes):
    client = APIClient()
    client.force_authenticate(secretary)
    base = "/api/v1/societies/mutual/ballots/"
    body = {"title": "Thirds", "summary": "Which?", "kind": "choice",
            "weighting": "class_share",
            "options": [{"label": x} for x in ("A", "B", "C")]}

    made = client.post(base, {**body, "weights": [{"member_class": c.pk, "weight": 1}
                                                  for c in classes]}, format="json")
    refused = client.post(base, {**body, "weights": [{"member_class": classes[0].pk,
                                                      "weight": "33.3333"}]}, format="json")

    assert made.status_code == 201, made.json()
    assert [w["weight"] for w in made.json()["weights"]] == [1, 1, 1]
    assert refused.status_code == 400
    assert "whole number of parts" in refused.json()["weights"][0]
