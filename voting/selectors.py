"""Reads for voting that pages, the API and the scrutineer share. Counting happens in the
database (GROUP BY class and option); `tally` weighs the grouped figures exactly."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils import timezone

from coop.enums import ConflictPolicy, EmptyClassPolicy
from membership.models import Member

from . import advance, envelopes, frozen, marked_roll, tally
from .enums import SINGLE_MARK_KINDS, BallotKind, BallotState, Weighting
from .models import Ballot, RollEntry, RoomCount, Vote, VoteMark
from .receipts import counted_receipts, receipt_status, still_sealed  # noqa: F401 (callers use selectors)
from .stv import StvResult
from .stv import count as count_stv


def percent(share: Fraction | None, places: int = 1) -> Decimal | None:
    """A share (0..1) as a percentage rounded for display (half up)."""
    if share is None:
        return None
    exact = Decimal(share.numerator * 100) / Decimal(share.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def visible_ballots(society, user, *, officer: bool):
    """Members see ballots once opened; officers also see drafts."""
    ballots = Ballot.objects.filter(society=society).select_related("only_class")
    if not officer:
        ballots = ballots.filter(Q(opened_at__isnull=False))
    return ballots


def rules_for(ballot: Ballot, options=None) -> tally.Rules:
    options = options if options is not None else list(ballot.options.all())
    codes = {o.code: o.pk for o in options if o.code}
    return tally.Rules(
        kind=ballot.kind, weighting=ballot.weighting,
        empty_class_policy=ballot.empty_class_policy,
        resolution_kind=ballot.resolution_kind,
        threshold=Fraction(ballot.threshold_percent) / 100,
        require_class_majority=ballot.require_class_majority,
        for_option=codes.get("for"), against_option=codes.get("against"))


def sealed_votes(ballot: Ballot) -> list[envelopes.Contents]:
    """The current votes still in their envelopes: all of them while the ballot is open (for
    live figures, read in memory and never written), none once the box has been opened."""
    return [contents for _, contents in envelopes.unopened(ballot)]


def count_ballot(ballot: Ballot, *, without_interest: bool = False,
                 sealed: list[envelopes.Contents] | None = None) -> list[tally.ClassCount]:
    """The grouped count: one query over the opened marks (and, for kinds where a voter may
    make several marks, one over the votes for the head count per class), plus the envelopes
    not yet opened, counted in memory (`sealed`, read here when not given).
    `without_interest` leaves out votes cast with an interest in the ballot's topics."""
    weights = list(ballot.class_weights.select_related("member_class"))
    total = sum(w.weight for w in weights)
    classes = {
        w.member_class_id: tally.ClassCount(
            class_id=w.member_class_id, name=w.member_class.name,
            weight=Fraction(w.weight, total) if total else Fraction(0),  # exact: 1:1:1 is 1/3
            votes_per_member=w.votes_per_member, voters=0)
        for w in weights
    }
    marks = VoteMark.objects.filter(ballot=ballot)
    votes = Vote.objects.filter(ballot=ballot)
    sealed = sealed_votes(ballot) if sealed is None else sealed
    if without_interest:
        marks, votes = marks.filter(with_interest=False), votes.filter(with_interest=False)
        sealed = [c for c in sealed if not c.with_interest]
    rows = (marks.values_list("member_class_id", "option_id")
            .annotate(n=Count("*"), points=Sum("value")).order_by())
    for class_id, option_id, n, points in rows:
        cls = classes[class_id]
        cls.counts[option_id] = n
        cls.points[option_id] = points
    for contents in sealed:
        cls = classes[contents.member_class_id]
        for option_id, value in contents.marks.items():
            cls.counts[option_id] = cls.counts.get(option_id, 0) + 1
            cls.points[option_id] = cls.points.get(option_id, 0) + value
    # Hands counted by tellers at a meeting (single-mark kinds only) add to the same figures.
    hands = RoomCount.objects.filter(ballot=ballot).values_list("member_class_id", "option_id",
                                                                "count")
    for class_id, option_id, n in hands:
        cls = classes[class_id]
        cls.counts[option_id] = cls.counts.get(option_id, 0) + n
        cls.points[option_id] = (cls.points.get(option_id) or 0) + n
    # Votes cast ahead of a meeting add to its room's vote (single-mark resolutions only).
    advance.add_marks(ballot, classes, without_interest=without_interest)
    if ballot.kind in SINGLE_MARK_KINDS:
        for cls in classes.values():
            cls.voters = sum(cls.counts.values())
    else:
        voters = votes.values_list("member_class_id").annotate(n=Count("*")).order_by()
        for class_id, n in voters:
            classes[class_id].voters = n
        for contents in sealed:
            classes[contents.member_class_id].voters += 1
    return list(classes.values())


