"""Single transferable vote, counted by the Scottish STV rules.

The rule set is the count in the Scottish Local Government Elections Order 2007 (SSI 2007/42),
Schedule 1, rules 45 to 52, as implemented by `pref_voting.proportional_methods.stv_scottish`
(the test suite checks the two agree on thousands of random elections):

- quota (rule 46): the Droop quota, floor(valid votes / (seats + 1)) + 1;
- a candidate whose votes reach the quota is elected (rule 47); when several are elected at
  one stage they are listed in order of their votes;
- surpluses (rules 48, 49): the largest surplus is transferred first, by the weighted
  inclusive Gregory method: every paper the elected candidate holds moves to its next
  continuing preference at (its value x surplus / candidate's total); the share of papers
  with no further preference is non-transferable. Equal surpluses: the candidate with more
  votes at the most recent earlier stage where they differed goes first, else by lot;
- exclusion (rules 50, 51): when no surplus is left, the continuing candidate with the fewest
  votes is excluded and all their papers move on at their current value in one stage. Equal
  lowest: the one with fewer votes at the most recent earlier stage where they differed,
  else by lot;
- last vacancies (rule 52): when the continuing candidates are no more than the seats left,
  they are all elected and no further transfer is made.

One deliberate difference from the Order: rule 48(3) truncates each transfer value to five
decimal places; here every value is an exact `Fraction`, as the society's rules ask for exact
counts. Truncating loses under 0.00001 of a vote per ballot paper moved, so it can only
change a result where two totals (or a total and the quota) are that close; the tests compare
with pref-voting set to 15 decimal places, its nearest to exact arithmetic.

"By lot" is deterministic: a random generator seeded from the ballots themselves (with
candidates named by their position, so a recount of the same ballots, or of their BLT file,
draws the same lot). Every lot is reported in `StvResult.ties_broken_by_lot` so the scrutineer
can see it and, if the society's rules say so, draw again by hand. An election with no valid
vote elects nobody rather than choosing winners by lot.
"""

import hashlib
import random
from dataclasses import dataclass, field
from fractions import Fraction

RULES = "Scottish STV (Scottish Local Government Elections Order 2007), exact fractions"

FIRST, SURPLUS, EXCLUSION = "first preferences", "surplus", "exclusion"


class StvError(ValueError):
    """The ballots or the seats cannot be counted (unknown candidate, repeated preference)."""


@dataclass
class TieBreak:
    stage: int  # the stage the tie was met at (the next stage's number)
    purpose: str  # SURPLUS (whose surplus goes first) or EXCLUSION (who is excluded)
    tied: list[int]
    chosen: int
    by_lot: bool
    decided_at: int | None = None  # the earlier stage that separated them, when not by lot


@dataclass
class Stage:
    number: int
    action: str  # FIRST, SURPLUS or EXCLUSION
    candidate: int | None  # whose surplus was transferred, or who was excluded
    totals: dict[int, Fraction]  # every candidate's votes at the end of the stage
    non_transferable: Fraction  # votes that could go no further, so far
    elected: list[int] = field(default_factory=list)  # elected at the end of this stage
    tie: TieBreak | None = None


@dataclass
class StvResult:
    """Who was elected, in order, and the stage-by-stage figures for the results table."""

    candidates: list[int]
    names: dict[int, str]
    seats: int
    valid_votes: int
    quota: Fraction
    elected: list[int] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    ties: list[TieBreak] = field(default_factory=list)
    rules: str = RULES

    @property
    def ties_broken_by_lot(self) -> list[TieBreak]:
        return [t for t in self.ties if t.by_lot]

    def describe(self, stage: Stage) -> str:
        """The stage in plain English, for the stage table and `count_blt`."""
        name = self.names.get(stage.candidate, "")
        text = {FIRST: "First preferences counted",
                SURPLUS: f"Surplus of {name} transferred",
                EXCLUSION: f"{name} excluded, with the fewest votes"}[stage.action]
        if stage.tie:
            how = ("by lot" if stage.tie.by_lot
                   else f"by the votes at stage {stage.tie.decided_at}")
            tied = ", ".join(self.names[c] for c in stage.tie.tied)
            text += f" (a tie between {tied}, decided {how})"
        if stage.elected:
            text += ". Elected: " + ", ".join(self.names[c] for c in stage.elected)
        return text


@dataclass
class _Parcel:
    ranking: tuple[int, ...]
    position: int  # index in ranking of the candidate holding it
    papers: int
    value: Fraction  # value of each paper


def count(candidates: list[int], ballots: list[tuple[tuple[int, ...], int]], seats: int,
          names: dict[int, str] | None = None, lot=None) -> StvResult:
    """Count ranked ballots, given as (candidate ids in order of preference, how many).
    `lot(tied candidates) -> one of them` draws lots; by default a generator seeded from the
    ballots (see above). A returning officer could pass the result of a draw by hand."""
    return _Count(candidates, ballots, seats, names, lot).run()


