"""Who may do what with meetings. Members see called meetings of their own co-op and act
for themselves (check in, apologies, proxies, nominations, requisitions); the board prepares
meetings and marks attendance; the chair (or the secretary standing in) runs the meeting;
the secretary (or chair) keeps the minutes; tellers (board or scrutineer) count hands."""

from coop.enums import BOARD_ROLES, OfficerRole
from coop.permissions import current_roles

CHAIRS = {OfficerRole.CHAIR, OfficerRole.SECRETARY}


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
