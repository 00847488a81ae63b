"""Writes for societies and officers. Each function validates, writes in a transaction and
records an audit entry."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import audit, hooks
from .enums import OfficerRole
from .models import Officer, Society


class CoopError(Exception):
    """A rule was broken; the message is shown to the person as it is."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


RULE_FIELDS = [
    "name", "registration_number", "address", "contact_email",
    "financial_year_end_month", "financial_year_end_day", "share_value", "notice_clear_days",
    "quorum_minimum", "quorum_percent", "special_resolution_percent", "proxies_allowed",
    "max_proxies_per_holder", "online_meetings_allowed", "hybrid_meetings_allowed",
    "empty_class_policy", "conflict_policy", "class_breakdown_minimum", "shares_withdrawable",
    "withdrawal_notice_days", "withdrawals_suspended", "max_holding", "multiple_shares_allowed",
    "payment_instructions", "reserve_rule", "reserve_percent", "reserve_fixed", "asset_lock",
    "quorum_counts_proxies", "proxy_deadline_clear_days", "requisition_percent",
    "requisition_maximum", "agm_months_after_year_end", "agm_max_months_between",
    "trustee_term_years", "not_cast_money", "proxy_deadline_unit", "proxy_deadline_hours",
    "post_deemed_delivery_hours", "register_retention_years", "contact_retention_years",
    "declaration_retention_years", "proxy_retention_years", "attendance_retention_years",
    "nomination_retention_years", "ballot_challenge_days", "max_voters_helped_per_ballot",
    "allow_advance_votes", "advance_votes_close_hours",
]


def create_society(*, name: str, slug: str = "", by=None, **rules) -> Society:
    """Create a society; the apps set it up through `hooks.society_created` (membership adds the
    three default member classes and the interest topics).
    Side effects: audit entry `coop.society.created`."""
    slug = slug or slugify(name)[:60]
    if not slug:
        raise CoopError("Give the society a name made of letters or numbers.", field="name")
    if Society.objects.filter(slug=slug).exists():
        raise CoopError(f"A society with the short name “{slug}” already exists.", field="slug")
    with transaction.atomic():
        society = Society.objects.create(name=name, slug=slug, **rules)
        hooks.society_created.send(sender=Society, society=society, by=by)
        audit.record("coop.society.created", society=society, actor=by, obj=society,
                     data={"name": name, "slug": slug})
    return society


def update_rules(society: Society, *, by, **changes) -> Society:
    """Change the society's rules. Side effects: audit entry with each old and new value."""
    diff = {}
    for field, value in changes.items():
        if field not in RULE_FIELDS:
            raise CoopError(f"“{field}” is not a rule that can be changed here.")
        old = getattr(society, field)
        if old != value:
            diff[field] = {"from": old, "to": value}
            setattr(society, field, value)
    if not diff:
        return society
    with transaction.atomic():
        society.save(update_fields=list(diff))
        audit.record("coop.society.rules_changed", society=society, actor=by, obj=society,
                     data=diff)
    return society


def appoint_officer(society: Society, *, user, role: str, started_on: date | None = None,
                    by=None, sees_access_needs: bool = False) -> Officer:
    """Add a term of office to the register of officers."""
    if role not in OfficerRole.values:
        raise CoopError("Choose a role from the list.", field="role")
    if Officer.objects.filter(society=society, user=user, role=role,
                              ended_on__isnull=True).exists():
        raise CoopError(f"{user} is already {OfficerRole(role).label.lower()}.", field="user")
    with transaction.atomic():
        officer = Officer.objects.create(society=society, user=user, role=role,
                                         started_on=started_on or timezone.localdate(),
                                         sees_access_needs=sees_access_needs)
        audit.record("coop.officer.appointed", society=society, actor=by, obj=officer,
                     data={"role": role, "user": user.email,
                           "started_on": officer.started_on,
                           "sees_access_needs": sees_access_needs})
    return officer


def end_office(officer: Officer, *, by, ended_on: date | None = None) -> Officer:
    """Close a term of office; the entry stays on the register of officers."""
    ended_on = ended_on or timezone.localdate()
    if officer.ended_on is not None:
        raise CoopError("This term of office has already ended.")
    if ended_on < officer.started_on:
        raise CoopError("A term cannot end before it started.", field="ended_on")
    with transaction.atomic():
        officer.ended_on = ended_on
        officer.save(update_fields=["ended_on"])
        audit.record("coop.officer.term_ended", society=officer.society, actor=by, obj=officer,
                     data={"role": officer.role, "ended_on": ended_on})
    return officer
