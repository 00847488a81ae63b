"""Requisitions: members asking for a general meeting; once enough support it, the
secretary is told and must call it."""

from django.db import transaction
from django.utils import timezone

from coop import audit
from membership.models import Member

from .. import rules
from ..models import (
    Requisition,
    RequisitionSupport,
)
from .base import (
    MeetingError,
    require_member_of,
)

# --- requisitions ------------------------------------------------------------------------------

def start_requisition(society, member: Member, *, purpose: str) -> Requisition:
    """A member asks for a general meeting, with its purpose; they are its first supporter."""
    purpose = (purpose or "").strip()
    if len(purpose) < 10:
        raise MeetingError("Say what the meeting is for, in a sentence or more.",
                           field="purpose")
    require_member_of(society, member, "member", "You")
    members = Member.objects.filter(society=society, ceased_on__isnull=True).count()
    with transaction.atomic():
        requisition = Requisition.objects.create(
            society=society, purpose=purpose, started_by=member,
            supporters_needed=rules.requisition_threshold(
                members, society.requisition_percent, society.requisition_maximum))
        audit.record("meetings.requisition.started", society=society, obj=requisition,
                     actor=member.user, data={"needed": requisition.supporters_needed})
        _support(requisition, member)
    return requisition


def support_requisition(requisition: Requisition, member: Member) -> Requisition:
    require_member_of(requisition.society, member, "member", "You")
    with transaction.atomic():
        requisition = Requisition.objects.select_for_update().get(pk=requisition.pk)
        if RequisitionSupport.objects.filter(requisition=requisition, member=member).exists():
            raise MeetingError("You already support this requisition.")
        _support(requisition, member)
    return requisition


def _support(requisition: Requisition, member: Member) -> None:
    RequisitionSupport.objects.create(requisition=requisition, member=member)
    if requisition.reached_at is None and \
            requisition.supporters.count() >= requisition.supporters_needed:
        requisition.reached_at = timezone.now()
        requisition.save(update_fields=["reached_at"])
        audit.record("meetings.requisition.reached", society=requisition.society,
                     obj=requisition, data={"supporters": requisition.supporters.count()})
        _tell_secretary(requisition)


def _tell_secretary(requisition: Requisition) -> None:
    from coop.enums import OfficerRole
    from coop.notify import email_after_commit

    society = requisition.society
    today = timezone.localdate()
    emails = list(society.officers.filter(role=OfficerRole.SECRETARY, started_on__lte=today)
                  .exclude(ended_on__lt=today).values_list("user__email", flat=True))
    email_after_commit(emails, f"{society.name}: members have requisitioned a general meeting",
                       "meetings/email/requisition_reached.txt",
                       {"society": society, "requisition": requisition})
