from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop.fields import EncryptedTextField
from coop.models import Society
from coop.text import ADDRESS, NOTE, TEXT, bounded_text, validate_name, validate_one_line

from ..enums import CessationReason, RequestState


class MemberClass(models.Model):
    """A class of members (service users, carers, PAs, ...) with its share of a weighted vote."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="member_classes")
    name = models.CharField(max_length=100, validators=[validate_name])
    description = models.TextField(blank=True, **bounded_text(TEXT))
    eligibility = models.TextField(
        blank=True, help_text="Who can join this class, in plain English.", **bounded_text(TEXT))
    votes = models.BooleanField(default=True, help_text="Members of this class can vote.")
    weight = models.PositiveIntegerField(
        "weight (parts)", default=0,
        help_text="The class's share of a class-weighted vote, in whole-number parts of the "
                  "voting classes' total: 1, 1 and 1 give each a third exactly; 2, 1 and 1 "
                  "give the first half.",
    )
    votes_per_member = models.PositiveSmallIntegerField(
        default=1, help_text="Votes each member carries under per-member weighting.")
    board_seats = models.PositiveSmallIntegerField(
        default=0, help_text="Trustee seats this class elects from its own members.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["society", "position", "id"]
        verbose_name_plural = "member classes"
        constraints = [
            models.UniqueConstraint(fields=["society", "name"], name="memberclass_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="memberclass_weight_parts"),
            models.CheckConstraint(condition=Q(votes=True) | Q(weight=0),
                                   name="memberclass_nonvoting_has_no_weight"),
        ]

    def __str__(self):
        return self.name


class ContactDetails(models.Model):
    """Register fields and communication preferences, shared by applications and members."""

    full_name = models.CharField(max_length=200, validators=[validate_name])
    address = models.TextField("postal address", **bounded_text(ADDRESS))
    postcode = models.CharField(max_length=12, validators=[validate_one_line])
    email = models.EmailField("email address for notices", blank=True)
    phone = models.CharField("phone number", max_length=40, blank=True,
                             validators=[validate_one_line])
    contact_by_email = models.BooleanField("email", default=True)
    contact_by_post = models.BooleanField("post", default=False)
    large_print = models.BooleanField("large print", default=False)
    easy_read = models.BooleanField("easy read", default=False)
    # Health data (a special category): encrypted at rest, never searched (coop/fields.py).
    access_needs = EncryptedTextField(blank=True, **bounded_text(TEXT))

    class Meta:
        abstract = True


class Application(ContactDetails):
    """A person's application to join a society. Its state is derived from its timestamps."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="applications")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT,
                                     related_name="applications")
    confirmed_eligible = models.BooleanField(default=False)
    confirmed_not_in_other_class = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    admitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the share was paid and the applicant admitted.")
    payment_reminded_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    rejection_reason = models.TextField(blank=True, **bounded_text(NOTE))

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(approved_at__isnull=False) & Q(rejected_at__isnull=False)),
                name="application_not_both_approved_and_rejected",
            ),
            models.UniqueConstraint(
                fields=["society", "user"],
                condition=Q(admitted_at__isnull=True, rejected_at__isnull=True,
                            withdrawn_at__isnull=True),
                name="application_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(admitted_at__isnull=True) | Q(approved_at__isnull=False),
                name="application_admitted_only_after_approval",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} → {self.society} ({self.member_class})"

    @property
    def state(self) -> str:
        from ..enums import ApplicationState

        if self.admitted_at:
            return ApplicationState.ADMITTED
        if self.approved_at:
            return ApplicationState.APPROVED
        if self.rejected_at:
            return ApplicationState.REJECTED
        if self.withdrawn_at:
            return ApplicationState.WITHDRAWN
        return ApplicationState.PENDING

    def get_state_display(self) -> str:
        from ..enums import ApplicationState

        return ApplicationState(self.state).label

    @property
    def payment_reference(self) -> str:
        """What the applicant quotes when paying another way."""
        return f"{self.society.slug[:10].upper()}-{self.pk:05d}"


class MemberQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(admitted_on__lte=on).filter(Q(ceased_on__isnull=True)
                                                       | Q(ceased_on__gt=on))

    def former(self):
        return self.filter(ceased_on__isnull=False, ceased_on__lte=timezone.localdate())


class Member(ContactDetails):
    """An entry on the register of members. Never deleted: cessation sets `ceased_on`."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="memberships")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT,
                                     related_name="members")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="member")
    membership_number = models.PositiveIntegerField()
    admitted_on = models.DateField()
    ceased_on = models.DateField(null=True, blank=True)
    cessation_reason = models.CharField(max_length=20, choices=CessationReason, blank=True)
    cessation_note = models.TextField(blank=True, **bounded_text(NOTE))
    shares_held = models.PositiveIntegerField(default=0)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # Retention (membership/privacy/retention.py): when contact details were removed, and
    # when the entry itself was anonymised.
    contact_removed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["society", "membership_number"]
        constraints = [
            models.UniqueConstraint(fields=["society", "membership_number"],
                                    name="member_unique_number"),
            models.UniqueConstraint(fields=["society", "user"],
                                    condition=Q(ceased_on__isnull=True),
                                    name="member_one_current_membership_per_society"),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=models.F("admitted_on")),
                name="member_ceases_after_admission",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | ~Q(cessation_reason=""),
                name="member_cessation_has_reason",
            ),
            models.CheckConstraint(condition=Q(amount_paid__gte=0),
                                   name="member_amount_paid_not_negative"),
        ]
        indexes = [models.Index(fields=["society", "full_name"])]

    def __str__(self):
        return f"{self.full_name} (no. {self.membership_number})"

    @property
    def is_current(self) -> bool:
        return self.ceased_on is None or self.ceased_on > timezone.localdate()


class RegisterChange(models.Model):
    """History of a register field: what it was, what it became, who changed it and when."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(max_length=50)
    # Encrypted like access needs, whose changes are kept here too.
    old_value = EncryptedTextField(blank=True)
    new_value = EncryptedTextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.field}: {self.old_value} → {self.new_value}"


class ClassChangeRequest(models.Model):
    """A member's request to move to another class; trustees decide."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="class_requests")
    from_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+")
    to_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(**bounded_text(NOTE))
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    approved = models.BooleanField(null=True)
    decision_note = models.TextField(blank=True, **bounded_text(NOTE))

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(decided_at__isnull=True),
                                    name="classchange_one_pending_per_member"),
            models.CheckConstraint(condition=~Q(from_class=models.F("to_class")),
                                   name="classchange_to_a_different_class"),
        ]

    def __str__(self):
        return f"{self.member}: {self.from_class} → {self.to_class}"

    @property
    def state(self) -> str:
        if self.decided_at is None:
            return RequestState.PENDING
        return RequestState.APPROVED if self.approved else RequestState.REJECTED

    def get_state_display(self) -> str:
        return RequestState(self.state).label
