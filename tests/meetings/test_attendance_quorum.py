"""Attendance and the live quorum: the greater of 2 people and 10% of the members, counting
members represented by a proxy who is present, unless the rules say not to."""

import pytest

from meetings import selectors, services
from meetings.enums import MeetingKind
from meetings.models import Attendance
from meetings.services import MeetingError
from tests.factories import MemberFactory, OfficerFactory


@pytest.fixture
def members(classes, make_members):
    """30 members: the quorum is 3 (10% of 30; more than the minimum of 2)."""
    users, carers, pas = classes
    return make_members(users, 14) + make_members(carers, 8) + make_members(pas, 8)


def test_quorum_needs_ten_percent_of_thirty_members(members, live_meeting, chair):
    for m in members[:2]:
        services.check_in(live_meeting, m, by=chair)
    quorum = selectors.quorum(live_meeting)
    assert (quorum.required, quorum.present, quorum.counted) == (3, 2, 2)
    assert not quorum.is_quorate
    services.check_in(live_meeting, members[2])  # checks in on their own phone
    quorum = selectors.quorum(live_meeting)
    assert quorum.counted == 3 and quorum.is_quorate
    assert quorum.as_dict() == {"quorum_required": 3, "present": 3, "proxies": 0,
                                "quorate": True}


def test_quorum_minimum_of_two_in_a_small_co_op(classes, make_members, live_meeting, chair):
    alone = make_members(classes[0], 5)
    services.check_in(live_meeting, alone[0], by=chair)
    assert selectors.quorum(live_meeting).required == 2
    assert not selectors.quorum(live_meeting).is_quorate
    services.check_in(live_meeting, alone[1], by=chair)
    assert selectors.quorum(live_meeting).is_quorate


def test_former_members_do_not_count_towards_the_quorum_size(members, live_meeting, resign):
    # 30 members need 3; with 10 gone, 20 members need 2 (10% of 20, and the minimum).
    assert selectors.quorum(live_meeting).required == 3
    for m in members[:10]:
        resign(m)
    assert selectors.quorum(live_meeting).required == 2


def test_proxies_make_the_quorum_when_the_rules_count_them(members, called_meeting, go_live,
                                                           chair):
    present, absent = members[:2], members[2]
    services.appoint_proxy(called_meeting, absent, present[0])
    go_live(called_meeting)
    for m in present:
        services.check_in(called_meeting, m, by=chair)
    quorum = selectors.quorum(called_meeting)
    assert (quorum.present, quorum.proxies, quorum.counted) == (2, 1, 3)
    assert quorum.is_quorate


def test_proxies_do_not_make_the_quorum_when_the_rules_say_not(members, called_meeting,
                                                               go_live, chair, set_rules):
    set_rules(quorum_counts_proxies=False)
    services.appoint_proxy(called_meeting, members[2], members[0])
    go_live(called_meeting)
    for m in members[:2]:
        services.check_in(called_meeting, m, by=chair)
    quorum = selectors.quorum(called_meeting)
    assert (quorum.present, quorum.proxies, quorum.counted) == (2, 1, 2)
    assert not quorum.is_quorate


def test_a_proxy_counts_only_when_its_holder_is_present(members, called_meeting, go_live,
                                                        chair):
    services.appoint_proxy(called_meeting, members[5], members[4])  # holder stays away
    go_live(called_meeting)
    for m in members[:2]:
        services.check_in(called_meeting, m, by=chair)
    assert selectors.quorum(called_meeting).proxies == 0
    assert not selectors.quorum(called_meeting).is_quorate


def test_an_appointer_who_comes_is_counted_once(members, called_meeting, go_live, chair):
    appointer, holder = members[1], members[0]
    services.appoint_proxy(called_meeting, appointer, holder)
    go_live(called_meeting)
    services.check_in(called_meeting, holder, by=chair)
    services.check_in(called_meeting, appointer, by=chair)
    quorum = selectors.quorum(called_meeting)
    assert (quorum.present, quorum.proxies, quorum.counted) == (2, 0, 2)


def test_a_revoked_proxy_does_not_count(members, called_meeting, go_live, chair):
    proxy = services.appoint_proxy(called_meeting, members[2], members[0])
    services.revoke_proxy(proxy, member=members[2])
    go_live(called_meeting)
    for m in members[:2]:
        services.check_in(called_meeting, m, by=chair)
    assert selectors.quorum(called_meeting).proxies == 0