@dataclass
class ClassRow:
    name: str
    weight: int  # whole-number parts, as set
    on_roll: int
    voted: int
    shown: bool
    counts: dict[int, int] = field(default_factory=dict)
    shares: dict[int, Fraction] = field(default_factory=dict)
    class_id: int = 0
    # Class share: the weight the count really gave the class (0..1) after the empty-class
    # policy, and whether it counted no votes (none, or only abstentions).
    weight_used: Fraction | None = None
    empty: bool = False
    weight_set: Fraction | None = None  # the parts as a share of all the ballot's parts
    voters: int = 0  # votes counted in the class (turnout is the roll's `voted`)

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.on_roll) if self.on_roll else None


@dataclass
class Results:
    ballot: Ballot
    options: list
    outcome: tally.Outcome
    one_member_outcome: tally.Outcome
    head_counts: dict[int, int]
    classes: list[ClassRow]
    on_roll: int
    voted: int
    papers: dict[str, int]
    stv: StvResult | None = None
    recused: int = 0
    with_interest: int = 0  # votes cast with an interest
    without_interest: tally.Outcome | None = None  # the result without those votes
    without_interest_classes: list[ClassRow] = field(default_factory=list)
    without_interest_hidden: bool = False  # too few votes with an interest to show it safely
    figures_hidden: bool = False  # reduced by `disclosure.publish` for members
    # Votes cast with help once the ballot has closed ({"total", "companion", "officer"}):
    # while it is open, a count that moves with live results would point at a helped vote.
    helped: dict | None = None
    ahead: int = 0  # a meeting's vote: members who voted ahead of it (a total only)

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.on_roll) if self.on_roll else None

    @property
    def is_tie(self) -> bool:
        return len(self.outcome.winners) > 1

    @property
    def winners(self) -> list:
        by_id = {o.pk: o for o in self.options}
        return [by_id[pk] for pk in self.outcome.winners]

    def rows(self):
        """One row per option for tables and charts; None where a figure is hidden."""
        gone = None if self.figures_hidden else Fraction(0)
        for option in self.options:
            yield {
                "option": option,
                "share": self.outcome.shares.get(option.pk, gone),
                "one_member_share": self.one_member_outcome.shares.get(option.pk, gone),
                "head_count": self.head_counts.get(option.pk, None if gone is None else 0),
                "counted": option.code != "abstain",
            }

    def audit_summary(self) -> dict:
        return {
            "shares": {o.label: str(percent(self.outcome.shares.get(o.pk), 6))
                       for o in self.options if o.code != "abstain"},
            "passed": self.outcome.passed,
            "winners": [o.label for o in self.winners] or None,
            "voted": self.voted, "on_roll": self.on_roll,
            "elected": [self.stv.names[pk] for pk in self.stv.elected] if self.stv else None,
        }


def paper_counts(ballot: Ballot) -> dict[str, int]:
    return marked_roll.paper_counts(ballot)


def results(ballot: Ballot) -> Results:
    """Everything the results page, the API, the CSV and the certificate show. A certified
    result never changes, so it is counted once and then read from the shared cache."""
    if ballot.certified_at is not None:
        return frozen.certified(ballot, _count_results)
    return _count_results(ballot)


