"""Who may do what with the surplus. The treasurer keeps the accounts; the board proposes and
records decisions; every member sees the proposals, outcomes and history."""

from coop.enums import BOARD_ROLES, OfficerRole
from coop.permissions import current_roles


def can_manage_accounts(user, society) -> bool:
    """Enter, correct and lock a year's accounts: the treasurer (and the board)."""
    return bool(current_roles(user, society) & (BOARD_ROLES | {OfficerRole.TREASURER}))


def can_manage_proposals(user, society) -> bool:
    """Draft proposals, put them to the vote and record decisions: the board."""
    return bool(current_roles(user, society) & BOARD_ROLES)
