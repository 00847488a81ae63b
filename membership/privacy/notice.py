"""Each society's privacy notice: a default made from a template and the society's own rules,
which officers edit; every version is kept with the date it applies from."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from coop import audit
from coop.models import Society

from ..models import PrivacyNotice
from ..services import MembershipError
from .rules import RULES


@dataclass(frozen=True)
class RulePeriod:
    what: str
    period: str
    reason: str


@dataclass(frozen=True)
class Notice:
    text: str
    applies_from: date | None  # None: the default, never edited
    is_default: bool


def _period(society: Society, field: str) -> str:
    n = getattr(society, field)
    unit = "day" if field.endswith("_days") else "year"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def default_text(society: Society) -> str:
    rules = [RulePeriod(r.what, _period(society, r.field), r.reason) for r in RULES]
    return render_to_string("membership/privacy/default_notice.txt",
                            {"society": society, "rules": rules}).strip()


def current_notice(society: Society, on: date | None = None) -> Notice:
    on = on or timezone.localdate()
    version = society.privacy_notices.filter(applies_from__lte=on).first()
    if version is None:
        return Notice(default_text(society), None, True)
    return Notice(version.text, version.applies_from, False)


def versions(society: Society):
    return society.privacy_notices.select_related("created_by")


def publish(society: Society, *, text: str, applies_from: date, by) -> PrivacyNotice:
    """Add a version; earlier ones are kept. Side effect: audit `membership.privacy_notice.
    published`."""
    if not text.strip():
        raise MembershipError("Write the notice.", field="text")
    if applies_from < timezone.localdate():
        raise MembershipError("A new version cannot apply from a day in the past.",
                              field="applies_from")
    with transaction.atomic():
        notice = PrivacyNotice.objects.create(society=society, text=text.strip(),
                                              applies_from=applies_from, created_by=by)
        audit.record("membership.privacy_notice.published", society=society, actor=by,
                     obj=notice, data={"applies_from": applies_from})
    return notice
