"""The arithmetic behind the surplus pages: the reserve working and splitting a sum to the
penny (PA pay after on-costs: test_oncosts.py). Expected figures are worked out here
independently."""

import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coop.enums import ReserveRule
from surplus.money import split_to_the_penny, working

D = Decimal
PENNY = D("0.01")
PURE = settings(max_examples=600, deadline=None)


# --- the reserve working ---------------------------------------------------------------------

def percent(surplus, pc):
    return working(D(surplus), rule=ReserveRule.PERCENT, percent=D(pc), fixed=D("0"))


def fixed(surplus, sum_):
    return working(D(surplus), rule=ReserveRule.FIXED, percent=D("20"), fixed=D(sum_))


def test_percentage_to_reserves_leaves_the_rest_available():
    w = percent("38000.00", "20")
    assert (w.to_reserves, w.available) == (D("7600.00"), D("30400.00"))
    assert w.rule_text == "The rules put 20% of the surplus into reserves."


def test_percentage_is_rounded_to_the_penny_half_up():
    w = percent("100.05", "12.5")  # 12.50625 -> 12.51
    assert (w.to_reserves, w.available) == (D("12.51"), D("87.54"))
    assert w.to_reserves + w.available == D("100.05")
    assert percent("0.10", "25").to_reserves == D("0.03")  # 0.025 rounds up, not to even
    assert percent("12345.67", "12.5").rule_text == (
        "The rules put 12.5% of the surplus into reserves.")


@pytest.mark.parametrize(("pc", "reserves", "available"), [
    ("0", D("0.00"), D("38000.00")),
    ("100", D("38000.00"), D("0.00")),
])
def test_none_or_all_of_the_surplus_to_reserves(pc, reserves, available):
    w = percent("38000.00", pc)
    assert (w.to_reserves, w.available) == (reserves, available)


def test_fixed_sum_comes_off_the_top():
    w = fixed("38000.00", "5000")
    assert (w.to_reserves, w.available) == (D("5000"), D("33000.00"))
    assert w.rule_text == "The rules put the first £5,000.00 into reserves."


def test_fixed_sum_is_capped_at_the_surplus():
    w = fixed("3000.00", "5000")
    assert (w.to_reserves, w.available) == (D("3000.00"), D("0.00"))


@pytest.mark.parametrize("surplus", ["-1234.56", "0"])
@pytest.mark.parametrize("rule", [ReserveRule.PERCENT, ReserveRule.FIXED])
def test_a_deficit_or_no_surplus_leaves_nothing(surplus, rule):
    w = working(D(surplus), rule=rule, percent=D("20"), fixed=D("500"))
    assert w.surplus == D(surplus)  # the working still shows the real figure
    assert w.to_reserves == 0
    assert w.available == 0


@PURE
@given(st.decimals(min_value=-1_000_000, max_value=10_000_000, places=2),
       st.decimals(min_value=0, max_value=100, places=2))
def test_reserves_and_available_always_add_up_to_a_positive_surplus(surplus, pc):
    w = percent(surplus, pc)
    assert w.to_reserves >= 0 and w.available >= 0
    assert w.to_reserves + w.available == max(surplus, D(0))
    assert abs(w.to_reserves - max(surplus, D(0)) * pc / 100) <= PENNY / 2


# --- splitting to the penny ------------------------------------------------------------------

def split(total, shares, order=None):
    return split_to_the_penny(D(total), shares, order)


def test_split_by_exact_shares():
    assert split("30400.00", {"garden": Fraction(2, 3), "pay": Fraction(1, 3)}) == {
        "garden": D("20266.67"), "pay": D("10133.33")}


def test_split_ties_go_to_the_earlier_key():
    thirds = {"a": 1, "b": 1, "c": 1}
    assert split("0.10", thirds) == {"a": D("0.04"), "b": D("0.03"), "c": D("0.03")}
    assert split("0.10", thirds, ["c", "b", "a"]) == {"c": D("0.04"), "b": D("0.03"),
                                                      "a": D("0.03")}
    assert split("0.01", {"a": 1, "b": 1}, ["b", "a"]) == {"b": D("0.01"), "a": D("0.00")}


