"""What PA pay really costs: holiday pay, employer's NI and pension on top of a pound of pay.
The expected figures are worked out by hand in the comments (each line of a PA's year rounded
to the penny, half up), for two sets of rules; `by_hand` re-does the sum for the next penny up
so each test also shows that one more penny an hour would cost more than the sum."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surplus.oncosts import DEFAULTS, CostRules, pay_rise

D = Decimal
PENNY = D("0.01")

# Rules A: the UK's 2026/27 defaults (15% NI over £5,000; 12.07% holiday pay; 3% pension on
# £6,240 to £50,270; nothing else). Rules B: a society on regular hours (holiday already in the
# hours), older NI (13.8% over £9,100), a 5% pension and 2% other on-costs.
A = DEFAULTS
B = CostRules(tax_year="2024/25", ni_rate=D("13.8"), ni_threshold=D("9100"),
              holiday_pay=D("0"), pension_rate=D("5"), pension_lower=D("6240"),
              pension_upper=D("50270"), other=D("2"), national_living_wage=D("11.44"),
              real_living_wage=D("12.60"))


def penny(x: Decimal) -> Decimal:
    return x.quantize(PENNY, rounding=ROUND_HALF_UP)


def by_hand(rate: Decimal, hours_each: Decimal, r: CostRules) -> Decimal:
    """One PA's year, line by line as a payslip would have it."""
    pay = penny(rate * hours_each)
    gross = pay + penny(pay * r.holiday_pay / 100)
    ni = penny(max(D(0), gross - r.ni_threshold) * r.ni_rate / 100)
    pension = penny(max(D(0), min(gross, r.pension_upper) - r.pension_lower)
                    * r.pension_rate / 100)
    return gross + ni + pension + penny(gross * r.other / 100)


WORKED = [
    # 10 PAs of 1,000 hours at £12.00. Rules A, each PA now: £12,000 + holiday £1,448.40 =
    # £13,448.40; NI 15% × £8,448.40 = £1,267.26; pension 3% × £7,208.40 = £216.25;
    # £14,931.91. At £12.07: £12,070 + £1,456.85 = £13,526.85; NI £1,279.03; pension
    # £218.61; £15,024.49, so 10 × £92.58 = £925.80. (The old sum-over-hours gave 10p.)
    pytest.param(A, "1000", "10000", 10, "12.00", "0.07", "925.80", "74.20", id="A-1000"),
    # At £12.37: £12,370 + £1,493.06 = £13,863.06; NI £1,329.46; pension £228.69;
    # £15,421.21: 10 × £489.30 = £4,893.00.
    pytest.param(A, "5000", "10000", 10, "12.00", "0.37", "4893.00", "107.00", id="A-5000"),
    # At £13.89: £13,890 + £1,676.52 = £15,566.52; NI £1,584.98; pension £279.80;
    # £17,431.30: 10 × £2,499.39 = £24,993.90.
    pytest.param(A, "25000", "10000", 10, "12.00", "1.89", "24993.90", "6.10", id="A-25000"),
    # Rules B, each PA now: £12,000, no holiday on top; NI 13.8% × £2,900 = £400.20; pension
    # 5% × £5,760 = £288.00; other 2% = £240.00; £12,928.20. At £12.08: NI 13.8% × £2,980 =
    # £411.24; pension £292.00; other £241.60; £13,024.84: 10 × £96.64 = £966.40.
    pytest.param(B, "1000", "10000", 10, "12.00", "0.08", "966.40", "33.60", id="B-1000"),
    # At £12.41: £12,410; NI £456.78; pension £308.50; other £248.20; £13,423.48:
    # 10 × £495.28 = £4,952.80.
    pytest.param(B, "5000", "10000", 10, "12.00", "0.41", "4952.80", "47.20", id="B-5000"),
    # At £14.06: £14,060; NI £684.48; pension £391.00; other £281.20; £15,416.68:
    # 10 × £2,488.48 = £24,884.80.
    pytest.param(B, "25000", "10000", 10, "12.00", "2.06", "24884.80", "115.20", id="B-25000"),
    # Crossing the NI threshold, rules A: one PA of 370 hours. Now £4,440 + £535.91 =
    # £4,975.91, under £5,000: no NI, no pension. At £12.11: £4,480.70 + £540.82 = £5,021.52;
    # NI 15% × £21.52 = £3.23: £5,024.75, £48.84 more.
    pytest.param(A, "50", "370", 1, "12.00", "0.11", "48.84", "1.16", id="A-crosses-NI"),
    # Crossing the pension's lower limit, rules A: one PA of 450 hours. Now £5,400 + £651.78 =
    # £6,051.78; NI 15% × £1,051.78 = £157.77; £6,209.55. At £12.51: £5,629.50 + £679.48 =
    # £6,308.98; NI £196.35; pension 3% × £68.98 = £2.07; £6,507.40, £297.85 more.
    pytest.param(A, "300", "450", 1, "12.00", "0.51", "297.85", "2.15", id="A-crosses-pension"),
    # Crossing the NI threshold, rules B: one PA of 750 hours. Now £9,000: no NI; pension
    # 5% × £2,760 = £138.00; other £180.00; £9,318.00. At £12.67: £9,502.50; NI 13.8% ×
    # £402.50 = £55.55; pension £163.13; other £190.05; £9,911.23, £593.23 more.
    pytest.param(B, "600", "750", 1, "12.00", "0.67", "593.23", "6.77", id="B-crosses-NI"),
    # Past the pension's upper limit, rules A: one PA of 1,000 hours at £40. Now £40,000 +
    # £4,828 = £44,828; NI £5,974.20; pension 3% × £38,588 = £1,157.64; £51,959.84. At
    # £55.39: £55,390 + £6,685.57 = £62,075.57; NI £8,561.34; pension capped at 3% × £44,030 =
    # £1,320.90; £71,957.81, £19,997.97 more.
    pytest.param(A, "20000", "1000", 1, "40.00", "15.39", "19997.97", "2.03", id="A-over-band"),
]