def _count_results(ballot: Ballot) -> Results:
    options = list(ballot.options.all())
    option_ids = [o.pk for o in options]
    sealed = sealed_votes(ballot)
    classes = count_ballot(ballot, sealed=sealed)
    rules = rules_for(ballot, options)
    outcome = tally.decide(classes, option_ids, rules)
    one_member = tally.decide(classes, option_ids, rules, Weighting.ONE_MEMBER_ONE_VOTE)
    # From the roll, or from its counts once the marked roll has been reduced.
    roll = {c: (t.on_roll, t.voted, t.recused)
            for c, t in marked_roll.turnout(ballot).items()}
    ahead = advance.add_turnout(ballot, roll)  # a meeting's vote: those who voted ahead
    weights = {w.member_class_id: w.weight for w in ballot.class_weights.all()}
    rows = class_rows(ballot, classes, option_ids, rules, roll, weights)
    mark_weights_used(rows, outcome)
    head_counts = {pk: 0 for pk in option_ids}
    for cls in classes:
        for pk, n in cls.counts.items():
            head_counts[pk] += n
    interest = _without_interest(ballot, classes, option_ids, rules, roll, weights, sealed)
    stv = None
    if ballot.kind == BallotKind.RANKED:
        stv = count_election(ballot, options, sealed=sealed)
    return Results(ballot=ballot, options=options, outcome=outcome,
                   one_member_outcome=one_member, head_counts=head_counts, classes=rows,
                   on_roll=sum(r.on_roll for r in rows), voted=sum(r.voted for r in rows),
                   papers=paper_counts(ballot), stv=stv,
                   recused=sum(r for _, _, r in roll.values()), ahead=ahead, **interest,
                   helped=None if ballot.state_at(timezone.now()) == BallotState.OPEN
                   else marked_roll.help_counts(ballot))


def class_rows(ballot, classes, option_ids, rules, roll, weights) -> list[ClassRow]:
    """Each class's turnout and, when enough voted in it, its own breakdown."""
    rows = []
    for cls in classes:
        on_roll, voted, _ = roll.get(cls.class_id, (0, 0, 0))
        shown = cls.voters >= ballot.breakdown_minimum
        class_outcome = tally.decide([cls], option_ids, rules, Weighting.ONE_MEMBER_ONE_VOTE)
        rows.append(ClassRow(name=cls.name, weight=weights.get(cls.class_id, 0),
                             weight_set=cls.weight,
                             on_roll=on_roll, voted=voted, shown=shown, voters=cls.voters,
                             counts=dict(cls.counts) if shown else {},
                             shares=class_outcome.shares if shown else {},
                             class_id=cls.class_id))
    return rows


def mark_weights_used(rows: list[ClassRow], outcome: tally.Outcome) -> None:
    for row in rows:
        row.weight_used = outcome.weights_used.get(row.class_id)
        row.empty = row.class_id in outcome.empty_classes


def _without_interest(ballot, real, option_ids, rules, roll, weights, sealed) -> dict:
    """Under the declare policy, the result as it would be without votes cast with an
    interest, shown beside the real one (with the same small-group hiding). A class's row is
    also hidden when the votes left out of it are fewer than the minimum: set beside the
    real row, it would show how those few voted."""
    if ballot.conflict_policy != ConflictPolicy.DECLARE or ballot.kind == BallotKind.RANKED \
            or not ballot.topics.exists():
        return {}
    interested = Vote.objects.filter(ballot=ballot, with_interest=True).count() + sum(
        1 for c in sealed if c.with_interest)
    if 0 < interested < ballot.breakdown_minimum:
        # Beside the real result, the result without so few votes would show how they voted.
        return {"with_interest": interested, "without_interest_hidden": True}
    classes = count_ballot(ballot, without_interest=True, sealed=sealed)
    rows = class_rows(ballot, classes, option_ids, rules, roll, weights)
    without = tally.decide(classes, option_ids, rules)
    mark_weights_used(rows, without)
    real_voters = {c.class_id: c.voters for c in real}
    for cls, row in zip(classes, rows, strict=True):
        left_out = real_voters.get(cls.class_id, 0) - cls.voters
        row.voted = cls.voters  # the votes left in this table, not the class's turnout
        if 0 < left_out < ballot.breakdown_minimum:
            row.shown, row.counts, row.shares = False, {}, {}
    return {"with_interest": interested, "without_interest": without,
            "without_interest_classes": rows}


