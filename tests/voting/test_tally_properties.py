"""Property tests of the weighing rules (`voting.tally`) and of the database count behind them.

Each expected figure is computed here from the formula in DESIGN.md ("Weighted tallies"),
independently of the code under test: an option's class-share result is
Σ over classes of weight × (class votes for the option ÷ class votes cast), with an empty class's
weight either shared among the others (rescale) or kept as not cast."""

from datetime import timedelta
from fractions import Fraction

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from coop.enums import EmptyClassPolicy
from tests.factories import MemberFactory, SocietyFactory, UserFactory
from voting import selectors, services, tally
from voting.enums import ALLOCATION_POINTS, BallotKind, ResolutionKind, Weighting

PURE = settings(max_examples=500, deadline=None)
DB = settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
RESCALE, NOT_CAST = EmptyClassPolicy.RESCALE, EmptyClassPolicy.NOT_CAST
FOR, AGAINST, ABSTAIN = 101, 102, 103


# --- strategies ------------------------------------------------------------------------------

@st.composite
def weights(draw, classes: int) -> list[int]:
    """Whole-number class weights, each at least 1, that add up to 100."""
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=classes - 1,
                                max_size=classes - 1, unique=True)))
    bounds = [0, *cuts, 100]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


@st.composite
def choice_counts(draw, max_votes: int = 30):
    """(weights, per class {option: votes}, options) for a single-choice ballot."""
    n_classes = draw(st.integers(1, 4))
    options = list(range(1, draw(st.integers(2, 4)) + 1))
    ws = draw(weights(n_classes))
    counts = [{o: draw(st.integers(0, max_votes)) for o in options} for _ in ws]
    return ws, counts, options


def make_classes(ws, counts, *, per_member=None, voters=None, points=None):
    return [tally.ClassCount(
        class_id=i, name=f"class {i}", weight=Fraction(w, 100),
        votes_per_member=(per_member or [1] * len(ws))[i],
        voters=voters[i] if voters else sum(c.values()),
        counts=dict(c), points=dict(points[i]) if points else dict(c))
        for i, (w, c) in enumerate(zip(ws, counts, strict=True))]


def choice_rules(kind=BallotKind.CHOICE, weighting=Weighting.CLASS_SHARE, policy=RESCALE):
    return tally.Rules(kind=kind, weighting=weighting, empty_class_policy=policy)


def expected_class_share(ws, numerators, denominators, options, policy):
    """The DESIGN.md formula, with the empty-class policy, written out on its own."""
    cast = [i for i, d in enumerate(denominators) if d > 0]
    raw = {o: sum((Fraction(ws[i], 100) * Fraction(numerators[i].get(o, 0), denominators[i])
                   for i in cast), Fraction(0)) for o in options}
    weight_cast = sum((Fraction(ws[i], 100) for i in cast), Fraction(0))
    if not cast:  # nobody voted: nothing to share; under "not cast" all of it is not cast
        return {o: Fraction(0) for o in options}, Fraction(0 if policy == RESCALE else 1)
    if policy == RESCALE:
        return {o: s / weight_cast for o, s in raw.items()}, Fraction(0)
    return raw, 1 - weight_cast


# --- class share: the formula, and the shares' sum ----------------------------------------------

@PURE
@given(choice_counts(), st.sampled_from([RESCALE, NOT_CAST]))
@example(([50, 25, 25], [{1: 30, 2: 10}, {1: 6, 2: 6}, {1: 4, 2: 36}], [1, 2]), RESCALE)
def test_class_share_equals_the_formula(case, policy):
    ws, counts, options = case
    outcome = tally.decide(make_classes(ws, counts), options, choice_rules(policy=policy))
    shares, not_cast = expected_class_share(ws, counts, [sum(c.values()) for c in counts],
                                            options, policy)
    assert outcome.shares == shares
    assert outcome.not_cast == not_cast
    if any(sum(c.values()) for c in counts):
        assert sum(outcome.shares.values()) + outcome.not_cast == 1  # exactly, no rounding
        if policy == RESCALE:
            assert sum(outcome.shares.values()) == 1


def test_the_design_worked_example_is_52_5_percent():
    counts = [{1: 30, 2: 10}, {1: 6, 2: 6}, {1: 4, 2: 36}]
    outcome = tally.decide(make_classes([50, 25, 25], counts), [1, 2], choice_rules())
    assert outcome.shares[1] == Fraction(525, 1000)
    assert outcome.winners == [1]


