"""The STV count (voting/stv.py): hand-worked examples, and a property test against
pref-voting's implementation of the same Scottish rules on random elections."""

import functools
import importlib
import importlib.util
import itertools
import random
import sys
import types
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import IN_CI
from voting import stv


def names(*labels):
    return dict(enumerate(labels, start=1))


def elected_names(result):
    return [result.names[c] for c in result.elected]


# --- hand-worked examples -------------------------------------------------------------------

def test_wikipedia_food_election_elects_chocolate_orange_strawberry():
    """The worked example in Wikipedia's "Single transferable vote" article: 20 voters,
    3 seats, Droop quota 6."""
    food = names("Orange", "Pear", "Chocolate", "Strawberry", "Hamburger")
    ballots = [((1,), 4), ((2, 1), 2), ((3, 4), 8), ((3, 5), 4), ((4,), 1), ((5,), 1)]

    result = stv.count([1, 2, 3, 4, 5], ballots, 3, food)

    assert result.quota == 6
    assert elected_names(result) == ["Chocolate", "Orange", "Strawberry"]
    first, surplus, pear_out, burger_out = result.stages
    assert first.totals == {1: 4, 2: 2, 3: 12, 4: 1, 5: 1} and first.elected == [3]
    # Chocolate's surplus of 6 moves at 6/12 a paper: 8 x 1/2 to Strawberry, 4 x 1/2 to Hamburger.
    assert (surplus.action, surplus.candidate) == (stv.SURPLUS, 3)
    assert surplus.totals == {1: 4, 2: 2, 3: 6, 4: 5, 5: 3}
    assert (pear_out.action, pear_out.candidate, pear_out.elected) == (stv.EXCLUSION, 2, [1])
    assert (burger_out.candidate, burger_out.elected) == (5, [4])
    assert burger_out.non_transferable == 3  # Hamburger's papers had no next preference
    assert result.describe(surplus) == "Surplus of Chocolate transferred"
    assert result.describe(pear_out) == "Pear excluded, with the fewest votes. Elected: Orange"
    assert not result.ties_broken_by_lot
    assert "Scottish" in stv.__doc__ and "Scottish" in result.rules


def test_surplus_moves_in_exact_fractions_with_the_non_transferable_share():
    """Quota floor(10/3)+1 = 4. Ann has 7: surplus 3 moves at 3/7 a paper. Her 3 papers that
    go on to Bob give him 9/7; her 4 papers with no next preference lose 12/7."""
    ballots = [((1, 2), 3), ((1,), 4), ((2,), 1), ((3,), 2)]

    result = stv.count([1, 2, 3], ballots, 2, names("Ann", "Bob", "Cat"))

    assert result.quota == 4
    surplus = result.stages[1]
    assert surplus.totals == {1: 4, 2: 1 + Fraction(9, 7), 3: 2}
    assert surplus.non_transferable == Fraction(12, 7)
    assert elected_names(result) == ["Ann", "Bob"]  # Bob 16/7 beats Cat 2 at the last seat


def test_tie_broken_by_earlier_stage_is_reported_as_such():
    """After stage 2, Bob and Cat both have 3; at stage 1 Bob had 3 and Cat 2, so Cat goes."""
    ballots = [((1, 3), 4), ((1,), 4), ((2,), 3), ((3,), 2), ((4,), 1), ((5,), 1)]
    # 15 votes, 2 seats: quota 6. Ann 8 elected, surplus 2 at 2/8: Cat gets 4 x 1/4 = 1 -> 3.
    result = stv.count([1, 2, 3, 4, 5], ballots, 2, names("Ann", "Bob", "Cat", "Dan", "Eve"))

    assert result.stages[1].totals[2] == result.stages[1].totals[3] == 3
    order = [(s.action, s.candidate) for s in result.stages[2:]]
    assert order[0][0] == stv.EXCLUSION  # Dan and Eve, 1 each, tie with no earlier difference
    cat_out = next(s for s in result.stages if s.candidate == 3)
    assert cat_out.tie is not None and not cat_out.tie.by_lot
    assert cat_out.tie.decided_at == 1
    assert "decided by the votes at stage 1" in result.describe(cat_out)
    assert elected_names(result) == ["Ann", "Bob"]


