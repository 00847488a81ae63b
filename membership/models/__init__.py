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
from .shares import Payment, ShareTransaction, StripeEvent, Withdrawal

__all__ = [
    "Declaration", "DeclarationReminder", "InterestTopic", "OfficerReturn",
    "Application", "ClassChangeRequest", "ContactDetails", "Member", "MemberClass",
    "RegisterChange", "Payment", "Consent", "ErasureRequest", "PrivacyNotice",
    "ShareTransaction", "StripeEvent", "Withdrawal",
]