@PURE
@given(choice_counts())
def test_an_empty_class_is_rescaled_or_kept_as_not_cast(case):
    ws, counts, options = case
    assume(len(ws) > 1)
    counts[0] = {o: 0 for o in options}
    assume(any(sum(c.values()) for c in counts))
    rescaled = tally.decide(make_classes(ws, counts), options, choice_rules())
    kept = tally.decide(make_classes(ws, counts), options, choice_rules(policy=NOT_CAST))
    assert kept.not_cast >= Fraction(ws[0], 100)
    assert sum(kept.shares.values()) == 1 - kept.not_cast
    for o in options:  # rescaling multiplies every share by the same factor
        assert rescaled.shares[o] * (1 - kept.not_cast) == kept.shares[o]


# --- the other weightings and kinds ----------------------------------------------------------

@PURE
@given(choice_counts(), st.lists(st.integers(1, 5), min_size=4, max_size=4))
def test_one_member_one_vote_and_per_member_weights(case, votes_each):
    ws, counts, options = case
    per_member = votes_each[:len(ws)]
    classes = make_classes(ws, counts, per_member=per_member)
    total_one = sum(sum(c.values()) for c in counts)
    total_weighted = sum(v * sum(c.values()) for v, c in zip(per_member, counts, strict=True))
    assume(total_one > 0)
    one = tally.decide(classes, options, choice_rules(weighting=Weighting.ONE_MEMBER_ONE_VOTE))
    weighted = tally.decide(classes, options, choice_rules(weighting=Weighting.PER_MEMBER))
    for o in options:
        assert one.shares[o] == Fraction(sum(c[o] for c in counts), total_one)
        assert weighted.shares[o] == Fraction(
            sum(v * c[o] for v, c in zip(per_member, counts, strict=True)), total_weighted)
    assert sum(one.shares.values()) == sum(weighted.shares.values()) == 1


@PURE
@given(choice_counts())
def test_choice_winners_are_every_option_with_the_top_share(case):
    ws, counts, options = case
    outcome = tally.decide(make_classes(ws, counts), options, choice_rules())
    top = max(outcome.shares.values())
    expected = [o for o in options if outcome.shares[o] == top] if top > 0 else []
    assert outcome.winners == expected


def test_a_choice_tie_reports_both_winners():
    counts = [{1: 3, 2: 3, 3: 1}, {1: 2, 2: 2, 3: 0}]
    outcome = tally.decide(make_classes([60, 40], counts), [1, 2, 3], choice_rules())
    assert outcome.winners == [1, 2]
    assert outcome.shares[1] == outcome.shares[2]


@PURE
@given(st.data())
def test_approval_share_is_the_weighted_share_of_voters_approving(data):
    n_classes = data.draw(st.integers(1, 3))
    ws = data.draw(weights(n_classes))
    options = [1, 2, 3]
    ballots = [data.draw(st.lists(st.sets(st.sampled_from(options), min_size=1), max_size=8))
               for _ in ws]
    counts = [{o: sum(o in b for b in bs) for o in options} for bs in ballots]
    voters = [len(bs) for bs in ballots]
    assume(any(voters))
    outcome = tally.decide(make_classes(ws, counts, voters=voters), options,
                           choice_rules(kind=BallotKind.APPROVAL))
    shares, _ = expected_class_share(ws, counts, voters, options, RESCALE)
    assert outcome.shares == shares
    top = max(shares.values())
    assert outcome.winners == [o for o in options if shares[o] == top]


@st.composite
def allocation(draw, options: int):
    """One member's 100 points split across the options."""
    cuts = sorted(draw(st.lists(st.integers(0, ALLOCATION_POINTS), min_size=options - 1,
                                max_size=options - 1)))
    bounds = [0, *cuts, ALLOCATION_POINTS]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


