"""Who may write to members: the board (the secretary, chair and trustees) speaks for the
co-op; every current member reads their own messages."""

from coop.enums import BOARD_ROLES
from coop.permissions import current_roles


def can_send_messages(user, society) -> bool:
    return bool(current_roles(user, society) & BOARD_ROLES)
