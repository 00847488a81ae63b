"""Removing a former member's personal data in the two steps the rules set: contact details
first (the register does not need them), then the whole entry once the register's period is
over. Both leave the rows, the share ledger and the payments in place, and neither touches the
audit chain: entries name people by pseudonym, and `audit_names.forget` clears the name."""

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from coop import audit_names
from coop.models import Officer

from ..enums import TRACKED_FIELDS
from ..models import Application, ClassChangeRequest, Declaration, Member, RegisterChange
from . import registry

# What the register of members needs (Co-operative and Community Benefit Societies Act 2014,
# s.30): name, address, shares, and the dates of admission and cessation. The rest goes first.
REGISTER_FIELDS = {"full_name", "address", "postcode"}
CONTACT_BLANK = {"email": "", "phone": "", "access_needs": "", "contact_by_email": False,
                 "contact_by_post": False, "large_print": False, "easy_read": False}


def placeholder(member: Member) -> str:
    """The name an anonymised entry carries; its membership number still identifies the row."""
    return "Former member"


def remove_contact_details(member: Member) -> None:
    """Clear email, phone, access needs and preferences (and their history); keep what the
    register needs."""
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(**CONTACT_BLANK,
                                                   contact_removed_at=timezone.now())
        _applications(member).update(**CONTACT_BLANK)
        member.changes.exclude(field__in=REGISTER_FIELDS).update(old_value="", new_value="")
        for clear in registry.anonymisers():
            clear(member, contact_only=True)


def anonymise_member(member: Member) -> None:
    """Replace the name with "Former member", clear the address, and clear every free text that
    could name them; the readable name in the audit log is forgotten. The number, class, dates,
    shares and payments stay (the society's accounts need them)."""
    name = placeholder(member)
    with transaction.atomic():
        remove_contact_details(member)
        Member.objects.filter(pk=member.pk).update(
            full_name=name, address="", postcode="", cessation_note="",
            anonymised_at=timezone.now())
        _applications(member).update(full_name=name, address="", postcode="",
                                     rejection_reason="")
        RegisterChange.objects.filter(member=member, field__in=TRACKED_FIELDS).update(
            old_value="", new_value="")
        ClassChangeRequest.objects.filter(member=member).update(reason="", decision_note="")
        # Declarations are never edited by members or officers; anonymising is the exception.
        models.QuerySet(Declaration).filter(society=member.society, person=member.user).update(
            person_name=name)
        for clear in registry.anonymisers():
            clear(member, contact_only=False)
        audit_names.forget(member.user, member.society)
        _forget_login_if_unused(member)


def _applications(member: Member):
    return Application.objects.filter(society=member.society, user=member.user)


def _forget_login_if_unused(member: Member) -> None:
    """The login goes too when nothing else needs it: no other register entry still named, no
    open application, no office held."""
    user = member.user
    others = (Member.objects.filter(user=user, anonymised_at__isnull=True)
              .exclude(pk=member.pk).exists()
              or Application.objects.filter(user=user, admitted_at__isnull=True,
                                            rejected_at__isnull=True,
                                            withdrawn_at__isnull=True).exists()
              or Officer.objects.filter(user=user).filter(
                  Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate())).exists())
    if others:
        return
    get_user_model().objects.filter(pk=user.pk).update(
        email=f"anonymised-{user.pk}@invalid", display_name="", is_active=False, password="!")
    user.emailaddress_set.all().delete()
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_names.forget(user, None)
