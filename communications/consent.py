"""News consent, behind one question: may this member be sent news?

Statutory notices need no consent; news does (UK GDPR and PECR: marketing-like email needs a
member's agreement, and they can withdraw it at any time, in one click). The records are the
register's own consent records (`membership.consent`, purpose "news"), so a choice made on the
member's consent page, on the Messages page or by the unsubscribe link is one and the same."""

from django.db.models import QuerySet

from membership import consent as records
from membership.enums import ConsentMethod, ConsentPurpose

PURPOSE = ConsentPurpose.NEWS


def may_send_news(member) -> bool:
    """True when the member has agreed to get news, not withdrawn it, and is still a member."""
    return records.has_consented(member, PURPOSE)


def consenting(members: QuerySet) -> QuerySet:
    """Narrow a queryset of members to those who may be sent news (one query, no loop)."""
    return records.consenting(members, PURPOSE)


def give(member, *, how: str = ConsentMethod.WEBSITE) -> bool:
    """Record the member's agreement; False if they had already agreed. `how` is a
    ConsentMethod (the website, by default)."""
    return records.record_consent(member, purpose=PURPOSE, given=True, method=how) is not None


def withdraw(member, *, how: str = ConsentMethod.WEBSITE) -> bool:
    """Withdraw the member's agreement; False if there was none to withdraw."""
    return records.record_consent(member, purpose=PURPOSE, given=False, method=how) is not None
