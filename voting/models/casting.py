"""The roll, the votes and the paper ballots.

Secrecy: a `Vote` and its `VoteMark`s carry no member id, a random UUID id and only the day it
was cast. The `voter_token` that lets a member change their vote is an HMAC of the ballot and
member under `settings.VOTE_KEY`, which lives outside the database. The roll records only
whether each member voted."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from membership.models import Member, MemberClass

from ..enums import PaperState
from .ballots import Ballot


class AppendOnlyQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Votes are never deleted.")


class RollEntry(models.Model):
    """A member on a ballot's electoral roll, frozen when the ballot opens."""

    # Freezing a 100,000-member roll must take seconds. The unique (ballot, member) and
    # turnout indexes cover lookups by ballot and by class, so those columns get no index of
    # their own; and PostgreSQL's per-row foreign-key checks on ballot and class (the same
    # ballot on every row, and each member's own class, copied by `freeze_roll`) are skipped.
    # PROTECT still guards them in Django, and the member key keeps its database check.
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="roll",
                               db_index=False, db_constraint=False)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="roll_entries")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+",
                                     db_index=False, db_constraint=False)
    has_voted = models.BooleanField(default=False)
    recused = models.BooleanField(
        default=False, help_text="Left out of the vote: an interest in the ballot's topics.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member"], name="roll_one_entry_per_member"),
        ]
        indexes = [models.Index(fields=["ballot", "member_class", "has_voted"],
                                name="roll_turnout")]

    def __str__(self):
        return f"{self.member} on {self.ballot}"


class Vote(models.Model):
    """One member's vote, with nothing that names them. When a ballot lets members change
    their vote, the old vote stays with `current=False` and only the current one counts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="votes")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+")
    voter_token = models.CharField(max_length=64)
    receipt_hash = models.CharField(max_length=64, unique=True)
    cast_on = models.DateField(default=timezone.localdate)
    current = models.BooleanField(default=True)
    # The one thing a vote says about its voter: they had an interest in the ballot's topics.
    with_interest = models.BooleanField(default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter_token"], condition=Q(current=True),
                                    name="vote_one_current_per_voter"),
        ]
        indexes = [models.Index(fields=["ballot", "current", "member_class"],
                                name="vote_count")]

    def __str__(self):
        return f"Vote {self.id} on {self.ballot_id}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Votes are never deleted.")


class VoteMark(models.Model):
    """One mark on a vote: an option chosen (value 1), points given (allocation) or a rank.
    Ballot, class and `current` are copied from the vote so counting is one GROUP BY."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="marks")
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="+")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey("voting.BallotOption", on_delete=models.PROTECT,
                               related_name="marks")
    value = models.PositiveSmallIntegerField(default=1)
    current = models.BooleanField(default=True)
    with_interest = models.BooleanField(default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "option"], name="mark_one_per_option"),
        ]
        indexes = [
            # Covers the count: GROUP BY class, option over one ballot's current marks.
            models.Index(fields=["ballot", "current", "member_class", "option", "value",
                                 "with_interest"], name="mark_count"),
        ]

    def __str__(self):
        return f"Mark on {self.vote_id}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Votes are never deleted.")


class BallotPaper(models.Model):
    """A paper ballot issued to a member on the roll. Its one-time code is derived from the
    vote key, so it can be printed again; only its hash is stored."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="papers")
    roll_entry = models.OneToOneField(RollEntry, on_delete=models.PROTECT, related_name="paper")
    code_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=PaperState, default=PaperState.ISSUED)
    issued_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["ballot", "id"]

    def __str__(self):
        return f"Paper for {self.roll_entry}"


class RoomCount(models.Model):
    """Hands counted by the tellers at a meeting: in one class, how many voted for one option.
    It is a count, not a vote, so it names nobody; entering it again replaces it."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="room_counts")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey("voting.BallotOption", on_delete=models.PROTECT,
                               related_name="room_counts")
    count = models.PositiveIntegerField()
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member_class", "option"],
                                    name="roomcount_one_per_class_option"),
        ]

    def __str__(self):
        return f"{self.count} hands for {self.option_id} in class {self.member_class_id}"
