"""Small named checks for the members' own pages. The officers' checks (who may see or manage
the register, record payments...) are the society's, in `coop.permissions`."""

from . import selectors, services


def is_member(user, society) -> bool:
    """A current or former member: their own entry, shares and certificate stay open to them."""
    return selectors.member_for(society, user) is not None


def is_current_member(user, society) -> bool:
    """Only a current member may see the inspection copy of the register."""
    return services.current_membership(society, user) is not None
