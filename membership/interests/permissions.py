"""Who may see and change what in the register of interests. Small named checks, used by the
pages and their templates (and open to the API)."""

from coop import permissions
from coop.enums import BOARD_ROLES
from membership.services import current_membership


def can_declare_interests(user, society) -> bool:
    """Any current member or officer has their own interests page and may declare."""
    if not user.is_authenticated:
        return False
    return permissions.is_officer(user, society) or (
        current_membership(society, user) is not None)


def can_view_interest_register(user, society) -> bool:
    """The whole register, with every member's declarations: the board (chair, secretary,
    trustees). The treasurer and scrutineers see only what every member sees."""
    return bool(permissions.current_roles(user, society) & BOARD_ROLES)


def can_manage_topics(user, society) -> bool:
    """Add, rename and retire topics and choose deemed classes: the board."""
    return bool(permissions.current_roles(user, society) & BOARD_ROLES)


def can_see_declaration(user, society, declaration) -> bool:
    """A declaration's full history: the person who made it, or whoever sees the register."""
    return declaration.person_id == user.pk or can_view_interest_register(user, society)