@pytest.mark.parametrize("rules, amount, hours, count, rate, rise, cost, left", WORKED)
def test_a_sum_buys_the_rise_its_on_costs_allow(rules, amount, hours, count, rate, rise, cost,
                                                left):
    pay = pay_rise(D(amount), hours=D(hours), pa_count=count, current_rate=D(rate),
                   permanent=True, rules=rules)
    assert (pay.rise_per_hour, pay.yearly_cost, pay.remainder) == (D(rise), D(cost), D(left))
    assert pay.new_rate == D(rate) + D(rise)
    hours_each = D(hours) / count
    one_more = (by_hand(D(rate) + D(rise) + PENNY, hours_each, rules)
                - by_hand(D(rate), hours_each, rules)) * count
    assert one_more > D(amount)  # a penny more an hour would cost more than the sum


def test_the_parts_of_the_cost_add_up_and_the_bill_is_whole():
    pay = pay_rise(D("1000"), hours=D("10000"), pa_count=10, current_rate=D("12.00"),
                   permanent=False, rules=A)
    # Pay and holiday pay: 10 × (£13,526.85 − £13,448.40) = £784.50; on-costs: 10 ×
    # (£1,497.64 − £1,483.51) = £141.30. The whole bill at £12.07: 10 × £15,024.49.
    assert (pay.extra_pay, pay.extra_on_costs) == (D("784.50"), D("141.30"))
    assert pay.extra_pay + pay.extra_on_costs == pay.yearly_cost
    assert pay.total_yearly_cost == D("150244.90")
    assert pay.permanent is False


def test_living_wage_warnings_for_the_current_and_new_rate():
    # £12.00 is below both; £12.07 (rules A) is still below the NLW of £12.71.
    low = pay_rise(D("1000"), hours=D("10000"), pa_count=10, current_rate=D("12.00"),
                   permanent=True, rules=A)
    assert (low.current_below_nlw, low.current_below_rlw) == (True, True)
    assert (low.new_below_nlw, low.new_below_rlw) == (True, True)
    # Rules B: NLW £11.44, RLW £12.60. £12.00 + £0.08 = £12.08 is below the RLW only;
    # + £2.06 = £14.06 is above both.
    mid = pay_rise(D("1000"), hours=D("10000"), pa_count=10, current_rate=D("12.00"),
                   permanent=True, rules=B)
    assert (mid.current_below_nlw, mid.current_below_rlw) == (False, True)
    assert (mid.new_below_nlw, mid.new_below_rlw) == (False, True)
    high = pay_rise(D("25000"), hours=D("10000"), pa_count=10, current_rate=D("12.00"),
                    permanent=True, rules=B)
    assert (high.new_below_nlw, high.new_below_rlw) == (False, False)


@pytest.mark.parametrize("hours, count", [(D("0"), 10), (D("1000"), 0), (D("1000"), None)])
def test_no_hours_or_no_pas_buys_no_rise(hours, count):
    pay = pay_rise(D("5000"), hours=hours, pa_count=count, current_rate=D("12.60"),
                   permanent=True)
    assert (pay.rise_per_hour, pay.new_rate, pay.yearly_cost) == (0, D("12.60"), 0)
    assert pay.remainder == D("5000")


def test_nothing_to_spend_buys_no_rise():
    pay = pay_rise(D("0.00"), hours=D("20000"), pa_count=16, current_rate=D("12.60"),
                   permanent=False)
    assert (pay.rise_per_hour, pay.yearly_cost, pay.remainder) == (0, 0, 0)


percents = st.decimals(min_value=0, max_value=30, places=2)


@settings(max_examples=300, deadline=None)
@given(amount=st.decimals(min_value=0, max_value=500_000, places=2),
       hours=st.decimals(min_value=D("0.5"), max_value=100_000, places=1),
       count=st.integers(1, 200), rate=st.decimals(min_value=1, max_value=60, places=2),
       ni=percents, holiday=percents, pension=percents, other=percents,
       threshold=st.decimals(min_value=0, max_value=20_000, places=2))
def test_the_rise_is_the_most_the_sum_pays_for(amount, hours, count, rate, ni, holiday,
                                               pension, other, threshold):
    rules = CostRules("x", ni, threshold, holiday, pension, D("6240"), D("50270"), other,
                      D("12.71"), D("13.45"))
    pay = pay_rise(amount, hours=hours, pa_count=count, current_rate=rate, permanent=True,
                   rules=rules)
    each = hours / count
    cost = lambda pence: (by_hand(rate + pence, each, rules)  # noqa: E731
                          - by_hand(rate, each, rules)) * count
    assert pay.rise_per_hour == pay.rise_per_hour.quantize(PENNY) >= 0
    assert pay.yearly_cost == cost(pay.rise_per_hour) <= amount
    assert cost(pay.rise_per_hour + PENNY) > amount
    assert pay.remainder == amount - pay.yearly_cost >= 0
