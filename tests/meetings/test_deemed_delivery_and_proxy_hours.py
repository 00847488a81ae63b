"""Meeting rules as societies write them (issue 15): notice by post counts from its deemed
delivery (48 hours after posting by default), and a proxy deadline can be a number of hours
before the meeting, shown to the minute on the proxy form."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import rules, selectors, services
from meetings.models import Proxy
from meetings.services import MeetingError
from tests.pages import PageCheckingClient, text

from .conftest import at_local, days_ahead


def _long(day):
    return f"{day:%A %-d %B %Y}"


@pytest.fixture
def members(classes, make_members):
    """Three members who get email and one who gets letters."""
    return make_members(classes[0], 3) + make_members(classes[1], 1, contact_by_post=True)


# --- deemed delivery ----------------------------------------------------------------------------

def test_deemed_delivery_days_count_a_part_day_as_a_whole_day():
    assert [rules.deemed_delivery_days(h) for h in (0, 24, 36, 48, 72)] == [0, 1, 2, 2, 3]


def test_post_notice_counts_clear_days_from_deemed_delivery(members, draft_meeting, secretary):
    """15 days ahead gives 14 clear days by email, but a letter posted today counts as
    delivered in two days: 12 clear days, where the rules need 14."""
    meeting, _ = draft_meeting(days=15)
    delivered = timezone.localdate() + timedelta(days=2)

    with pytest.raises(MeetingError) as refused:
        services.send_notice(meeting, by=secretary)

    assert refused.value.message == (
        f"Notice posted today counts as delivered on {_long(delivered)} (48 hours after "
        "posting, under the co-op's rules), which gives 12 clear days, and the rules need 14. "
        f"The earliest date this meeting can be held is "
        f"{_long(delivered + timedelta(days=15))}. Change the date, then send the notice.")
    services.update_meeting(meeting, by=secretary, starts_at=days_ahead(17))
    assert services.send_notice(meeting, by=secretary) == 4


def test_email_only_notice_counts_from_sending(classes, make_members, draft_meeting,
                                               secretary):
    make_members(classes[0], 2)
    meeting, _ = draft_meeting(days=15)
    assert services.send_notice(meeting, by=secretary) == 2


def test_the_deemed_delivery_hours_follow_the_societys_rule(members, draft_meeting, secretary,
                                                            set_rules):
    set_rules(post_deemed_delivery_hours=24)
    meeting, _ = draft_meeting(days=16)  # delivered tomorrow: 14 clear days
    services.check_notice_period(meeting)
    too_soon, _ = draft_meeting(days=15)
    with pytest.raises(MeetingError, match="24 hours after posting.*gives 13 clear days"):
        services.check_notice_period(too_soon)


def test_the_send_notice_page_and_api_say_when_letters_count_as_delivered(
        members, draft_meeting, secretary):
    meeting, _ = draft_meeting(days=20)
    client = PageCheckingClient()
    client.force_login(secretary)
    delivered = timezone.localdate() + timedelta(days=2)

    page = text(client.get(reverse("meeting_send_notice", args=["mutual", meeting.pk])))
    status = services.notice_timing(meeting)

    assert (f"letters posted today count as delivered on {_long(delivered)}, and the clear "
            "days are counted from then") in page
    assert (status.clear_days, status.latest_notice) == (
        17, meeting.date - timedelta(days=17))


# --- proxy deadline in hours --------------------------------------------------------------------

@pytest.fixture
def soon(society, secretary, set_rules, call_meeting):
    """soon(hours) -> a meeting called for that many hours from now (notice needs no clear
    days here, and the members all get email)."""
    set_rules(notice_clear_days=0, proxy_deadline_unit="hours", proxy_deadline_hours=48)

    def make(hours):
        starts = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
        meeting, _ = call_meeting(starts_at=starts)
        return meeting

    return make


@pytest.fixture
def voters(classes, make_members):
    return make_members(classes[0], 3)


def test_a_proxy_deadline_in_hours_is_to_the_minute(voters, soon):
    open_meeting, closed_meeting = soon(49), soon(47)

    services.appoint_proxy(open_meeting, voters[0], voters[1])
    deadline = selectors.proxy_deadline_at(closed_meeting)
    with pytest.raises(MeetingError) as refused:
        services.appoint_proxy(closed_meeting, voters[0], voters[1])

    assert deadline.at == timezone.localtime(closed_meeting.starts_at) - timedelta(hours=48)
    assert refused.value.message == (f"The deadline for appointing a proxy was "
                                     f"{deadline.exact}.")
    assert not Proxy.objects.filter(meeting=closed_meeting).exists()


def test_clear_days_would_have_closed_the_same_meeting(voters, soon, set_rules):
    meeting = soon(49)
    set_rules(proxy_deadline_unit="clear_days")
    with pytest.raises(MeetingError, match="was the end of"):
        services.appoint_proxy(meeting, voters[0], voters[1])


def test_the_proxy_form_shows_the_exact_deadline(voters, society, set_rules, call_meeting):
    set_rules(proxy_deadline_unit="hours", proxy_deadline_hours=48)
    day = timezone.localdate() + timedelta(days=20)
    meeting, _ = call_meeting(starts_at=at_local(day, 10, 30))
    client = PageCheckingClient()
    client.force_login(voters[0].user)

    page = text(client.get(reverse("meeting_proxy", args=["mutual", meeting.pk])))

    deadline_day = _long(day - timedelta(days=2))
    assert f"Do this by 10:30am on {deadline_day} ." in page
    assert f"The exact deadline: 10:30am on {deadline_day} ." in page


def test_clear_days_deadline_shows_its_time_too(voters, call_meeting):
    meeting, _ = call_meeting(days=20)
    client = PageCheckingClient()
    client.force_login(voters[0].user)

    page = text(client.get(reverse("meeting_proxy", args=["mutual", meeting.pk])))

    last = _long(meeting.date - timedelta(days=3))
    assert f"Do this by the end of {last} ." in page
    assert f"The exact deadline: 11:59pm on {last} ." in page


def test_the_api_gives_the_exact_deadline(voters, society, set_rules, call_meeting):
    from rest_framework.test import APIClient

    set_rules(proxy_deadline_unit="hours", proxy_deadline_hours=48)
    day = timezone.localdate() + timedelta(days=20)
    meeting, _ = call_meeting(starts_at=at_local(day, 10, 30))
    client = APIClient()
    client.force_authenticate(voters[0].user)

    body = client.get(f"/api/v1/societies/mutual/meetings/{meeting.pk}/").json()

    deadline = at_local(day, 10, 30) - timedelta(hours=48)
    assert datetime.fromisoformat(body["notice"]["proxy_deadline_at"]) == deadline
    assert body["notice"]["proxy_deadline"] == str(deadline.date())
