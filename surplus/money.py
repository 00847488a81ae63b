"""Pounds and pence: the working for the amount available and splitting it by exact shares to
the penny. Pure functions on Decimal and Fraction. (PA pay after on-costs: oncosts.py.)"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction

from coop.enums import ReserveRule

PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Working:
    """How the amount available was worked out, line by line."""

    surplus: Decimal
    rule: str
    reserve_percent: Decimal
    reserve_fixed: Decimal
    to_reserves: Decimal
    available: Decimal

    @property
    def rule_text(self) -> str:
        if self.rule == ReserveRule.FIXED:
            return f"The rules put the first £{self.reserve_fixed:,.2f} into reserves."
        return (f"The rules put {self.reserve_percent.normalize():f}% of the surplus into "
                "reserves.")


def working(surplus: Decimal, *, rule: str, percent: Decimal, fixed: Decimal) -> Working:
    """Reserves first (a percentage rounded to the penny, or a fixed sum, never more than the
    surplus), then what is left is available. A deficit leaves nothing available."""
    positive = max(surplus, Decimal(0))
    if rule == ReserveRule.FIXED:
        reserves = min(fixed, positive)
    else:
        reserves = (positive * percent / 100).quantize(PENNY, rounding=ROUND_HALF_UP)
    return Working(surplus, rule, percent, fixed, reserves, positive - reserves)


def split_to_the_penny(total: Decimal, shares: dict, order: list | None = None) -> dict:
    """Split `total` by exact `shares` (any non-negative Fractions, scaled to add up to 1)
    into pennies by the largest-remainder method: each part gets the whole pennies of its
    exact share, and the pennies left over go one each to the largest remainders (ties to the
    earlier key in `order`). The parts always add up to `total`; each is within a penny of
    its exact share."""
    order = list(order or shares)
    pennies = int((total / PENNY).to_integral_value(rounding=ROUND_DOWN))
    weight = sum((Fraction(shares.get(k, 0)) for k in order), Fraction(0))
    if weight == 0:
        return {k: Decimal(0).quantize(PENNY) for k in order}
    exact = {k: Fraction(shares.get(k, 0)) / weight * pennies for k in order}
    floors = {k: exact[k].numerator // exact[k].denominator for k in order}
    left = pennies - sum(floors.values())
    by_remainder = sorted(order, key=lambda k: (-(exact[k] - floors[k]), order.index(k)))
    for k in by_remainder[:left]:
        floors[k] += 1
    return {k: (Decimal(floors[k]) * PENNY).quantize(PENNY) for k in order}


NOT_CAST = "not_cast"


@dataclass(frozen=True)
class Split:
    """Pounds per option and for the share kept as not cast, adding up to the total."""

    pounds: dict
    not_cast: Decimal


def split_with_not_cast(total: Decimal, shares: dict, not_cast: Fraction, order: list) -> Split:
    """Pounds that follow the shares shown: the share kept as not cast takes its own part
    (the society's rule says where it goes) instead of being spread over the options, so
    52.5% / 22.5% / 25% not cast of £1,000 is £525 / £225 / £250."""
    parts = split_to_the_penny(total, {**shares, NOT_CAST: not_cast}, [*order, NOT_CAST])
    return Split({k: parts[k] for k in order}, parts[NOT_CAST])
