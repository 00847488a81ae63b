"""What PA pay really costs the co-op: a pound of pay costs more than a pound, because the
employer adds holiday pay, National Insurance and a pension contribution on top. Pure
functions on Decimal; the society's rules come in as a `CostRules`.

Rounding, documented once: each PA's yearly figures (pay, holiday pay, NI, pension, other
on-costs) are rounded to the penny, half up, as a payroll rounds a payslip line; the co-op's
cost is that times the number of PAs. A rise is a whole number of pence per hour, the largest
whose extra cost fits within the sum, so it never costs more than the sum.

The figures are yearly: NI and the pension band are worked on a year's earnings spread evenly
over the PAs (`hours / pa_count` each), not pay period by pay period, which is close enough to
decide with and says plainly what it assumes.

The Employment Allowance (up to £10,500 a year off the employer's NI bill) is deliberately left
out: it is claimed once per employer against the whole payroll, and a co-op that claims it has
usually used it up on the pay it already pays, so counting it against a rise would promise money
the rise may not have. A treasurer who knows it is not used up can lower the NI rate."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CostRules:
    """The employment costs rules, percentages as numbers out of 100, money in pounds a year."""

    tax_year: str
    ni_rate: Decimal
    ni_threshold: Decimal
    holiday_pay: Decimal
    pension_rate: Decimal
    pension_lower: Decimal
    pension_upper: Decimal
    other: Decimal
    national_living_wage: Decimal
    real_living_wage: Decimal


# Source: GOV.UK, "Rates and thresholds for employers 2026 to 2027" (tax year 6 April 2026 to
# 5 April 2027): employer Class 1 NI 15% above the secondary threshold of £5,000 a year (£96 a
# week); automatic enrolment qualifying earnings £6,240 to £50,270 a year with an employer
# minimum of 3%; National Living Wage (21 and over) £12.71 an hour from 1 April 2026.
# GOV.UK "Holiday entitlement": 12.07% of hours worked for irregular hours (5.6 weeks / 46.4).
# Living Wage Foundation: Real Living Wage £13.45 (UK) and £14.80 (London), announced
# October 2025; the treasurer updates it when the Foundation announces the next rate.
DEFAULTS = CostRules(
    tax_year="2026/27", ni_rate=Decimal("15.00"), ni_threshold=Decimal("5000.00"),
    holiday_pay=Decimal("12.07"), pension_rate=Decimal("3.00"),
    pension_lower=Decimal("6240.00"), pension_upper=Decimal("50270.00"), other=Decimal("0.00"),
    national_living_wage=Decimal("12.71"), real_living_wage=Decimal("13.45"))


def _penny(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PaCost:
    """One PA's year at one hourly rate: what they are paid and what the co-op adds."""

    pay: Decimal
    holiday: Decimal
    ni: Decimal
    pension: Decimal
    other: Decimal

    @property
    def gross(self) -> Decimal:
        return self.pay + self.holiday

    @property
    def on_costs(self) -> Decimal:
        return self.ni + self.pension + self.other

    @property
    def total(self) -> Decimal:
        return self.gross + self.on_costs


def pa_year(rate: Decimal, hours: Decimal, rules: CostRules) -> PaCost:
    """One PA working `hours` a year at `rate`: holiday pay on top of the hours worked, NI on
    gross pay above the threshold, the pension on gross pay within the qualifying band, and the
    society's other on-costs on gross pay."""
    pay = _penny(rate * hours)
    holiday = _penny(pay * rules.holiday_pay / HUNDRED)
    gross = pay + holiday
    ni = _penny(max(Decimal(0), gross - rules.ni_threshold) * rules.ni_rate / HUNDRED)
    band = max(Decimal(0), min(gross, rules.pension_upper) - rules.pension_lower)
    pension = _penny(band * rules.pension_rate / HUNDRED)
    other = _penny(gross * rules.other / HUNDRED)
    return PaCost(pay, holiday, ni, pension, other)


@dataclass(frozen=True)
class PayRise:
    """What a sum buys in PA pay once on-costs are counted."""

    amount: Decimal
    hours: Decimal  # all PAs' hours worked in a year
    pa_count: int
    current_rate: Decimal
    rise_per_hour: Decimal  # gross, before holiday pay and on-costs
    permanent: bool
    rules: CostRules
    before: PaCost  # one PA's year now
    after: PaCost  # one PA's year at the new rate

    @property
    def new_rate(self) -> Decimal:
        return self.current_rate + self.rise_per_hour

    @property
    def extra_pay(self) -> Decimal:
        """The rise in pay and holiday pay, for all PAs over a year."""
        return (self.after.gross - self.before.gross) * self.pa_count

    @property
    def extra_on_costs(self) -> Decimal:
        """The rise in NI, pension and other on-costs, for all PAs over a year."""
        return (self.after.on_costs - self.before.on_costs) * self.pa_count

    @property
    def yearly_cost(self) -> Decimal:
        """What the rise costs for a year including on-costs (a permanent rise repeats it)."""
        return self.extra_pay + self.extra_on_costs

    @property
    def remainder(self) -> Decimal:
        """Left unspent because the rise is rounded down to whole pence."""
        return self.amount - self.yearly_cost

    @property
    def total_yearly_cost(self) -> Decimal:
        """The whole PA pay bill for a year at the new rate, including on-costs."""
        return self.after.total * self.pa_count

    @property
    def current_below_nlw(self) -> bool:
        return self.current_rate < self.rules.national_living_wage

    @property
    def current_below_rlw(self) -> bool:
        return self.current_rate < self.rules.real_living_wage

    @property
    def new_below_nlw(self) -> bool:
        return self.new_rate < self.rules.national_living_wage

    @property
    def new_below_rlw(self) -> bool:
        return self.new_rate < self.rules.real_living_wage


def _cost_of(pence: int, *, rate, hours_each, count, rules, before: PaCost) -> Decimal:
    after = pa_year(rate + pence * PENNY, hours_each, rules)
    return (after.total - before.total) * count


def pay_rise(amount: Decimal, *, hours: Decimal, pa_count: int, current_rate: Decimal,
             permanent: bool, rules: CostRules = DEFAULTS) -> PayRise:
    """The largest rise in whole pence per hour whose extra yearly cost, on-costs included,
    fits within `amount`. The cost only grows with the rise, so a binary search finds it."""
    count = max(int(pa_count or 0), 0)
    if hours <= 0 or count == 0:
        nothing = pa_year(current_rate, Decimal(0), rules)
        return PayRise(amount, hours, count, current_rate, Decimal("0.00"), permanent, rules,
                       nothing, nothing)
    hours_each = hours / count
    before = pa_year(current_rate, hours_each, rules)
    cost = dict(rate=current_rate, hours_each=hours_each, count=count, rules=rules,
                before=before)
    # Pay alone, less a penny of rounding per PA, costs more than the sum above `high`.
    low, high = 0, int((amount + count * PENNY) / (hours * PENNY)) + 1
    while low < high:  # invariant: `low` pence fits; more than `high` never does
        middle = (low + high + 1) // 2
        if _cost_of(middle, **cost) <= amount:
            low = middle
        else:
            high = middle - 1
    rise = (low * PENNY).quantize(PENNY)
    return PayRise(amount, hours, count, current_rate, rise, permanent, rules, before,
                   pa_year(current_rate + rise, hours_each, rules))
