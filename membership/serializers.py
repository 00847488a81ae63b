"""Serializers for the membership API. Input serializers only validate: the view passes
`validated_data` to a service, which writes, keeps history and audits."""

from decimal import Decimal

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from coop.api import SocietyRefSerializer
from coop.models import Officer

from .enums import (
    OFFLINE_METHODS,
    ApplicationState,
    CessationReason,
    PaymentMethod,
    PaymentState,
    ShareTransactionKind,
    WithdrawalState,
)
from .models import Application, Member, MemberClass, Payment, ShareTransaction, Withdrawal

DETAIL_FIELDS = ["full_name", "address", "postcode", "email", "phone"]
PREFERENCE_FIELDS = ["contact_by_email", "contact_by_post", "large_print", "easy_read"]
CONTACT_FIELDS = [*DETAIL_FIELDS, *PREFERENCE_FIELDS, "access_needs"]

# The same messages as the HTML forms, so a person hears the same thing either way.
DETAIL_ERRORS = {
    "full_name": {"error_messages": {"required": "Enter your full name.",
                                     "blank": "Enter your full name."}},
    "address": {"error_messages": {"required": "Enter your postal address.",
                                   "blank": "Enter your postal address."}},
    "postcode": {"error_messages": {"required": "Enter your postcode.",
                                    "blank": "Enter your postcode."}},
    "email": {"error_messages": {"invalid": "Enter an email address like name@example.com."}},
    "contact_by_post": {"help_text": "Letters by post. If neither email nor post is chosen, "
                                     "notices are sent by post."},
    "access_needs": {"help_text": "Anything that makes meetings and papers work for you. Only "
                                  "you and the officers see this."},
}
EMAIL_NEEDED = "Enter an email address, or stop contact by email."


def check_contact(data: dict, current) -> dict:
    """The HTML forms' rules for how notices reach a person: email contact needs an email
    address, and with neither email nor post chosen, notices go by post. `current` gives the
    fields the request leaves out: the entry being changed, or a new unsaved one."""
    def value(field):
        return data[field] if field in data else getattr(current, field)

    if value("contact_by_email") and not value("email"):
        raise serializers.ValidationError({"email": [EMAIL_NEEDED]})
    touched = {"contact_by_email", "contact_by_post"} & set(data)
    if touched and not value("contact_by_email") and not value("contact_by_post"):
        data["contact_by_post"] = True
    return data


def optional_email():
    """An email address that may be empty, documented as such (not as a broken email)."""
    return serializers.EmailField(read_only=True, allow_blank=True,
                                  label="Email address for notices")


def cessation_reason():
    return serializers.ChoiceField(choices=CessationReason.choices, allow_blank=True,
                                   read_only=True, help_text="Empty while the membership lasts.")


class MemberClassRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberClass
        fields = ["id", "name"]


class MemberClassSerializer(serializers.ModelSerializer):
    """A class of member as an applicant sees it: what it is and who can join."""

    class Meta:
        model = MemberClass
        fields = ["id", "name", "description", "eligibility", "votes", "weight"]
        read_only_fields = fields


class SocietyClassField(serializers.PrimaryKeyRelatedField):
    """A member class of the society in the serializer's context; any other is refused."""

    default_error_messages = {
        "does_not_exist": "Choose one of this co-op's member classes.",
        "incorrect_type": "Give the member class as its number (id).",
    }

    def get_queryset(self):
        society = self.context.get("society")
        if society is None:
            return MemberClass.objects.none()
        return society.member_classes.all()


# --- the register -----------------------------------------------------------------------------

class RegisterFilterSerializer(serializers.Serializer):
    """Query parameters of the register list."""

    q = serializers.CharField(default="", allow_blank=True, max_length=200,
                              help_text="Search by name, membership number, postcode or email.")
    member_class = SocietyClassField(queryset=MemberClass.objects.all(), required=False,
                                     help_text="Only members of this class (its id).")
    status = serializers.ChoiceField(
        choices=[("current", "Current members"), ("former", "Former members"),
                 ("all", "Current and former members")],
        default="current", help_text="Current members (the default), former members, or all.")


