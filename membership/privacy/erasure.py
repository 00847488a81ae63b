"""Acting on a request to erase someone's data: what goes, what the law keeps and why, and the
record of the request and its outcome."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from coop import audit

from ..enums import ErasureOutcome
from ..models import ErasureRequest, Member
from ..services import MembershipError
from . import registry
from .anonymise import anonymise_member, remove_contact_details
from .rules import KEPT_FOR_THE_LAW


@dataclass(frozen=True)
class Item:
    what: str
    why: str


@dataclass(frozen=True)
class ErasurePlan:
    can_act: bool
    anonymise: bool  # the whole entry (the register's period is over)
    removed: list[Item]
    kept: list[Item]
    register_kept_until: date | None
    refusal: str = ""


def erasure_plan(member: Member, today: date | None = None) -> ErasurePlan:
    """What carrying out an erasure request for this member would remove and keep, and why."""
    today = today or timezone.localdate()
    society = member.society
    kept = [Item(what, why) for what, why in KEPT_FOR_THE_LAW]
    if member.anonymised_at:
        return ErasurePlan(False, False, [], kept, None, "This entry is already anonymised.")
    if member.is_current:
        return ErasurePlan(
            False, False, [], kept, None,
            "They are a current member: the law needs their register entry while they are "
            "one. They can resign first; then what is not needed can be removed.")
    kept_until = member.ceased_on + relativedelta(years=society.register_retention_years)
    anonymise = member.ceased_on <= registry.cutoff(today, society.register_retention_years)
    removed = [Item("Email address, phone number, access needs and how they like to be "
                    "contacted", "Not needed for the register."),
               Item("Addresses that notices of meetings went to", "Not needed for the "
                    "register.")]
    if anonymise:
        removed += [Item("Name and postal address on the register (replaced by "
                         "“Former member”; the membership number stays)",
                         "The register's retention period is over."),
                    Item("Their name in the audit log", "Entries keep a pseudonymous id; the "
                         "name behind it is cleared, so the log still proves nothing was "
                         "altered."),
                    Item("Nomination statements and reasons for leaving the room",
                         "Free text that could name them.")]
    return ErasurePlan(True, anonymise, removed, kept, None if anonymise else kept_until)


def record_request(member: Member, *, by, received_on: date, how_received: str = ""
                   ) -> ErasureRequest:
    """Side effects: the request, and audit entry `membership.erasure.requested`."""
    if received_on > timezone.localdate():
        raise MembershipError("The date received cannot be in the future.", field="received_on")
    if member.erasure_requests.filter(decided_at__isnull=True).exists():
        raise MembershipError("There is already a request waiting for a decision.")
    with transaction.atomic():
        request = ErasureRequest.objects.create(
            society=member.society, member=member, received_on=received_on,
            how_received=how_received.strip(), recorded_by=by)
        audit.record("membership.erasure.requested", society=member.society, actor=by,
                     obj=request, data={"received_on": received_on})
    return request


def decide(request: ErasureRequest, *, by, outcome: str, note: str = "") -> ErasureRequest:
    """Carry out (remove what the plan says) or refuse, with a note the person is told.
    Side effects: the removals, and audit entry `membership.erasure.decided` (no names)."""
    if outcome not in ErasureOutcome.values:
        raise MembershipError("Choose what was decided.", field="outcome")
    if outcome == ErasureOutcome.REFUSED and not note.strip():
        raise MembershipError("Say why, so the person can be told.", field="note")
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if request.decided_at:
            raise MembershipError("This request has already been decided.")
        member = request.member
        plan = erasure_plan(member)
        if outcome == ErasureOutcome.CARRIED_OUT:
            if not plan.can_act:
                raise MembershipError(plan.refusal, field="outcome")
            if plan.anonymise:
                anonymise_member(member)
            else:
                remove_contact_details(member)
        request.outcome, request.outcome_note = outcome, note.strip()
        request.decided_at, request.decided_by = timezone.now(), by
        request.save(update_fields=["outcome", "outcome_note", "decided_at", "decided_by"])
        audit.record("membership.erasure.decided", society=request.society, actor=by,
                     obj=request, data={"outcome": outcome, "anonymised": plan.anonymise
                                        and outcome == ErasureOutcome.CARRIED_OUT})
    return request
