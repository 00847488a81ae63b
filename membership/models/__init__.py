from .interests import Declaration, DeclarationReminder, InterestTopic, OfficerReturn
from .privacy import Consent, ErasureRequest, PrivacyNotice
from .register import (
    Application,
    ClassChangeRequest,
    ContactDetails,
    Member,
    MemberClass,
    RegisterChange,
)
from .shares import (
    PayerNotice,
    Payment,
    ShareTransaction,
    StripeAccount,
    StripeEvent,
    Withdrawal,
)

__all__ = [
    "Declaration", "DeclarationReminder", "InterestTopic", "OfficerReturn",
    "Application", "ClassChangeRequest", "ContactDetails", "Member", "MemberClass",
    "RegisterChange", "PayerNotice", "Payment", "ShareTransaction", "StripeAccount",
    "StripeEvent", "Withdrawal", "Consent", "ErasureRequest", "PrivacyNotice",
]
