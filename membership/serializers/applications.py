"""Applications to join: the applicant's form, and what officers read and decide."""

from rest_framework import serializers

from coop.text import validate_text

from ..enums import ApplicationState
from ..models import Application, MemberClass
from .fields import MemberClassRefSerializer, SocietyClassField, optional_email
from .register import CONTACT_FIELDS, DETAIL_ERRORS, check_contact


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
                        "blank": "Give a reason. The applicant will be told it."},
                        validators=[validate_text])
