"""Writes for surplus reinvestment: a year's accounts, the trustees' proposal and its options,
putting it to the members, and recording the decision in pounds. Each function validates,
writes in a transaction and records an audit entry."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coop import audit
from coop.services import CoopError
from membership.models import InterestTopic

from . import money, pictures
from .enums import TOPIC_FOR_TYPE, OptionType, PayRiseKind, ProposalBallotKind
from .models import Allocation, FinancialYear, Proposal, ProposalOption
from .outcomes import outcome


class SurplusError(CoopError):
    """A surplus rule was broken; the message is shown as it is."""


YEAR_FIELDS = ["starts_on", "ends_on", "income", "expenditure", "notes", "accounts"]
OPTION_FIELDS = ["option_type", "title", "description", "easy_read", "topic", "cost_note",
                 "pays_members", "current_hourly_rate", "pa_hours_per_year", "pay_rise_kind",
                 "pa_count"]


# --- financial years ---------------------------------------------------------------------------

def _check_year(society, fields: dict, *, exclude=None) -> None:
    starts, ends = fields["starts_on"], fields["ends_on"]
    if ends <= starts:
        raise SurplusError("The year must end after it starts.", field="ends_on")
    if (ends - starts).days > 371:
        raise SurplusError("A financial year is at most about a year long.", field="ends_on")
    for name in ("income", "expenditure"):
        if Decimal(fields[name]) < 0:
            raise SurplusError("Enter an amount of £0 or more.", field=name)
    overlapping = FinancialYear.objects.filter(society=society, starts_on__lte=ends,
                                               ends_on__gte=starts)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    if overlapping.exists():
        raise SurplusError("This year overlaps another financial year already entered.",
                           field="starts_on")


def _money_data(year: FinancialYear) -> dict:
    return {"starts_on": year.starts_on, "ends_on": year.ends_on, "income": year.income,
            "expenditure": year.expenditure, "surplus": year.surplus}


def create_year(society, *, by, starts_on: date, ends_on: date, income, expenditure,
                notes: str = "", accounts=None) -> FinancialYear:
    fields = {"starts_on": starts_on, "ends_on": ends_on, "income": income,
              "expenditure": expenditure}
    _check_year(society, fields)
    with transaction.atomic():
        year = FinancialYear.objects.create(society=society, notes=notes.strip(),
                                            accounts=accounts or "", **fields)
        audit.record("surplus.year.created", society=society, actor=by, obj=year,
                     data=_money_data(year))
    return year


def update_year(year: FinancialYear, *, by, **changes) -> FinancialYear:
    """Correct a year's figures until it is locked. Every change is audited, from and to."""
    unknown = set(changes) - set(YEAR_FIELDS)
    if unknown:
        raise TypeError(f"Not a year field: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        year = FinancialYear.objects.select_for_update().get(pk=year.pk)
        if year.is_locked:
            raise SurplusError("These accounts are locked and cannot be changed.")
        merged = {f: getattr(year, f) for f in YEAR_FIELDS} | changes
        _check_year(year.society, merged, exclude=year)
        changed = {f: {"from": getattr(year, f), "to": v} for f, v in changes.items()
                   if f != "accounts" and getattr(year, f) != v}
        for name, value in changes.items():
            setattr(year, name, value)
        year.save()
        if changed or "accounts" in changes:
            audit.record("surplus.year.changed", society=year.society, actor=by, obj=year,
                         data={**changed, **({"accounts": "replaced"}
                                             if "accounts" in changes else {})})
    return year


def lock_year(year: FinancialYear, *, by) -> FinancialYear:
    with transaction.atomic():
        year = FinancialYear.objects.select_for_update().get(pk=year.pk)
        if year.is_locked:
            raise SurplusError("These accounts are already locked.")
        year.locked_at, year.locked_by = timezone.now(), by
        year.save(update_fields=["locked_at", "locked_by"])
        audit.record("surplus.year.locked", society=year.society, actor=by, obj=year,
                     data=_money_data(year))
    return year


def working_for(year: FinancialYear) -> money.Working:
    society = year.society
    return money.working(year.surplus, rule=society.reserve_rule,
                         percent=society.reserve_percent, fixed=society.reserve_fixed)


# --- proposals -----------------------------------------------------------------------------------

def create_proposal(year: FinancialYear, *, by, title: str, summary: str,
                    easy_read_summary: str = "",
                    ballot_kind: str = ProposalBallotKind.ALLOCATION) -> Proposal:
    """Draft a proposal for a locked year; the amount available is worked out from the
    year's surplus and the society's reserve rule."""
    if not year.is_locked:
        raise SurplusError("Lock the year's accounts before proposing how to use its surplus.")
    if not title.strip():
        raise SurplusError("Give the proposal a title.", field="title")
    if not summary.strip():
        raise SurplusError("Say in plain English what members are deciding.", field="summary")
    available = working_for(year).available
    if available <= 0:
        raise SurplusError("This year left nothing to reinvest after reserves.")
    with transaction.atomic():
        proposal = Proposal.objects.create(
            society=year.society, year=year, title=title.strip(), summary=summary.strip(),
            easy_read_summary=easy_read_summary.strip(), amount_available=available,
            ballot_kind=ballot_kind, created_by=by)
        audit.record("surplus.proposal.drafted", society=year.society, actor=by, obj=proposal,
                     data={"amount_available": available, "ballot_kind": ballot_kind})
    return proposal


PROPOSAL_FIELDS = ["title", "summary", "easy_read_summary", "ballot_kind"]


def update_proposal(proposal: Proposal, *, by, **changes) -> Proposal:
    """Correct a draft proposal's words or ballot kind; the amount available stays as worked
    out from the locked year. Side effects: audit entry with each change, from and to."""
    unknown = set(changes) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"Not a proposal field: {', '.join(sorted(unknown))}")
    changes = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    if "title" in changes and not changes["title"]:
        raise SurplusError("Give the proposal a title.", field="title")
    if "summary" in changes and not changes["summary"]:
        raise SurplusError("Say in plain English what members are deciding.", field="summary")
    if changes.get("ballot_kind", ProposalBallotKind.ALLOCATION) not in ProposalBallotKind.values:
        raise SurplusError("Choose how members vote.", field="ballot_kind")
    with transaction.atomic():
        proposal = _require_draft(proposal)
        changed = {f: {"from": getattr(proposal, f), "to": v} for f, v in changes.items()
                   if getattr(proposal, f) != v}
        for name, value in changes.items():
            setattr(proposal, name, value)
        proposal.save(update_fields=PROPOSAL_FIELDS)
        if changed:
            audit.record("surplus.proposal.changed", society=proposal.society, actor=by,
                         obj=proposal, data=changed)
    return proposal


