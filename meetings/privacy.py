"""Meetings' part of the personal-data machinery (membership/privacy/registry.py): the record
of a person at meetings in their subject access copy, the periods after which proxies,
attendance and nominations are deleted, and what anonymising a member clears here."""

from django.db import models, transaction

from coop import audit_names
from membership.privacy import registry
from membership.privacy.parts import member_person

from .models import (
    Apology,
    Attendance,
    Nomination,
    NoticeDelivery,
    Proxy,
    ProxyInstruction,
    Requisition,
    RequisitionSupport,
    Withdrawal,
)


def _mine(model, field, user, society):
    rows = model.objects.filter(**{f"{field}__user": user})
    return rows if society is None else rows.filter(**{f"{field}__society": society})


def _meeting(m) -> dict:
    return {"society": m.society.name, "meeting": m.title, "starts_at": m.starts_at}


def attendance(user, society) -> list[dict]:
    return ([{**_meeting(a.meeting), "present": True, "online": a.online,
              "votes_by_hand": a.votes_by_hand, "arrived_at": a.arrived_at}
             for a in _mine(Attendance, "member", user, society).select_related(
                 "meeting__society")]
            + [{**_meeting(a.meeting), "apologies": True, "recorded_at": a.recorded_at}
               for a in _mine(Apology, "member", user, society).select_related(
                   "meeting__society")]
            + [{**_meeting(w.item.meeting), "withdrew_from": w.item.title, "reason": w.reason}
               for w in _mine(Withdrawal, "member", user, society).select_related(
                   "item__meeting__society")])


def proxies(user, society) -> list[dict]:
    def row(p, role):
        return {**_meeting(p.meeting), "role": role, "appointed_at": p.appointed_at,
                "revoked_at": p.revoked_at,
                "directions": {i.item.title: i.direction for i in p.instructions.all()}}

    related = ("meeting__society",)
    given = _mine(Proxy, "appointer", user, society).select_related(*related)
    held = _mine(Proxy, "holder", user, society).select_related(*related)
    return ([row(p, "you appointed a proxy") for p in given.prefetch_related(
                "instructions__item")]
            + [row(p, "you held a proxy") for p in held.prefetch_related("instructions__item")])


def nominations(user, society) -> list[dict]:
    rows = []
    for role in ("candidate", "proposer", "seconder"):
        for n in _mine(Nomination, role, user, society).select_related(
                "contest__meeting__society", "contest__member_class"):
            rows.append({**_meeting(n.contest.meeting), "role": role,
                         "class": n.contest.member_class.name,
                         "statement": n.statement if role == "candidate" else "",
                         "nominated_at": n.nominated_at, "accepted_at": n.accepted_at,
                         "withdrawn_at": n.withdrawn_at, "elected": n.elected})
    return rows


def requisitions(user, society) -> list[dict]:
    started = _mine(Requisition, "started_by", user, society)
    supported = _mine(RequisitionSupport, "member", user, society).select_related("requisition")
    return ([{"purpose": r.purpose, "started_at": r.started_at, "you": "started it"}
             for r in started]
            + [{"purpose": s.requisition.purpose, "supported_at": s.supported_at,
                "you": "supported it"} for s in supported])


def notices(user, society) -> list[dict]:
    return [{**_meeting(d.meeting), "method": d.method, "address": d.address,
             "sent_at": d.sent_at}
            for d in _mine(NoticeDelivery, "member", user, society).select_related(
                "meeting__society")]


# --- retention ------------------------------------------------------------------------------

def _before(model, path, society, cutoff):
    return model.objects.filter(**{f"{path}society": society,
                                   f"{path}starts_at__date__lte": cutoff})


def _delete(*querysets) -> int:
    """Delete past the guard that keeps meeting records from being deleted by hand."""
    removed = 0
    with transaction.atomic():
        for qs in querysets:
            removed += models.QuerySet(qs.model).filter(pk__in=list(
                qs.values_list("pk", flat=True))).delete()[0]
    return removed


def remove_proxies(rows) -> int:
    _delete(ProxyInstruction.objects.filter(proxy__in=list(rows.values_list("pk", flat=True))))
    return _delete(rows)



def clear(member, *, contact_only: bool) -> None:
    NoticeDelivery.objects.filter(member=member).update(address="")
    if not contact_only:
        Nomination.objects.filter(candidate=member).update(statement="")
        Withdrawal.objects.filter(member=member).update(reason="")


def register() -> None:
    add = registry.add_copy_part
    add(registry.CopyPart("meetings_attended", (
        "meetings.Attendance.member", "meetings.Apology.member", "meetings.Withdrawal.member"),
        attendance))
    add(registry.CopyPart("proxies", ("meetings.Proxy.appointer", "meetings.Proxy.holder"),
                          proxies))
    add(registry.CopyPart("nominations", (
        "meetings.Nomination.candidate", "meetings.Nomination.proposer",
        "meetings.Nomination.seconder"), nominations))
    add(registry.CopyPart("requisitions", (
        "meetings.Requisition.started_by", "meetings.RequisitionSupport.member"), requisitions))
    add(registry.CopyPart("notices_of_meetings", ("meetings.NoticeDelivery.member",), notices))
    add(registry.acted_as("meetings", (
        "meetings.Meeting.created_by", "meetings.Meeting.notice_sent_by",
        "meetings.Attendance.marked_by", "meetings.Apology.recorded_by",
        "meetings.Withdrawal.recorded_by", "meetings.Minutes.edited_by",
        "meetings.Minutes.approved_by")))
    step = registry.add_retention_step
    step(registry.RetentionStep(
        "proxies_deleted", "proxy_retention_years", "Proxy appointments at old meetings",
        lambda s, c: _before(Proxy, "meeting__", s, c), remove_proxies,
        lambda p: f"proxy of {p.appointer.full_name} held by {p.holder.full_name} "
                  f"({p.meeting.title})"))
    for name, model, path in (("attendance_deleted", Attendance, "meeting__"),
                              ("apologies_deleted", Apology, "meeting__"),
                              ("withdrawals_deleted", Withdrawal, "item__meeting__")):
        step(registry.RetentionStep(
            name, "attendance_retention_years", f"{model._meta.verbose_name_plural} at old "
            "meetings", lambda s, c, model=model, path=path: _before(model, path, s, c), _delete,
            lambda a: f"{a.member.full_name}: {a}"))
    step(registry.RetentionStep(
        "nominations_deleted", "nomination_retention_years", "Nominations at old meetings",
        lambda s, c: _before(Nomination, "contest__meeting__", s, c), lambda rows: _delete(rows),
        lambda n: f"nomination of {n.candidate.full_name} ({n.contest.meeting.title})"))
    registry.add_anonymiser(clear)
    people = audit_names.register_people
    for label in ("meetings.RequisitionSupport", "meetings.NoticeDelivery",
                  "meetings.Attendance", "meetings.Apology", "meetings.Withdrawal"):
        people(label, lambda o: [member_person(o.member)])
    people("meetings.Proxy", lambda p: [member_person(p.holder), member_person(p.appointer)])
    people("meetings.Nomination", lambda n: [member_person(n.candidate)])
