"""Reads shared by views and the API."""

from django.db.models import Q
from django.utils import timezone

from .models import AuditEntry, Officer, Society


def societies_for_user(user):
    """Societies where the person is a current member or a current officer."""
    today = timezone.localdate()
    return (
        Society.objects.filter(
            Q(members__user=user, members__ceased_on__isnull=True)
            | Q(officers__user=user, officers__started_on__lte=today)
            & (Q(officers__ended_on__isnull=True) | Q(officers__ended_on__gte=today))
        )
        .distinct()
        .order_by("name")
    )


def officers_register(society):
    return Officer.objects.filter(society=society).select_related("user").order_by(
        "-ended_on", "role", "started_on")


def audit_log(society):
    return AuditEntry.objects.filter(society=society).select_related("actor").order_by("-id")
