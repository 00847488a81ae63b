"""Reads shared by views, exports and the API."""

from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Replace, Upper

from coop.audit import audit_entries_for_object
from coop.models import Society

from .enums import ApplicationState
from .models import Application, ClassChangeRequest, Member, Payment, ShareTransaction
from .privacy import registry


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
            .select_related("member_class", "user", "society").order_by("submitted_at"))


def payments_awaited(society: Society):
    """Approved applicants who have not paid for their share yet."""
    return (Application.objects.filter(society=society, approved_at__isnull=False,
                                       admitted_at__isnull=True, rejected_at__isnull=True,
                                       withdrawn_at__isnull=True)
            .select_related("member_class", "user").order_by("approved_at"))


def awaiting_payment(society: Society):
    """Approved applicants who have not paid for their share yet, longest waiting first."""
    return payments_awaited(society).select_related("society").order_by("approved_at", "id")


def open_applications(society: Society, state: str = ApplicationState.PENDING):
    """Applications still open: waiting for a decision (`pending`), approved and waiting for
    the share to be paid (`approved`), or both (`open`)."""
    if state == ApplicationState.PENDING:
        return pending_applications(society)
    if state == ApplicationState.APPROVED:
        return awaiting_payment(society)
    return (Application.objects.filter(society=society, admitted_at__isnull=True,
                                       rejected_at__isnull=True, withdrawn_at__isnull=True)
            .select_related("member_class", "user", "society").order_by("submitted_at", "id"))


# --- shares and payments ----------------------------------------------------------------------

# A payment's state is derived from its timestamps (Payment.state); the same rules as filters.
PAYMENT_STATES = {
    "pending": Q(confirmed_at__isnull=True, failed_at__isnull=True, held_at__isnull=True,
                 refunded_at__isnull=True),
    "held": Q(held_at__isnull=False, confirmed_at__isnull=True, refunded_at__isnull=True),
    "confirmed": Q(confirmed_at__isnull=False, refunded_at__isnull=True),
    "failed": Q(failed_at__isnull=False, confirmed_at__isnull=True, held_at__isnull=True,
                refunded_at__isnull=True),
    "refunded": Q(refunded_at__isnull=False),
}


def payments(society: Society, *, method: str = "", state: str = ""):
    """A society's payments, newest first, with who paid (applicant or member)."""
    rows = (Payment.objects.filter(society=society)
            .select_related("application", "member", "recorded_by")
            .order_by("-created_at", "id"))
    if method:
        rows = rows.filter(method=method)
    if state:
        rows = rows.filter(PAYMENT_STATES[state])
    return rows


def member_payments(member: Member):
    """The member's payments, including any made while they were an applicant."""
    paid_by = Q(member=member)
    if member.application_id:
        paid_by |= Q(application_id=member.application_id)
    return Payment.objects.filter(paid_by).order_by("-created_at", "id")


def share_account(member: Member) -> dict:
    """A member's shares: the register's totals and the ledger, payments and withdrawals
    behind them."""
    return {
        "membership_number": member.membership_number,
        "shares_held": member.shares_held,
        "amount_paid": member.amount_paid,
        "share_value": member.society.share_value,
        "ledger": member.share_transactions.order_by("on", "id"),
        "payments": member_payments(member),
        "withdrawals": member.withdrawals.order_by("due_on", "id"),
    }


def pending_class_changes(society: Society):
    return (ClassChangeRequest.objects.filter(member__society=society, decided_at__isnull=True)
            .select_related("member", "from_class", "to_class").order_by("requested_at"))


CARE_FIELDS = {"access_needs"}


def member_history(member: Member, *, with_care_data: bool = True):
    """Changes to a register entry, newest first. Officers who may not see care data (the
    treasurer) get the history without changes to access needs."""
    changes = member.changes.select_related("changed_by")
    return changes if with_care_data else changes.exclude(field__in=CARE_FIELDS)


