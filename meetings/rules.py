"""The society's meeting rules as plain arithmetic on dates and numbers, with no database.

Clear days exclude both the day notice is sent (or a proxy appointed) and the day of the
meeting: notice sent on the 1st of a month for a meeting on the 16th gives 14 clear days (the
2nd to the 15th)."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta


def clear_days(sent_on: date, meeting_on: date) -> int:
    """Whole days strictly between sending and the meeting (negative if after it)."""
    return (meeting_on - sent_on).days - 1


def earliest_meeting_date(sent_on: date, required: int) -> date:
    """The first day a meeting can be held if notice goes out on `sent_on`."""
    return sent_on + timedelta(days=required + 1)


def latest_notice_date(meeting_on: date, required: int) -> date:
    """The last day notice can be sent for a meeting on `meeting_on`."""
    return meeting_on - timedelta(days=required + 1)


def proxy_deadline(meeting_on: date, required: int) -> date:
    """The last day a proxy can be appointed: `required` clear days must be left before the
    meeting."""
    return latest_notice_date(meeting_on, required)


def quorum_required(members: int, minimum: int, percent: Decimal) -> int:
    """The greater of `minimum` people and `percent` of the members (rounded up)."""
    share = math.ceil(Decimal(members) * Decimal(percent) / 100) if members else 0
    return max(minimum, share)


def board_quorum_required(board: int) -> int:
    """More than half the board (at least 2)."""
    return max(2, board // 2 + 1)


def requisition_threshold(members: int, percent: Decimal, maximum: int) -> int:
    """Supporters needed to requisition a meeting: the lesser of `percent` of the members
    (rounded up) and `maximum`, and at least 1."""
    share = math.ceil(Decimal(members) * Decimal(percent) / 100)
    return max(1, min(share, maximum))


def last_year_end(today: date, month: int, day: int) -> date:
    """The most recent financial year end on or before `today`."""
    end = date(today.year, month, day)
    return end if end <= today else date(today.year - 1, month, day)


@dataclass(frozen=True)
class AgmDue:
    due_by: date
    reason: str  # why that date
    days_left: int
    called_for: date | None = None  # an AGM already called, but for after `due_by`

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def agm_due(today: date, *, year_end: date, last_agm: date | None, months_after_year_end: int,
            max_months_between: int) -> AgmDue:
    """When the next AGM must be held: within `months_after_year_end` of the last year end
    that no AGM has yet covered, and no more than `max_months_between` after the last AGM;
    the earlier of the two."""
    if last_agm is not None and last_agm > year_end:
        # This year end's AGM has been held: the next one follows the next year end.
        year_end = year_end + relativedelta(years=1)
    by_year_end = year_end + relativedelta(months=months_after_year_end)
    due, reason = by_year_end, (f"within {months_after_year_end} months of the year end on "
                                f"{year_end:%-d %B %Y}")
    if last_agm is not None:
        by_gap = last_agm + relativedelta(months=max_months_between)
        if by_gap < due:
            due, reason = by_gap, (f"no more than {max_months_between} months after the last "
                                   f"AGM on {last_agm:%-d %B %Y}")
    return AgmDue(due_by=due, reason=reason, days_left=(due - today).days)
