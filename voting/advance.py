"""Votes cast ahead of a general meeting. They are a ballot of their own (`Ballot.adds_to`
names the room's ballot), cast online or on paper and sealed like any other, and its box is
opened when it closes, before the meeting. At the room's count its counted marks are added
to the room's figures class by class, so the same weights and threshold apply, and only
counts cross from one ballot to the other: nothing that could link a vote to a member."""

from django.db.models import Count, Sum

from .models import Ballot, VoteMark


def add_marks(ballot: Ballot, classes: dict, *, without_interest: bool = False) -> int:
    """Add the opened marks of the votes cast ahead of `ballot` (a meeting's vote) to
    `classes` (class id -> `tally.ClassCount`), matching options by their code (for, against,
    abstain). Returns how many marks were added. One query, or two when there are any."""
    if not ballot.taken_at_meeting:
        return 0
    marks = VoteMark.objects.filter(ballot__adds_to=ballot, ballot__closed_at__isnull=False)
    if without_interest:
        marks = marks.filter(with_interest=False)
    rows = list(marks.values_list("member_class_id", "option__code")
                .annotate(n=Count("*"), points=Sum("value")).order_by())
    if not rows:
        return 0
    options = dict(ballot.options.values_list("code", "pk"))
    added = 0
    for class_id, code, n, points in rows:
        if class_id not in classes:  # a class that stopped voting before the room's vote
            continue                 # opened: the room's rules count no vote of it
        cls, option_id = classes[class_id], options[code]
        cls.counts[option_id] = cls.counts.get(option_id, 0) + n
        cls.points[option_id] = cls.points.get(option_id, 0) + points
        added += n
    return added


def add_turnout(ballot: Ballot, roll: dict) -> int:
    """Add those who voted ahead of the meeting to the turnout of its room's vote, class by
    class, in `roll` ({class id: (on roll, voted, recused)}): they are on neither the room's
    roll nor its count otherwise (the room's roll leaves them out). Returns how many."""
    from . import marked_roll

    if not ballot.taken_at_meeting:
        return 0
    advance = Ballot.objects.filter(adds_to=ballot, closed_at__isnull=False).first()
    if advance is None:
        return 0
    added = 0
    for class_id, counted in marked_roll.turnout(advance).items():
        on_roll, voted, recused = roll.get(class_id, (0, 0, 0))
        roll[class_id] = (on_roll + counted.voted, voted + counted.voted, recused)
        added += counted.voted
    return added
