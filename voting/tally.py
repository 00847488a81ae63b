"""Weighing counted votes: pure functions on the figures the database grouped, in exact
fractions. Nothing here rounds; rounding happens only when a figure is shown.

An option's class-share result is Σ over classes of weight × (class votes for option ÷ class
votes cast). A class with no votes cast is "empty": the society's policy either shares its
weight among the other classes (rescale) or keeps it as not cast."""

from dataclasses import dataclass, field
from fractions import Fraction

from coop.enums import EmptyClassPolicy

from .enums import ALLOCATION_POINTS, BallotKind, ResolutionKind, Weighting


@dataclass
class ClassCount:
    """What the database counted in one class."""

    class_id: int
    name: str
    weight: Fraction  # share of the result, 0..1
    votes_per_member: int
    voters: int  # votes cast in the class (head count)
    counts: dict[int, int] = field(default_factory=dict)  # option id -> marks
    points: dict[int, int] = field(default_factory=dict)  # option id -> sum of values


@dataclass
class Rules:
    kind: str
    weighting: str
    empty_class_policy: str = EmptyClassPolicy.RESCALE
    resolution_kind: str = ResolutionKind.ORDINARY
    threshold: Fraction = Fraction(1, 2)  # of the votes for and against
    require_class_majority: bool = False
    for_option: int | None = None
    against_option: int | None = None


@dataclass
class Outcome:
    shares: dict[int, Fraction]  # option id -> share of the result, 0..1
    not_cast: Fraction  # share kept as not cast (class share, policy "not cast")
    winners: list[int]  # more than one means a tie (choice, approval)
    passed: bool | None = None  # resolutions only
    for_ratio: Fraction | None = None  # weighted for ÷ (for + against)
    failed_classes: list[int] = field(default_factory=list)
    # Class share only: class id -> the weight the count actually gave it (0..1), after the
    # empty-class policy; and the classes that counted no votes (none, or only abstentions).
    weights_used: dict[int, Fraction] = field(default_factory=dict)
    empty_classes: list[int] = field(default_factory=list)


def class_denominator(kind: str, cls: ClassCount, rules: Rules) -> int:
    """What a class's marks are divided by to give its shares."""
    if kind == BallotKind.RESOLUTION:
        return cls.counts.get(rules.for_option, 0) + cls.counts.get(rules.against_option, 0)
    if kind == BallotKind.ALLOCATION:
        return cls.voters * ALLOCATION_POINTS
    return cls.voters


def _numerator(kind: str, cls: ClassCount, option: int) -> int:
    if kind == BallotKind.ALLOCATION:
        return cls.points.get(option, 0)
    return cls.counts.get(option, 0)


def _resolution_options(kind, options, rules) -> list[int]:
    if kind == BallotKind.RESOLUTION:
        return [o for o in options if o in (rules.for_option, rules.against_option)]
    return options


def class_shares(classes: list[ClassCount], options: list[int], rules: Rules):
    """Shares under the class-share scheme, and the share left as not cast."""
    counted = [c for c in classes if class_denominator(rules.kind, c, rules) > 0]
    weight_cast = sum((c.weight for c in counted), Fraction(0))
    weight_all = sum((c.weight for c in classes), Fraction(0))
    shares = {o: Fraction(0) for o in options}
    for cls in counted:
        denominator = class_denominator(rules.kind, cls, rules)
        for option in _resolution_options(rules.kind, options, rules):
            shares[option] += cls.weight * Fraction(_numerator(rules.kind, cls, option),
                                                    denominator)
    if rules.empty_class_policy == EmptyClassPolicy.RESCALE:
        if weight_cast:
            shares = {o: s / weight_cast for o, s in shares.items()}
        return shares, Fraction(0)  # nobody voted with any weight: every share is 0
    # Not cast: the empty classes' weight stays out of every option.
    scale = weight_all if weight_all else Fraction(1)
    return {o: s / scale for o, s in shares.items()}, (weight_all - weight_cast) / scale


def member_shares(classes: list[ClassCount], options: list[int], rules: Rules,
                  *, per_member: bool):
    """Shares when each member carries one vote, or their class's number of votes."""
    total = Fraction(0)
    shares = {o: Fraction(0) for o in options}
    for cls in classes:
        votes = cls.votes_per_member if per_member else 1
        total += votes * class_denominator(rules.kind, cls, rules)
        for option in _resolution_options(rules.kind, options, rules):
            shares[option] += votes * _numerator(rules.kind, cls, option)
    if total == 0:
        return shares, Fraction(0)
    return {o: s / total for o, s in shares.items()}, Fraction(0)


def shares_for(weighting: str, classes, options, rules):
    if weighting == Weighting.CLASS_SHARE:
        return class_shares(classes, options, rules)
    return member_shares(classes, options, rules, per_member=weighting == Weighting.PER_MEMBER)


def resolution_passes(ratio: Fraction, for_share: Fraction, against_share: Fraction,
                      rules: Rules) -> bool:
    """An ordinary resolution needs more than half; special and custom thresholds need at
    least the threshold. A tie fails whatever the threshold."""
    if for_share == against_share:
        return False
    if rules.resolution_kind == ResolutionKind.ORDINARY:
        return ratio > rules.threshold
    return ratio >= rules.threshold


def weights_used(classes: list[ClassCount], rules: Rules) -> tuple[dict, list[int]]:
    """The weight each class really carried under the empty-class policy, and the empty
    classes: rescale shares an empty class's weight among the others in proportion to
    theirs; not cast keeps every weight and the empty classes' part counts for no option."""
    empty = [c.class_id for c in classes if class_denominator(rules.kind, c, rules) == 0]
    weight_all = sum((c.weight for c in classes), Fraction(0))
    if rules.empty_class_policy == EmptyClassPolicy.RESCALE:
        scale = weight_all - sum((c.weight for c in classes if c.class_id in empty),
                                 Fraction(0))
    else:
        scale = weight_all
    return ({c.class_id: (Fraction(0) if not scale or (
        c.class_id in empty and rules.empty_class_policy == EmptyClassPolicy.RESCALE)
        else c.weight / scale) for c in classes}, empty)


def decide(classes: list[ClassCount], options: list[int], rules: Rules,
           weighting: str | None = None) -> Outcome:
    """Weigh the counts under `weighting` (the ballot's own by default) and find the outcome."""
    weighting = weighting or rules.weighting
    shares, not_cast = shares_for(weighting, classes, options, rules)
    used, empty = weights_used(classes, rules) if weighting == Weighting.CLASS_SHARE \
        else ({}, [])
    if rules.kind == BallotKind.RESOLUTION:
        for_share = shares.get(rules.for_option, Fraction(0))
        against_share = shares.get(rules.against_option, Fraction(0))
        cast = for_share + against_share
        ratio = for_share / cast if cast else Fraction(0)
        passed = cast > 0 and resolution_passes(ratio, for_share, against_share, rules)
        failed = []
        if rules.require_class_majority:
            failed = [c.class_id for c in classes
                      if class_denominator(rules.kind, c, rules) > 0
                      and c.counts.get(rules.for_option, 0)
                      <= c.counts.get(rules.against_option, 0)]
            passed = passed and not failed
        return Outcome(shares, not_cast, [], passed=passed, for_ratio=ratio,
                       failed_classes=failed, weights_used=used, empty_classes=empty)
    top = max(shares.values(), default=Fraction(0))
    winners = [o for o, s in shares.items() if s == top and top > 0]
    if rules.kind == BallotKind.ALLOCATION:
        winners = []
    return Outcome(shares, not_cast, winners, weights_used=used, empty_classes=empty)
