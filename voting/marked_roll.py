"""The marked roll reduced to counts. While a result can still be challenged the roll says who
voted (to check a complaint, or that nobody voted twice). Once the result is published and the
society's challenge period (`Society.ballot_challenge_days`) has passed, that is no longer
needed, so, as returning officers destroy marked registers, the per-member has-voted flags and
paper ballot records go and only the counts by class stay, beside the certified result.

`reduce_marked_roll` does it for one ballot; the retention run (membership/privacy) calls it
for every ballot due through the step `register()` adds, with a dry run that lists them."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from coop import audit

from .enums import HelpKind, PaperState
from .models import Ballot, BallotPaper, RollCount, RollEntry, VotingHelp


class MarkedRollError(Exception):
    """The ballot's roll cannot be reduced (yet)."""


def challenge_ends(ballot: Ballot, society) -> date | None:
    """The last day the result can be challenged; None until it is published."""
    if ballot.published_at is None:
        return None
    return timezone.localdate(ballot.published_at) + timedelta(
        days=society.ballot_challenge_days)


def rolls_due(society, cutoff: date):
    """Published ballots not yet reduced whose challenge period is over: published before
    `cutoff` (today less the society's challenge days), so the last day to challenge has
    passed. The retention run's `due`."""
    return (Ballot.objects.filter(society=society, roll_reduced_at__isnull=True,
                                  published_at__date__lt=cutoff)
            .select_related("society").order_by("published_at", "pk"))


def reduce_rolls(ballots) -> int:
    """The retention run's `remove`: reduce each ballot's roll; how many were reduced. The
    ballots come from `rolls_due`, which checked the period against the run's own day (a run
    may act as of a later day, see `manage.py apply_retention --today`)."""
    for ballot in ballots:
        _reduce(ballot)
    return len(ballots)


def describe(ballot: Ballot) -> str:
    return f"ballot {ballot.pk} “{ballot.title}” (published {ballot.published_at:%Y-%m-%d})"


def _counts(ballot: Ballot) -> list[RollCount]:
    roll = (RollEntry.objects.filter(ballot=ballot).values("member_class_id")
            .annotate(n=Count("id", filter=Q(recused=False)),
                      v=Count("id", filter=Q(has_voted=True)),
                      r=Count("id", filter=Q(recused=True))).order_by())
    papers = {}
    for cls, state, n in (BallotPaper.objects.filter(ballot=ballot)
                          .values_list("roll_entry__member_class_id", "state")
                          .annotate(n=Count("id")).order_by()):
        papers[cls, state] = n
    helped = {(cls, kind): n for cls, kind, n in (
        VotingHelp.objects.filter(ballot=ballot)
        .values_list("roll_entry__member_class_id", "kind")
        .annotate(n=Count("roll_entry", distinct=True)).order_by())}
    return [RollCount(ballot=ballot, member_class_id=row["member_class_id"], on_roll=row["n"],
                      voted=row["v"], recused=row["r"],
                      papers_issued=papers.get((row["member_class_id"], PaperState.ISSUED), 0),
                      papers_counted=papers.get((row["member_class_id"], PaperState.COUNTED), 0),
                      papers_rejected=papers.get((row["member_class_id"], PaperState.REJECTED),
                                                 0),
                      helped_by_companion=helped.get((row["member_class_id"],
                                                      HelpKind.COMPANION), 0),
                      taken_by_officer=helped.get((row["member_class_id"], HelpKind.OFFICER), 0))
            for row in roll]


def reduce_marked_roll(ballot: Ballot, *, today: date | None = None) -> list[RollCount]:
    """Keep the turnout by class, then clear who voted. Side effects: RollCount rows; every
    has-voted flag of the ballot cleared; its paper ballot records (which say how each member
    voted: on paper, or online first) and its records of help (which say who voted)
    deleted; the ballot's `roll_reduced_at`; the result is unchanged (the counts are what it
    read); one audit entry `voting.roll.reduced` with the counts and no names."""
    ballot = Ballot.objects.select_related("society").get(pk=ballot.pk)  # as it is now
    ends = challenge_ends(ballot, ballot.society)
    if ends is None or ends >= (today or timezone.localdate()):
        raise MarkedRollError("The result can still be challenged, so the marked roll is kept.")
    return _reduce(ballot)


