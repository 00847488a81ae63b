"""Voting's part of the personal-data machinery (membership/privacy/registry.py): the ballots a
person was on the roll for, with whether they voted and never how."""

from membership.privacy import registry

from .models import RollEntry


def roll_entries(user, society) -> list[dict]:
    rows = RollEntry.objects.filter(member__user=user).select_related("ballot__society")
    if society is not None:
        rows = rows.filter(member__society=society)
    return [{"society": r.ballot.society.name, "ballot": r.ballot.title,
             "opened_at": r.ballot.opened_at, "has_voted": r.has_voted, "recused": r.recused}
            for r in rows.order_by("ballot__opened_at", "pk")]


def register() -> None:
    registry.add_copy_part(registry.CopyPart("ballots", ("voting.RollEntry.member",),
                                             roll_entries))
    registry.add_copy_part(registry.acted_as("voting", (
        "voting.Ballot.created_by", "voting.Ballot.closed_early_by", "voting.Ballot.certified_by",
        "voting.Ballot.published_by", "voting.RoomCount.entered_by")))
