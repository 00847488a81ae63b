"""Writes for membership: classes, applications, admission, the register and cessation.
Each function validates, writes inside a transaction, records an audit entry and queues any
email after commit."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from coop import audit
from coop.models import Society
from coop.notify import email_after_commit

from .enums import DEFAULT_CLASSES, TRACKED_FIELDS, CessationReason
from .errors import MembershipError
from .ledger import settle_shares_on_cessation
from .models import Application, ClassChangeRequest, Member, MemberClass, RegisterChange

# --- member classes -------------------------------------------------------------------------

def create_default_classes(society: Society) -> list[MemberClass]:
    return [
        MemberClass.objects.create(society=society, position=i, votes=True, **spec)
        for i, spec in enumerate(DEFAULT_CLASSES)
    ]


def check_weights(rows: list[dict]) -> None:
    """Weights are whole-number parts: a voting class's share is its parts over the voting
    classes' total, counted exactly (1:1:1 is a third each). Some voting class must carry
    weight; non-voting classes carry none."""
    for row in rows:
        try:
            weight = Decimal(str(row["weight"]))
        except ArithmeticError:
            weight = Decimal("NaN")
        if not weight.is_finite() or weight != weight.to_integral_value() or weight < 0:
            raise MembershipError(f"Give “{row['name']}” a weight in whole-number parts, "
                                  "like 1 or 2.", field="weight")
        row["weight"] = int(weight)
        if not row["votes"] and weight != 0:
            raise MembershipError(
                f"“{row['name']}” does not vote, so its weight must be 0.", field="weight")
    if any(r["votes"] for r in rows) and not sum(r["weight"] for r in rows if r["votes"]):
        raise MembershipError("Give at least one voting class a weight of 1 part or more.",
                              field="weight")


def save_member_classes(society: Society, rows: list[dict], *, by) -> list[MemberClass]:
    """Rename, describe, weight and add classes in one go, so the weights are checked as a
    whole. Each row: id (None for a new class), name, description, eligibility, votes, weight,
    and optionally board_seats (the trustee seats the class elects)."""
    check_weights(rows)
    names = [r["name"].strip().lower() for r in rows]
    if len(names) != len(set(names)):
        raise MembershipError("Two classes cannot have the same name.", field="name")
    existing = {c.pk: c for c in society.member_classes.all()}
    saved, changes = [], {}
    with transaction.atomic():
        for position, row in enumerate(rows):
            fields = {k: row[k] for k in ("name", "description", "eligibility", "votes",
                                          "weight")}
            if row.get("board_seats") is not None:
                fields["board_seats"] = row["board_seats"]
            fields["position"] = position
            if row.get("id"):
                mc = existing.get(row["id"])
                if mc is None:
                    raise MembershipError("That class belongs to another society.")
                diff = {k: {"from": getattr(mc, k), "to": v} for k, v in fields.items()
                        if getattr(mc, k) != v and k != "position"}
                for k, v in fields.items():
                    setattr(mc, k, v)
                mc.save()
                if diff:
                    changes[mc.name] = diff
            else:
                mc = MemberClass.objects.create(society=society, **fields)
                changes[mc.name] = {"added": True}
            saved.append(mc)
        if changes:
            audit.record("membership.classes.changed", society=society, actor=by,
                         data=changes)
    return saved


# --- applications and admission --------------------------------------------------------------

EMAIL_NEEDED = "Enter an email address, or untick email in how we contact you."


def _check_contact(values: dict) -> None:
    """Notices must be able to reach the person: email contact needs an email address, and
    someone who chose neither email nor post gets letters."""
    if values.get("contact_by_email") and not values.get("email"):
        raise MembershipError(EMAIL_NEEDED, field="email")
    if not values.get("contact_by_email") and not values.get("contact_by_post"):
        values["contact_by_post"] = True


def current_membership(society: Society, user) -> Member | None:
    return Member.objects.current().filter(society=society, user=user).first()


def apply_for_membership(society: Society, user, *, member_class: MemberClass,
                         confirmed_eligible: bool, confirmed_not_in_other_class: bool,
                         **details) -> Application:
    """Submit an application. Side effects: officers' pending list; audit entry."""
    if member_class.society_id != society.pk:
        raise MembershipError("Choose one of this co-op's member classes.", field="member_class")
    if not confirmed_eligible:
        raise MembershipError("Confirm that you meet the eligibility for this class.",
                              field="confirmed_eligible")
    if not confirmed_not_in_other_class:
        raise MembershipError("Confirm that you are not a member of another class of this co-op.",
                              field="confirmed_not_in_other_class")
    _check_contact(details)
    if current_membership(society, user):
        raise MembershipError(f"You are already a member of {society.name}.")
    if Application.objects.filter(society=society, user=user, admitted_at__isnull=True,
                                  rejected_at__isnull=True, withdrawn_at__isnull=True).exists():
        raise MembershipError("You have already applied. The officers will reply soon.")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                society=society, user=user, member_class=member_class,
                confirmed_eligible=True, confirmed_not_in_other_class=True, **details)
            audit.record("membership.application.submitted", society=society, actor=user,
                         obj=application, data={"class": member_class.name})
    except IntegrityError as exc:  # a second submission racing the first
        raise MembershipError("You have already applied. The officers will reply soon.") from exc
    return application


