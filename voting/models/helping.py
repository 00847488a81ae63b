"""Votes cast with help: a companion's (or an officer's) declaration against a roll entry.

It says who helped whom in which ballot, never what was chosen, and carries only the day, so
it adds nothing to link a vote to its voter beyond what the marked roll already says (that the
member voted). `slot` makes the society's limit on how many members one companion helps a
database guarantee: each help by one companion in a ballot takes a numbered slot, 1 up to the
limit, and two votes racing for the same slot cannot both be written."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop.text import validate_name, validate_one_line

from ..enums import HelpKind
from .ballots import Ballot
from .casting import RollEntry


class VotingHelp(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="helps")
    roll_entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="helps")
    kind = models.CharField(max_length=10, choices=HelpKind)
    helper_name = models.CharField(max_length=150, validators=[validate_name],
                                   help_text="As the helper gave it.")
    # The name folded to lower case with single spaces: the limit counts by it.
    helper_key = models.CharField(max_length=150, validators=[validate_name])
    # A signed-in helper (an officer taking a vote), else empty.
    helper_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    declaration_version = models.CharField(max_length=10, validators=[validate_one_line])
    # An officer's vote: how they checked it was the member (never what was chosen).
    identity_check = models.CharField(max_length=200, blank=True,
                                      validators=[validate_one_line])
    helped_on = models.DateField(default=timezone.localdate)
    audited = models.BooleanField(default=False, help_text="Audited when the box was opened.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["roll_entry", "helper_key"],
                                    name="help_once_per_helper_and_member"),
            models.UniqueConstraint(fields=["ballot", "helper_key", "slot"],
                                    name="help_one_member_per_slot"),
            models.CheckConstraint(condition=Q(kind="officer") | Q(slot__gte=1),
                                   name="help_companion_has_slot"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} help on {self.ballot_id}"