def test_tie_by_lot_is_reported_and_the_same_on_every_recount():
    ballots = [((1,), 3), ((2,), 3)]

    first = stv.count([1, 2], ballots, 1, names("Ann", "Bob"))
    again = stv.count([1, 2], list(reversed(ballots)), 1, names("Ann", "Bob"))
    renumbered = stv.count([7, 9], [((7,), 3), ((9,), 3)], 1, {7: "Ann", 9: "Bob"})

    assert len(first.ties_broken_by_lot) == 1
    tie = first.ties_broken_by_lot[0]
    assert (tie.purpose, tie.tied) == (stv.EXCLUSION, [1, 2])
    assert "decided by lot" in first.describe(first.stages[1])
    assert elected_names(first) == elected_names(again) == elected_names(renumbered)


def test_as_many_candidates_as_seats_are_all_elected_without_transfers():
    result = stv.count([1, 2, 3], [((1,), 5), ((2, 3), 1)], 3, names("Ann", "Bob", "Cat"))

    assert sorted(elected_names(result)) == ["Ann", "Bob", "Cat"]
    assert len(result.stages) == 1


def test_last_vacancy_goes_to_the_one_continuing_candidate_left():
    ballots = [((1,), 6), ((2,), 3), ((3,), 2)]  # quota 6: Ann; then Cat excluded; Bob last
    result = stv.count([1, 2, 3], ballots, 2, names("Ann", "Bob", "Cat"))

    assert elected_names(result) == ["Ann", "Bob"]
    assert result.stages[-1].elected == [2]


def test_no_valid_votes_elects_nobody():
    result = stv.count([1, 2, 3], [((), 4)], 1, names("Ann", "Bob", "Cat"))

    assert result.valid_votes == 0 and result.elected == [] and not result.ties


@pytest.mark.parametrize(("ballots", "seats", "message"), [
    ([((1, 4), 1)], 1, "unknown candidate: 4"),
    ([((1, 2, 1), 1)], 1, "same candidate twice"),
    ([((1,), -1)], 1, "whole number"),
    ([((1,), 1)], 0, "at least one seat"),
])
def test_bad_input_is_refused_with_a_reason(ballots, seats, message):
    with pytest.raises(stv.StvError, match=message):
        stv.count([1, 2, 3], ballots, seats)


# --- pref-voting as a reference ---------------------------------------------------------------

# pref-voting imports these at module level for features the STV count never calls. Its full
# dependency set (numba, ortools, scipy, matplotlib: ~750 MB) would pull numpy back below the
# version pandas needs, so it is installed with --no-deps and, where these are missing, they
# are stood in for while its modules load. numba.jit becomes a plain function call; anything
# else raises if pref-voting ever used it, so a stand-in cannot quietly change a result.
UNUSED_BY_STV = {"filelock": [], "matplotlib": ["pyplot"], "nashpy": [], "networkx": [],
                 "numba": [], "ortools": ["linear_solver"], "scipy": ["optimize"],
                 "tabulate": []}


class _Unavailable:
    def __init__(self, name):
        self._name = name

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"{self._name} is not installed; pref-voting's STV should not use it")

    def __getattr__(self, attr):
        raise RuntimeError(f"{self._name}.{attr} is not installed")


def _jit(*args, **kwargs):
    return args[0] if len(args) == 1 and callable(args[0]) and not kwargs else (lambda f: f)


def _stand_in(name):
    module = types.ModuleType(name)
    module.__path__ = []
    module.__getattr__ = lambda attr: _Unavailable(f"{name}.{attr}")
    if name == "numba":
        module.jit = _jit
    return module


def load_pref_voting():
    """pref-voting's STV module and ProfileWithTies, or None when pref-voting is missing."""
    try:
        importlib.import_module("pref_voting")  # the package's __init__ imports nothing
    except ImportError:
        return None
    added = []
    for top, subs in UNUSED_BY_STV.items():
        if importlib.util.find_spec(top) is None:
            for name in [top, *(f"{top}.{sub}" for sub in subs)]:
                sys.modules[name] = _stand_in(name)
                added.append(name)
    try:
        methods = importlib.import_module("pref_voting.proportional_methods")
        profiles = importlib.import_module("pref_voting.profiles_with_ties")
    finally:
        for name in added:  # other tests must not see the stand-ins
            del sys.modules[name]
    return methods.stv_scottish, profiles.ProfileWithTies


