"""Financial years, the surplus they leave, proposals to reinvest it and the decision, in
pounds. Money is Decimal to the penny; allocations always add up to the amount available."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop.enums import NotCastMoney
from coop.models import Society
from coop.text import NOTE, TEXT, bounded_text, validate_one_line
from coop.uploads import RandomName
from membership.models import InterestTopic
from voting.models import Ballot, BallotOption
from voting.models.pictures import ALT_TEXT_MAX, ALT_TEXT_MISSING, picture_name

from .enums import OptionType, PayRiseKind, ProposalBallotKind
from .oncosts import DEFAULTS, CostRules

MONEY = {"max_digits": 12, "decimal_places": 2}


class FinancialYear(models.Model):
    """One year's accounts. The treasurer corrects them until they are locked."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="financial_years")
    starts_on = models.DateField()
    ends_on = models.DateField()
    income = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    expenditure = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    accounts = models.FileField("the accounts (PDF)", upload_to=RandomName("accounts", "pdf"),
                                blank=True)
    notes = models.TextField(blank=True, **bounded_text(TEXT))
    created_at = models.DateTimeField(default=timezone.now)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["society", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["society", "starts_on"], name="year_unique_start"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")),
                                   name="year_ends_after_start"),
            models.CheckConstraint(condition=Q(income__gte=0) & Q(expenditure__gte=0),
                                   name="year_money_not_negative"),
        ]

    def __str__(self):
        return f"Year to {self.ends_on:%-d %B %Y}"

    @property
    def surplus(self) -> Decimal:
        return self.income - self.expenditure

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Proposal(models.Model):
    """The trustees' proposal for reinvesting a year's surplus, put to the members as a
    ballot. Its state comes from what it has: options, a ballot, a recorded decision."""

    society = models.ForeignKey(Society, on_delete=models.PROTECT, related_name="proposals")
    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(max_length=200, validators=[validate_one_line])
    summary = models.TextField("plain-English summary", **bounded_text(TEXT))
    easy_read_summary = models.TextField("easy-read summary", blank=True, **bounded_text(TEXT))
    amount_available = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    ballot_kind = models.CharField(max_length=20, choices=ProposalBallotKind,
                                   default=ProposalBallotKind.ALLOCATION)
    ballot = models.OneToOneField(Ballot, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="surplus_proposal")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    resolution_reference = models.CharField(max_length=100, blank=True,
                                            validators=[validate_one_line])
    decided_on = models.DateField(null=True, blank=True)
    decision_notes = models.TextField("notes on carrying it out", blank=True, **bounded_text(TEXT))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    # Fixed with the decision: the pounds of a share kept as not cast and where they went.
    not_cast_amount = models.DecimalField(**MONEY, default=0,
                                          validators=[MinValueValidator(0)])
    not_cast_money = models.CharField(max_length=12, choices=NotCastMoney, blank=True)

    class Meta:
        ordering = ["society", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_available__gte=0),
                                   name="proposal_amount_not_negative"),
            models.CheckConstraint(condition=Q(decided_at__isnull=True) | Q(ballot__isnull=False),
                                   name="proposal_decided_only_after_a_vote"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.ballot_id is None

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class ProposalOption(models.Model):
    """One way to spend the money, with what it costs in plain words."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="options")
    option_type = models.CharField(max_length=20, choices=OptionType, default=OptionType.OTHER)
    title = models.CharField(max_length=200, validators=[validate_one_line])
    description = models.TextField("plain-English description", **bounded_text(TEXT))
    easy_read = models.TextField("easy-read description", blank=True, **bounded_text(TEXT))
    topic = models.ForeignKey(InterestTopic, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    cost_note = models.TextField(blank=True, **bounded_text(NOTE))
    pays_members = models.BooleanField(
        "pays money out to members", default=False,
        help_text="A dividend or rebate to members. Not allowed where an asset lock applies.")
    current_hourly_rate = models.DecimalField(**MONEY, null=True, blank=True)
    pa_hours_per_year = models.DecimalField(max_digits=12, decimal_places=1, null=True,
                                            blank=True)
    pay_rise_kind = models.CharField(max_length=10, choices=PayRiseKind, blank=True)
    # NI and the pension band apply per employee, so the cost depends on how many PAs share
    # the hours. Empty only on options of another type.
    pa_count = models.PositiveIntegerField("number of PAs", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    ballot_option = models.OneToOneField(BallotOption, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="surplus_option")

    class Meta:
        ordering = ["proposal", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "title"], name="option_unique_title"),
            models.CheckConstraint(
                condition=~Q(option_type=OptionType.PA_PAY)
                | (Q(current_hourly_rate__gt=0) & Q(pa_hours_per_year__gt=0)
                   & ~Q(pay_rise_kind="")),
                name="pa_pay_option_has_rate_hours_and_kind"),
            models.CheckConstraint(
                condition=~Q(option_type=OptionType.PA_PAY) | Q(pa_count__gt=0),
                name="pa_pay_option_has_pa_count"),
        ]

    def __str__(self):
        return self.title


class Allocation(models.Model):
    """The decision in pounds: what each option receives. Written once, when the trustees
    record the decision; the parts add up exactly to the amount available."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="allocations")
    option = models.OneToOneField(ProposalOption, on_delete=models.PROTECT,
                                  related_name="allocation")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["proposal", "option__position"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0),
                                              name="allocation_not_negative")]

    def __str__(self):
        return f"{self.option}: £{self.amount}"

    def delete(self, *args, **kwargs):
        raise PermissionError("A recorded decision is never deleted.")


