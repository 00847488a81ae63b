"""A general meeting and its record: the notice and who was sent it, the agenda, who came,
apologies, proxies, withdrawals for interests, requisitions, board elections and the minutes.

Like the rest of the register, the record is kept: attendance, notices, proxies (revoked,
not deleted), nominations (withdrawn, not deleted) and approved minutes never change."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop.models import Society
from coop.text import LONG_TEXT, NOTE, TEXT, bounded_text, validate_one_line
from membership.models import InterestTopic, Member, MemberClass

from .enums import (
    AgendaItemKind,
    AttendanceMode,
    MeetingKind,
    MeetingState,
    NoticeMethod,
    ProxyDirection,
)


class KeptQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Meeting records are kept, never deleted.")


class KeptRecord(models.Model):
    """A row of the meeting record: never deleted."""

    objects = KeptQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError("Meeting records are kept, never deleted.")


class Requisition(KeptRecord):
    """Members asking for a general meeting. Once enough support it, the secretary is told
    and must call the meeting."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="requisitions")
    purpose = models.TextField(**bounded_text(TEXT))
    started_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    supporters_needed = models.PositiveIntegerField()
    reached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Requisition: {self.purpose[:60]}"


class RequisitionSupport(KeptRecord):
    requisition = models.ForeignKey(Requisition, on_delete=models.PROTECT,
                                    related_name="supporters")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    supported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requisition", "member"],
                                               name="requisition_support_once")]

    def __str__(self):
        return f"{self.member} supports {self.requisition}"


class Meeting(KeptRecord):
    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=10, choices=MeetingKind)
    title = models.CharField(max_length=200, validators=[validate_one_line])
    starts_at = models.DateTimeField()
    place = models.TextField(blank=True, help_text="Where people meet in person.",
                             **bounded_text(NOTE))
    online_link = models.URLField(blank=True, help_text="The link to join online.")
    access_notes = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, BSL, parking, who to ask.",
        **bounded_text(TEXT))
    requisition = models.OneToOneField(Requisition, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="meeting")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    notice_sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True, **bounded_text(NOTE))

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(place="") | ~Q(online_link=""),
                                   name="meeting_has_place_or_link"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True)
                                   | Q(started_at__isnull=False),
                                   name="meeting_ends_after_starting"),
        ]

    def __str__(self):
        return self.title

    @property
    def state(self) -> str:
        if self.cancelled_at:
            return MeetingState.CANCELLED
        if self.ended_at:
            return MeetingState.ENDED
        if self.started_at:
            return MeetingState.LIVE
        if self.notice_sent_at:
            return MeetingState.CALLED
        return MeetingState.DRAFT

    def get_state_display(self) -> str:
        return MeetingState(self.state).label

    @property
    def is_live(self) -> bool:
        return self.state == MeetingState.LIVE

    @property
    def mode(self) -> str:
        if self.place and self.online_link:
            return AttendanceMode.HYBRID
        return AttendanceMode.ONLINE if self.online_link else AttendanceMode.IN_PERSON

    @property
    def date(self):
        return timezone.localdate(self.starts_at)

    @property
    def takes_proxies(self) -> bool:
        """Members may appoint proxies: the rules allow them, and it is not a board meeting."""
        return self.society.proxies_allowed and self.kind != MeetingKind.BOARD

    @property
    def required_clear_days(self) -> int:
        """Clear days of notice the rules need (board meetings need none)."""
        return 0 if self.kind == MeetingKind.BOARD else self.society.notice_clear_days


class AgendaItem(KeptRecord):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=AgendaItemKind, default=AgendaItemKind.OTHER)
    title = models.CharField(max_length=200, validators=[validate_one_line])
    description = models.TextField(blank=True, **bounded_text(TEXT))
    # A resolution: a ballot of the voting issue, voted on in the room.
    ballot = models.OneToOneField("voting.Ballot", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="agenda_item")
    topics = models.ManyToManyField(InterestTopic, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True,
                                        help_text="Taken off the agenda.")

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"],
                                               name="agenda_item_position_unique")]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Agenda items are taken off the agenda, not deleted.")