@pytest.fixture(scope="module")
def pref_voting():
    loaded = load_pref_voting()
    if loaded is None:
        reason = ("pref-voting is not installed: `pip install --no-deps pref-voting==1.18.2` "
                  "(make test does this)")
        if IN_CI:
            pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)",
                        pytrace=False)
        pytest.skip(reason)
    return loaded


class LowestFirst(random.Random):
    """Draws pref-voting's lots by a fixed rule (the lowest candidate number) that the test
    gives our count too, and records the candidates each lot was drawn among."""

    def __init__(self):
        super().__init__(0)
        self.fields = []

    def choice(self, seq):
        self.fields.append(sorted(seq))
        return min(seq)


@functools.cache
def all_rankings(n: int) -> list[tuple[int, ...]]:
    """Every ranking of some of candidates 1..n, shortest first (hypothesis shrinks towards
    the start of a list). One draw picks one: much quicker than building each in steps."""
    people = range(1, n + 1)
    return [r for k in people for r in itertools.permutations(people, k)]


@st.composite
def elections(draw):
    """Every candidate is someone's first choice (so exclusions are seldom ties at zero);
    the other rankings are random, many of them truncated."""
    n = draw(st.integers(2, 6))
    seats = draw(st.integers(1, min(3, n - 1)))  # more seats than that needs no count
    rankings = [draw(st.sampled_from([r for r in all_rankings(n) if r[0] == c]))
                for c in range(1, n + 1)]
    rankings += draw(st.lists(st.sampled_from(all_rankings(n)), max_size=30 - n))
    grouped = Counter()
    for r in rankings:
        grouped[r] += draw(st.integers(1, 20))
    return list(range(1, n + 1)), list(grouped.items()), seats


def reference_count(pref_voting, candidates, ballots, seats):
    """pref-voting's winners (sorted) and the fields it drew lots among."""
    stv_scottish, profile_with_ties = pref_voting
    profile = profile_with_ties(
        [{c: rank for rank, c in enumerate(ranking, start=1)} for ranking, _ in ballots],
        rcounts=[n for _, n in ballots], candidates=candidates)
    rng = LowestFirst()
    # 15 decimals: as close to exact fractions as its floating point arithmetic allows.
    winners = stv_scottish(profile, num_seats=seats, decimals=15, rng=rng)
    return sorted(winners), rng.fields


def test_count_agrees_with_pref_voting_stv_scottish_on_random_elections(pref_voting):
    """1,000 random elections (2-6 candidates, 1-3 seats, up to 30 distinct rankings, many
    truncated) must elect the same people. Both counts draw lots by one fixed rule here
    (lowest candidate number), so ties settled by lot are compared too, except where the two
    drew among different candidates: when earlier stages narrow a tie of three or more
    without settling it, pref-voting draws among all of them and we among those left."""
    tally = Counter()

    @settings(max_examples=1000, deadline=None, database=None)
    @given(elections())
    def check(election):
        candidates, ballots, seats = election
        our_fields = []
        ours = stv.count(candidates, ballots, seats,
                         lot=lambda tied: our_fields.append(sorted(tied)) or min(tied))
        theirs, their_fields = reference_count(pref_voting, candidates, ballots, seats)
        if our_fields != their_fields:
            tally["not compared: lots drawn among different candidates"] += 1
            return
        tally["compared"] += 1
        tally["compared, with a lot drawn"] += bool(our_fields)
        tally["compared, 4 or more stages"] += len(ours.stages) >= 4
        assert sorted(ours.elected) == theirs, (ballots, seats)

    check()
    print(f"\npref-voting comparison: {dict(tally)}")
    assert sum(tally.values()) - tally["compared, with a lot drawn"] - \
        tally["compared, 4 or more stages"] >= 1000
    assert tally["compared"] >= 950
    assert tally["compared, 4 or more stages"] >= 200


def test_pref_voting_agrees_on_the_wikipedia_example(pref_voting):
    ballots = [((1,), 4), ((2, 1), 2), ((3, 4), 8), ((3, 5), 4), ((4,), 1), ((5,), 1)]
    assert reference_count(pref_voting, [1, 2, 3, 4, 5], ballots, 3) == ([1, 3, 4], [])