@PURE
@given(st.data(), st.sampled_from([RESCALE, NOT_CAST]))
def test_allocation_shares_are_weighted_means_and_sum_to_exactly_100_percent(data, policy):
    n_classes = data.draw(st.integers(1, 3))
    ws = data.draw(weights(n_classes))
    options = [1, 2, 3, 4]
    members = [data.draw(st.lists(allocation(4), max_size=6)) for _ in ws]
    assume(any(members))
    points = [{o: sum(m[o - 1] for m in ms) for o in options} for ms in members]
    counts = [{o: sum(m[o - 1] > 0 for m in ms) for o in options} for ms in members]
    voters = [len(ms) for ms in members]
    outcome = tally.decide(make_classes(ws, counts, voters=voters, points=points), options,
                           choice_rules(kind=BallotKind.ALLOCATION, policy=policy))
    shares, not_cast = expected_class_share(
        ws, points, [v * ALLOCATION_POINTS for v in voters], options, policy)
    assert outcome.shares == shares
    assert sum(outcome.shares.values()) + outcome.not_cast == 1
    assert outcome.not_cast == not_cast
    assert outcome.winners == []


# --- resolutions --------------------------------------------------------------------------------

def resolution_rules(kind=ResolutionKind.ORDINARY, threshold=Fraction(1, 2),
                     weighting=Weighting.CLASS_SHARE, class_majority=False, policy=RESCALE):
    return tally.Rules(kind=BallotKind.RESOLUTION, weighting=weighting,
                       empty_class_policy=policy, resolution_kind=kind, threshold=threshold,
                       require_class_majority=class_majority, for_option=FOR,
                       against_option=AGAINST)


def decide_resolution(ws, votes, rules):
    counts = [{FOR: f, AGAINST: a, ABSTAIN: x} for f, a, x in votes]
    return tally.decide(make_classes(ws, counts), [FOR, AGAINST, ABSTAIN], rules)


THRESHOLDS = [(ResolutionKind.ORDINARY, Fraction(1, 2)), (ResolutionKind.SPECIAL, Fraction(3, 4)),
              (ResolutionKind.CUSTOM, Fraction(2, 3)), (ResolutionKind.CUSTOM, Fraction(1, 2)),
              (ResolutionKind.CUSTOM, Fraction(1))]


@PURE
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 10), st.sampled_from(THRESHOLDS))
@example(1, 1, 0, THRESHOLDS[0])  # a tie fails
@example(3, 1, 0, THRESHOLDS[1])  # exactly 75% passes a special resolution
@example(1, 1, 0, THRESHOLDS[3])  # exactly 50% with a custom 50% threshold: still a tie
def test_resolution_thresholds(for_votes, against, abstain, threshold_rule):
    kind, threshold = threshold_rule
    outcome = decide_resolution([100], [(for_votes, against, abstain)],
                                resolution_rules(kind, threshold))
    cast = for_votes + against
    if cast == 0 or for_votes == against:
        assert outcome.passed is False
        return
    ratio = Fraction(for_votes, cast)
    assert outcome.for_ratio == ratio
    needed = ratio > threshold if kind == ResolutionKind.ORDINARY else ratio >= threshold
    assert outcome.passed is needed


def test_ordinary_exactly_half_fails_and_special_exactly_three_quarters_passes():
    half = decide_resolution([100], [(5, 5, 3)], resolution_rules())
    assert half.for_ratio == Fraction(1, 2) and half.passed is False
    special = decide_resolution([100], [(3, 1, 0)],
                                resolution_rules(ResolutionKind.SPECIAL, Fraction(3, 4)))
    assert special.passed is True
    just_under = decide_resolution([100], [(74, 26, 0)],
                                   resolution_rules(ResolutionKind.SPECIAL, Fraction(3, 4)))
    assert just_under.passed is False and special.for_ratio == Fraction(3, 4)


@PURE
@given(st.data())
def test_weighted_resolution_ignores_abstentions_and_follows_the_formula(data):
    n_classes = data.draw(st.integers(1, 4))
    ws = data.draw(weights(n_classes))
    votes = [data.draw(st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20)))
             for _ in ws]
    policy = data.draw(st.sampled_from([RESCALE, NOT_CAST]))
    rules = resolution_rules(policy=policy)
    outcome = decide_resolution(ws, votes, rules)
    no_abstain = decide_resolution(ws, [(f, a, 0) for f, a, _ in votes], rules)
    assert outcome.shares == no_abstain.shares and outcome.passed == no_abstain.passed
    counts = [{FOR: f, AGAINST: a} for f, a, _ in votes]
    shares, not_cast = expected_class_share(ws, counts, [f + a for f, a, _ in votes],
                                            [FOR, AGAINST], policy)
    assert outcome.shares[FOR] == shares[FOR] and outcome.shares[AGAINST] == shares[AGAINST]
    assert outcome.not_cast == not_cast
    assert outcome.shares[ABSTAIN] == 0
    cast = shares[FOR] + shares[AGAINST]
    if cast:
        assert outcome.for_ratio == shares[FOR] / cast
        assert outcome.passed is (shares[FOR] > shares[AGAINST])


