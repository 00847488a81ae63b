"""Who may do what with ballots. The scrutineer sees counts and paper entries, never who
voted how; the board runs ballots; members vote when they are on the roll."""

from coop.enums import BOARD_ROLES, OfficerRole
from coop.permissions import current_roles


def can_manage_ballots(user, society) -> bool:
    """Draft, open, close early, publish, and see the post list: the board."""
    return bool(current_roles(user, society) & BOARD_ROLES)


def can_scrutinise(user, society) -> bool:
    """Enter returned paper ballots and certify results: the scrutineer."""
    return OfficerRole.SCRUTINEER in current_roles(user, society)


def can_see_closed_results(user, society) -> bool:
    """See a result after close, before it is published."""
    return can_manage_ballots(user, society) or can_scrutinise(user, society)


def can_see_drafts(user, society) -> bool:
    return can_manage_ballots(user, society) or can_scrutinise(user, society)
