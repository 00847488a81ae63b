"""The society's meeting rules as plain arithmetic on dates and numbers, with no database.

Clear days exclude both the day notice is sent (or a proxy appointed) and the day of the
meeting: notice sent on the 1st of a month for a meeting on the 16th gives 14 clear days (the
2nd to the 15th)."""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta


def clear_days(sent_on: date, meeting_on: date) -> int:
    """Whole days strictly between sending and the meeting (negative if after it)."""
    return (meeting_on - sent_on).days - 1


def deemed_delivery_days(hours: int) -> int:
    """Days from posting to the day a letter counts as delivered, `hours` after posting.
    Posting is taken as late in the day as it could be, so 48 hours after posting on a
    Monday is Wednesday, and so is 36 hours; email counts as delivered when sent (0)."""
    return math.ceil(hours / 24)


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


def date_text(day) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def time_text(moment: datetime) -> str:
    """GOV.UK style: 7pm, 7:30pm, midday, midnight."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@dataclass(frozen=True)
class ProxyDeadline:
    """The last moment a proxy can be appointed, in the meeting's local time: the end of the
    last day that leaves the clear days the rules need, or a number of hours before the
    meeting starts ("not less than 48 hours before the meeting")."""

    at: datetime  # local, aware; a proxy counts if lodged at or before this moment
    in_hours: bool

    @property
    def day(self) -> date:
        return self.at.date()

    @property
    def text(self) -> str:
        """As the notice says it: "the end of Monday 2 March 2026" or "6:30pm on ..."."""
        if self.in_hours:
            return self.exact
        return f"the end of {date_text(self.day)}"

    @property
    def exact(self) -> str:
        """Date and time: "11:59pm on Monday 2 March 2026"."""
        return f"{time_text(self.at)} on {date_text(self.day)}"


def proxy_deadline_at(starts_at: datetime, *, clear_days: int, hours: int | None) -> ProxyDeadline:
    """`starts_at` is local and aware. With `hours`, that many hours before the start;
    otherwise 11:59pm on the last day that leaves `clear_days` clear days."""
    if hours is not None:
        return ProxyDeadline(at=starts_at - timedelta(hours=hours), in_hours=True)
    day = proxy_deadline(starts_at.date(), clear_days)
    end = datetime.combine(day, time(23, 59, 59), tzinfo=starts_at.tzinfo)
    return ProxyDeadline(at=end, in_hours=False)


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
