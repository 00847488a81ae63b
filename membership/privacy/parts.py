"""Membership's own parts of the personal-data machinery: who its models name in the audit log,
its sections of the subject access copy, and the declarations retention step. Registered from
`MembershipConfig.ready`; voting and meetings register theirs the same way."""

from django.db import models

from coop import audit_names
from coop.models import AuditEntry

from ..models import (
    Application,
    Consent,
    Declaration,
    DeclarationReminder,
    ErasureRequest,
    Member,
    OfficerReturn,
)
from . import registry


def member_person(member) -> audit_names.Person:
    user = member.user
    names = (member.full_name, member.email, str(user), user.display_name, user.email)
    return audit_names.Person(user.pk, tuple(dict.fromkeys(n for n in names if n)),
                              label_wins=True)


def register_audit_people() -> None:
    people = audit_names.register_people
    people("membership.Member", lambda m: [member_person(m)])
    people("membership.Application", lambda a: [audit_names.Person(
        a.user_id, tuple(n for n in (a.full_name, a.email, a.user.email) if n), True)])
    for label in ("membership.ClassChangeRequest", "membership.Withdrawal",
                  "membership.ErasureRequest", "membership.Consent"):
        people(label, lambda o: [member_person(o.member)])
    people("membership.Declaration", lambda d: [audit_names.Person(
        d.person_id, (d.person_name, str(d.person)))])
    for label in ("membership.OfficerReturn", "membership.DeclarationReminder"):
        people(label, lambda o: [audit_names.person_of_user(o.person)])


# --- the subject access copy ----------------------------------------------------------------

def _in(qs, society, field="society"):
    return qs if society is None else qs.filter(**{field: society})


def declarations(user, society) -> list[dict]:
    return [{"society": d.society.name, "type": d.interest_type, "other_party": d.other_party,
             "description": d.description, "topics": [t.name for t in d.topics.all()],
             "began_on": d.began_on, "ended_on": d.ended_on, "declared_at": d.declared_at,
             "change_note": d.change_note, "version_of": d.previous_id, "id": d.pk}
            for d in _in(Declaration.objects.filter(person=user), society)
            .select_related("society").prefetch_related("topics")]


def officer_returns(user, society) -> list[dict]:
    rows = _in(OfficerReturn.objects.filter(person=user), society).prefetch_related(
        "declarations")
    reminders = _in(DeclarationReminder.objects.filter(person=user), society)
    return ([{"made_at": r.made_at, "nil": r.nil,
              "declarations": [d.pk for d in r.declarations.all()]} for r in rows]
            + [{"reminder": r.kind, "due_on": r.due_on, "sent_at": r.sent_at}
               for r in reminders])


def consents(user, society) -> list[dict]:
    return [{"society": c.member.society.name, "purpose": c.purpose, "given": c.given,
             "how": c.method, "at": c.at}
            for c in _in(Consent.objects.filter(member__user=user), society, "member__society")
            .select_related("member__society")]


def erasure_requests(user, society) -> list[dict]:
    return [{"received_on": r.received_on, "how_received": r.how_received,
             "outcome": r.outcome, "outcome_note": r.outcome_note, "decided_at": r.decided_at}
            for r in _in(ErasureRequest.objects.filter(member__user=user), society)]


def audit_entries(user, society) -> list[dict]:
    """Entries about the person (naming their pseudonym, or about their own register entry or
    application) in full; entries of what they did as an officer with the action only, since
    those are about other people."""
    tokens = [audit_names.token(pid) for pid in audit_names.pids_of(user)]
    about = models.Q(pk__in=[])
    for tok in tokens:
        about |= models.Q(object_repr__contains=tok)
    for model in (Member, Application):
        ids = [str(pk) for pk in model.objects.filter(user=user).values_list("pk", flat=True)]
        about |= models.Q(object_type=model._meta.label, object_id__in=ids)
    entries = _in(AuditEntry.objects.filter(about | models.Q(actor=user)), society)
    rows = []
    for e in entries.select_related("society").order_by("id"):
        row = {"society": e.society.name if e.society else "", "action": e.action,
               "at": e.created_at}
        if e.actor_id != user.pk or any(tok in e.object_repr for tok in tokens):
            row |= {"object_type": e.object_type, "data": e.data}
        rows.append(row)
    return rows


def register_copy_parts() -> None:
    add = registry.add_copy_part
    add(registry.CopyPart("declarations", (
        "membership.Declaration.person", "membership.Declaration.declared_by"), declarations))
    add(registry.CopyPart("officers_returns", (
        "membership.OfficerReturn.person", "membership.DeclarationReminder.person"),
        officer_returns))
    add(registry.CopyPart("consents", ("membership.Consent.member",
                                       "membership.Consent.recorded_by"), consents))
    add(registry.CopyPart("erasure_requests", (
        "membership.ErasureRequest.member", "membership.ErasureRequest.recorded_by",
        "membership.ErasureRequest.decided_by"), erasure_requests))
    add(registry.CopyPart("audit_log", ("coop.AuditEntry.actor", "coop.AuditName.user"),
                          audit_entries))
    add(registry.acted_as("membership", (
        "membership.Application.decided_by", "membership.RegisterChange.changed_by",
        "membership.ClassChangeRequest.decided_by", "membership.ShareTransaction.recorded_by",
        "membership.Payment.recorded_by", "membership.Withdrawal.repaid_by",
        "membership.PrivacyNotice.created_by")))


# --- retention ------------------------------------------------------------------------------

def declarations_due(society, cutoff):
    """Every version of a declaration whose latest version ended on or before the cutoff."""
    ended = Declaration.objects.latest_versions().filter(
        society=society, ended_on__isnull=False, ended_on__lte=cutoff)
    chain_ids = []
    for latest in ended:
        version = latest
        while version is not None:
            chain_ids.append(version.pk)
            version = version.previous
    return Declaration.objects.filter(pk__in=chain_ids).order_by("-declared_at", "-id")


def remove_declarations(rows) -> int:
    removed = 0
    # Newest first: an older version is protected while a newer one points at it. The plain
    # QuerySet passes the guard that stops declarations being deleted by hand.
    for pk in list(rows.values_list("pk", flat=True)):
        removed += models.QuerySet(Declaration).filter(pk=pk).delete()[1].get(
            "membership.Declaration", 0)
    return removed


def register_retention_steps() -> None:
    registry.add_retention_step(registry.RetentionStep(
        "declarations_deleted", "declaration_retention_years",
        "Declarations of interest that ended long enough ago", declarations_due,
        remove_declarations,
        lambda d: f"declaration {d.pk} by {d.person_name} (ended {d.ended_on})"))


def register() -> None:
    register_audit_people()
    register_copy_parts()
    register_retention_steps()


# Models whose links are copied by `selectors.personal_data` itself, not by a part.
BASE_LINKS = (
    "coop.Officer.user", "coop.ApiToken.user",
    "membership.Application.user", "membership.Member.user", "membership.RegisterChange.member",
    "membership.ClassChangeRequest.member", "membership.ShareTransaction.member",
    "membership.Payment.member", "membership.Withdrawal.member",
)