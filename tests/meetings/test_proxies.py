"""Proxies: appointed by the deadline (2 clear days before the meeting by default), at most 5
per holder, replaceable, revocable until the meeting starts, never oneself; directed proxy
votes are cast when the vote opens, undirected ones by the holder, and an appointer who comes
votes themself."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coop.services import update_rules
from meetings import selectors, services
from meetings.models import Meeting, Proxy
from meetings.services import MeetingError
from tests.factories import MemberFactory
from voting import services as voting
from voting.models import RollEntry
from voting.selectors import results

from .conftest import days_ahead, fresh, options_of

RESOLUTION = [("Open a second office", "That the co-op opens an office in Rotherham.",
               "ordinary")]


@pytest.fixture
def members(classes, make_members):
    """Ten service users: the quorum is 2."""
    return make_members(classes[0], 10)


@pytest.fixture
def meeting_in(society, secretary, call_meeting):
    """meeting_in(days) -> a called meeting that many days from today, with one resolution
    (the notice rule is lowered to 1 clear day so a meeting so soon can be called)."""
    update_rules(society, by=secretary, notice_clear_days=1)

    def make(days):
        meeting, (item,) = call_meeting(days=days, resolutions=RESOLUTION)
        return meeting, item

    return make


def _long(day):
    return f"{day:%A %-d %B %Y}"


# --- the deadline ------------------------------------------------------------------------------

def test_a_proxy_can_be_appointed_on_the_last_day_allowed(members, meeting_in):
    meeting, _ = meeting_in(3)  # two clear days between today and the meeting
    assert selectors.proxy_deadline(meeting) == timezone.localdate()
    proxy = services.appoint_proxy(meeting, members[0], members[1])
    assert proxy.is_active and selectors.proxy_of(meeting, members[0]) == proxy


def test_a_proxy_the_day_after_the_deadline_is_refused(members, meeting_in):
    meeting, _ = meeting_in(2)
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(MeetingError) as refused:
        services.appoint_proxy(meeting, members[0], members[1])
    assert refused.value.message == (f"The deadline for appointing a proxy was the end of "
                                     f"{_long(yesterday)}.")
    assert not Proxy.objects.filter(meeting=meeting).exists()


def test_the_deadline_follows_the_societys_rule(members, meeting_in, set_rules):
    set_rules(proxy_deadline_clear_days=7)
    allowed, _ = meeting_in(8)
    too_late, _ = meeting_in(7)
    services.appoint_proxy(allowed, members[0], members[1])
    with pytest.raises(MeetingError, match="The deadline for appointing a proxy was"):
        services.appoint_proxy(too_late, members[0], members[1])


def test_proxies_only_between_notice_and_the_start(members, draft_meeting, called_meeting,
                                                   go_live):
    draft, _ = draft_meeting()
    with pytest.raises(MeetingError, match="once notice is sent"):
        services.appoint_proxy(draft, members[0], members[1])
    go_live(called_meeting)
    with pytest.raises(MeetingError, match="once notice is sent"):
        services.appoint_proxy(called_meeting, members[0], members[1])


def test_no_proxies_when_the_rules_do_not_allow_them(members, called_meeting, set_rules):
    set_rules(proxies_allowed=False)
    with pytest.raises(MeetingError, match="Proxies are not allowed"):
        services.appoint_proxy(called_meeting, members[0], members[1])


# --- who can hold one --------------------------------------------------------------------------

def test_a_holder_can_hold_five_proxies_and_the_sixth_is_refused(members, called_meeting):
    holder = members[0]
    for appointer in members[1:6]:
        services.appoint_proxy(called_meeting, appointer, holder)
    assert selectors.proxies_held(called_meeting, holder).count() == 5
    with pytest.raises(MeetingError) as refused:
        services.appoint_proxy(called_meeting, members[6], holder)
    assert refused.value.field == "holder"
    assert f"{holder.full_name} already holds 5 proxies, the most the rules allow" in \
        refused.value.message
    # One of the five changes their mind: now there is room.
    services.revoke_proxy(selectors.proxy_of(called_meeting, members[1]), member=members[1])
    services.appoint_proxy(called_meeting, members[6], holder)
    assert selectors.proxies_held(called_meeting, holder).count() == 5


def test_someone_already_counted_can_change_their_directions_at_the_limit(
        members, called_meeting):
    holder, item = members[0], called_meeting.resolution
    for appointer in members[1:6]:
        services.appoint_proxy(called_meeting, appointer, holder)
    services.appoint_proxy(called_meeting, members[1], holder, instructions={item.pk: "for"})
    assert selectors.proxies_held(called_meeting, holder).count() == 5


def test_the_limit_follows_the_societys_rule(members, called_meeting, set_rules):
    set_rules(max_proxies_per_holder=1)
    services.appoint_proxy(called_meeting, members[1], members[0])
    with pytest.raises(MeetingError, match="already holds 1 proxies"):
        services.appoint_proxy(called_meeting, members[2], members[0])


def test_no_one_can_appoint_themself(members, called_meeting):
    with pytest.raises(MeetingError, match="someone other than yourself") as refused:
        services.appoint_proxy(called_meeting, members[0], members[0])
    assert refused.value.field == "holder"


def test_two_members_cannot_hold_each_others_proxies(members, called_meeting):
    services.appoint_proxy(called_meeting, members[0], members[1])
    with pytest.raises(MeetingError, match="has appointed you as their proxy"):
        services.appoint_proxy(called_meeting, members[1], members[0])


def test_holder_and_appointer_are_current_members_of_this_co_op(members, called_meeting,
                                                                other_society, resign):
    with pytest.raises(MeetingError, match="Choose a member of this co-op"):
        services.appoint_proxy(called_meeting, members[0], MemberFactory(society=other_society))
    former = resign(members[2])
    with pytest.raises(MeetingError, match="Your proxy must be a current member"):
        services.appoint_proxy(called_meeting, members[0], former)


# --- replacing and revoking --------------------------------------------------------------------

def test_appointing_again_replaces_the_earlier_proxy(members, called_meeting):
    first = services.appoint_proxy(called_meeting, members[0], members[1])
    second = services.appoint_proxy(called_meeting, members[0], members[2])
    first.refresh_from_db()
    assert first.revoked_at is not None  # kept, not deleted
    assert selectors.proxy_of(called_meeting, members[0]) == second
    assert not selectors.proxies_held(called_meeting, members[1]).exists()
    assert Proxy.objects.filter(meeting=called_meeting, appointer=members[0]).count() == 2


def test_directions_are_only_for_this_meetings_resolutions(members, called_meeting):
    apologies = called_meeting.items.get(position=1)
    with pytest.raises(MeetingError, match="only be given on this meeting's resolutions"):
        services.appoint_proxy(called_meeting, members[0], members[1],
                               instructions={apologies.pk: "for"})
    with pytest.raises(MeetingError, match="Choose for, against, abstain"):
        services.appoint_proxy(called_meeting, members[0], members[1],
                               instructions={called_meeting.resolution.pk: "maybe"})


def test_a_proxy_can_be_revoked_until_the_meeting_starts(members, meeting_in):
    meeting, _ = meeting_in(3)
    proxy = services.appoint_proxy(meeting, members[0], members[1])
    # Past the deadline for appointing (the meeting moved to tomorrow), revoking still works.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=days_ahead(1))
    assert services.revoke_proxy(proxy, member=members[0]).revoked_at is not None
    assert selectors.proxy_of(meeting, members[0]) is None
    with pytest.raises(MeetingError, match="already been cancelled"):
        services.revoke_proxy(proxy, member=members[0])


def test_a_proxy_cannot_be_revoked_once_the_meeting_starts(members, called_meeting, go_live):
    proxy = services.appoint_proxy(called_meeting, members[0], members[1])
    go_live(called_meeting)
    with pytest.raises(MeetingError, match="The meeting has started"):
        services.revoke_proxy(proxy, member=members[0])
    assert fresh(proxy).is_active


def test_only_the_appointer_revokes(members, called_meeting):
    proxy = services.appoint_proxy(called_meeting, members[0], members[1])
    with pytest.raises(MeetingError, match="Only the member who appointed"):
        services.revoke_proxy(proxy, member=members[1])


# --- proxy votes -------------------------------------------------------------------------------

@pytest.fixture
def vote_with_proxies(members, called_meeting, go_live, chair):
    """members[0] holds a proxy directed "against" from members[1] and an undirected one from
    members[2]; members[0], [3] and [4] come. Returns (item, ballot, options)."""
    item = called_meeting.resolution
    services.appoint_proxy(called_meeting, members[1], members[0],
                           instructions={item.pk: "against"})
    services.appoint_proxy(called_meeting, members[2], members[0])
    go_live(called_meeting)
    for m in (members[0], members[3], members[4]):
        services.check_in(called_meeting, m, by=chair)
    item = fresh(item)
    ballot = services.open_item_vote(item, by=chair)
    return item, ballot, options_of(ballot)


def test_directed_proxy_votes_are_cast_when_the_vote_opens(members, vote_with_proxies):
    item, ballot, options = vote_with_proxies
    assert results(ballot).head_counts[options["against"]] == 1
    assert RollEntry.objects.get(ballot=ballot, member=members[1]).has_voted
    with pytest.raises(MeetingError, match="do not hold an undirected proxy"):
        services.cast_proxy_vote(item, members[0], members[1], {options["for"]: 1})


def test_the_holder_casts_an_undirected_proxy_vote(members, vote_with_proxies):
    item, ballot, options = vote_with_proxies
    receipt = services.cast_proxy_vote(item, members[0], members[2], {options["for"]: 1})
    assert receipt
    assert results(ballot).head_counts[options["for"]] == 1
    with pytest.raises(MeetingError, match="already voted"):
        services.cast_proxy_vote(item, members[0], members[2], {options["against"]: 1})
    # The holder's own vote is separate from the votes they hold.
    voting.cast_vote(ballot, members[0], {options["for"]: 1})
    assert results(ballot).head_counts == {options["for"]: 2, options["against"]: 1,
                                           options["abstain"]: 0}


def test_only_the_holder_casts_a_proxy_vote(members, vote_with_proxies):
    item, _, options = vote_with_proxies
    with pytest.raises(MeetingError, match="do not hold an undirected proxy"):
        services.cast_proxy_vote(item, members[3], members[2], {options["for"]: 1})


def test_an_appointer_who_comes_votes_themself(members, called_meeting, go_live, chair):
    item = called_meeting.resolution
    services.appoint_proxy(called_meeting, members[1], members[0],
                           instructions={item.pk: "against"})
    go_live(called_meeting)
    for m in members[:3]:
        services.check_in(called_meeting, m, by=chair)
    item = fresh(item)
    room = selectors.room(item)
    assert members[1].pk not in room.directed
    ballot = services.open_item_vote(item, by=chair)
    options = options_of(ballot)
    assert results(ballot).head_counts[options["against"]] == 0  # the proxy was not used
    voting.cast_vote(ballot, members[1], {options["for"]: 1})
    assert results(ballot).head_counts[options["for"]] == 1
    with pytest.raises(MeetingError):
        services.cast_proxy_vote(item, members[0], members[1], {options["against"]: 1})


def test_a_proxy_whose_holder_stays_away_gives_no_vote(members, called_meeting, go_live,
                                                       chair):
    services.appoint_proxy(called_meeting, members[1], members[0])
    go_live(called_meeting)
    for m in members[2:4]:
        services.check_in(called_meeting, m, by=chair)
    ballot = services.open_item_vote(fresh(called_meeting.resolution), by=chair)
    assert not RollEntry.objects.filter(ballot=ballot, member=members[1]).exists()