def _check_pending(application: Application) -> None:
    if application.state != "pending":
        raise MembershipError(
            f"This application has already been decided ({application.get_state_display()}).")


def next_membership_number(society: Society) -> int:
    """Take the next number. The counter only goes up, so a number is never reused."""
    Society.objects.filter(pk=society.pk).update(last_membership_number=F("last_membership_number")
                                                 + 1)
    return Society.objects.values_list("last_membership_number", flat=True).get(pk=society.pk)


def approve_application(application: Application, *, by) -> Application:
    """Approve an application. The applicant is admitted (member number and date) only when
    their share is paid: see `membership.shares.record_offline_payment` and the Stripe webhook.
    Side effects: audit entry; email asking the applicant to pay."""
    society = application.society
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _check_pending(application)
        if current_membership(society, application.user):
            raise MembershipError("This person is already a member of the co-op.")
        application.approved_at = timezone.now()
        application.decided_by = by
        application.save(update_fields=["approved_at", "decided_by"])
        audit.record("membership.application.approved", society=society, actor=by,
                     obj=application, data={"class": application.member_class.name})
        email_after_commit(application.user.email, f"{society.name}: please pay for your share",
                           "membership/email/approved.txt",
                           {"application": application, "society": society})
    return application


def admit(application: Application, *, by=None, admitted_on: date | None = None) -> Member:
    """Put an approved applicant on the register with the society's next membership number.
    Called when their share payment is confirmed, inside that transaction; the caller sends the
    welcome email once the share is on the ledger (`membership.shares.confirm_joining_payment`),
    so that it can say what was paid.
    Side effects: a register entry; audit entry."""
    society = application.society
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state != "approved":
        raise MembershipError(f"This application cannot be admitted "
                              f"({application.get_state_display().lower()}).")
    if current_membership(society, application.user):
        raise MembershipError("This person is already a member of the co-op.")
    application.admitted_at = timezone.now()
    application.save(update_fields=["admitted_at"])
    member = Member.objects.create(
        society=society, user=application.user, member_class=application.member_class,
        application=application, membership_number=next_membership_number(society),
        admitted_on=admitted_on or timezone.localdate(),
        **{f: getattr(application, f) for f in TRACKED_FIELDS},
    )
    audit.record("membership.member.admitted", society=society, actor=by, obj=member,
                 data={"class": member.member_class.name, "admitted_on": member.admitted_on,
                       "membership_number": member.membership_number})
    return member


def reject_application(application: Application, *, by, reason: str) -> Application:
    """Turn an application down with a reason the applicant is told."""
    if not reason.strip():
        raise MembershipError("Give a reason. The applicant will be told it.", field="reason")
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        _check_pending(application)
        application.rejected_at = timezone.now()
        application.decided_by = by
        application.rejection_reason = reason.strip()
        application.save(update_fields=["rejected_at", "decided_by", "rejection_reason"])
        audit.record("membership.application.rejected", society=application.society, actor=by,
                     obj=application, data={"reason": application.rejection_reason})
        email_after_commit(application.user.email,
                           f"Your application to {application.society.name}",
                           "membership/email/rejected.txt",
                           {"application": application, "society": application.society})
    return application


# --- the register -----------------------------------------------------------------------------

def _display(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def update_member_details(member: Member, *, by, **changes) -> list[RegisterChange]:
    """Change register fields and preferences, keeping each old value in the history.
    Side effects: RegisterChange rows; audit entry naming the fields."""
    unknown = set(changes) - set(TRACKED_FIELDS)
    if unknown:
        raise MembershipError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}")
    if not member.is_current:
        raise MembershipError("A former member's details cannot be changed.")
    merged = {f: changes.get(f, getattr(member, f)) for f in TRACKED_FIELDS}
    _check_contact(merged)
    changes = {f: merged[f] for f in {*changes, "contact_by_post"}}
    history = []
    with transaction.atomic():
        for field, value in changes.items():
            old = getattr(member, field)
            if old == value:
                continue
            history.append(RegisterChange(member=member, field=field, old_value=_display(old),
                                          new_value=_display(value), changed_by=by))
            setattr(member, field, value)
        if not history:
            return []
        member.save(update_fields=[h.field for h in history])
        RegisterChange.objects.bulk_create(history)
        audit.record("membership.member.details_changed", society=member.society, actor=by,
                     obj=member, data={"fields": [h.field for h in history]})
    return history