class RegisterEntrySerializer(serializers.ModelSerializer):
    """A row of the register of members as officers see it: what the register must hold,
    plus class and shares. Never access needs or other care information."""

    member_class = MemberClassRefSerializer(read_only=True)
    email = optional_email()
    cessation_reason = cessation_reason()

    class Meta:
        model = Member
        fields = ["membership_number", "full_name", "address", "postcode", "email",
                  "member_class", "shares_held", "amount_paid", "admitted_on", "ceased_on",
                  "cessation_reason"]
        read_only_fields = fields


class OwnEntrySerializer(serializers.ModelSerializer):
    """A member's own register entry, with everything held about them."""

    member_class = MemberClassRefSerializer(read_only=True)
    is_current = serializers.BooleanField(read_only=True)
    email = optional_email()
    cessation_reason = cessation_reason()

    class Meta:
        model = Member
        fields = ["membership_number", "member_class", "admitted_on", "ceased_on",
                  "cessation_reason", "is_current", "shares_held", "amount_paid",
                  *CONTACT_FIELDS]
        read_only_fields = fields


class MemberDetailsSerializer(serializers.ModelSerializer):
    """A member's changes to their own contact details and preferences (all optional)."""

    class Meta:
        model = Member
        fields = CONTACT_FIELDS
        extra_kwargs = DETAIL_ERRORS

    def validate(self, attrs):
        return check_contact(attrs, current=self.instance)


# --- applications -----------------------------------------------------------------------------

class ApplicationCreateSerializer(serializers.ModelSerializer):
    member_class = SocietyClassField(queryset=MemberClass.objects.all(),
                                     error_messages={"required": "Choose the class of member "
                                                                 "you belong to."})
    confirmed_eligible = serializers.BooleanField(
        help_text="You meet the eligibility for the class you chose.",
        error_messages={"required": "Confirm that you meet the eligibility for your class."})
    confirmed_not_in_other_class = serializers.BooleanField(
        help_text="You are not a member of another class of this co-op.",
        error_messages={"required": "Confirm that you are not a member of another class."})

    class Meta:
        model = Application
        fields = ["member_class", *CONTACT_FIELDS, "confirmed_eligible",
                  "confirmed_not_in_other_class"]
        extra_kwargs = DETAIL_ERRORS

    def validate(self, attrs):
        return check_contact(attrs, current=Application())


class ApplicationFilterSerializer(serializers.Serializer):
    """Query parameters of the applications list."""

    state = serializers.ChoiceField(
        choices=[(ApplicationState.PENDING, "Waiting for a decision"),
                 (ApplicationState.APPROVED, "Approved, waiting for the share to be paid"),
                 ("open", "Both: every application not yet admitted, rejected or withdrawn")],
        default=ApplicationState.PENDING,
        help_text="`pending` (the default): waiting for the board's decision. `approved`: "
                  "approved but the share is not paid yet, so the applicant is not a member "
                  "yet; record their payment with POST payments/ (the treasurer may list "
                  "these too). `open`: both.")


PAYMENT_REFERENCE_HELP = ("What the applicant quotes when paying another way (bank transfer, "
                          "cheque, cash), to match the money to the application.")


class ApplicationSummarySerializer(serializers.ModelSerializer):
    member_class = MemberClassRefSerializer(read_only=True)
    state = serializers.ChoiceField(choices=ApplicationState.choices, read_only=True)
    payment_reference = serializers.CharField(read_only=True, help_text=PAYMENT_REFERENCE_HELP)

    class Meta:
        model = Application
        fields = ["id", "full_name", "member_class", "submitted_at", "state", "approved_at",
                  "payment_reference"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    """An application in full: for the officers deciding on it, and for the applicant."""

    member_class = MemberClassRefSerializer(read_only=True)
    state = serializers.ChoiceField(choices=ApplicationState.choices, read_only=True)
    account_email = serializers.EmailField(source="user.email", read_only=True)
    email = optional_email()

    payment_reference = serializers.CharField(read_only=True, help_text=PAYMENT_REFERENCE_HELP)

    class Meta:
        model = Application
        fields = ["id", "state", "member_class", "submitted_at", "account_email",
                  *CONTACT_FIELDS, "confirmed_eligible", "confirmed_not_in_other_class",
                  "approved_at", "admitted_at", "payment_reference", "rejection_reason"]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    """Approval takes no options. The old `share_paid` is refused rather than ignored, so that
    no one believes a payment was recorded: payments are recorded with POST payments/."""

    def validate(self, attrs):
        if "share_paid" in self.initial_data:
            raise serializers.ValidationError({"share_paid": [
                "Approval no longer records the share as paid. Approve, then record the "
                "payment with POST payments/ (the applicant is admitted when it is recorded)."]})
        return attrs


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the application is not approved. The applicant is "
                                   "sent this reason.",
        error_messages={"required": "Give a reason. The applicant will be told it.",
                        "blank": "Give a reason. The applicant will be told it."})