# --- checking in -------------------------------------------------------------------------------

def test_members_check_themselves_in_only_once_the_meeting_has_started(members,
                                                                       called_meeting, go_live):
    with pytest.raises(MeetingError, match="once the meeting has started"):
        services.check_in(called_meeting, members[0])
    go_live(called_meeting)
    attendance = services.check_in(called_meeting, members[0])
    assert attendance.marked_by is None and not attendance.online


def test_an_officer_can_mark_people_present_once_notice_is_sent(members, called_meeting,
                                                                chair):
    attendance = services.check_in(called_meeting, members[0], by=chair, by_hand=True)
    assert attendance.marked_by == chair and attendance.votes_by_hand


def test_checking_in_twice_is_refused(members, live_meeting, chair):
    services.check_in(live_meeting, members[0])
    with pytest.raises(MeetingError, match="already checked in"):
        services.check_in(live_meeting, members[0], by=chair)
    assert Attendance.objects.filter(meeting=live_meeting).count() == 1


def test_no_check_in_after_the_meeting_ends(members, live_meeting, chair):
    services.end_meeting(live_meeting, by=chair)
    live_meeting.refresh_from_db()
    with pytest.raises(MeetingError, match="This meeting is over"):
        services.check_in(live_meeting, members[0])
    with pytest.raises(MeetingError):
        services.check_in(live_meeting, members[0], by=chair)


def test_online_check_in_needs_an_online_link(members, live_meeting):
    with pytest.raises(MeetingError, match="no online link") as refused:
        services.check_in(live_meeting, members[0], online=True)
    assert refused.value.field == "online"


def test_online_check_in_at_a_hybrid_meeting(members, call_meeting, go_live):
    meeting, _ = call_meeting(online_link="https://meet.example.org/agm")
    go_live(meeting)
    services.check_in(meeting, members[0], online=True)
    services.check_in(meeting, members[1])
    assert selectors.quorum(meeting).present == 2
    assert Attendance.objects.get(meeting=meeting, member=members[0]).online


def test_only_current_members_of_this_co_op_attend(members, live_meeting, other_society,
                                                  resign):
    former = resign(members[0])
    with pytest.raises(MeetingError, match="must be a current member"):
        services.check_in(live_meeting, former)
    with pytest.raises(MeetingError, match="Choose a member of this co-op"):
        services.check_in(live_meeting, MemberFactory(society=other_society))


# --- apologies ---------------------------------------------------------------------------------

def test_apologies_are_recorded_and_do_not_count_towards_the_quorum(members, live_meeting,
                                                                    chair):
    services.record_apology(live_meeting, members[0])
    services.record_apology(live_meeting, members[1], by=chair)
    services.check_in(live_meeting, members[2], by=chair)
    assert selectors.quorum(live_meeting).present == 1
    with pytest.raises(MeetingError, match="already been recorded"):
        services.record_apology(live_meeting, members[0])


def test_no_apologies_from_someone_present(members, live_meeting):
    services.check_in(live_meeting, members[0])
    with pytest.raises(MeetingError, match="is at the meeting"):
        services.record_apology(live_meeting, members[0])


def test_apologies_can_be_sent_before_the_meeting(members, called_meeting):
    apology = services.record_apology(called_meeting, members[0])
    assert apology.recorded_by is None


# --- board meetings ----------------------------------------------------------------------------

def test_a_board_meeting_needs_more_than_half_the_board(society, classes, call_meeting,
                                                        go_live, chair):
    board = [MemberFactory(society=society, member_class=classes[0]) for _ in range(4)]
    for m in board:
        OfficerFactory(society=society, user=m.user, role="trustee")
    MemberFactory(society=society)  # not on the board
    meeting, _ = call_meeting(kind=MeetingKind.BOARD, days=1)
    go_live(meeting)
    for m in board[:2]:
        services.check_in(meeting, m, by=chair)
    quorum = selectors.quorum(meeting)
    assert quorum.required == 3 and not quorum.is_quorate
    services.check_in(meeting, board[2], by=chair)
    assert selectors.quorum(meeting).is_quorate