def _require_draft(proposal: Proposal) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_draft:
        raise SurplusError("This proposal has been put to the members, so it can no longer "
                           "be changed.")
    return proposal


def _check_option(proposal: Proposal, fields: dict, *, exclude=None) -> dict:
    title = (fields.get("title") or "").strip()
    if not title:
        raise SurplusError("Give the option a title.", field="title")
    if not (fields.get("description") or "").strip():
        raise SurplusError("Describe the option in plain English.", field="description")
    clash = proposal.options.filter(title__iexact=title)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise SurplusError(f"There is already an option called “{title}”.", field="title")
    if fields.get("pays_members") and proposal.society.asset_lock:
        raise SurplusError("The society's assets are locked, so no option may pay money out "
                           "to members.", field="pays_members")
    if fields.get("option_type") == OptionType.PA_PAY:
        for name, message in (("current_hourly_rate", "Enter the PAs' current hourly rate."),
                              ("pa_hours_per_year", "Enter the PA hours worked in a year."),
                              ("pa_count", "Enter how many PAs share these hours.")):
            if not fields.get(name) or Decimal(fields[name]) <= 0:
                raise SurplusError(message, field=name)
        if fields.get("pay_rise_kind") not in PayRiseKind.values:
            raise SurplusError("Say whether it is a one-off bonus or a permanent rise.",
                               field="pay_rise_kind")
    else:
        fields |= {"current_hourly_rate": None, "pa_hours_per_year": None,
                   "pay_rise_kind": "", "pa_count": None}
    topic = fields.get("topic")
    if topic is not None and topic.society_id != proposal.society_id:
        raise SurplusError("Choose one of this society's topics.", field="topic")
    if topic is None and fields.get("option_type") in TOPIC_FOR_TYPE:
        fields["topic"] = InterestTopic.objects.filter(
            society=proposal.society, name=TOPIC_FOR_TYPE[fields["option_type"]],
            retired_on__isnull=True).first()
    return fields | {"title": title}


def add_option(proposal: Proposal, *, by, **fields) -> ProposalOption:
    with transaction.atomic():
        proposal = _require_draft(proposal)
        fields = _check_option(proposal, {f: fields.get(f) for f in OPTION_FIELDS
                                          if f in fields})
        option = ProposalOption.objects.create(
            proposal=proposal, position=proposal.options.count(),
            **{k: ("" if v is None and k in ("easy_read", "cost_note", "pay_rise_kind")
                   else v) for k, v in fields.items()})
        audit.record("surplus.option.added", society=proposal.society, actor=by, obj=option,
                     data={"proposal": proposal.pk, "type": option.option_type})
    return option