def _reduce(ballot: Ballot) -> list[RollCount]:
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().select_related("society").get(pk=ballot.pk)
        if ballot.roll_reduced_at is not None:
            raise MarkedRollError("This ballot's marked roll has already been reduced.")
        counts = RollCount.objects.bulk_create(_counts(ballot))
        BallotPaper.objects.filter(ballot=ballot).delete()
        VotingHelp.objects.filter(ballot=ballot).delete()  # they say who voted, as papers do
        # Every entry, not only those who voted: PostgreSQL stamps each row an UPDATE writes
        # with the transaction's xmin, so rewriting only the voters would mark them out.
        RollEntry.objects.filter(ballot=ballot).update(has_voted=False)
        Ballot.objects.filter(pk=ballot.pk).update(roll_reduced_at=timezone.now())
        audit.record("voting.roll.reduced", society=ballot.society, obj=ballot, data={
            "challenge_days": ballot.society.ballot_challenge_days,
            "counts": {str(c.member_class_id): {"on_roll": c.on_roll, "voted": c.voted,
                                                "recused": c.recused} for c in counts}})
    return counts


@dataclass(frozen=True)
class Turnout:
    """One class's turnout on one ballot, from the roll or, once reduced, from its counts."""

    member_class_id: int
    on_roll: int
    voted: int
    recused: int


def turnout(ballot: Ballot) -> dict[int, Turnout]:
    """{class id: Turnout} for a ballot, whether or not its roll has been reduced."""
    if ballot.roll_reduced_at is not None:
        rows = RollCount.objects.filter(ballot=ballot).values_list(
            "member_class_id", "on_roll", "voted", "recused")
    else:
        rows = (RollEntry.objects.filter(ballot=ballot).values_list("member_class_id")
                .annotate(n=Count("id", filter=Q(recused=False)),
                          v=Count("id", filter=Q(has_voted=True)),
                          r=Count("id", filter=Q(recused=True)))
                .order_by().values_list("member_class_id", "n", "v", "r"))
    return {c: Turnout(c, n, v, r) for c, n, v, r in rows}


def paper_counts(ballot: Ballot) -> dict[str, int]:
    """{paper state: how many}, from the papers or, once reduced, from the counts."""
    if ballot.roll_reduced_at is not None:
        kept = RollCount.objects.filter(ballot=ballot).aggregate(
            issued=Sum("papers_issued"), counted=Sum("papers_counted"),
            rejected=Sum("papers_rejected"))
        return {state: kept[state] or 0 for state in PaperState.values}
    counts = dict(BallotPaper.objects.filter(ballot=ballot).values_list("state")
                  .annotate(n=Count("*")).order_by())
    return {state: counts.get(state, 0) for state in PaperState.values}


def turnout_by_name(ballot: Ballot) -> list[tuple[str, int, int]]:
    """(class name, on the roll including those standing aside, voted), in class order, for
    the officers' manage page: from the roll or, once reduced, from the counts kept."""
    order = ("member_class__position", "member_class__name")
    if ballot.roll_reduced_at is not None:
        return [(name, on_roll + recused, voted) for name, on_roll, recused, voted in (
            RollCount.objects.filter(ballot=ballot).order_by(*order)
            .values_list("member_class__name", "on_roll", "recused", "voted"))]
    return list(RollEntry.objects.filter(ballot=ballot).values_list(*order)
                .annotate(n=Count("id"), v=Count("id", filter=Q(has_voted=True)))
                .order_by(*order).values_list("member_class__name", "n", "v"))


def help_counts(ballot: Ballot) -> dict[str, int]:
    """How many votes of the ballot were cast with help, in all and by kind: a count over the
    whole ballot, never by class (a class of three would say too much). A help is written only
    with a vote, so every member with one voted. Once the roll is reduced, from its counts."""
    if ballot.roll_reduced_at is not None:
        kept = RollCount.objects.filter(ballot=ballot).aggregate(
            companion=Sum("helped_by_companion", default=0),
            officer=Sum("taken_by_officer", default=0))
        return {"total": kept["companion"] + kept["officer"], **kept}
    helps = VotingHelp.objects.filter(ballot=ballot)
    rows = dict(helps.values("kind").annotate(n=Count("roll_entry", distinct=True))
                .values_list("kind", "n"))
    return {"total": helps.values("roll_entry").distinct().count(),
            "companion": rows.get(HelpKind.COMPANION, 0), "officer": rows.get(HelpKind.OFFICER, 0)}
