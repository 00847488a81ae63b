"""What the ballot page tells a member in words: why they are not on the roll, and how the
votes are weighed and decided. Plain English, kept apart from the views that show it."""

from django.utils import dateformat

from coop.enums import EmptyClassPolicy

from .enums import BallotKind, ResolutionKind, Weighting
from .results_export import parts_texts


def _day(value) -> str:
    return dateformat.format(value, "j F Y")


def why_not_on_roll(ballot, member) -> str:
    """Why a member is not on an open ballot's roll, as plainly as the register can say."""
    if member is None:
        return (f"You are not a member of {ballot.society.name}, so you cannot vote in its "
                "ballots.")
    if ballot.taken_at_meeting:
        return ("This resolution is voted on at a general meeting, by the members who were "
                "there when the chair opened the vote (and the members whose proxy was). "
                "You were not checked in then.")
    record = ballot.record_date
    if record and member.admitted_on > record:
        return (f"You joined on {_day(member.admitted_on)}, after this ballot's record date "
                f"({_day(record)}). Only people who were members on the record date can vote "
                "in it.")
    if record and member.ceased_on and member.ceased_on <= record:
        return f"Your membership ended on {_day(member.ceased_on)}, before the record date."
    if ballot.only_class_id and member.member_class_id != ballot.only_class_id:
        return (f"This ballot is only for members in the class “{ballot.only_class}”. You are "
                f"in the class “{member.member_class}”.")
    if not member.member_class.votes:
        return f"Members in the class “{member.member_class}” do not vote."
    return ("You were not in a voting class on the register on the record date"
            f"{f' ({_day(record)})' if record else ''}, so you are not on this ballot's roll. "
            "If you think this is wrong, contact the secretary.")


def weighting_text(ballot, weights) -> list[str]:
    """How the vote is weighed and decided, in plain words."""
    lines = []
    if ballot.only_class_id:
        lines.append(f"Only members in the class “{ballot.only_class}” vote in this ballot.")
    if ballot.weighting == Weighting.ONE_MEMBER_ONE_VOTE or ballot.only_class_id:
        lines.append("One member, one vote: every member's vote counts the same.")
    elif ballot.weighting == Weighting.CLASS_SHARE:
        texts = parts_texts([w.weight for w in weights])
        shares = ", ".join(f"{w.member_class.name} {text}"
                           for w, text in zip(weights, texts, strict=True))
        lines.append(f"Each class of member carries a fixed share of the result: {shares}. "
                     "Within a class, every member's vote counts the same.")
        lines.append("If nobody in a class votes, the other classes' shares are scaled up to "
                     "make 100%." if ballot.empty_class_policy == EmptyClassPolicy.RESCALE else
                     "If nobody in a class votes, that class's share counts as not cast.")
    else:
        each = ", ".join(f"{w.member_class.name} {w.votes_per_member} "
                         f"vote{'s' if w.votes_per_member != 1 else ''} each" for w in weights)
        lines.append(f"Each member's vote counts as a set number of votes, by class: {each}.")
    return lines + _decision_text(ballot)


def _decision_text(ballot) -> list[str]:
    if ballot.kind == BallotKind.RESOLUTION:
        threshold = ballot.threshold_percent.normalize()
        needed = ("more than half" if ballot.resolution_kind == ResolutionKind.ORDINARY
                  else f"at least {threshold:f}%")
        lines = [f"The resolution passes if {needed} of the votes cast for and against are "
                 "for it. Abstentions are not counted either way. A tie means it does not pass."]
        if ballot.require_class_majority:
            lines.append("It must also have more votes for than against in every class that "
                         "votes.")
        return lines
    if ballot.kind == BallotKind.RANKED:
        seats = ballot.seats
        return [f"The election fills {seats} seat{'s' if seats != 1 else ''}. The votes are "
                "counted by single transferable vote: if your first choice is elected or has "
                "no chance, your vote moves to your next choice."]
    if ballot.kind == BallotKind.ALLOCATION:
        return ["Each option's result is its share of all the points, and the shares add up "
                "to 100%."]
    return ["The option with the most votes wins. A tie is reported as a tie, never broken "
            "by chance."]
