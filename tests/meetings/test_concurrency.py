"""Requests racing at a meeting, each on its own connection (PostgreSQL): the proxy limit
holds when many members name the same holder at once, and a member checking in twice at the
same moment is present once."""

import pytest

from meetings import services
from meetings.models import Attendance, Proxy
from meetings.services import MeetingError
from tests.concurrency import all_at_once, needs_postgresql


def _attempt(action):
    def job():
        try:
            action()
            return "done"
        except MeetingError as error:
            return error.message
    return job


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_members_naming_one_holder_at_once_leave_five_proxies(called_meeting, classes,
                                                                     make_members):
    needs_postgresql("Proxies racing")
    holder, *appointers = make_members(classes[0], 13)

    results, errors = all_at_once([
        _attempt(lambda m=m: services.appoint_proxy(called_meeting, m, holder))
        for m in appointers])

    assert errors == []
    assert results.count("done") == 5
    refusals = {r for r in results if r != "done"}
    assert len(refusals) == 1 and "already holds 5 proxies" in refusals.pop()
    assert Proxy.objects.filter(meeting=called_meeting, holder=holder,
                                revoked_at__isnull=True).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_check_ins_at_once_from_one_member_record_one_arrival(live_meeting, classes,
                                                                     make_members):
    needs_postgresql("Check-ins racing")
    member = make_members(classes[0], 1)[0]

    results, errors = all_at_once([
        _attempt(lambda: services.check_in(live_meeting, member)) for _ in range(20)])

    assert errors == []
    assert results.count("done") == 1
    assert set(results) - {"done"} == {f"{member.full_name} is already checked in."}
    assert Attendance.objects.filter(meeting=live_meeting, member=member).count() == 1