def test_split_largest_remainder_beats_order():
    # exact: 0.333.., 0.666.. pennies -> the later key has the larger remainder
    assert split("0.01", {"a": Fraction(1, 3), "b": Fraction(2, 3)}) == {
        "a": D("0.00"), "b": D("0.01")}


def test_split_shares_need_not_add_up_to_one():
    assert split("100.00", {"a": 30, "b": 70}) == {"a": D("30.00"), "b": D("70.00")}
    assert split("100.00", {"a": Fraction(3, 20), "b": Fraction(7, 20)}) == {
        "a": D("30.00"), "b": D("70.00")}


def test_split_all_zero_or_nothing_to_split():
    assert split("500.00", {"a": 0, "b": Fraction(0)}) == {"a": D("0.00"), "b": D("0.00")}
    assert split("0.00", {"a": 1, "b": 2}) == {"a": D("0.00"), "b": D("0.00")}


def test_split_keys_missing_from_shares_get_nothing():
    assert split("10.00", {"a": 1}, ["a", "b"]) == {"a": D("10.00"), "b": D("0.00")}


share = st.one_of(st.just(Fraction(0)),
                  st.fractions(min_value=0, max_value=1000, max_denominator=10_000))
totals = st.decimals(min_value=0, max_value=10_000_000, places=2)
shares_dicts = st.lists(share, min_size=1, max_size=8).map(
    lambda parts: {f"option {i}": s for i, s in enumerate(parts)})


def remainder(total, shares, key) -> Fraction:
    """The fraction of a penny left over in `key`'s exact share."""
    exact = Fraction(total) * 100 * shares[key] / sum(shares.values())
    return exact - math.floor(exact)


@PURE
@given(totals, shares_dicts)
@example(D("0.10"), {"a": Fraction(1), "b": Fraction(1), "c": Fraction(1)})
@example(D("10000000.00"), {"a": Fraction(1, 7), "b": Fraction(0), "c": Fraction(999, 1000)})
@example(D("0.01"), {"a": Fraction(0), "b": Fraction(0)})
def test_split_sums_exactly_and_each_part_is_within_a_penny(total, shares):
    parts = split_to_the_penny(total, shares)
    assert list(parts) == list(shares)
    weight = sum(shares.values())
    if weight == 0:
        assert all(p == 0 for p in parts.values())
        return
    assert sum(parts.values()) == total
    for key, part in parts.items():
        assert part >= 0
        assert part == part.quantize(PENNY)
        exact = Fraction(total) * shares[key] / weight
        assert abs(Fraction(part) - exact) < Fraction(1, 100)
        if shares[key] == 0:
            assert part == 0


@PURE
@given(totals, shares_dicts, st.randoms(use_true_random=False))
def test_split_does_not_depend_on_dict_order_except_for_ties(total, shares, rng):
    keys = list(shares)
    shuffled_keys = keys[:]
    rng.shuffle(shuffled_keys)
    shuffled = {k: shares[k] for k in shuffled_keys}

    # with the same `order`, the dict's own order makes no difference at all
    assert split_to_the_penny(total, shuffled, keys) == split_to_the_penny(total, shares, keys)

    # with no `order`, only pennies between keys whose remainders tie may move
    a, b = split_to_the_penny(total, shares), split_to_the_penny(total, shuffled)
    moved = [k for k in keys if a[k] != b[k]]
    for key in moved:
        assert abs(a[key] - b[key]) == PENNY
        assert any(remainder(total, shares, other) == remainder(total, shares, key)
                   for other in moved if other != key)


@PURE
@given(totals, st.lists(st.integers(1, 5), min_size=2, max_size=8))
def test_split_tied_remainders_favour_the_earlier_key(total, counts):
    """Equal shares: the parts differ by at most a penny and go down in `order`."""
    keys = [f"k{i}" for i in range(len(counts))]
    order = keys[:]
    random.Random(len(counts)).shuffle(order)
    parts = split_to_the_penny(total, dict.fromkeys(keys, Fraction(1)), order)
    in_order = [parts[k] for k in order]
    assert in_order == sorted(in_order, reverse=True)
    assert in_order[0] - in_order[-1] <= PENNY