class _Count:
    def __init__(self, candidates, ballots, seats, names, lot=None):
        if seats < 1:
            raise StvError("There must be at least one seat to fill.")
        if len(set(candidates)) != len(candidates):
            raise StvError("A candidate is listed twice.")
        self.order = {c: i for i, c in enumerate(candidates)}
        self.piles: dict[int, list[_Parcel]] = {c: [] for c in candidates}
        self.continuing = list(candidates)
        self.non_transferable = Fraction(0)
        valid = 0
        for ranking, papers in ballots:
            self._check(ranking, papers)
            if ranking and papers:
                valid += papers
                self.piles[ranking[0]].append(_Parcel(tuple(ranking), 0, papers, Fraction(1)))
        names = {c: (names or {}).get(c, f"Candidate {c}") for c in candidates}
        self.result = StvResult(candidates=list(candidates), names=names, seats=seats,
                                valid_votes=valid, quota=Fraction(valid // (seats + 1) + 1))
        self.lot = lot or random.Random(self._seed(ballots, seats)).choice
        self._pending_tie: TieBreak | None = None

    def _check(self, ranking, papers):
        if not isinstance(papers, int) or papers < 0:
            raise StvError(f"A ballot count must be a whole number, not {papers!r}.")
        unknown = [c for c in ranking if c not in self.order]
        if unknown:
            raise StvError(f"A ballot ranks an unknown candidate: {unknown[0]}.")
        if len(set(ranking)) != len(ranking):
            raise StvError("A ballot ranks the same candidate twice.")

    def _seed(self, ballots, seats) -> int:
        """Candidates by position, not id, so renumbering (as BLT does) draws the same lot."""
        canonical = sorted((tuple(self.order[c] for c in r), n) for r, n in ballots if n)
        digest = hashlib.sha256(repr((len(self.order), seats, canonical)).encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def total(self, candidate: int) -> Fraction:
        return sum((p.papers * p.value for p in self.piles[candidate]), Fraction(0))

    @property
    def seats_left(self) -> int:
        return self.result.seats - len(self.result.elected)

    def run(self) -> StvResult:
        self._record(FIRST, None)
        if not self.result.valid_votes:
            return self.result
        while self.seats_left and self.continuing:
            self._elect_reached()
            if not self.seats_left:
                break
            if len(self.continuing) <= self.seats_left:
                self._elect(self.continuing)
                break
            quota = self.result.quota
            surplus = [c for c in self.result.elected if self.total(c) > quota]
            if surplus:
                self._transfer_surplus(self._pick(surplus, highest=True, purpose=SURPLUS))
            else:
                self._exclude(self._pick(self.continuing, highest=False, purpose=EXCLUSION))
        return self.result

    def _record(self, action, candidate, tie=None):
        totals = {c: self.total(c) for c in self.result.candidates}
        self.result.stages.append(Stage(len(self.result.stages) + 1, action, candidate, totals,
                                        self.non_transferable, tie=tie))

    def _elect_reached(self):
        self._elect([c for c in self.continuing if self.total(c) >= self.result.quota])

    def _elect(self, candidates):
        ordered = sorted(candidates, key=lambda c: (-self.total(c), self.order[c]))
        for c in ordered:
            self.continuing.remove(c)
            self.result.elected.append(c)
            self.result.stages[-1].elected.append(c)

    def _pick(self, candidates, *, highest: bool, purpose: str) -> int:
        """The largest surplus or the lowest total; ties go back through earlier stages
        (rules 49 and 51), narrowing the field at each stage that separates them."""
        best = (max if highest else min)(self.total(c) for c in candidates)
        tied = sorted((c for c in candidates if self.total(c) == best), key=self.order.get)
        if len(tied) == 1:
            self._pending_tie = None
            return tied[0]
        remaining = tied
        for stage in reversed(self.result.stages):
            values = [stage.totals[c] for c in remaining]
            extreme = max(values) if highest else min(values)
            narrowed = [c for c in remaining if stage.totals[c] == extreme]
            if len(narrowed) < len(remaining):
                remaining = narrowed
                if len(remaining) == 1:
                    return self._tie(purpose, tied, remaining[0], decided_at=stage.number)
        chosen = self.lot(list(remaining))
        if chosen not in remaining:
            raise StvError(f"The lot must pick one of the tied candidates, not {chosen!r}.")
        return self._tie(purpose, tied, chosen, decided_at=None)

    def _tie(self, purpose, tied, chosen, decided_at):
        tie = TieBreak(stage=len(self.result.stages) + 1, purpose=purpose, tied=tied,
                       chosen=chosen, by_lot=decided_at is None, decided_at=decided_at)
        self.result.ties.append(tie)
        self._pending_tie = tie
        return chosen

    def _move(self, parcel: _Parcel, value: Fraction):
        """Send a parcel to its next continuing preference at `value` a paper."""
        for position in range(parcel.position + 1, len(parcel.ranking)):
            candidate = parcel.ranking[position]
            if candidate in self.continuing:
                self.piles[candidate].append(_Parcel(parcel.ranking, position, parcel.papers,
                                                     value))
                return
        self.non_transferable += parcel.papers * value

    def _transfer_surplus(self, candidate: int):
        total = self.total(candidate)
        share = (total - self.result.quota) / total
        for parcel in self.piles[candidate]:
            self._move(parcel, parcel.value * share)
            parcel.value -= parcel.value * share
        self._record(SURPLUS, candidate, self._pending_tie)

    def _exclude(self, candidate: int):
        self.continuing.remove(candidate)
        for parcel in self.piles[candidate]:
            self._move(parcel, parcel.value)
        self.piles[candidate] = []
        self._record(EXCLUSION, candidate, self._pending_tie)
