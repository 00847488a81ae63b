"""A ballot, its options and its class weights. Weights, options and the roll are frozen when
the ballot opens: the services refuse to change them, and `save()` refuses too."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop.enums import ConflictPolicy, EmptyClassPolicy
from coop.models import Society
from coop.text import NOTE, TEXT, bounded_text, validate_one_line
from membership.models import InterestTopic, MemberClass

from ..enums import BallotKind, BallotState, ResolutionKind, Weighting


class FrozenError(Exception):
    """Something tried to change what an open ballot froze."""


class Ballot(models.Model):
    """A question put to the members. Its state comes from its timestamps (see `state`)."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="ballots")
    title = models.CharField(max_length=200, validators=[validate_one_line])
    summary = models.TextField("plain-English summary",
                               help_text="What the vote is about, in plain English.",
                               **bounded_text(TEXT))
    easy_read_summary = models.TextField(
        "easy-read summary", blank=True,
        help_text="Short sentences and everyday words, for members who asked for easy read.",
        **bounded_text(TEXT))
    kind = models.CharField(max_length=20, choices=BallotKind, default=BallotKind.RESOLUTION)
    weighting = models.CharField(max_length=20, choices=Weighting,
                                 default=Weighting.CLASS_SHARE)
    resolution_kind = models.CharField(max_length=20, choices=ResolutionKind,
                                       default=ResolutionKind.ORDINARY)
    threshold_percent = models.DecimalField(
        "pass threshold (%)", max_digits=7, decimal_places=4, default=Decimal("50"),
        validators=[MinValueValidator(Decimal("50")), MaxValueValidator(Decimal("100"))],
        help_text="Share of the weighted votes for and against that “for” must reach.")
    require_class_majority = models.BooleanField(
        "must also win in every class", default=False,
        help_text="A resolution passes only if “for” also beats “against” in every class "
                  "that voted.")
    seats = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)],
        help_text="How many people this election fills.")
    only_class = models.ForeignKey(
        MemberClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Limit the vote to one class (for a class's own election).")
    allow_vote_changes = models.BooleanField(
        "members may change their vote", default=False,
        help_text="Members can vote again before closing; the last vote counts.")
    live_results = models.BooleanField(
        "show results while open", default=False)
    empty_class_policy = models.CharField(max_length=20, choices=EmptyClassPolicy,
                                          default=EmptyClassPolicy.RESCALE)
    topics = models.ManyToManyField(
        InterestTopic, blank=True, related_name="ballots",
        help_text="What the decision touches; members with an interest in these are asked.")
    conflict_policy = models.CharField(max_length=10, choices=ConflictPolicy,
                                       default=ConflictPolicy.DECLARE)
    breakdown_minimum = models.PositiveSmallIntegerField(
        default=5, help_text="A class's own breakdown is hidden when fewer than this voted.")
    record_date = models.DateField(
        null=True, blank=True,
        help_text="Members on the register on this day are on the roll. Blank: the day it opens.")
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True, **bounded_text(NOTE))
    closed_early_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+")
    certified_at = models.DateTimeField(null=True, blank=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    certificate_note = models.TextField(blank=True, **bounded_text(TEXT))
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # When the marked roll was reduced to counts (voting/marked_roll.py): after this the roll
    # no longer says who voted, and turnout is read from RollCount.
    roll_reduced_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the marked roll was reduced to counts, after the challenge period.")
    # The scrutineer's seal (`voting.seal`): only the public key and how to derive the private
    # one from the scrutineer's passphrase are kept; the passphrase never is.
    scrutineer_seal = models.BooleanField(
        "seal the votes for the scrutineer", default=False,
        help_text="Only the scrutineer's passphrase can open the votes: nobody, not even "
                  "the server, can see figures before they do. If the passphrase is lost, "
                  "the ballot cannot be counted.")
    seal_public_key = models.BinaryField(max_length=32, null=True, blank=True, editable=False)
    seal_salt = models.BinaryField(max_length=16, null=True, blank=True, editable=False)
    seal_kdf = models.CharField(max_length=40, blank=True, editable=False)
    taken_at_meeting = models.BooleanField(
        default=False, help_text="A resolution voted on in the room at a general meeting: "
                                 "only the chair opens it, with the people present.")
    # Votes cast ahead of a meeting are a ballot of their own (online and paper, sealed like
    # any other), whose counted marks add to the room's ballot at its count.
    adds_to = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="advance",
        help_text="The meeting's vote these votes, cast ahead of it, are counted with.")

    # Not a column: the frozen facts `voting.frozen` read for this instance, so one request
    # asks the cache once.
    cached_facts = None

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="ballot_closes_after_opening"),
            models.CheckConstraint(
                condition=Q(certified_at__isnull=True) | Q(opened_at__isnull=False),
                name="ballot_certified_only_after_opening"),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(certified_at__isnull=False),
                name="ballot_published_only_after_certification"),
            models.CheckConstraint(
                condition=Q(roll_reduced_at__isnull=True) | Q(published_at__isnull=False),
                name="ballot_roll_reduced_only_after_publishing"),
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=50) & Q(threshold_percent__lte=100),
                name="ballot_threshold_range"),
            models.CheckConstraint(
                condition=Q(scrutineer_seal=False) | Q(opened_at__isnull=True)
                | (Q(seal_public_key__isnull=False) & Q(seal_salt__isnull=False)),
                name="ballot_sealed_opens_only_with_a_key"),
        ]

    def __str__(self):
        return self.title

    def state_at(self, now) -> str:
        if self.published_at:
            return BallotState.PUBLISHED
        if self.certified_at:
            return BallotState.CERTIFIED
        if self.closed_at or (self.opened_at and self.closes_at and self.closes_at <= now):
            return BallotState.CLOSED
        if self.opened_at:
            return BallotState.OPEN
        if self.opens_at:
            return BallotState.SCHEDULED
        return BallotState.DRAFT

    @property
    def state(self) -> str:
        """Derived from the timestamps, so a ballot past its closing time is closed even if
        no job has run yet."""
        return self.state_at(timezone.now())

    def get_state_display(self) -> str:
        return BallotState(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state == BallotState.OPEN

    @property
    def is_editable(self) -> bool:
        return self.opened_at is None

    @property
    def seal_ready(self) -> bool:
        """Not under the scrutineer's seal, or the scrutineer has set the passphrase."""
        return not self.scrutineer_seal or self.seal_public_key is not None

    @property
    def has_closed(self) -> bool:
        return self.state in {BallotState.CLOSED, BallotState.CERTIFIED, BallotState.PUBLISHED}


class _FrozenOnOpen(models.Model):
    """Rows that may change only while their ballot is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self):
        if Ballot.objects.filter(pk=self.ballot_id, opened_at__isnull=False).exists():
            raise FrozenError("This ballot is open: its options and weights cannot change.")


class BallotOption(_FrozenOnOpen):
    """One answer on the ballot paper: an option, a candidate, or for/against/abstain."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="options")
    label = models.CharField(max_length=200, validators=[validate_one_line])
    description = models.TextField(blank=True, **bounded_text(TEXT))
    code = models.CharField(max_length=20, blank=True,
                            help_text="for/against/abstain on a resolution; blank otherwise.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ballot", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "label"], name="option_unique_label"),
        ]

    def __str__(self):
        return self.label


class ClassWeight(_FrozenOnOpen):
    """A class's weight in this ballot, copied from the society when the ballot was drafted."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="class_weights")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveIntegerField(
        help_text="Whole-number parts: the class's share is its parts over the ballot's total.")
    votes_per_member = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["ballot", "member_class__position", "member_class_id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "member_class"],
                                    name="classweight_one_per_class"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="classweight_parts"),
            models.CheckConstraint(condition=Q(votes_per_member__gte=1),
                                   name="classweight_at_least_one_vote"),
        ]

    def __str__(self):
        return f"{self.member_class}: {self.weight} parts"
