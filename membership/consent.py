"""Consent where consent is the lawful basis: news, surveys and other non-statutory messages.

Statutory notices (of meetings, ballots) go to every member by their chosen means and need no
consent. **Every sender of anything else must ask `has_consented(member, purpose)` first** and
send nothing when it says False; `purposes_consented(members, purpose)` does the same for many
members in one query. Records are only added, never edited: each says when, how and by whom
consent was given or withdrawn, and the latest one for a purpose holds."""

from django.db import transaction
from django.db.models import OuterRef, Subquery

from coop import audit

from .enums import ConsentMethod, ConsentPurpose
from .models import Consent, Member
from .services import MembershipError


def has_consented(member: Member, purpose: str) -> bool:
    """True only when the member's latest record for `purpose` gives consent and they are a
    current member. No record means no consent."""
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"Unknown consent purpose: {purpose!r}")
    if not member.is_current:
        return False
    latest = member.consents.filter(purpose=purpose).order_by("-at", "-id").first()
    return latest is not None and latest.given


def consenting(members, purpose: str):
    """The members (a queryset) whose latest record for `purpose` gives consent."""
    latest = Consent.objects.filter(member=OuterRef("pk"), purpose=purpose).order_by(
        "-at", "-id").values("given")[:1]
    return members.annotate(consent_latest=Subquery(latest)).filter(consent_latest=True)


def current_choices(member: Member) -> dict[str, bool]:
    return {p: has_consented(member, p) for p in ConsentPurpose.values}


def record_consent(member: Member, *, purpose: str, given: bool, method: str, by=None
                   ) -> Consent | None:
    """Add a record when the choice changes (none when it is the same). `by` is the officer
    recording a paper or phone consent; None when the member did it themselves.
    Side effects: the record; audit entry `membership.consent.given` or `.withdrawn`."""
    if purpose not in ConsentPurpose.values:
        raise MembershipError("Choose what the consent is for.", field="purpose")
    if method not in ConsentMethod.values:
        raise MembershipError("Choose how the consent was given.", field="method")
    if has_consented(member, purpose) == given:
        return None
    with transaction.atomic():
        consent = Consent.objects.create(member=member, purpose=purpose, given=given,
                                         method=method, recorded_by=by)
        audit.record(f"membership.consent.{'given' if given else 'withdrawn'}",
                     society=member.society, actor=by or member.user, obj=consent,
                     data={"purpose": purpose, "method": method})
    return consent
