import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .canonical import canonical
from .enums import (
    ConflictPolicy,
    EmptyClassPolicy,
    NotCastMoney,
    OfficerRole,
    ProxyDeadlineUnit,
    ReserveRule,
)
from .text import ADDRESS, TEXT, bounded_text, validate_name, validate_one_line


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is needed")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person's login. One login may belong to several societies."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=150, blank=True, validators=[validate_name])

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def __str__(self):
        return self.display_name or self.email


def default_register_retention() -> int:
    """New societies start from the deployment's `REGISTER_RETENTION_YEARS` (10 by default)."""
    return settings.REGISTER_RETENTION_YEARS


class Society(models.Model):
    """A registered society (a co-operative) and the rules that other parts read."""

    name = models.CharField(max_length=200, validators=[validate_name])
    slug = models.SlugField(max_length=60, unique=True)
    registration_number = models.CharField(max_length=40, blank=True,
                                           validators=[validate_one_line])
    address = models.TextField(blank=True, **bounded_text(ADDRESS))
    contact_email = models.EmailField(blank=True)
    financial_year_end_month = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    financial_year_end_day = models.PositiveSmallIntegerField(
        default=31, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    share_value = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("1.00"))
    notice_clear_days = models.PositiveSmallIntegerField(default=14)
    quorum_minimum = models.PositiveSmallIntegerField(default=2)
    quorum_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("10"))
    special_resolution_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("75")
    )
    proxies_allowed = models.BooleanField(default=True)
    max_proxies_per_holder = models.PositiveSmallIntegerField(default=5)
    online_meetings_allowed = models.BooleanField(default=True)
    hybrid_meetings_allowed = models.BooleanField(default=True)
    quorum_counts_proxies = models.BooleanField(
        default=True, help_text="Members represented by a proxy who is present count towards "
                                "the quorum.")
    proxy_deadline_clear_days = models.PositiveSmallIntegerField(
        default=2, help_text="Clear days before a meeting by which proxies must be appointed.")
    proxy_deadline_unit = models.CharField(
        max_length=12, choices=ProxyDeadlineUnit, default=ProxyDeadlineUnit.CLEAR_DAYS,
        help_text="Whether the proxy deadline is counted in clear days or in hours.")
    proxy_deadline_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MaxValueValidator(24 * 28)],
        help_text="Hours before the meeting starts by which proxies must be appointed, when "
                  "the deadline is counted in hours (\"not less than 48 hours before\").")
    allow_advance_votes = models.BooleanField(
        default=False, help_text="Members may vote on a general meeting's resolutions before "
                                 "it, online or by post; those votes are counted with the "
                                 "room's.")
    advance_votes_close_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(24 * 28)],
        help_text="Voting ahead of a meeting closes this many hours before it starts.")
    post_deemed_delivery_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MaxValueValidator(24 * 14)],
        help_text="A notice sent by post counts as delivered this many hours after posting; "
                  "clear days are counted from then.")
    requisition_percent = models.DecimalField(max_digits=5, decimal_places=2,
                                              default=Decimal("10"))
    requisition_maximum = models.PositiveIntegerField(default=100)
    agm_months_after_year_end = models.PositiveSmallIntegerField(default=6)
    agm_max_months_between = models.PositiveSmallIntegerField(default=15)
    trustee_term_years = models.PositiveSmallIntegerField(default=3)
    empty_class_policy = models.CharField(
        max_length=20, choices=EmptyClassPolicy, default=EmptyClassPolicy.RESCALE
    )
    conflict_policy = models.CharField(
        max_length=10, choices=ConflictPolicy, default=ConflictPolicy.DECLARE,
        help_text="What a declared or deemed interest means on a ballot about that topic.")
    class_breakdown_minimum = models.PositiveSmallIntegerField(
        default=5, help_text="A class's own result is hidden when fewer than this many voted in it."
    )
    max_voters_helped_per_ballot = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)],
        help_text="Most members one companion may help to vote in a ballot (a polling station "
                  "allows two).")
    # Shares (the register's shares column comes from the ledger in membership).
    shares_withdrawable = models.BooleanField(
        default=True, help_text="Members get their share money back when they leave. If not, "
                                "shares are cancelled and the money goes to reserves.")
    withdrawal_notice_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days between resigning and the money being paid back.")
    withdrawals_suspended = models.BooleanField(
        default=False, help_text="Officers can pause paying shares back, e.g. to protect cash.")
    max_holding = models.DecimalField(
        "most one person may hold (£)", max_digits=12, decimal_places=2,
        default=Decimal("100000"))
    multiple_shares_allowed = models.BooleanField(
        default=False, help_text="Members may buy more than one share.")
    payment_instructions = models.TextField(
        blank=True, default="Pay by bank transfer, cheque (payable to the co-op) or cash to the "
                            "treasurer. Quote your reference so we know the payment is yours.",
        help_text="Shown to people who pay another way: bank details, where to send cheques.",
        **bounded_text(TEXT))
    # Surplus: what goes to reserves before members decide on the rest.
    reserve_rule = models.CharField(max_length=10, choices=ReserveRule,
                                    default=ReserveRule.PERCENT)
    reserve_percent = models.DecimalField(
        "reserves take this percentage of a surplus", max_digits=5, decimal_places=2,
        default=Decimal("20"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    reserve_fixed = models.DecimalField(
        "reserves take this sum from a surplus (£)", max_digits=12, decimal_places=2,
        default=Decimal("0"), validators=[MinValueValidator(0)])
    not_cast_money = models.CharField(
        max_length=12, choices=NotCastMoney, default=NotCastMoney.RESERVES,
        help_text="Where the money of a share kept as not cast goes (allocation ballots).")
    asset_lock = models.BooleanField(
        default=False, help_text="The rules lock the society's assets: no surplus may be paid "
                                 "out to members.")
    # Personal data: how long things are kept (membership/privacy/rules.py gives the reasons).
    register_retention_years = models.PositiveSmallIntegerField(
        default=default_register_retention, validators=[MinValueValidator(1)],
        help_text="A former member's register entry is kept this long after they ceased, "
                  "then anonymised.")
    contact_retention_years = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(0)],
        help_text="A former member's contact details, access needs and preferences are removed "
                  "this long after they ceased.")
    declaration_retention_years = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1)],
        help_text="Ended declarations of interest are deleted this long after they ended.")
    proxy_retention_years = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)],
        help_text="Proxy appointments are deleted this long after the meeting.")
    attendance_retention_years = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)],
        help_text="Attendance and apologies are deleted this long after the meeting.")
    nomination_retention_years = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)],
        help_text="Nominations are deleted this long after the meeting.")
    ballot_challenge_days = models.PositiveSmallIntegerField(
        default=28, validators=[MinValueValidator(1)],
        help_text="After a result is published, who voted is kept this many days for a "
                  "challenge, then reduced to counts.")
    # Membership numbers are never reused: the counter only goes up.
    last_membership_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "societies"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(special_resolution_percent__gt=50)
                                   & Q(special_resolution_percent__lte=100),
                                   name="society_special_resolution_range"),
            models.CheckConstraint(condition=Q(quorum_percent__gte=0)
                                   & Q(quorum_percent__lte=100),
                                   name="society_quorum_percent_range"),
            models.CheckConstraint(condition=Q(share_value__gt=0), name="society_share_positive"),
            models.CheckConstraint(condition=Q(max_holding__gte=models.F("share_value")),
                                   name="society_cap_at_least_one_share"),
            models.CheckConstraint(condition=Q(max_voters_helped_per_ballot__gte=1),
                                   name="society_helps_at_least_one"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The membership-number counter only moves through `next_membership_number` (an atomic
        # UPDATE); saving a copy loaded earlier must not wind it back and reuse a number.
        if self.pk is not None and kwargs.get("update_fields") is None and not kwargs.get(
                "force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "last_membership_number"]
        super().save(*args, **kwargs)


class Officer(models.Model):
    """The register of officers: who held which role, from when to when."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="officers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="offices")
    role = models.CharField(max_length=20, choices=OfficerRole)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    term_ends_on = models.DateField(
        null=True, blank=True, help_text="When an elected trustee's term runs out: they retire "
                                         "at the first AGM on or after this day.")
    sees_access_needs = models.BooleanField(
        default=False, help_text="Sees members' access needs (health data), to arrange "
                                 "meetings and letters. Each time they look is recorded.")

    class Meta:
        ordering = ["society", "role", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="officer_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["society", "user", "role"],
                condition=Q(ended_on__isnull=True),
                name="officer_one_open_term_per_role",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} of {self.society}: {self.user}"

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries cannot be changed")

    def delete(self):
        raise PermissionError("Audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Append-only, hash-chained log. Each row's hash covers the previous row's hash, so any
    altered or removed row breaks the chain (see `manage.py verify_audit`)."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted")

    def compute_hash(self) -> str:
        """The hash of this entry in canonical form (version 2): each field in a form that
        survives every way people back up and restore (see `canonical`), so a restored log
        still verifies."""
        payload = {
            "v": 2,
            "prev": self.prev_hash,
            "society": self.society_id,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "data": self.data,
            "at": self.created_at,
        }
        blob = json.dumps(canonical(payload), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def matches_hash(self) -> bool:
        """Entries written before the canonical form keep their first hash, which covers the
        timestamp to the microsecond: they still verify wherever microseconds survive (the
        database itself, `manage.py backup`, and `dumpdata` with this project's settings)."""
        return self.hash in (self.compute_hash(), self.compute_hash_v1())

    def compute_hash_v1(self) -> str:
        payload = {
            "prev": self.prev_hash,
            "society": self.society_id,
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "data": self.data,
            "at": self.created_at.isoformat(timespec="microseconds"),
        }
        blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


class AuditName(models.Model):
    """The readable name behind a pseudonymous id in the audit log. Audit entries carry only
    the id (in their hashed text), so clearing `label` anonymises a person without touching
    the hash chain. One id per person per society; platform-wide entries use society None."""

    pid = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="+")
    society = models.ForeignKey(Society, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    label = models.CharField(max_length=200, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "society"], name="auditname_one_per_society"),
            models.UniqueConstraint(fields=["user"], condition=Q(society__isnull=True),
                                    name="auditname_one_platform_wide"),
        ]

    def __str__(self):
        return f"{self.pid}: {self.label or 'anonymised'}"


class ApiToken(models.Model):
    """A personal API token. Only a hash of the key is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100, validators=[validate_name])
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
