"""Reads shared by views and the API."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import AuditEntry, Officer, Society


def societies_for_user(user):
    """Societies where the person is a current member or a current officer."""
    from membership.models import Member

    today = timezone.localdate()
    # EXISTS rather than joins: an index lookup per society, not a scan of its members.
    member = Member.objects.filter(society=OuterRef("pk"), user=user, ceased_on__isnull=True)
    officer = Officer.objects.filter(society=OuterRef("pk"), user=user, started_on__lte=today
                                     ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return Society.objects.filter(Exists(member) | Exists(officer)).order_by("name")


def officers_register(society):
    return Officer.objects.filter(society=society).select_related("user").order_by(
        "-ended_on", "role", "started_on")


def audit_log(society):
    return AuditEntry.objects.filter(society=society).select_related("actor").order_by("-id")
