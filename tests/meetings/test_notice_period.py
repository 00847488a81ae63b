"""Notice of a general meeting needs the society's clear days (14 by default): refused at one
day short, naming the earliest valid date, and sent at exactly the number. Days are counted in
the co-op's own time zone."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from coop.services import update_rules
from meetings import services
from meetings.enums import MeetingKind, MeetingState
from meetings.models import NoticeDelivery
from meetings.services import MeetingError

from .conftest import at_local, days_ahead


@pytest.fixture
def members(classes, make_members):
    users, carers, pas = classes
    return make_members(users, 2) + make_members(carers, 1) + make_members(pas, 1)


def _long(day):
    return f"{day:%A %-d %B %Y}"


def test_notice_with_exactly_fourteen_clear_days_is_sent(members, draft_meeting, secretary):
    meeting, _ = draft_meeting(days=15)  # today and the meeting day do not count
    assert services.send_notice(meeting, by=secretary) == 4
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CALLED
    assert NoticeDelivery.objects.filter(meeting=meeting).count() == 4


def test_notice_one_clear_day_short_is_refused_naming_the_earliest_date(
        members, draft_meeting, secretary):
    meeting, _ = draft_meeting(days=14)
    earliest = timezone.localdate() + timedelta(days=15)
    with pytest.raises(MeetingError) as refused:
        services.send_notice(meeting, by=secretary)
    assert refused.value.field == "starts_at"
    assert "gives 13 clear days, and the rules need 14" in refused.value.message
    assert f"The earliest date this meeting can be held is {_long(earliest)}" in \
        refused.value.message
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.DRAFT and meeting.notice_sent_at is None
    assert not NoticeDelivery.objects.filter(meeting=meeting).exists()


def test_a_meeting_tomorrow_reports_no_clear_days(members, draft_meeting, secretary):
    meeting, _ = draft_meeting(days=1)
    with pytest.raises(MeetingError, match="gives 0 clear days, and the rules need 14"):
        services.send_notice(meeting, by=secretary)


def test_after_moving_the_date_to_the_earliest_one_notice_goes(members, draft_meeting,
                                                                secretary):
    meeting, _ = draft_meeting(days=10)
    with pytest.raises(MeetingError):
        services.send_notice(meeting, by=secretary)
    services.update_meeting(meeting, by=secretary, starts_at=days_ahead(15))
    assert services.send_notice(meeting, by=secretary) == 4


def test_time_of_day_does_not_matter_only_the_date(members, draft_meeting, secretary):
    early, _ = draft_meeting(days=15, starts_at=days_ahead(15, hour=0, minute=5))
    late, _ = draft_meeting(days=14, starts_at=days_ahead(14, hour=23, minute=55))
    services.send_notice(early, by=secretary)
    with pytest.raises(MeetingError, match="13 clear days"):
        services.send_notice(late, by=secretary)


def test_the_meeting_date_is_the_local_date_of_its_start(members, draft_meeting, secretary):
    # 00:30 in London on day 15 is the evening of day 14 in UTC in summer, and the same
    # instant in winter; either way the co-op counts it as day 15.
    day = timezone.localdate() + timedelta(days=15)
    starts_at = at_local(day, 0, 30).astimezone(UTC)
    meeting, _ = draft_meeting(starts_at=starts_at)
    assert meeting.date == day
    services.check_notice_period(meeting)  # no error: 14 clear days
    assert services.send_notice(meeting, by=secretary) == 4


def test_check_notice_period_at_the_edges_for_a_given_sending_day(draft_meeting):
    meeting, _ = draft_meeting(days=40)
    day = meeting.date
    services.check_notice_period(meeting, sent_on=day - timedelta(days=15))  # 14 clear days
    with pytest.raises(MeetingError, match="gives 13 clear days"):
        services.check_notice_period(meeting, sent_on=day - timedelta(days=14))


def test_more_clear_days_in_the_rules_move_the_earliest_date(
        society, members, draft_meeting, secretary):
    update_rules(society, by=secretary, notice_clear_days=21)
    meeting, _ = draft_meeting(days=21)
    earliest = timezone.localdate() + timedelta(days=22)
    with pytest.raises(MeetingError) as refused:
        services.send_notice(meeting, by=secretary)
    assert "gives 20 clear days, and the rules need 21" in refused.value.message
    assert _long(earliest) in refused.value.message
    services.update_meeting(meeting, by=secretary, starts_at=days_ahead(22))
    assert services.send_notice(meeting, by=secretary) == 4


def test_fewer_clear_days_in_the_rules_allow_a_sooner_meeting(
        society, members, draft_meeting, secretary):
    update_rules(society, by=secretary, notice_clear_days=7)
    soon, _ = draft_meeting(days=8)
    assert services.send_notice(soon, by=secretary) == 4
    too_soon, _ = draft_meeting(days=7)
    with pytest.raises(MeetingError, match="gives 6 clear days, and the rules need 7"):
        services.send_notice(too_soon, by=secretary)


def test_no_clear_days_in_the_rules_allow_a_meeting_tomorrow(
        society, members, draft_meeting, secretary):
    update_rules(society, by=secretary, notice_clear_days=0)
    meeting, _ = draft_meeting(days=1)
    assert services.send_notice(meeting, by=secretary) == 4


def test_a_board_meeting_needs_no_clear_days(members, draft_meeting, secretary):
    meeting, _ = draft_meeting(days=1, kind=MeetingKind.BOARD)
    services.check_notice_period(meeting)  # board meetings are not general meetings
    services.send_notice(meeting, by=secretary)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CALLED


def test_notice_cannot_be_sent_twice(members, draft_meeting, secretary):
    meeting, _ = draft_meeting(days=15)
    services.send_notice(meeting, by=secretary)
    with pytest.raises(MeetingError, match="already been sent"):
        services.send_notice(meeting, by=secretary)
    assert NoticeDelivery.objects.filter(meeting=meeting).count() == 4


def test_a_called_meetings_date_cannot_change(members, draft_meeting, secretary):
    meeting, _ = draft_meeting(days=15)
    services.send_notice(meeting, by=secretary)
    with pytest.raises(MeetingError, match="Cancel it and call a new one"):
        services.update_meeting(meeting, by=secretary, starts_at=days_ahead(13))
