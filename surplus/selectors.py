"""Reads for the members' surplus pages, the history and its exports. Each read is a fixed
number of queries however many years or ballots a society has."""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum

from voting.enums import BallotState
from voting.models import Ballot, RollCount, RollEntry

from . import money
from .enums import OptionType
from .models import FinancialYear, Proposal

ZERO = Decimal("0.00")


# --- proposals ---------------------------------------------------------------------------------

def proposals_for(society, *, officer: bool):
    """The society's proposals, newest first. Members see a proposal once it has been put to
    the vote; the board also sees drafts."""
    proposals = (Proposal.objects.filter(society=society)
                 .select_related("year", "ballot").order_by("-created_at", "-pk"))
    return proposals if officer else proposals.filter(ballot__isnull=False)


def home_proposals(society, *, officer: bool) -> dict[str, list]:
    """The home page's proposals, sorted into open for voting, decided, waiting (closed but
    not decided) and drafts (board only). Two queries: proposals, then their allocations."""
    proposals = list(proposals_for(society, officer=officer)
                     .prefetch_related("allocations__option"))
    groups: dict[str, list] = {"open": [], "decided": [], "waiting": [], "drafts": []}
    for proposal in proposals:
        if proposal.is_draft:
            groups["drafts"].append(proposal)
        elif proposal.is_decided:
            groups["decided"].append(proposal)
        elif proposal.ballot.state in (BallotState.OPEN, BallotState.SCHEDULED):
            groups["open"].append(proposal)
        else:
            groups["waiting"].append(proposal)
    return groups


# --- history -----------------------------------------------------------------------------------

@dataclass
class HistoryRow:
    """One financial year: its accounts, what went to reserves, what was available, and
    (once decided) the pounds given to each type of option."""

    year: FinancialYear
    income: Decimal
    expenditure: Decimal
    surplus: Decimal
    to_reserves: Decimal
    available: Decimal
    decided: bool
    by_type: dict[str, Decimal] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.year.starts_on:%Y}–{self.year.ends_on:%y}"


def _type_sums() -> dict:
    money_field = DecimalField(max_digits=14, decimal_places=2)
    return {f"alloc_{t.value}": Sum("proposals__allocations__amount", output_field=money_field,
                                    filter=Q(proposals__allocations__option__option_type=t))
            for t in OptionType}


def history_rows(society) -> list[HistoryRow]:
    """Every financial year, oldest first, in one query. The amount available is the decided
    proposal's (the figure members voted on), else what the society's rule gives now."""
    decided = (Proposal.objects.filter(year=OuterRef("pk"), decided_at__isnull=False)
               .order_by("-decided_at").values("amount_available")[:1])
    years = (FinancialYear.objects.filter(society=society).order_by("starts_on")
             .annotate(decided_available=Subquery(decided), **_type_sums()))
    return [_history_row(society, year) for year in years]


def _history_row(society, year) -> HistoryRow:
    surplus = year.surplus
    if year.decided_available is not None:
        available = year.decided_available
        to_reserves = max(surplus, ZERO) - available
    else:
        working = money.working(surplus, rule=society.reserve_rule,
                                percent=society.reserve_percent, fixed=society.reserve_fixed)
        available, to_reserves = working.available, working.to_reserves
    by_type = {t.value: getattr(year, f"alloc_{t.value}") or ZERO for t in OptionType}
    return HistoryRow(year=year, income=year.income, expenditure=year.expenditure,
                      surplus=surplus, to_reserves=to_reserves, available=available,
                      decided=year.decided_available is not None, by_type=by_type)


def used_types(rows: list[HistoryRow]) -> list[OptionType]:
    """The option types any decided year gave money to (the columns worth showing)."""
    return [t for t in OptionType if any(r.by_type.get(t.value) for r in rows)]


@dataclass
class ClassTurnout:
    name: str
    on_roll: int
    voted: int

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.on_roll) if self.on_roll else None


@dataclass
class BallotTurnout:
    ballot_id: int
    title: str
    closed_on: object
    classes: dict[str, ClassTurnout] = field(default_factory=dict)

    @property
    def on_roll(self) -> int:
        return sum(c.on_roll for c in self.classes.values())

    @property
    def voted(self) -> int:
        return sum(c.voted for c in self.classes.values())

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.voted, self.on_roll) if self.on_roll else None


TURNOUT_COLUMNS = ("ballot_id", "ballot__title", "ballot__closed_at", "ballot__closes_at",
                   "member_class__position", "member_class__name")


def turnout_by_class(society) -> list[BallotTurnout]:
    """Turnout in each class for each of the society's published ballots, oldest first, from
    one grouped query over the electoral rolls and one over the counts kept for rolls reduced
    after the challenge period. Members who stood aside because of an interest are not
    counted, as on the results page."""
    published = Ballot.objects.filter(society=society, published_at__isnull=False)
    rows = list(RollEntry.objects.filter(ballot__in=published.filter(roll_reduced_at=None))
                .values_list(*TURNOUT_COLUMNS)
                .annotate(n=Count("id", filter=Q(recused=False)),
                          v=Count("id", filter=Q(has_voted=True))).order_by())
    rows += RollCount.objects.filter(ballot__in=published).values_list(
        *TURNOUT_COLUMNS, "on_roll", "voted")
    rows.sort(key=lambda r: (r[3].timestamp() if r[3] else float("inf"), r[0], r[4]))
    ballots: dict[int, BallotTurnout] = {}
    for pk, title, closed_at, closes_at, _pos, name, on_roll, voted in rows:
        ballot = ballots.setdefault(pk, BallotTurnout(pk, title, (closed_at or closes_at)))
        ballot.classes[name] = ClassTurnout(name, on_roll, voted)
    return list(ballots.values())


def class_names(turnouts: list[BallotTurnout]) -> list[str]:
    """Every class that appears on any roll, in the order first met."""
    names: dict[str, None] = {}
    for ballot in turnouts:
        names.update(dict.fromkeys(ballot.classes))
    return list(names)
