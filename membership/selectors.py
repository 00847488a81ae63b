"""Reads shared by views, exports and the API."""

from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper

from coop.audit import audit_entries_for_object
from coop.models import Society

from .models import Application, ClassChangeRequest, Member


def member_for(society: Society, user) -> Member | None:
    """The person's register entry in this society: the current one, else the latest former."""
    if not user.is_authenticated:
        return None
    return (Member.objects.filter(society=society, user=user).select_related("member_class")
            .order_by("ceased_on", "-admitted_on").first())


def register(society: Society, *, q: str = "", member_class=None, status: str = "current"):
    members = Member.objects.filter(society=society).select_related("member_class")
    if status == "current":
        members = members.current()
    elif status == "former":
        members = members.former()
    if member_class is not None:
        members = members.filter(member_class=member_class)
    q = q.strip()
    if q:
        # Postcodes match with or without their space ("S12AB" finds "S1 2AB").
        members = members.annotate(
            postcode_compact=Replace(Upper("postcode"), Value(" "), Value("")))
        match = (Q(full_name__icontains=q) | Q(email__icontains=q)
                 | Q(postcode_compact__contains=q.replace(" ", "").upper()))
        if q.isdigit():
            match |= Q(membership_number=int(q))
        members = members.filter(match)
    return members.order_by("membership_number")


def pending_applications(society: Society):
    return (Application.objects.filter(society=society, approved_at__isnull=True,
                                       rejected_at__isnull=True, withdrawn_at__isnull=True)
            .select_related("member_class", "user").order_by("submitted_at"))


def pending_class_changes(society: Society):
    return (ClassChangeRequest.objects.filter(member__society=society, decided_at__isnull=True)
            .select_related("member", "from_class", "to_class").order_by("requested_at"))


CARE_FIELDS = {"access_needs"}


def member_history(member: Member, *, with_care_data: bool = True):
    """Changes to a register entry, newest first. Officers who may not see care data (the
    treasurer) get the history without changes to access needs."""
    changes = member.changes.select_related("changed_by")
    return changes if with_care_data else changes.exclude(field__in=CARE_FIELDS)


def personal_data(user) -> dict:
    """Everything the platform holds about one person (subject access request)."""
    def row(obj, fields):
        return {f: getattr(obj, f) for f in fields}

    contact = ["full_name", "address", "postcode", "email", "phone", "contact_by_email",
               "contact_by_post", "large_print", "easy_read", "access_needs"]
    memberships = []
    for m in (Member.objects.filter(user=user).select_related("society", "member_class")
              .prefetch_related("changes", "class_requests__to_class")):
        memberships.append({
            "society": m.society.name, "membership_number": m.membership_number,
            "class": m.member_class.name, "admitted_on": m.admitted_on,
            "ceased_on": m.ceased_on, "cessation_reason": m.cessation_reason,
            "shares_held": m.shares_held, "amount_paid": m.amount_paid,
            **row(m, contact),
            "history": [row(c, ["field", "old_value", "new_value", "changed_at"])
                        for c in m.changes.all()],
            "class_change_requests": [
                {"to": r.to_class.name, "reason": r.reason, "requested_at": r.requested_at,
                 "state": r.state} for r in m.class_requests.all()],
            "audit_log": [
                {"action": e.action, "at": e.created_at, "data": e.data}
                for e in audit_entries_for_object(m)],
        })
    applications = [
        {"society": a.society.name, "class": a.member_class.name, "state": a.state,
         "submitted_at": a.submitted_at, "rejection_reason": a.rejection_reason,
         **row(a, contact)}
        for a in Application.objects.filter(user=user).select_related("society", "member_class")
    ]
    return {
        "account": {"email": user.email, "display_name": user.display_name,
                    "date_joined": user.date_joined, "last_login": user.last_login},
        "email_addresses": list(user.emailaddress_set.values("email", "verified", "primary")),
        "memberships": memberships,
        "applications": applications,
        "offices": [
            {"society": o.society.name, "role": o.role, "started_on": o.started_on,
             "ended_on": o.ended_on} for o in user.offices.select_related("society")],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": t.created_at,
             "revoked_at": t.revoked_at} for t in user.api_tokens.all()],
    }


def home_summary(user) -> list[dict]:
    """For the home page: each society the person belongs to, applied to or serves."""
    from coop.permissions import current_roles
    from coop.selectors import societies_for_user

    memberships = {m.society_id: m for m in Member.objects.filter(user=user)
                   .select_related("member_class", "society").order_by("ceased_on")}
    pending = {a.society_id: a for a in Application.objects.filter(
        user=user, approved_at__isnull=True, rejected_at__isnull=True,
        withdrawn_at__isnull=True).select_related("society", "member_class")}
    societies = {s.pk: s for s in societies_for_user(user)}
    for holder in (*memberships.values(), *pending.values()):
        societies.setdefault(holder.society_id, holder.society)
    return [
        {"society": s, "member": memberships.get(s.pk), "application": pending.get(s.pk),
         "roles": sorted(current_roles(user, s))}
        for s in sorted(societies.values(), key=lambda s: s.name)
    ]
