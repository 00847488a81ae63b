"""Proxies: a member appoints another to attend and vote for them (perhaps directed), up to
the deadline, and may revoke it until the meeting starts."""

from django.db import transaction
from django.utils import timezone

from coop import audit
from membership.models import Member

from .. import selectors
from ..enums import MeetingState
from ..models import (
    Meeting,
    Proxy,
    ProxyInstruction,
)
from .base import (
    MeetingError,
    fresh_meeting,
    require_member_of,
)


def appoint_proxy(meeting: Meeting, appointer: Member, holder: Member, *,
                  instructions: dict | None = None, by=None) -> Proxy:
    """Appoint `holder` to attend and vote for `appointer`, optionally directed: the
    `instructions` map resolution items to for, against or abstain. Replaces the appointer's
    earlier proxy for this meeting. `by` is the officer entering a proxy form the member sent
    back by post (the same rules apply; the entry is audited)."""
    from ..enums import ProxyDirection

    meeting = fresh_meeting(meeting)
    society = meeting.society
    if not meeting.takes_proxies:
        raise MeetingError("Proxies are not allowed at this meeting.")
    if meeting.state not in (MeetingState.CALLED,):
        raise MeetingError("Proxies can be appointed once notice is sent and until the "
                           "deadline before the meeting.")
    deadline = selectors.proxy_deadline_at(meeting)
    if timezone.now() > deadline.at:
        raise MeetingError(f"The deadline for appointing a proxy was {deadline.text}.")
    require_member_of(society, appointer, "appointer", "You")
    require_member_of(society, holder, "holder", "Your proxy")
    if holder.pk == appointer.pk:
        raise MeetingError("Choose someone other than yourself.", field="holder")
    instructions = instructions or {}
    items = {i.pk: i for i in meeting.items.filter(ballot__isnull=False,
                                                   withdrawn_at__isnull=True)}
    for item_id, direction in instructions.items():
        if int(item_id) not in items:
            raise MeetingError("Directions can only be given on this meeting's resolutions.",
                               field="instructions")
        if direction and direction not in ProxyDirection.values:
            raise MeetingError("Choose for, against, abstain or the proxy's own choice.",
                               field="instructions")
    with transaction.atomic():
        # Lock the holder so two appointments at once cannot pass the limit together.
        Member.objects.select_for_update().get(pk=holder.pk)
        held = Proxy.objects.filter(meeting=meeting, holder=holder, revoked_at__isnull=True
                                    ).exclude(appointer=appointer).count()
        if held >= society.max_proxies_per_holder:
            raise MeetingError(f"{holder.full_name} already holds {held} proxies, the most "
                               f"the rules allow. Choose someone else.", field="holder")
        if Proxy.objects.filter(meeting=meeting, appointer=holder, revoked_at__isnull=True,
                                holder=appointer).exists():
            raise MeetingError(f"{holder.full_name} has appointed you as their proxy.",
                               field="holder")
        now = timezone.now()
        Proxy.objects.filter(meeting=meeting, appointer=appointer,
                             revoked_at__isnull=True).update(revoked_at=now)
        proxy = Proxy.objects.create(meeting=meeting, appointer=appointer, holder=holder,
                                     appointed_at=now)
        ProxyInstruction.objects.bulk_create([
            ProxyInstruction(proxy=proxy, item=items[int(i)], direction=d)
            for i, d in instructions.items() if d])
        if by is not None:
            audit.record("meetings.proxy.entered_from_post", society=society, actor=by,
                         obj=meeting, data={"appointer": appointer.membership_number,
                                            "holder": holder.membership_number,
                                            "directed": sum(1 for d in instructions.values()
                                                            if d)})
    return proxy


def revoke_proxy(proxy: Proxy, *, member: Member) -> Proxy:
    """The appointer cancels their proxy, at any time until the meeting starts."""
    with transaction.atomic():
        proxy = Proxy.objects.select_for_update().select_related("meeting").get(pk=proxy.pk)
        if proxy.appointer_id != member.pk:
            raise MeetingError("Only the member who appointed a proxy can cancel it.")
        if proxy.revoked_at:
            raise MeetingError("This proxy has already been cancelled.")
        meeting = proxy.meeting
        if meeting.cancelled_at:
            raise MeetingError("This meeting was cancelled, so there is nothing to cancel.")
        if meeting.started_at or meeting.state != MeetingState.CALLED:
            raise MeetingError("The meeting has started, so the proxy can no longer be "
                               "cancelled. You can still attend and vote yourself.")
        proxy.revoked_at = timezone.now()
        proxy.save(update_fields=["revoked_at"])
    return proxy
