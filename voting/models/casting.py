"""The roll, the sealed envelopes, the counted votes and the paper ballots.

Secrecy: while a ballot is open a vote exists only as a sealed `Envelope`; the `voter_token`
beside it (to change a vote) is an HMAC of the ballot and member under `settings.VOTE_KEY`,
which lives outside the database. At close the envelopes are opened together, shuffled, into
`Vote`s and `VoteMark`s that carry no member id, no token, no time and a new random id, and
destroyed. The roll records only whether each member voted."""

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


class Envelope(models.Model):
    """A sealed vote, kept while the ballot is open. Its marks, class, interest bit and
    receipt hash are inside `sealed` (AES-GCM under a per-ballot key derived from
    `settings.VOTE_KEY`, see `voting.envelopes`), padded to one length per ballot. Only the
    voter token (to replace or refuse a second vote) and whether it is current sit beside it.
    At close the box is opened: envelopes become counted votes in a shuffled order and are
    destroyed, so nothing stored beside an envelope ever reaches a counted vote."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="envelopes")
    voter_token = models.CharField(max_length=64)
    current = models.BooleanField(default=True)
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter_token"], condition=Q(current=True),
                                    name="envelope_one_current_per_voter"),
        ]

    def __str__(self):
        return f"Envelope on {self.ballot_id}"


class Vote(models.Model):
    """A counted vote, written when the box is opened: the class it was cast in and whether
    it was cast with an interest, nothing else. Votes of a ballot are written together in a
    shuffled order, with new random ids, so neither order nor id says when one was cast."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A million votes are written at once when the box is opened, so no index is kept that
    # another one covers: `vote_count` serves lookups by ballot.
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="votes",
                               db_index=False)
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    # The one thing a vote says about its voter: they had an interest in the ballot's topics.
    with_interest = models.BooleanField(default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["ballot", "member_class"], name="vote_count")]

    def __str__(self):
        return f"Vote {self.id} on {self.ballot_id}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Votes are never deleted.")


class VoteMark(models.Model):
    """One mark on a counted vote: an option chosen (value 1), points given (allocation) or a
    rank. Ballot and class are copied from the vote so counting is one GROUP BY."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexes covered by another (the unique vote+option, `mark_count`) are left out.
    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="marks",
                             db_index=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    option = models.ForeignKey("voting.BallotOption", on_delete=models.PROTECT,
                               related_name="marks")
    value = models.PositiveSmallIntegerField(default=1)
    with_interest = models.BooleanField(default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "option"], name="mark_one_per_option"),
        ]
        indexes = [
            # Covers the count: GROUP BY class, option over one ballot's marks.
            models.Index(fields=["ballot", "member_class", "option", "value",
                                 "with_interest"], name="mark_count"),
        ]

    def __str__(self):
        return f"Mark on {self.vote_id}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Votes are never deleted.")


class Receipt(models.Model):
    """The hash of a receipt code whose envelope was opened: counted, or replaced by a later
    vote of the same member. Written at opening in the order of the hashes, apart from the
    votes, so a receipt leads to no vote and no vote to a receipt."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="receipts",
                               db_index=False)  # `receipt_list` covers it
    receipt_hash = models.CharField(max_length=64, unique=True)
    counted = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["ballot", "counted", "receipt_hash"],
                                name="receipt_list")]

    def __str__(self):
        return f"Receipt on {self.ballot_id}"


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


class RollCount(models.Model):
    """A class's turnout on a ballot, kept when the marked roll is reduced to counts after the
    challenge period, as returning officers destroy marked registers: how many could vote,
    voted and stood aside, and how the paper ballots came back. Written once; never changed."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="roll_counts")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+")
    on_roll = models.PositiveIntegerField(help_text="On the roll and not standing aside.")
    voted = models.PositiveIntegerField()
    recused = models.PositiveIntegerField()
    papers_issued = models.PositiveIntegerField(default=0, help_text="Issued, not returned.")
    papers_counted = models.PositiveIntegerField(default=0)
    papers_rejected = models.PositiveIntegerField(default=0)
    # Votes cast with help (the results show only their totals over all classes).
    helped_by_companion = models.PositiveIntegerField(default=0)
    taken_by_officer = models.PositiveIntegerField(default=0)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member_class"],
                                    name="roll_count_one_per_class"),
            models.CheckConstraint(condition=Q(voted__lte=models.F("on_roll")),
                                   name="roll_count_voted_within_roll"),
        ]

    def __str__(self):
        return f"{self.voted} of {self.on_roll} voted in class {self.member_class_id}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Turnout counts are never deleted.")