class ProposalOptionPicture(models.Model):
    """An officer's own picture for a surplus option (a picture of the service), shown beside
    it on the proposal page in both versions. Alt text is required, as for ballot options."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    option = models.OneToOneField(ProposalOption, on_delete=models.PROTECT,
                                  related_name="picture")
    image = models.ImageField(upload_to=picture_name, width_field="width",
                              height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=20)
    alt_text = models.CharField("alt text", max_length=ALT_TEXT_MAX,
                                validators=[validate_one_line],
                                error_messages={"blank": ALT_TEXT_MISSING})
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""),
                                   name="surplus_option_picture_has_alt_text"),
        ]

    def __str__(self):
        return f"Picture for {self.option_id}"


PERCENT = {"max_digits": 5, "decimal_places": 2}


class EmploymentCosts(models.Model):
    """A society's employment costs rules: what the co-op pays on top of a pound of PA pay,
    and the living wage rates to compare pay with. One per society; until the treasurer saves
    them the current UK defaults (`oncosts.DEFAULTS`, with their source) apply."""

    society = models.OneToOneField(Society, on_delete=models.PROTECT,
                                   related_name="employment_costs")
    tax_year = models.CharField(max_length=20, default=DEFAULTS.tax_year,
                                validators=[validate_one_line])
    ni_rate = models.DecimalField(**PERCENT, default=DEFAULTS.ni_rate)
    ni_threshold = models.DecimalField(**MONEY, default=DEFAULTS.ni_threshold)
    holiday_pay = models.DecimalField(**PERCENT, default=DEFAULTS.holiday_pay)
    pension_rate = models.DecimalField(**PERCENT, default=DEFAULTS.pension_rate)
    pension_lower = models.DecimalField(**MONEY, default=DEFAULTS.pension_lower)
    pension_upper = models.DecimalField(**MONEY, default=DEFAULTS.pension_upper)
    other = models.DecimalField(**PERCENT, default=DEFAULTS.other)
    national_living_wage = models.DecimalField(**MONEY, default=DEFAULTS.national_living_wage)
    real_living_wage = models.DecimalField(**MONEY, default=DEFAULTS.real_living_wage)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")

    RULE_FIELDS = ("tax_year", "ni_rate", "ni_threshold", "holiday_pay", "pension_rate",
                   "pension_lower", "pension_upper", "other", "national_living_wage",
                   "real_living_wage")

    class Meta:
        verbose_name_plural = "employment costs"
        constraints = [
            models.CheckConstraint(
                condition=Q(ni_rate__gte=0, ni_rate__lte=100, holiday_pay__gte=0,
                            holiday_pay__lte=100, pension_rate__gte=0, pension_rate__lte=100,
                            other__gte=0, other__lte=100),
                name="employment_percents_0_to_100"),
            models.CheckConstraint(
                condition=Q(ni_threshold__gte=0, pension_lower__gte=0,
                            pension_upper__gt=models.F("pension_lower")),
                name="employment_thresholds_in_order"),
            models.CheckConstraint(
                condition=Q(national_living_wage__gt=0, real_living_wage__gt=0),
                name="employment_wages_positive"),
        ]

    def __str__(self):
        return f"Employment costs ({self.tax_year})"

    def rules(self) -> CostRules:
        return CostRules(**{name: getattr(self, name) for name in self.RULE_FIELDS})