# --- shares and payments ---------------------------------------------------------------------

class EnumField(serializers.ChoiceField):
    """A choice field documented as one named enum in the schema. Several fields are called
    `state` or `method` with different choices; naming each set avoids a clash."""

    enum: type[models.TextChoices]

    def __init__(self, **kwargs):
        super().__init__(choices=self.enum.choices, **kwargs)

    def to_representation(self, value):
        return None if value in ("", None) else super().to_representation(value)


class PaymentMethodField(EnumField):
    enum = PaymentMethod


class PaymentStateField(EnumField):
    enum = PaymentState


class WithdrawalStateField(EnumField):
    """Derived from the withdrawal's dates: read from the whole object."""

    enum = WithdrawalState

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, withdrawal):
        if withdrawal.repaid_at:
            return WithdrawalState.REPAID.value
        return (WithdrawalState.DUE if withdrawal.is_due else WithdrawalState.NOTICE).value


class ShareTransactionKindField(EnumField):
    enum = ShareTransactionKind


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField
    match_subclasses = True

    def get_name(self):
        return f"{self.target.enum.__name__}Enum"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": list(self.target.enum.values),
                "description": "\n".join(f"* `{c.value}` - {c.label}" for c in self.target.enum)}


class ShareTransactionSerializer(serializers.ModelSerializer):
    """One line of the share ledger. `shares` and `amount` are signed: an issue adds, a
    withdrawal or cancellation takes away."""

    kind = ShareTransactionKindField(read_only=True)
    payment = serializers.UUIDField(source="payment_id", read_only=True, allow_null=True,
                                    help_text="The payment that bought these shares, if any.")

    class Meta:
        model = ShareTransaction
        fields = ["id", "kind", "shares", "amount", "on", "reason", "payment"]
        read_only_fields = fields


class OwnPaymentSerializer(serializers.ModelSerializer):
    """A payment as the person who made it sees it."""

    state = PaymentStateField(read_only=True)
    method = PaymentMethodField(read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "state", "method", "amount", "currency", "reference", "received_on",
                  "created_at", "confirmed_at", "refunded_at"]
        read_only_fields = fields


class WithdrawalSerializer(serializers.ModelSerializer):
    """Share money owed back to a member who left, paid after the notice period."""

    state = WithdrawalStateField()
    repayment_method = PaymentMethodField(read_only=True, allow_null=True,
                                          help_text="How it was paid back, once it was.")

    class Meta:
        model = Withdrawal
        fields = ["id", "shares", "amount", "requested_on", "due_on", "state", "repaid_at",
                  "repayment_method"]
        read_only_fields = fields


class ShareAccountSerializer(serializers.Serializer):
    """A member's shares: the register's totals and the ledger, payments and withdrawals
    behind them. The totals are always the sums of the ledger."""

    membership_number = serializers.IntegerField(read_only=True)
    shares_held = serializers.IntegerField(read_only=True)
    amount_paid = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    share_value = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True,
                                           help_text="What one share costs in this society.")
    ledger = ShareTransactionSerializer(many=True, read_only=True)
    payments = OwnPaymentSerializer(many=True, read_only=True)
    withdrawals = WithdrawalSerializer(many=True, read_only=True)


class PaymentFilterSerializer(serializers.Serializer):
    """Query parameters of the payments list."""

    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False,
                                     help_text="Only payments made this way.")
    state = serializers.ChoiceField(choices=PaymentState.choices, required=False,
                                    help_text="Only payments in this state.")