def update_option(option: ProposalOption, *, by, **changes) -> ProposalOption:
    with transaction.atomic():
        proposal = _require_draft(option.proposal)
        merged = {f: getattr(option, f) for f in OPTION_FIELDS} | changes
        merged = _check_option(proposal, merged, exclude=option)
        for name, value in merged.items():
            setattr(option, name, "" if value is None and name in (
                "easy_read", "cost_note", "pay_rise_kind") else value)
        option.save()
        audit.record("surplus.option.changed", society=proposal.society, actor=by, obj=option,
                     data={"changed": sorted(changes)})
    return option


def remove_option(option: ProposalOption, *, by) -> None:
    with transaction.atomic():
        proposal = _require_draft(option.proposal)
        audit.record("surplus.option.removed", society=proposal.society, actor=by,
                     obj=option, data={"title": option.title})
        pictures.forget(option)  # its picture goes with it; the file once this commits
        option.delete()


def put_to_vote(proposal: Proposal, *, by, closes_at, **ballot_fields) -> Proposal:
    """Turn the proposal into a ballot and open it: an allocation (split 100 points) or a
    choice of one package, weighted by the society's class shares unless told otherwise, with
    the options' topics so the interests policy applies."""
    from voting import services as voting

    with transaction.atomic():
        proposal = _require_draft(proposal)
        options = list(proposal.options.select_related("topic"))
        if len(options) < 2:
            raise SurplusError("A proposal needs at least two options to vote on.",
                               field="options")
        if proposal.society.asset_lock and any(o.pays_members for o in options):
            raise SurplusError("The society's assets are locked, so no option may pay money "
                               "out to members.", field="options")
        topics = {o.topic_id: o.topic for o in options if o.topic_id}
        ballot = voting.create_ballot(
            proposal.society, by=by, title=proposal.title, summary=_ballot_summary(proposal),
            easy_read_summary=proposal.easy_read_summary, kind=proposal.ballot_kind,
            options=[{"label": o.title, "description": o.description} for o in options],
            topics=list(topics.values()), **ballot_fields)
        for option, ballot_option in zip(options, ballot.options.order_by("position"),
                                         strict=True):
            option.ballot_option = ballot_option
            option.save(update_fields=["ballot_option"])
            pictures.share_with_ballot(option, ballot_option, by=by)
        ballot = voting.open_ballot(ballot, by=by, closes_at=closes_at)
        proposal.ballot = ballot
        proposal.save(update_fields=["ballot"])
        audit.record("surplus.proposal.put_to_vote", society=proposal.society, actor=by,
                     obj=proposal, data={"ballot": ballot.pk, "closes_at": closes_at})
    return proposal


def _ballot_summary(proposal: Proposal) -> str:
    return (f"{proposal.summary}\n\nThere is £{proposal.amount_available:,.2f} to reinvest "
            f"from the {proposal.year}.")


def record_decision(proposal: Proposal, *, by, resolution_reference: str, decided_on: date,
                    notes: str = "") -> Proposal:
    """The trustees record the decision once the result is certified: the pounds per option
    are written and locked. Side effects: allocations; audit entry."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.is_decided:
            raise SurplusError("The decision has already been recorded.")
        if proposal.ballot_id is None or proposal.ballot.certified_at is None:
            raise SurplusError("Record the decision after the scrutineer has certified the "
                               "result.")
        if not resolution_reference.strip():
            raise SurplusError("Give the resolution's reference, e.g. “AGM 2026 resolution "
                               "4”.", field="resolution_reference")
        if decided_on > timezone.localdate():
            raise SurplusError("The decision date cannot be in the future.",
                               field="decided_on")
        result = outcome(proposal)
        if result.tie:
            raise SurplusError("The vote was a tie between packages. The rules do not break "
                               "ties: the members must decide again.")
        if result.total != proposal.amount_available:
            raise SurplusError("No votes were counted, so there is nothing to divide. The "
                               "members must decide again.")
        Allocation.objects.bulk_create([
            Allocation(proposal=proposal, option=row.option, amount=row.amount)
            for row in result.rows])
        proposal.resolution_reference = resolution_reference.strip()
        proposal.decided_on, proposal.decision_notes = decided_on, notes.strip()
        proposal.decided_at, proposal.decided_by = timezone.now(), by
        proposal.not_cast_amount = result.not_cast_amount
        proposal.not_cast_money = result.not_cast_money if result.not_cast_amount else ""
        proposal.save(update_fields=["resolution_reference", "decided_on", "decision_notes",
                                     "decided_at", "decided_by", "not_cast_amount",
                                     "not_cast_money"])
        data = {"reference": proposal.resolution_reference,
                "allocations": {row.option.title: row.amount for row in result.rows}}
        if result.not_cast_amount:
            data["not_cast"] = {"amount": result.not_cast_amount,
                                "to": proposal.not_cast_money}
        audit.record("surplus.proposal.decided", society=proposal.society, actor=by,
                     obj=proposal, data=data)
    return proposal
