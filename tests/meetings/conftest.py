"""Fixtures for the meetings tests: a society with its three default classes (service users
50%, carers 25%, PAs 25%), members in each, and meetings called through the services.

Shortcuts, used only where the real route would mean waiting for days:
- A meeting is created (and noticed) for a date in the future, as the rules require; to
  start it, its `starts_at` row is moved to now with a queryset update, because
  `start_meeting` refuses more than an hour before the start (`go_live`).

Rules are changed through `coop.services.update_rules`, as the rules page does (`set_rules`).
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from coop.services import update_rules
from meetings import services
from meetings.enums import MeetingKind
from meetings.models import Meeting
from tests.factories import MemberFactory

NOTICE_DAYS = 20  # comfortably more than the default 14 clear days


def at_local(day, hour=18, minute=0):
    """An aware datetime at `hour`:`minute` on `day`, in the co-op's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def days_ahead(days, hour=18, minute=0):
    return at_local(timezone.localdate() + timedelta(days=days), hour, minute)


def fresh(obj):
    """The row as the database has it now, with no cached relations (an item made before
    its meeting started still holds the meeting as it was then)."""
    return type(obj).objects.get(pk=obj.pk)


def options_of(ballot) -> dict:
    """{"for": id, "against": id, "abstain": id} for a resolution's ballot."""
    return {o.code: o.pk for o in ballot.options.all()}


@pytest.fixture
def classes(society):
    """The society's three default classes: users 50%, carers 25%, PAs 25%."""
    users, carers, pas = society.member_classes.order_by("position")
    assert [users.weight, carers.weight, pas.weight] == [50, 25, 25]
    return users, carers, pas


@pytest.fixture
def make_members(society):
    """make_members(member_class, n, **fields) -> n current members of that class."""

    def make(member_class, n, **extra):
        return [MemberFactory(society=society, member_class=member_class, **extra)
                for _ in range(n)]

    return make


@pytest.fixture
def set_rules(society, secretary):
    """set_rules(**rules): change the society's rules (audited) on `society`."""

    def change(**rules):
        update_rules(society, by=secretary, **rules)

    return change


@pytest.fixture
def resign(secretary):
    """resign(member): the member resigns today (they are no longer current)."""
    from membership.enums import CessationReason
    from membership.services import cease_membership

    def leave(member):
        return cease_membership(member, by=secretary, reason=CessationReason.RESIGNED)

    return leave


@pytest.fixture
def chair(officer_for):
    return officer_for("chair")


@pytest.fixture
def draft_meeting(society, secretary):
    """draft_meeting(days=20, kind="agm", resolutions=[(title, text, kind)], **fields):
    a meeting created through the services, notice not yet sent. Returns (meeting, items)
    where items are the resolution items in the order given."""

    def make(*, days=NOTICE_DAYS, kind=MeetingKind.AGM, resolutions=(), starts_at=None,
             **fields):
        fields.setdefault("place", "Community Hall, 1 Mill Lane")
        meeting = services.create_meeting(
            society, by=secretary, kind=kind, starts_at=starts_at or days_ahead(days), **fields)
        items = [services.add_item(meeting, by=secretary, title=title, description=text,
                                   resolution_kind=resolution_kind)
                 for title, text, resolution_kind in resolutions]
        return meeting, items

    return make


@pytest.fixture
def call_meeting(draft_meeting, secretary):
    """call_meeting(...) -> (meeting, items): as `draft_meeting`, then notice sent with the
    clear days the rules need, so the meeting is "called"."""

    def make(**kwargs):
        meeting, items = draft_meeting(**kwargs)
        services.send_notice(meeting, by=secretary)
        meeting.refresh_from_db()
        return meeting, items

    return make


@pytest.fixture
def go_live(chair):
    """go_live(meeting): start a called meeting now (moving its `starts_at` to now first,
    because it was called for a date weeks ahead)."""

    def start(meeting, by=None):
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
        meeting.refresh_from_db()
        started = services.start_meeting(meeting, by=by or chair)
        meeting.refresh_from_db()
        return started

    return start


@pytest.fixture
def called_meeting(call_meeting):
    """An AGM 20 days ahead, its notice sent, with one ordinary resolution on its agenda
    (`called_meeting.resolution`)."""
    meeting, (item,) = call_meeting(resolutions=[
        ("Pay personal assistants the real living wage",
         "That the co-op pays every personal assistant at least the real living wage.",
         "ordinary")])
    meeting.resolution = item
    return meeting


@pytest.fixture
def live_meeting(called_meeting, go_live):
    """`called_meeting`, started now by the chair (see `go_live`)."""
    go_live(called_meeting)
    return called_meeting