# What a person is told about their own payments (who recorded it is the officer's data).
PAYMENT_FIELDS = ["id", "method", "amount", "currency", "reference", "note", "received_on",
                  "created_at", "confirmed_at", "failed_at", "held_at", "held_reason",
                  "refunded_at", "refund_reference", "stripe_session_id",
                  "stripe_payment_intent"]


def personal_data(user, society: Society | None = None) -> dict:
    """Everything the platform holds about one person (subject access request): the person's
    own download, or with `society` the copy an officer gives for a request to that society.
    Apps above membership add their sections through `privacy.registry`."""
    def row(obj, fields):
        return {f: getattr(obj, f) for f in fields}

    contact = ["full_name", "address", "postcode", "email", "phone", "contact_by_email",
               "contact_by_post", "large_print", "easy_read", "access_needs"]
    ledger_fields = ["kind", "shares", "amount", "on", "reason", "payment_id", "created_at"]
    withdrawal_fields = ["shares", "amount", "requested_on", "due_on", "repaid_at",
                         "repayment_method", "repayment_reference"]

    def payment(p):
        return {**row(p, PAYMENT_FIELDS), "state": p.state}

    memberships = []
    in_society = {} if society is None else {"society": society}
    for m in (Member.objects.filter(user=user, **in_society)
              .select_related("society", "member_class")
              .prefetch_related("changes", "class_requests__to_class", "payments", "withdrawals",
                                Prefetch("share_transactions",
                                         ShareTransaction.objects.order_by("on", "id")))):
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
            "share_ledger": [row(t, ledger_fields) for t in m.share_transactions.all()],
            "payments": [payment(p) for p in m.payments.all()],
            "withdrawals": [row(w, withdrawal_fields) for w in m.withdrawals.all()],
            "audit_log": [
                {"action": e.action, "at": e.created_at, "data": e.data}
                for e in audit_entries_for_object(m)],
        })
    applications = [
        {"society": a.society.name, "class": a.member_class.name, "state": a.state,
         "submitted_at": a.submitted_at, "rejection_reason": a.rejection_reason,
         **row(a, contact),
         # Payments that admitted the person are listed under the membership.
         "payments": [payment(p) for p in a.payments.all() if p.member_id is None]}
        for a in Application.objects.filter(user=user, **in_society)
        .select_related("society", "member_class").prefetch_related("payments")
    ]
    data = {
        "account": {"email": user.email, "display_name": user.display_name,
                    "date_joined": user.date_joined, "last_login": user.last_login},
        "email_addresses": list(user.emailaddress_set.values("email", "verified", "primary")),
        "memberships": memberships,
        "applications": applications,
        "offices": [
            {"society": o.society.name, "role": o.role, "started_on": o.started_on,
             "ended_on": o.ended_on}
            for o in user.offices.filter(**in_society).select_related("society")],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": t.created_at,
             "revoked_at": t.revoked_at} for t in user.api_tokens.all()],
    }
    for part in registry.copy_parts():
        data[part.name] = part.rows(user, society)
    return data


def home_summary(user) -> list[dict]:
    """For the home page: each society the person belongs to, applied to or serves."""
    from coop.permissions import current_roles
    from coop.selectors import my_societies

    memberships = {m.society_id: m for m in Member.objects.filter(user=user)
                   .select_related("member_class", "society").order_by("ceased_on")}
    # Open applications: waiting for a decision, or approved and waiting for the share money.
    pending = {a.society_id: a for a in Application.objects.filter(
        user=user, admitted_at__isnull=True, rejected_at__isnull=True,
        withdrawn_at__isnull=True).select_related("society", "member_class")}
    societies = {s.pk: s for s in my_societies(user)}
    for holder in (*memberships.values(), *pending.values()):
        societies.setdefault(holder.society_id, holder.society)
    return [
        {"society": s, "member": memberships.get(s.pk), "application": pending.get(s.pk),
         "roles": sorted(current_roles(user, s))}
        for s in sorted(societies.values(), key=lambda s: s.name)
    ]
