"""Fields the membership serializers share, and that voting and meetings reuse: an enum
documented by name in the schema, and the society-scoped choices of a class or application."""

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from ..enums import (
    CessationReason,
    PaymentMethod,
    PaymentState,
    ShareTransactionKind,
    WithdrawalState,
)
from ..models import Application, MemberClass


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