class NoticeDelivery(KeptRecord):
    """How and when one member was sent notice of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="deliveries")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=NoticeMethod)
    address = models.TextField(blank=True, help_text="The email address or postal address.")
    large_print = models.BooleanField(default=False)
    easy_read = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email actually went (the background task "
                                         "sends it after `sent_at`); empty for letters.")

    class Meta:
        ordering = ["meeting", "member__full_name", "method"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member", "method"],
                                               name="notice_once_per_method")]

    def __str__(self):
        return f"Notice of {self.meeting} to {self.member} by {self.method}"


class Attendance(KeptRecord):
    """A member present at the meeting: checked in themselves, or marked by an officer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField(default=timezone.now)
    online = models.BooleanField(default=False, help_text="Joined online, not in the room.")
    votes_by_hand = models.BooleanField(
        default=False, help_text="Votes by a show of hands, counted by the tellers, rather "
                                 "than on their own device.")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+",
                                  help_text="Empty when the member checked in themselves.")

    class Meta:
        ordering = ["meeting", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"],
                                               name="attendance_once")]

    def __str__(self):
        return f"{self.member} at {self.meeting}"


class Apology(KeptRecord):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="apologies")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "apologies"
        ordering = ["meeting", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"],
                                               name="apology_once")]

    def __str__(self):
        return f"Apologies from {self.member} for {self.meeting}"


class Proxy(KeptRecord):
    """A member (the appointer) appoints another member (the holder) to attend and vote for
    them. Revoking keeps the row."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="proxies")
    appointer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "proxies"
        ordering = ["meeting", "appointed_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "appointer"],
                                    condition=Q(revoked_at__isnull=True),
                                    name="proxy_one_active_per_appointer"),
            models.CheckConstraint(condition=~Q(appointer=models.F("holder")),
                                   name="proxy_not_oneself"),
        ]

    def __str__(self):
        return f"{self.holder} holds {self.appointer}'s proxy at {self.meeting}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ProxyInstruction(KeptRecord):
    """A directed proxy: how the holder must vote on one resolution."""

    proxy = models.ForeignKey(Proxy, on_delete=models.PROTECT, related_name="instructions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=10, choices=ProxyDirection)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proxy", "item"],
                                               name="proxy_instruction_once")]

    def __str__(self):
        return f"{self.direction} on {self.item}"


class Withdrawal(KeptRecord):
    """A member who left the room for an item because of an interest; they do not vote on
    it. The chair records it."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="withdrawals")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, **bounded_text(NOTE))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"],
                                               name="withdrawal_once")]

    def __str__(self):
        return f"{self.member} withdrew from {self.item}"


class Contest(KeptRecord):
    """The election of one class's trustee seats at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="contests")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveSmallIntegerField()
    nominations_close_at = models.DateTimeField()
    ballot = models.OneToOneField("voting.Ballot", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="contest")
    unopposed_at = models.DateTimeField(
        null=True, blank=True, help_text="No more candidates than seats: elected unopposed.")
    appointed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "member_class__position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member_class"],
                                    name="contest_once_per_class"),
            models.CheckConstraint(condition=Q(seats__gt=0), name="contest_has_seats"),
        ]

    def __str__(self):
        return f"{self.member_class} trustees at {self.meeting}"


class Nomination(KeptRecord):
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="nominations")
    candidate = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    proposer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    seconder = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    statement = models.TextField(blank=True, **bounded_text(TEXT))
    nominated_at = models.DateTimeField(default=timezone.now)
    seconded_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(
        null=True, blank=True, help_text="The candidate agreed to stand (at once when they "
                                         "nominate themself).")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    elected = models.BooleanField(default=False)

    class Meta:
        ordering = ["contest", "candidate__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "candidate"],
                                    condition=Q(withdrawn_at__isnull=True),
                                    name="nomination_once_per_candidate"),
            models.CheckConstraint(condition=Q(seconder__isnull=True)
                                   | ~Q(seconder=models.F("proposer")),
                                   name="nomination_seconder_not_proposer"),
        ]

    def __str__(self):
        return f"{self.candidate} for {self.contest}"

    @property
    def is_valid(self) -> bool:
        """Seconded, accepted by the candidate, and not withdrawn."""
        return bool(self.seconded_at and self.accepted_at and not self.withdrawn_at)


class Minutes(models.Model):
    """The minutes of a meeting: drafted from the record, edited by the secretary, approved
    at a later meeting and then locked."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    text = models.TextField(**bounded_text(LONG_TEXT))
    drafted_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_at_meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="approved_minutes")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(condition=Q(approved_at__isnull=True)
                                   | Q(approved_at_meeting__isnull=False),
                                   name="minutes_approved_at_a_meeting"),
        ]

    def __str__(self):
        return f"Minutes of {self.meeting}"

    def save(self, *args, **kwargs):
        if self.pk and Minutes.objects.filter(pk=self.pk, approved_at__isnull=False).exists():
            raise PermissionError("Approved minutes are locked.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Minutes are kept, never deleted.")

    @property
    def is_locked(self) -> bool:
        return self.approved_at is not None