def ranked_ballots(ballot: Ballot, *, sealed: list[envelopes.Contents] | None = None
                   ) -> list[tuple[tuple[int, ...], int]]:
    """The current ranked votes, grouped: (option ids in order of preference, how many)."""
    marks = (VoteMark.objects.filter(ballot=ballot)
             .order_by("vote_id", "value").values_list("vote_id", "option_id"))
    rankings: dict = {}
    for vote_id, option_id in marks.iterator(chunk_size=5000):
        rankings.setdefault(vote_id, []).append(option_id)
    sealed = sealed_votes(ballot) if sealed is None else sealed
    in_memory = [sorted(c.marks, key=c.marks.__getitem__) for c in sealed]
    grouped: dict[tuple[int, ...], int] = {}
    for ranking in [*rankings.values(), *in_memory]:
        key = tuple(ranking)
        grouped[key] = grouped.get(key, 0) + 1
    return sorted(grouped.items(), key=lambda item: (-item[1], item[0]))


def count_election(ballot: Ballot, options=None, *, sealed=None) -> StvResult:
    options = options if options is not None else list(ballot.options.all())
    return count_stv([o.pk for o in options], ranked_ballots(ballot, sealed=sealed),
                     ballot.seats,
                     names={o.pk: o.label for o in options})


def results_visible(ballot: Ballot, *, officer: bool = False, scrutineer: bool = False) -> bool:
    """Members see results once published, or live/after close when the ballot says so;
    officers and the scrutineer see them once the ballot has closed."""
    state = ballot.state
    if state == BallotState.PUBLISHED:
        return True
    if ballot.scrutineer_seal and (state == BallotState.OPEN or still_sealed(ballot)):
        return False  # nobody can count what only the scrutineer's passphrase opens
    if ballot.live_results and state == BallotState.OPEN:
        return True
    return (officer or scrutineer) and ballot.has_closed


def not_cast_label(ballot: Ballot) -> str | None:
    if ballot.weighting == Weighting.CLASS_SHARE and \
            ballot.empty_class_policy == EmptyClassPolicy.NOT_CAST:
        return "Not cast (a class in which nobody voted)"
    return None


def open_ballots_for(members) -> dict[int, list[dict]]:
    """For the home page: each society's open ballots, with whether the member is on the roll
    and has voted. Two queries whatever the number of societies."""
    members = [m for m in members if m is not None]
    if not members:
        return {}
    now = timezone.now()
    ballots = (Ballot.objects.filter(society__in=[m.society_id for m in members],
                                     opened_at__isnull=False, closed_at__isnull=True,
                                     closes_at__gt=now).order_by("closes_at"))
    roll = {(e.ballot_id, e.member_id): e.has_voted for e in RollEntry.objects.filter(
        ballot__in=ballots, member__in=members).only("ballot_id", "member_id", "has_voted")}
    by_society: dict[int, list[dict]] = {}
    member_of = {m.society_id: m for m in members}
    for ballot in ballots:
        key = (ballot.pk, member_of[ballot.society_id].pk)
        by_society.setdefault(ballot.society_id, []).append(
            {"ballot": ballot, "on_roll": key in roll, "has_voted": roll.get(key, False)})
    return by_society


@dataclass(frozen=True)
class SmallClass:
    """A class voting in a ballot with too few members able to vote for its votes to stay
    secret from the results."""

    class_id: int
    name: str
    can_vote: int


def small_classes(ballot: Ballot) -> list[SmallClass]:
    """Classes in which fewer than the ballot's `breakdown_minimum` (but at least one) can
    vote: from the roll once open, from the register before. Their members and the officer
    opening the ballot are told before anyone votes."""
    weights = list(ballot.class_weights.select_related("member_class"))
    ids = [w.member_class_id for w in weights if w.member_class.votes]
    if ballot.opened_at:
        counts = dict(RollEntry.objects.filter(ballot=ballot, recused=False)
                      .values_list("member_class_id").annotate(n=Count("id")).order_by())
    else:
        counts = dict(Member.objects.filter(society_id=ballot.society_id, member_class_id__in=ids)
                      .current().values_list("member_class_id").annotate(n=Count("id"))
                      .order_by())
    return [SmallClass(w.member_class_id, w.member_class.name, counts.get(w.member_class_id, 0))
            for w in weights if w.member_class_id in ids
            and 0 < counts.get(w.member_class_id, 0) < ballot.breakdown_minimum]