def request_class_change(member: Member, *, to_class: MemberClass, reason: str
                         ) -> ClassChangeRequest:
    if not member.is_current:
        raise MembershipError("Your membership has ended, so your class cannot be changed.")
    if to_class.society_id != member.society_id:
        raise MembershipError("Choose one of this co-op's classes.", field="to_class")
    if to_class.pk == member.member_class_id:
        raise MembershipError("You are already in that class.", field="to_class")
    if not reason.strip():
        raise MembershipError("Say why you want to change class.", field="reason")
    if member.class_requests.filter(decided_at__isnull=True).exists():
        raise MembershipError("You already have a request waiting for a decision.")
    with transaction.atomic():
        req = ClassChangeRequest.objects.create(member=member, from_class=member.member_class,
                                                to_class=to_class, reason=reason.strip())
        audit.record("membership.class_change.requested", society=member.society,
                     actor=member.user, obj=member,
                     data={"from": member.member_class.name, "to": to_class.name})
    return req


def decide_class_change(request: ClassChangeRequest, *, by, approve: bool, note: str = ""
                        ) -> ClassChangeRequest:
    """Trustees approve or refuse. On approval the member moves class (one class at a time)
    and the change is kept in the register history."""
    if not approve and not note.strip():
        raise MembershipError("Give a reason. The member will be told it.", field="note")
    with transaction.atomic():
        request = ClassChangeRequest.objects.select_for_update().get(pk=request.pk)
        if request.decided_at:
            raise MembershipError("This request has already been decided.")
        member = request.member
        if approve and not member.is_current:
            raise MembershipError("This membership has ended, so the class cannot be changed. "
                                  "Do not approve the request.")
        request.decided_at, request.decided_by = timezone.now(), by
        request.approved, request.decision_note = approve, note.strip()
        request.save()
        if approve:
            RegisterChange.objects.create(member=member, field="member_class",
                                          old_value=member.member_class.name,
                                          new_value=request.to_class.name, changed_by=by)
            member.member_class = request.to_class
            member.save(update_fields=["member_class"])
        audit.record("membership.class_change." + ("approved" if approve else "rejected"),
                     society=member.society, actor=by, obj=member,
                     data={"from": request.from_class.name, "to": request.to_class.name,
                           "note": request.decision_note})
        email_after_commit(member.user.email, "Your request to change class",
                           "membership/email/class_change.txt",
                           {"request": request, "society": member.society})
    return request


def cease_membership(member: Member, *, by, reason: str, note: str = "",
                     on: date | None = None) -> Member:
    """End a membership. The entry stays on the register with its cessation date.
    Members resign themselves; only the secretary records a death or an expulsion."""
    if reason not in CessationReason.values:
        raise MembershipError("Choose a reason from the list.", field="reason")
    if reason != CessationReason.RESIGNED and not note.strip():
        raise MembershipError("Write down the details (for example the date of the board's "
                              "decision).", field="note")
    on = on or timezone.localdate()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.ceased_on:
            raise MembershipError("This membership has already ended.")
        if on < member.admitted_on:
            raise MembershipError("Membership cannot end before the date it began.", field="on")
        member.ceased_on, member.cessation_reason = on, reason
        member.cessation_note = note.strip()
        member.save(update_fields=["ceased_on", "cessation_reason", "cessation_note"])
        # A request to change class means nothing once the membership has ended.
        member.class_requests.filter(decided_at__isnull=True).update(
            decided_at=timezone.now(), decided_by=by, approved=False,
            decision_note="Closed because the membership ended.")
        audit.record(f"membership.member.{reason}", society=member.society, actor=by,
                     obj=member, data={"ceased_on": on, "note": member.cessation_note})
        settle_shares_on_cessation(member, by=by, on=on)
    return member


def log_inspection_request(society: Society, *, by) -> None:
    """Every request for the inspection copy of the register is logged (s.103)."""
    audit.record("membership.register.inspection_copy_requested", society=society, actor=by)


def log_register_export(society: Society, *, by, fmt: str, rows: int) -> None:
    audit.record("membership.register.exported", society=society, actor=by,
                 data={"format": fmt, "rows": rows})


def log_report_download(society: Society, *, by, report: str, rows: int) -> None:
    """A treasurer's report left the system as a file: audited like register exports."""
    audit.record("membership.report.downloaded", society=society, actor=by,
                 data={"report": report, "format": "csv", "rows": rows})
