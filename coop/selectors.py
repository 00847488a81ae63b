"""Reads shared by views and the API."""

import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import audit_names, hooks
from .models import AuditEntry, Officer, Society


def societies_for_user(user):
    """Societies where the person is a current officer, or belongs in a way an app above
    answers for (membership: a current member)."""
    today = timezone.localdate()
    # EXISTS rather than joins: an index lookup per society, not a scan of its members.
    officer = Officer.objects.filter(society=OuterRef("pk"), user=user, started_on__lte=today
                                     ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    condition = Exists(officer)
    for belongs in hooks.answers(hooks.belonging, user=user):
        condition |= belongs
    return Society.objects.filter(condition).order_by("name")


def my_societies(user) -> list[Society]:
    """`societies_for_user` read once per request: the header of every page and the home
    page both need it, so it is kept on the user object, which lives as long as the request."""
    found = user.__dict__.get("coop_societies")
    if found is None:
        found = user.__dict__["coop_societies"] = list(societies_for_user(user))
    return found


def officers_register(society):
    return Officer.objects.filter(society=society).select_related("user").order_by(
        "-ended_on", "role", "started_on")


def audit_log(society):
    return AuditEntry.objects.filter(society=society).select_related("actor").order_by("-id")


@dataclass(frozen=True)
class ReadableEntry:
    """An audit entry as officers read it: pseudonyms replaced by names from the names table
    (or "an anonymised person" once the name has been cleared)."""

    created_at: datetime
    who: str
    action: str
    about: str
    details: list[tuple[str, str]]


def readable_entries(entries) -> list[ReadableEntry]:
    entries = list(entries)
    texts = [f"{e.actor_label} {e.object_repr} {json.dumps(e.data)}" for e in entries]
    names = audit_names.labels(texts)

    def show(value) -> str:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return audit_names.readable(text, names)

    return [ReadableEntry(e.created_at, show(e.actor_label), e.action, show(e.object_repr),
                          [(k, show(v)) for k, v in e.data.items()]) for e in entries]