class PaymentSerializer(serializers.ModelSerializer):
    """A payment as the officers who handle money see it, with who paid."""

    state = PaymentStateField(read_only=True)
    method = PaymentMethodField(read_only=True)
    application = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True,
        help_text="The application a joining payment is for (its id).")
    membership_number = serializers.IntegerField(
        source="member.membership_number", read_only=True, allow_null=True,
        help_text="The payer's membership number. For a joining payment, the number they were "
                  "given when it was recorded; empty while they are not admitted.")
    payer_name = serializers.SerializerMethodField(help_text="The payer's name on the register "
                                                             "or their application.")
    for_joining = serializers.SerializerMethodField(
        help_text="True for a joining share (it admits the applicant), false for more shares.")
    recorded_by = serializers.CharField(read_only=True, allow_null=True,
                                        help_text="The officer who recorded it, if one did.")

    class Meta:
        model = Payment
        fields = ["id", "state", "method", "amount", "currency", "reference", "note",
                  "received_on", "application", "membership_number", "payer_name",
                  "for_joining", "recorded_by", "created_at", "confirmed_at", "failed_at",
                  "held_at", "held_reason", "refunded_at"]
        read_only_fields = fields

    def get_payer_name(self, payment) -> str:
        return (payment.member or payment.application).full_name

    def get_for_joining(self, payment) -> bool:
        return payment.application_id is not None


class SocietyApplicationField(serializers.PrimaryKeyRelatedField):
    """An application to the society in the serializer's context; any other is refused."""

    default_error_messages = {
        "does_not_exist": "There is no application with that id in this co-op.",
        "incorrect_type": "Give the application as its number (id).",
    }

    def get_queryset(self):
        society = self.context.get("society")
        if society is None:
            return Application.objects.none()
        return society.applications.select_related("society")


class RecordPaymentSerializer(serializers.Serializer):
    """Money received another way. Give `application` for an approved applicant's joining
    share (they are admitted with the next membership number), or `member_number` for a member
    buying more shares where the society's rules allow it."""

    application = SocietyApplicationField(
        queryset=Application.objects.all(), required=False, allow_null=True,
        help_text="The approved application the joining share is for (its id).")
    member_number = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2_147_483_647,
        help_text="The membership number of a member buying more shares.")
    method = PaymentMethodField(help_text="How the money was paid. Card payments are recorded "
                                          "by Stripe, not here.")
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
        help_text="In pounds, as a string: \"1.00\". A whole number of shares.")
    received_on = serializers.DateField(help_text="The day the money arrived; not in the future.")
    reference = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="",
        help_text="What the payer quoted. Empty: the application's payment reference, or the "
                  "membership number.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text="Anything to remember about it (cheque number...).")

    def validate_method(self, value):
        if value not in OFFLINE_METHODS:
            raise serializers.ValidationError(
                "Card payments are recorded when Stripe confirms them. Choose cash, cheque, "
                "bank transfer or another way.")
        return value

    def validate(self, attrs):
        application, number = attrs.pop("application", None), attrs.pop("member_number", None)
        if (application is None) == (number is None):
            raise serializers.ValidationError(
                "Say who paid: give either `application` (a joining share) or `member_number` "
                "(more shares), not both.")
        if application is not None:
            return {**attrs, "application": application}
        member = (self.context["society"].members.filter(membership_number=number)
                  .select_related("society").first())
        if member is None:
            raise serializers.ValidationError(
                {"member_number": ["No member of this co-op has that number."]})
        return {**attrs, "member": member}


# --- me ---------------------------------------------------------------------------------------

class MembershipSummarySerializer(serializers.ModelSerializer):
    society = SocietyRefSerializer(read_only=True)
    member_class = MemberClassRefSerializer(read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Member
        fields = ["society", "membership_number", "member_class", "admitted_on", "ceased_on",
                  "is_current"]
        read_only_fields = fields


class OfficeSerializer(serializers.ModelSerializer):
    society = SocietyRefSerializer(read_only=True)

    class Meta:
        model = Officer
        fields = ["society", "role", "started_on", "ended_on"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    memberships = MembershipSummarySerializer(many=True, read_only=True,
                                              help_text="Current and former memberships.")
    offices = OfficeSerializer(many=True, read_only=True, help_text="Offices held today.")