@PURE
@given(st.data())
def test_class_majority_rule(data):
    n_classes = data.draw(st.integers(1, 4))
    ws = data.draw(weights(n_classes))
    votes = [data.draw(st.tuples(st.integers(0, 15), st.integers(0, 15), st.integers(0, 3)))
             for _ in ws]
    plain = decide_resolution(ws, votes, resolution_rules())
    strict = decide_resolution(ws, votes, resolution_rules(class_majority=True))
    losing = [i for i, (f, a, _) in enumerate(votes) if f + a > 0 and f <= a]
    assert strict.failed_classes == losing
    assert strict.passed is (plain.passed and not losing)
    assert strict.shares == plain.shares


# --- the database count: the same formula, whatever order the votes arrive in ------------------

@pytest.fixture
def db_case(db):
    """Run one example inside a savepoint that is rolled back, so examples do not mix."""

    def run(body):
        with transaction.atomic():
            body()
            transaction.set_rollback(True)

    return run


@st.composite
def db_votes(draw):
    """Class weights (adding up to 100) and, per class, the options its members choose."""
    ws = draw(weights(3))
    votes = [draw(st.lists(st.integers(0, 2), max_size=5)) for _ in ws]
    return ws, votes, draw(st.randoms(use_true_random=False))


def build(society, by, ws, policy):
    classes = list(society.member_classes.order_by("position"))
    ballot = services.create_ballot(society, by=by, title="Property", summary="Order test",
                                    kind=BallotKind.CHOICE, options=["A", "B", "C"],
                                    empty_class_policy=policy)
    services.set_weights(ballot, [{"member_class": c.pk, "weight": w}
                                  for c, w in zip(classes, ws, strict=True)], by=by)
    return services.open_ballot(ballot, by=by, closes_at=timezone.now() + timedelta(days=1))


@DB
@given(case=db_votes(), policy=st.sampled_from([RESCALE, NOT_CAST]))
def test_database_count_matches_the_formula_and_ignores_arrival_order(db_case, case, policy):
    ws, votes, rnd = case

    def body():
        society = SocietyFactory()
        by = UserFactory()
        classes = list(society.member_classes.order_by("position"))
        casts = [(MemberFactory(society=society, member_class=cls), choice)
                 for cls, chosen in zip(classes, votes, strict=True) for choice in chosen]
        first, second = build(society, by, ws, policy), build(society, by, ws, policy)
        for ballot in (first, second):
            order = list(casts)
            if ballot is second:
                rnd.shuffle(order)
            else:
                order.reverse()
            options = list(ballot.options.order_by("position"))
            for member, choice in order:
                services.cast_vote(ballot, member, {options[choice].pk: 1})
        one, two = selectors.results(first), selectors.results(second)
        by_label = [{o.label: s for o, s in zip(r.options, [r.outcome.shares[o.pk]
                                                            for o in r.options], strict=True)}
                    for r in (one, two)]
        assert by_label[0] == by_label[1]
        assert one.outcome.not_cast == two.outcome.not_cast
        assert [(c.name, c.voted, c.counts and sorted(c.counts.values())) for c in one.classes] \
            == [(c.name, c.voted, c.counts and sorted(c.counts.values())) for c in two.classes]
        counts = [{i: chosen.count(i) for i in range(3)} for chosen in votes]
        shares, not_cast = expected_class_share(ws, counts, [len(c) for c in votes],
                                                range(3), policy)
        assert [by_label[0][label] for label in "ABC"] == [shares[i] for i in range(3)]
        assert one.outcome.not_cast == not_cast
        assert one.voted == sum(len(c) for c in votes)
        assert sorted(one.head_counts.values()) == sorted(
            sum(c[i] for c in counts) for i in range(3))

    db_case(body)

