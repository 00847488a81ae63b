"""Voting's part of the personal-data machinery (membership/privacy/registry.py): the ballots a
person was on the roll for, with whether they voted and never how (once the marked roll has
been reduced to counts, only the date it was destroyed), and the retention step that reduces
marked rolls after the challenge period (voting/marked_roll.py)."""

from membership.privacy import registry

from . import marked_roll
from .models import RollEntry


def roll_entries(user, society) -> list[dict]:
    rows = RollEntry.objects.filter(member__user=user).select_related("ballot__society")
    if society is not None:
        rows = rows.filter(member__society=society)
    return [{"society": r.ballot.society.name, "ballot": r.ballot.title,
             "opened_at": r.ballot.opened_at,
             "has_voted": None if r.ballot.roll_reduced_at else r.has_voted,
             "marked_roll_destroyed_on": (r.ballot.roll_reduced_at.date()
                                          if r.ballot.roll_reduced_at else None),
             "recused": r.recused}
            for r in rows.order_by("ballot__opened_at", "pk")]


def register() -> None:
    registry.add_copy_part(registry.CopyPart("ballots", ("voting.RollEntry.member",),
                                             roll_entries))
    registry.add_copy_part(registry.acted_as("voting", (
        "voting.Ballot.created_by", "voting.Ballot.closed_early_by", "voting.Ballot.certified_by",
        "voting.Ballot.published_by", "voting.RoomCount.entered_by",
        "voting.OptionPicture.added_by", "voting.VotingHelp.helper_user")))
    registry.add_retention_step(registry.RetentionStep(
        "marked_rolls_reduced", "ballot_challenge_days",
        "Who voted in a ballot, once the result can no longer be challenged",
        marked_roll.rolls_due, lambda rows: marked_roll.reduce_rolls(list(rows)),
        marked_roll.describe, unit="days"))
