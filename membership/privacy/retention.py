"""Retention that runs: for each society, by its rules, remove what has been kept long enough.
`apply_retention` is called by `manage.py apply_retention` and by the scheduled task; it writes
one audit entry per society per run, with counts and never names."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from coop import audit
from coop.models import Society

from ..models import Member
from . import registry
from .anonymise import anonymise_member, remove_contact_details
from .rules import RULES


@dataclass
class StepResult:
    name: str
    count: int
    rows: list[str] = field(default_factory=list)  # described, for the dry run only


@dataclass
class SocietyRun:
    society: Society
    today: date
    dry_run: bool
    steps: list[StepResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {s.name: s.count for s in self.steps}


def former_members_contact_due(society: Society, today: date):
    """Former members whose contact details are past the society's period."""
    return Member.objects.filter(
        society=society, contact_removed_at__isnull=True, anonymised_at__isnull=True,
        ceased_on__lte=registry.cutoff(today, society.contact_retention_years))


def former_members_register_due(society: Society, today: date):
    """Former members whose register entry is past the society's period."""
    return Member.objects.filter(
        society=society, anonymised_at__isnull=True,
        ceased_on__lte=registry.cutoff(today, society.register_retention_years))


def _describe_member(member: Member) -> str:
    return f"no. {member.membership_number} {member.full_name} (ceased {member.ceased_on})"


def apply_retention(society: Society, *, today: date | None = None,
                    dry_run: bool = False) -> SocietyRun:
    """Anonymise register entries past the register period, remove former members' contact
    details past the contact period, and delete what each registered step finds past its own
    period. Side effects (unless `dry_run`): the changes, and one audit entry
    `membership.retention.applied` with the counts."""
    today = today or timezone.localdate()
    run = SocietyRun(society, today, dry_run)
    with transaction.atomic():
        anonymise = list(former_members_register_due(society, today))
        contact = [m for m in former_members_contact_due(society, today) if m not in anonymise]
        run.steps.append(StepResult("register_entries_anonymised", len(anonymise),
                                    [_describe_member(m) for m in anonymise] if dry_run else []))
        run.steps.append(StepResult("contact_details_removed", len(contact),
                                    [_describe_member(m) for m in contact] if dry_run else []))
        for step in registry.retention_steps():
            rows = step.due(society, step.cutoff(society, today))
            described = [step.describe(r) for r in rows] if dry_run else []
            count = len(described) if dry_run else step.remove(rows)
            run.steps.append(StepResult(step.name, count, described))
        if dry_run:
            transaction.set_rollback(True)
            return run
        for member in contact:
            remove_contact_details(member)
        for member in anonymise:
            anonymise_member(member)
        audit.record("membership.retention.applied", society=society,
                     data={"on": today, "counts": run.counts,
                           "rules": {r.field: getattr(society, r.field) for r in RULES}})
    return run
