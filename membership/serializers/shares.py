"""Shares and payments: a member's share account, the payments officers handle, and money
received another way."""

from decimal import Decimal

from rest_framework import serializers

from coop.text import validate_one_line, validate_text

from ..enums import OFFLINE_METHODS, PaymentMethod, PaymentState
from ..models import Application, Payment, ShareTransaction, Withdrawal
from .fields import (
    PaymentMethodField,
    PaymentStateField,
    ShareTransactionKindField,
    SocietyApplicationField,
    WithdrawalStateField,
)


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
                  "membership number.", validators=[validate_one_line])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                 help_text="Anything to remember about it (cheque number...).",
                                 validators=[validate_text])

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
