"""Disclosure control: what of a count members may see, so that a small class's votes cannot
be worked out from the figures published.

Hiding a small class's own table is not enough: the totals less the other classes' tables give
its split, and the weighted shares, the one-member-one-vote comparison and the result without
interested votes each add another equation. Statistics offices protect a small cell by
suppressing it and enough other cells that it cannot be recovered. Here the rule is kept
simple enough to explain in one sentence:

    When fewer than the ballot's `breakdown_minimum` (but at least one) voted in any class,
    members see the outcome and the turnout, and no other figure of the count.

So, for such a ballot, everything a member can read (page, chart, CSV, API, certificate,
minutes, the surplus outcome) shows:

- the outcome, always: passed or not (and the classes that failed a required class majority),
  the winner or a tie, the candidates elected, and for an allocation the exact shares (they
  are the pounds, and the pounds are the decision);
- each class's roll and turnout (who voted is not how they voted);

and hides, with `HIDDEN_REASON`: every head count, every weighted and one-member share (but an
allocation's), the "for" percentage, every class's own table, the weights used and the classes
that counted no votes (a class that only abstained), the share not cast (but an allocation's,
which follows turnout alone), the whole result without interested votes, and how many votes
were cast with help.

When no class is small, the result without interested votes is still hidden as a whole if,
in any class, fewer than the minimum (but some) votes were cast with an interest, or without
one: set beside the real result, it would give those few votes away as a difference.

Where the outcome itself gives a class away (a class of one, or the only class that voted),
nothing can hide it: the officer opening the ballot is warned and those members are told before
they vote (`selectors.small_classes`). STV elections keep their stage table and the anonymous
ballots (BLT): neither says which class a ballot came from.

The scrutineer and the board see the full count (`full=True`): they certify it.
`tests/voting/test_disclosure_adversary.py` checks the rule by brute force: it looks for
another split of a small class's votes consistent with what a member can download (every split
for marks; for an allocation's points, the exchanges that keep the shares)."""

from dataclasses import replace
from fractions import Fraction

from . import tally
from .enums import BallotKind

HIDDEN_REASON = "Hidden to keep a small group's votes secret"


def small_class_names(results) -> list[str]:
    """Classes in which at least one but fewer than the minimum votes were counted."""
    minimum = results.ballot.breakdown_minimum
    return [row.name for row in results.classes if 0 < row.voters < minimum]


def hidden_text(results) -> str:
    """Why the figures are hidden, in plain words, naming the small classes."""
    names = small_class_names(results)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    return (f"{HIDDEN_REASON}: fewer than {results.ballot.breakdown_minimum} voted in "
            f"{listed}, so only the outcome and the turnout are shown. The scrutineer "
            "counted and certified every vote.")


def publish(results, *, full: bool = False):
    """The figures members may see: `results` itself when no class is small (or for the
    scrutineer and the board, `full`), else a copy keeping only the outcome and turnout."""
    if full or results.figures_hidden:
        return results
    if not small_class_names(results):
        if _comparison_gives_away(results):
            return replace(results, without_interest=None, without_interest_classes=[],
                           without_interest_hidden=True)
        return results
    allocation = results.ballot.kind == BallotKind.ALLOCATION
    real = results.outcome
    outcome = tally.Outcome(
        shares=dict(real.shares) if allocation else {},
        not_cast=real.not_cast if allocation else Fraction(0),
        winners=list(real.winners), passed=real.passed,
        failed_classes=list(real.failed_classes),
        # An allocation's empty classes are those nobody voted in: turnout, not a split.
        weights_used=dict(real.weights_used) if allocation else {},
        empty_classes=list(real.empty_classes) if allocation else [])
    return replace(
        results, outcome=outcome, figures_hidden=True, head_counts={},
        one_member_outcome=tally.Outcome(shares={}, not_cast=Fraction(0), winners=[]),
        classes=[_turnout_only(row, allocation) for row in results.classes],
        without_interest=None, without_interest_classes=[],
        without_interest_hidden=results.with_interest > 0, helped=None)


def _comparison_gives_away(results) -> bool:
    """Beside the real result, the result without interested votes shows, as a difference,
    how a class's interested votes went, and how the rest went: so it is a small group of its
    own when fewer than the minimum (but some) of a class's votes were cast with an interest,
    or without one."""
    minimum = results.ballot.breakdown_minimum
    real = {row.class_id: row.voters for row in results.classes}
    return any(0 < row.voters < minimum or 0 < real[row.class_id] - row.voters < minimum
               for row in results.without_interest_classes)


def _turnout_only(row, allocation: bool):
    return replace(row, shown=False, counts={}, shares={},
                   weight_used=row.weight_used if allocation else None,
                   empty=row.empty if allocation else False)
