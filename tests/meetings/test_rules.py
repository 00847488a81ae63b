"""The society's meeting rules as plain arithmetic: clear days, quorum, requisitions and when
the AGM is due. No database."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given, settings
from hypothesis import strategies as st

from meetings import rules

PURE = settings(max_examples=300, deadline=None)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
required_days = st.integers(min_value=0, max_value=120)
percents = st.decimals(min_value=0, max_value=100, places=2)


# --- clear days --------------------------------------------------------------------------------

def test_clear_days_leave_out_the_day_of_sending_and_the_meeting():
    # The module's own example: sent on the 1st, meeting on the 16th -> the 2nd to the 15th.
    assert rules.clear_days(date(2026, 3, 1), date(2026, 3, 16)) == 14


@pytest.mark.parametrize(("sent", "meeting", "expected"), [
    (date(2026, 3, 1), date(2026, 3, 2), 0),   # the next day: no clear day between
    (date(2026, 3, 1), date(2026, 3, 1), -1),  # same day
    (date(2026, 3, 5), date(2026, 3, 1), -5),  # after the meeting
    (date(2026, 2, 20), date(2026, 3, 7), 14),  # across the end of February
    (date(2028, 2, 20), date(2028, 3, 7), 15),  # ... in a leap year
    (date(2026, 12, 24), date(2027, 1, 8), 14),  # across the new year
    (date(2026, 3, 20), date(2026, 4, 4), 14),  # across the change to summer time
])
def test_clear_days_at_the_edges(sent, meeting, expected):
    assert rules.clear_days(sent, meeting) == expected


def test_earliest_meeting_date_for_fourteen_clear_days():
    assert rules.earliest_meeting_date(date(2026, 3, 1), 14) == date(2026, 3, 16)
    assert rules.latest_notice_date(date(2026, 3, 16), 14) == date(2026, 3, 1)


@PURE
@given(sent=dates, required=required_days)
@example(sent=date(2028, 2, 14), required=14)  # the meeting falls on 29 February
def test_a_meeting_on_the_earliest_date_has_exactly_the_clear_days_needed(sent, required):
    earliest = rules.earliest_meeting_date(sent, required)
    assert rules.clear_days(sent, earliest) == required
    assert rules.clear_days(sent, earliest - timedelta(days=1)) < required


@PURE
@given(meeting=dates, required=required_days)
def test_notice_on_the_latest_date_gives_exactly_the_clear_days_needed(meeting, required):
    latest = rules.latest_notice_date(meeting, required)
    assert rules.clear_days(latest, meeting) == required
    assert rules.clear_days(latest + timedelta(days=1), meeting) < required
    # The two rules agree: notice on the latest date allows this meeting date at the earliest.
    assert rules.earliest_meeting_date(latest, required) == meeting


@PURE
@given(meeting=dates, required=st.integers(min_value=0, max_value=30))
def test_the_proxy_deadline_leaves_the_clear_days_before_the_meeting(meeting, required):
    deadline = rules.proxy_deadline(meeting, required)
    assert rules.clear_days(deadline, meeting) == required
    assert rules.clear_days(deadline + timedelta(days=1), meeting) == required - 1


def test_the_default_proxy_deadline_is_three_days_before():
    # Two clear days: a proxy for a meeting on Friday must be in by the end of Tuesday.
    assert rules.proxy_deadline(date(2026, 5, 15), 2) == date(2026, 5, 12)


# --- quorum ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("members", "expected"), [
    (0, 2), (1, 2), (19, 2), (20, 2), (21, 3), (30, 3), (31, 4), (250, 25), (251, 26),
])
def test_quorum_is_the_greater_of_two_and_ten_percent_rounded_up(members, expected):
    assert rules.quorum_required(members, 2, Decimal("10")) == expected


@PURE
@given(members=st.integers(min_value=0, max_value=200_000),
       minimum=st.integers(min_value=0, max_value=500), percent=percents)
def test_quorum_is_at_least_the_minimum_and_the_percent_share(members, minimum, percent):
    required = rules.quorum_required(members, minimum, percent)
    assert required >= minimum
    assert required >= Decimal(members) * percent / 100
    # ... and no more than it must be: the minimum, or the share rounded up.
    assert required in (minimum, math.ceil(Decimal(members) * percent / 100))


def test_board_quorum_is_more_than_half_and_at_least_two():
    assert [rules.board_quorum_required(n) for n in (0, 1, 2, 3, 4, 5, 9)] == \
        [2, 2, 2, 2, 3, 3, 5]


# --- requisitions ------------------------------------------------------------------------------

@pytest.mark.parametrize(("members", "expected"), [
    (0, 1), (5, 1), (10, 1), (11, 2), (25, 3), (999, 100), (1000, 100), (50_000, 100),
])
def test_requisition_needs_the_lesser_of_ten_percent_and_a_hundred(members, expected):
    assert rules.requisition_threshold(members, Decimal("10"), 100) == expected


@PURE
@given(members=st.integers(min_value=0, max_value=200_000), percent=percents,
       maximum=st.integers(min_value=1, max_value=1000))
def test_requisition_threshold_is_never_above_the_maximum(members, percent, maximum):
    needed = rules.requisition_threshold(members, percent, maximum)
    share = Decimal(members) * percent / 100
    assert 1 <= needed <= maximum
    # Below the maximum, it is the percent share rounded up (or 1).
    if needed < maximum:
        assert needed == max(1, math.ceil(share))


# --- when the AGM is due -----------------------------------------------------------------------

def test_financial_year_end_on_or_before_today():
    assert rules.last_year_end(date(2026, 6, 1), 3, 31) == date(2026, 3, 31)
    assert rules.last_year_end(date(2026, 3, 31), 3, 31) == date(2026, 3, 31)
    assert rules.last_year_end(date(2026, 3, 30), 3, 31) == date(2025, 3, 31)


def _due(today, year_end, last_agm=None):
    return rules.agm_due(today, year_end=year_end, last_agm=last_agm, months_after_year_end=6,
                         max_months_between=15)


def test_first_agm_is_due_six_months_after_the_year_end():
    due = _due(date(2026, 6, 1), date(2026, 3, 31))
    assert due.due_by == date(2026, 9, 30)
    assert due.days_left == (date(2026, 9, 30) - date(2026, 6, 1)).days
    assert not due.overdue
    assert due.reason == "within 6 months of the year end on 31 March 2026"


def test_agm_due_date_is_the_last_day_of_a_shorter_month():
    # 31 December + 6 months is 30 June, not 1 July.
    assert _due(date(2026, 1, 10), date(2025, 12, 31)).due_by == date(2026, 6, 30)


def test_agm_is_due_sooner_when_the_last_one_was_long_ago():
    due = _due(date(2026, 6, 1), date(2026, 3, 31), last_agm=date(2025, 5, 1))
    assert due.due_by == date(2026, 8, 1)
    assert due.reason == "no more than 15 months after the last AGM on 1 May 2025"


def test_after_this_years_agm_the_next_follows_the_next_year_end():
    due = _due(date(2026, 6, 1), date(2026, 3, 31), last_agm=date(2026, 5, 20))
    # Next year end 31 March 2027 + 6 months = 30 September 2027; 15 months after the AGM
    # is 20 August 2027, which is sooner.
    assert due.due_by == date(2027, 8, 20)
    assert not due.overdue


def test_agm_overdue_the_day_after_the_due_date():
    assert _due(date(2026, 9, 30), date(2026, 3, 31)).days_left == 0
    assert not _due(date(2026, 9, 30), date(2026, 3, 31)).overdue
    late = _due(date(2026, 10, 1), date(2026, 3, 31))
    assert late.days_left == -1 and late.overdue


@PURE
@given(today=dates, year_end=dates, last_agm=st.none() | dates,
       after=st.integers(min_value=1, max_value=18),
       between=st.integers(min_value=1, max_value=24))
def test_agm_due_is_within_both_limits(today, year_end, last_agm, after, between):
    due = rules.agm_due(today, year_end=year_end, last_agm=last_agm,
                        months_after_year_end=after, max_months_between=between)
    covered = last_agm is not None and last_agm > year_end
    end = year_end + relativedelta(years=1) if covered else year_end
    assert due.due_by <= end + relativedelta(months=after)
    if last_agm is not None:
        assert due.due_by <= last_agm + relativedelta(months=between)
    assert due.days_left == (due.due_by - today).days
    assert due.overdue == (due.due_by < today)
