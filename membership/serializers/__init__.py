"""Serializers for the membership API. Input serializers only validate: the view passes
`validated_data` to a service, which writes, keeps history and audits. The names callers use
are importable from this package."""

from .applications import (
    PAYMENT_REFERENCE_HELP,
    ApplicationCreateSerializer,
    ApplicationFilterSerializer,
    ApplicationSerializer,
    ApplicationSummarySerializer,
    ApproveSerializer,
    RejectSerializer,
)
from .fields import (
    EnumField,
    EnumFieldExtension,
    MemberClassRefSerializer,
    PaymentMethodField,
    PaymentStateField,
    ShareTransactionKindField,
    SocietyApplicationField,
    SocietyClassField,
    WithdrawalStateField,
    cessation_reason,
    optional_email,
)
from .register import (
    CONTACT_FIELDS,
    DETAIL_ERRORS,
    DETAIL_FIELDS,
    EMAIL_NEEDED,
    PREFERENCE_FIELDS,
    MemberClassSerializer,
    MemberDetailsSerializer,
    MembershipSummarySerializer,
    MeSerializer,
    OfficeSerializer,
    OwnEntrySerializer,
    RegisterEntrySerializer,
    RegisterFilterSerializer,
    check_contact,
)
from .shares import (
    OwnPaymentSerializer,
    PaymentFilterSerializer,
    PaymentSerializer,
    RecordPaymentSerializer,
    ShareAccountSerializer,
    ShareTransactionSerializer,
    WithdrawalSerializer,
)

__all__ = [
    "CONTACT_FIELDS", "DETAIL_ERRORS", "DETAIL_FIELDS", "EMAIL_NEEDED", "PAYMENT_REFERENCE_HELP",
    "PREFERENCE_FIELDS", "ApplicationCreateSerializer", "ApplicationFilterSerializer",
    "ApplicationSerializer", "ApplicationSummarySerializer", "ApproveSerializer", "EnumField",
    "EnumFieldExtension", "MeSerializer", "MemberClassRefSerializer", "MemberClassSerializer",
    "MemberDetailsSerializer", "MembershipSummarySerializer", "OfficeSerializer",
    "OwnEntrySerializer", "OwnPaymentSerializer", "PaymentFilterSerializer",
    "PaymentMethodField", "PaymentSerializer", "PaymentStateField", "RecordPaymentSerializer",
    "RegisterEntrySerializer", "RegisterFilterSerializer", "RejectSerializer",
    "ShareAccountSerializer", "ShareTransactionKindField", "ShareTransactionSerializer",
    "SocietyApplicationField", "SocietyClassField", "WithdrawalSerializer",
    "WithdrawalStateField", "cessation_reason", "check_contact", "optional_email",
]
