"""Results in easy read: the outcome first, in one short sentence, then one idea a line, each
with a picture. Only figures the standard page already shows are used, so easy read can never
reveal more about a small class than the standard version does."""

from dataclasses import dataclass
from fractions import Fraction

from .enums import BallotKind, BallotState, Weighting
from .results_export import and_list, threshold_text


@dataclass(frozen=True)
class Point:
    picture: str  # a file in static/coop/easyread, without ".svg"
    text: str


def outcome_point(results) -> Point:
    """The outcome in one easy-read sentence: "Most people voted YES. The change will happen."."""
    kind = results.ballot.kind
    if kind == BallotKind.RESOLUTION:
        point = _resolution_outcome(results)
    elif kind == BallotKind.RANKED:
        point = _election_outcome(results)
    else:
        point = _choice_outcome(results)
    if results.ballot.state == BallotState.OPEN:
        return Point(point.picture, f"Voting has not finished. So far: {point.text}")
    return point


def _resolution_outcome(results) -> Point:
    if results.figures_hidden:  # passed or not is all members may see (voting.disclosure)
        return (Point("yes", "Most people voted YES. The change will happen.")
                if results.outcome.passed else Point("no", "The change will not happen."))
    shares = {o.code: results.outcome.shares.get(o.pk, Fraction(0)) for o in results.options}
    yes, no = shares.get("for", Fraction(0)), shares.get("against", Fraction(0))
    if results.outcome.passed:
        return Point("yes", "Most people voted YES. The change will happen.")
    if yes + no == 0:
        return Point("no", "Nobody voted YES or NO. The change will not happen.")
    if yes == no:
        return Point("no", "The same number voted YES and NO. The change will not happen.")
    if yes > no:
        return Point("no", "More people voted YES than NO, but not enough. "
                           "The change will not happen.")
    return Point("no", "Most people voted NO. The change will not happen.")


def _choice_outcome(results) -> Point:
    winners = [w.label for w in results.winners]
    if not winners:
        return Point("vote", "Nobody voted.")
    if len(winners) > 1:
        return Point("vote", f"{and_list(winners)} got the same number of votes. Nobody won.")
    return Point("winner", f"Most votes went to {winners[0]}.")


def _election_outcome(results) -> Point:
    count = results.stv
    elected = [count.names[pk] for pk in count.elected] if count else []
    if not elected:
        return Point("no", "Nobody was elected.")
    return Point("winner", f"These people were elected: {and_list(elected)}.")


def result_points(results, rows) -> list[Point]:
    """The easy-read results after the outcome: who voted, what each option got, and why a
    resolution needed what it needed. `rows` are the standard page's rows (already safe)."""
    ballot = results.ballot
    voted = results.voted
    points = [Point("person", f"{voted} {'person' if voted == 1 else 'people'} voted.")]
    if ballot.kind == BallotKind.RESOLUTION:
        points.append(Point("help", f"It needed {_needs(ballot)} of the votes to say YES."))
    elif ballot.kind == BallotKind.RANKED:
        points.append(Point("numbers", "People put the candidates in order: 1, 2, 3."))
    elif not results.figures_hidden:
        points += [Point("vote", f"{row['option'].label}: {row['share_text']} of the votes.")
                   for row in rows if row["counted"]]
    if results.figures_hidden:
        points.append(Point("help", "Some numbers are not shown. This keeps the votes of a "
                                    "small group secret."))
    if ballot.weighting != Weighting.ONE_MEMBER_ONE_VOTE:
        points.append(Point("meeting", "Some groups of members count for more. "
                                       "This keeps it fair between the groups."))
    return points


def _needs(ballot) -> str:
    figure = Fraction(ballot.threshold_percent)
    if figure == 75:
        return "at least 3 out of every 4"
    if figure == 50:
        return "more than half"
    return threshold_text(ballot)
