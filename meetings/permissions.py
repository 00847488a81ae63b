"""Who may do what with meetings. Members see called meetings of their own co-op and act
for themselves (check in, apologies, proxies, nominations, requisitions); the board prepares
meetings and marks attendance; the chair (or the secretary standing in) runs the meeting;
the secretary (or chair) keeps the minutes; tellers (board or scrutineer) count hands."""

from coop.enums import BOARD_ROLES, OfficerRole
from coop.permissions import current_roles, is_officer
from membership.models import Member
from membership.selectors import member_for

CHAIRS = {OfficerRole.CHAIR, OfficerRole.SECRETARY}


def acting_member(user, society) -> Member | None:
    """The person's current register entry here, or None (looked up once per request)."""
    cache = user.__dict__.setdefault("_meetings_member", {})
    if society.pk not in cache:
        member = member_for(society, user)
        cache[society.pk] = member if member is not None and member.is_current else None
    return cache[society.pk]


def can_take_part(user, society) -> bool:
    """Act for themselves at meetings: only a current member."""
    return acting_member(user, society) is not None


def can_see_meetings(user, society) -> bool:
    """Read the society's meetings: a current member or an officer."""
    return can_take_part(user, society) or is_officer(user, society)


def can_manage_meetings(user, society) -> bool:
    """Call meetings, set the agenda, send notice, mark attendance, open nominations."""
    return bool(current_roles(user, society) & BOARD_ROLES)


def can_chair(user, society) -> bool:
    """Start and end the meeting, open and close votes, declare results, record withdrawals."""
    return bool(current_roles(user, society) & CHAIRS)


def can_keep_minutes(user, society) -> bool:
    return bool(current_roles(user, society) & CHAIRS)


def can_count_hands(user, society) -> bool:
    return bool(current_roles(user, society) & (BOARD_ROLES | {OfficerRole.SCRUTINEER}))
