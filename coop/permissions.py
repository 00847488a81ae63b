"""Small named checks, used alike by views, the API and templates."""

from django.utils import timezone

from .enums import AUDIT_READERS, BOARD_ROLES, REGISTER_READERS, RULE_KEEPERS, OfficerRole


def current_roles(user, society) -> set[str]:
    """The officer roles `user` holds in `society` today. Cached on the user per request."""
    if user is None or not user.is_authenticated or society is None:
        return set()
    cache = user.__dict__.setdefault("_coop_roles", {})
    if society.pk not in cache:
        today = timezone.localdate()
        cache[society.pk] = set(
            user.offices.filter(society=society, started_on__lte=today)
            .exclude(ended_on__lt=today)
            .values_list("role", flat=True)
        )
    return cache[society.pk]


def is_officer(user, society) -> bool:
    return bool(current_roles(user, society))


def can_view_register(user, society) -> bool:
    return bool(current_roles(user, society) & REGISTER_READERS)


def can_manage_register(user, society) -> bool:
    """Approve applications, edit entries, record cessations: the secretary and trustees."""
    return bool(current_roles(user, society) & BOARD_ROLES)


def can_record_payments(user, society) -> bool:
    """Record a share as paid: the treasurer handles money, the board may too."""
    return bool(current_roles(user, society) & (BOARD_ROLES | {OfficerRole.TREASURER}))


def can_see_care_data(user, society) -> bool:
    """Access needs (health data): only officers whose office carries the flag, because they
    arrange meetings or letters. Views that show them record each look (`log_care_data_view`)."""
    if not is_officer(user, society):
        return False
    today = timezone.localdate()
    return user.offices.filter(society=society, sees_access_needs=True,
                               started_on__lte=today).exclude(ended_on__lt=today).exists()


def can_record_death_or_expulsion(user, society) -> bool:
    return OfficerRole.SECRETARY in current_roles(user, society)


def can_manage_rules(user, society) -> bool:
    """Change the society's rules and member classes."""
    return bool(current_roles(user, society) & RULE_KEEPERS)


def can_view_audit_log(user, society) -> bool:
    return bool(current_roles(user, society) & AUDIT_READERS)


def can_manage_officers(user, society) -> bool:
    return bool(current_roles(user, society) & RULE_KEEPERS)


def can_manage_card_account(user, society) -> bool:
    """Connect the society's own Stripe account: the treasurer, the chair and the secretary."""
    return bool(current_roles(user, society) & (RULE_KEEPERS | {OfficerRole.TREASURER}))
