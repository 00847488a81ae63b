"""When the AGM is due (within 6 months of the financial year end, and no more than 15 months
after the last AGM) and the warning the secretary sees in the last 90 days or when it is late,
unless an AGM has already been called.

Shortcut: past and planned meetings are written as rows with their timestamps (a meeting
cannot be called for a date in the past through the services). The selectors only read
those timestamps."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from meetings import selectors
from meetings.enums import MeetingKind
from meetings.models import Meeting

from .conftest import at_local


@pytest.fixture
def meeting_row(society, secretary):
    """meeting_row(on, state="held"|"called"|"draft"|"cancelled", kind="agm", soc=society)."""

    def make(on, state="held", kind=MeetingKind.AGM, soc=None):
        starts = at_local(on, 18)
        stamps = {
            "held": {"notice_sent_at": starts - timedelta(days=20), "started_at": starts,
                     "ended_at": starts + timedelta(hours=2)},
            "called": {"notice_sent_at": starts - timedelta(days=20)},
            "draft": {},
            "cancelled": {"notice_sent_at": starts - timedelta(days=20),
                          "cancelled_at": starts - timedelta(days=5)},
        }[state]
        return Meeting.objects.create(society=soc or society, kind=kind, title=f"{kind} {on}",
                                      starts_at=starts, place="Hall", created_by=secretary,
                                      **stamps)

    return make


def test_the_first_agm_is_due_six_months_after_the_year_end(society):
    status = selectors.agm_status(society, today=date(2026, 6, 1))
    assert status.due_by == date(2026, 9, 30)
    assert status.reason == "within 6 months of the year end on 31 March 2026"
    assert status.days_left == 121 and not status.overdue


def test_no_warning_more_than_ninety_days_ahead(society):
    assert selectors.agm_warning(society, today=date(2026, 6, 1)) is None  # 121 days
    assert selectors.agm_warning(society, today=date(2026, 7, 1)) is None  # 91 days


def test_a_warning_in_the_last_ninety_days(society):
    warning = selectors.agm_warning(society, today=date(2026, 7, 2))
    assert warning is not None
    assert (warning.due_by, warning.days_left, warning.overdue) == (date(2026, 9, 30), 90,
                                                                    False)


def test_a_warning_when_the_agm_is_late(society):
    warning = selectors.agm_warning(society, today=date(2026, 10, 1))
    assert warning.overdue and warning.days_left == -1


def test_a_long_gap_since_the_last_agm_brings_the_date_forward(society, meeting_row):
    meeting_row(date(2025, 5, 1))
    status = selectors.agm_status(society, today=date(2026, 6, 1))
    assert status.due_by == date(2026, 8, 1)
    assert status.reason == "no more than 15 months after the last AGM on 1 May 2025"
    assert selectors.agm_warning(society, today=date(2026, 6, 1)).days_left == 61


def test_after_this_years_agm_the_next_is_due_next_year(society, meeting_row):
    meeting_row(date(2026, 5, 20))
    status = selectors.agm_status(society, today=date(2026, 6, 1))
    assert status.due_by == date(2027, 8, 20)  # 15 months after; sooner than 30 Sep 2027
    assert selectors.agm_warning(society, today=date(2026, 6, 1)) is None


@pytest.mark.parametrize("state", ["called", "draft", "cancelled"])
def test_only_an_agm_that_was_held_counts_as_the_last(society, meeting_row, state):
    meeting_row(date(2026, 5, 20), state=state)
    assert selectors.agm_status(society, today=date(2026, 6, 1)).due_by == date(2026, 9, 30)


def test_a_general_meeting_is_not_an_agm(society, meeting_row):
    meeting_row(date(2026, 5, 20), kind=MeetingKind.GENERAL)
    assert selectors.agm_status(society, today=date(2026, 6, 1)).due_by == date(2026, 9, 30)


def test_another_co_ops_agm_does_not_count(society, other_society, meeting_row):
    meeting_row(date(2026, 5, 20), soc=other_society)
    assert selectors.agm_status(society, today=date(2026, 6, 1)).due_by == date(2026, 9, 30)
    assert selectors.agm_status(other_society,
                                today=date(2026, 6, 1)).due_by == date(2027, 8, 20)


def test_calling_the_agm_silences_the_warning(society, meeting_row):
    meeting_row(date(2026, 9, 10), state="called")
    assert selectors.agm_warning(society, today=date(2026, 8, 1)) is None


@pytest.mark.parametrize("state", ["draft", "cancelled"])
def test_an_agm_not_called_or_cancelled_leaves_the_warning(society, meeting_row, state):
    meeting_row(date(2026, 9, 10), state=state)
    assert selectors.agm_warning(society, today=date(2026, 8, 1)) is not None


def test_an_agm_called_for_after_the_due_date_leaves_the_warning(society, meeting_row):
    meeting_row(date(2026, 10, 20), state="called")
    assert selectors.agm_warning(society, today=date(2026, 8, 1)) is not None


def test_the_warning_names_an_agm_called_too_late_and_does_not_ask_to_call_one(
        society, meeting_row, secretary):
    from django.urls import reverse

    from tests.pages import PageCheckingClient, text

    meeting_row(date(2026, 10, 20), state="called")
    assert selectors.agm_warning(society, today=date(2026, 8, 1)).called_for == date(2026, 10,
                                                                                      20)
    client = PageCheckingClient()
    client.force_login(secretary)
    page = text(client.get(reverse("officer_dashboard", args=[society.slug])))
    assert "The AGM called for 20 October 2026 is later than that." in page
    assert "Call the AGM" not in page


def test_the_societys_own_year_end_and_months(society, set_rules):
    set_rules(financial_year_end_month=12, financial_year_end_day=31)
    assert selectors.agm_status(society, today=date(2026, 6, 1)).due_by == date(2026, 6, 30)
    set_rules(agm_months_after_year_end=9)
    status = selectors.agm_status(society, today=date(2026, 6, 1))
    assert status.due_by == date(2026, 9, 30)
    assert status.reason == "within 9 months of the year end on 31 December 2025"


def test_the_warning_uses_today_by_default(society):
    status = selectors.agm_status(society)
    assert status.days_left == (status.due_by - timezone.localdate()).days
