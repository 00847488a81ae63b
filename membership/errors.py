"""The membership app's domain error, in a module of its own so that every module of the app
(services, the share ledger, payments) can raise it without importing the others."""

from coop.services import CoopError


class MembershipError(CoopError):
    """A membership rule was broken."""
