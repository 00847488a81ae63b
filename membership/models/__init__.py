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
    "Application", "ClassChangeRequest", "ContactDetails", "Member", "MemberClass",
    "RegisterChange", "Payment", "ShareTransaction", "StripeEvent", "Withdrawal",
]
