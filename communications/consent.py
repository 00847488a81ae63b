"""News consent, behind one question: may this member be sent news?

Statutory notices need no consent; news does (UK GDPR and PECR: marketing-like email needs a
member's agreement, and they can withdraw it at any time, in one click). This is a small stand-in
for the consent records of the personal-data issue: when those land, point `may_send_news` and
`consenting` at them and keep the rest of the app unchanged."""

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from coop import audit

from .models import NewsConsent

PURPOSE = "news"


def _current():
    return NewsConsent.objects.filter(purpose=PURPOSE, withdrawn_at__isnull=True)


def may_send_news(member) -> bool:
    """True when the member has agreed to get news and not withdrawn it."""
    return _current().filter(member=member).exists()


def consenting(members: QuerySet) -> QuerySet:
    """Narrow a queryset of members to those who may be sent news (one query, no loop)."""
    return members.filter(Exists(_current().filter(member=OuterRef("pk"))))


def give(member, *, how: str) -> bool:
    """Record the member's agreement; False if they had already agreed."""
    with transaction.atomic():
        if may_send_news(member):
            return False
        NewsConsent.objects.create(member=member, purpose=PURPOSE, how=how)
        audit.record("communications.consent.given", society=member.society, actor=None,
                     obj=member, data={"purpose": PURPOSE, "how": how})
    return True


def withdraw(member, *, how: str) -> bool:
    """Withdraw the member's agreement; False if there was none to withdraw."""
    with transaction.atomic():
        changed = _current().filter(member=member).update(withdrawn_at=timezone.now(),
                                                          withdrawn_how=how)
        if changed:
            audit.record("communications.consent.withdrawn", society=member.society,
                         actor=None, obj=member, data={"purpose": PURPOSE, "how": how})
    return bool(changed)
