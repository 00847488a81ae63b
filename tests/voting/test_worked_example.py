"""DESIGN.md's worked example, cast through the real service and counted by the database."""

from decimal import Decimal

from voting import selectors, services

from .conftest import option


def test_design_worked_example_gives_a_52_5_percent(society, classes, make_members,
                                                    open_ballot):
    users, carers, pas = classes
    people = {c: make_members(c, n) for c, n in ((users, 40), (carers, 12), (pas, 40))}
    ballot = open_ballot(kind="choice", options=["A", "B"])
    a, b = option(ballot, "A"), option(ballot, "B")
    for cls, for_a in ((users, 30), (carers, 6), (pas, 4)):
        for i, member in enumerate(people[cls]):
            services.cast_vote(ballot, member, {(a if i < for_a else b).pk: 1})

    result = selectors.results(ballot)

    assert selectors.percent(result.outcome.shares[a.pk], 6) == Decimal("52.500000")
    assert selectors.percent(result.outcome.shares[b.pk], 6) == Decimal("47.500000")
    assert result.winners == [a]
    # One member one vote would say 40 of 92 for A: B would have won.
    assert selectors.percent(result.one_member_outcome.shares[a.pk], 2) == Decimal("43.48")
    assert result.head_counts == {a.pk: 40, b.pk: 52}
    assert result.voted == result.on_roll == 92
