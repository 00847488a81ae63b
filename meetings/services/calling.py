"""Calling a meeting: its time and place, its agenda (with resolutions, which must be in
the notice) and sending the notice by each member's preference."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from coop import audit
from coop.notify import emails_are_muted
from membership.models import Member

from .. import rules, selectors, tasks
from ..enums import AGM_ITEMS, AgendaItemKind, MeetingKind, MeetingState, NoticeMethod
from ..models import (
    AgendaItem,
    Meeting,
    NoticeDelivery,
    Requisition,
)
from .base import (
    MeetingError,
    locked_meeting,
    refreshed,
)

# --- calling a meeting -------------------------------------------------------------------------

def _check_where(society, place: str, online_link: str) -> None:
    if not place and not online_link:
        raise MeetingError("Give a place, an online link, or both.", field="place")
    if online_link and not place and not society.online_meetings_allowed:
        raise MeetingError("The co-op's rules do not allow meetings held only online. Give a "
                           "place.", field="place")
    if online_link and place and not society.hybrid_meetings_allowed:
        raise MeetingError("The co-op's rules do not allow hybrid meetings (in a room and "
                           "online). Give a place or a link, not both.", field="online_link")


def create_meeting(society, *, by, kind: str, starts_at, title: str = "", place: str = "",
                   online_link: str = "", access_notes: str = "",
                   requisition: Requisition | None = None) -> Meeting:
    """Call a meeting (its notice is sent separately). A new AGM gets the standard opening
    items; a requisitioned meeting gets the requisition's purpose as its business."""
    place, online_link = (place or "").strip(), (online_link or "").strip()
    if kind not in MeetingKind.values:
        raise MeetingError("Choose the kind of meeting.", field="kind")
    if starts_at is None or starts_at <= timezone.now():
        raise MeetingError("The meeting must start in the future.", field="starts_at")
    _check_where(society, place, online_link)
    if requisition is not None:
        if requisition.society_id != society.pk or requisition.reached_at is None:
            raise MeetingError("That requisition does not have enough support yet.")
        if Meeting.objects.filter(requisition=requisition).exists():
            raise MeetingError("A meeting has already been called for that requisition.")
    local = timezone.localtime(starts_at)
    title = (title or "").strip() or f"{MeetingKind(kind).label} {local:%-d %B %Y}"
    with transaction.atomic():
        meeting = Meeting.objects.create(
            society=society, kind=kind, title=title, starts_at=starts_at, place=place,
            online_link=online_link, access_notes=access_notes.strip(), created_by=by,
            requisition=requisition)
        items = list(AGM_ITEMS) if kind == MeetingKind.AGM else [
            (AgendaItemKind.APOLOGIES, "Apologies for absence"),
            (AgendaItemKind.DECLARATIONS, "Declarations of interest")]
        if requisition is not None:
            items.append((AgendaItemKind.OTHER, "Business of the requisition"))
        AgendaItem.objects.bulk_create([
            AgendaItem(meeting=meeting, position=i, kind=k, title=t,
                       description=requisition.purpose if requisition and
                       t == "Business of the requisition" else "")
            for i, (k, t) in enumerate(items, start=1)])
        audit.record("meetings.meeting.called", society=society, actor=by, obj=meeting,
                     data={"kind": kind, "starts_at": starts_at, "place": place,
                           "online_link": online_link,
                           "requisition": requisition.pk if requisition else None})
    return meeting


def update_meeting(original: Meeting, *, by, **fields) -> Meeting:
    """Change a meeting before its notice goes out. After that the notice would be wrong:
    cancel and call the meeting again."""
    allowed = {"title", "starts_at", "place", "online_link", "access_notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise MeetingError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        meeting = locked_meeting(original)
        if meeting.state != MeetingState.DRAFT:
            raise MeetingError("Notice of this meeting has been sent, so its time and place "
                               "cannot change. Cancel it and call a new one.")
        changes = {}
        for name, value in fields.items():
            value = value.strip() if isinstance(value, str) else value
            if getattr(meeting, name) != value:
                changes[name] = {"from": getattr(meeting, name), "to": value}
                setattr(meeting, name, value)
        if "title" in changes and not meeting.title:
            raise MeetingError("Give the meeting a title.", field="title")
        if "starts_at" in changes and meeting.starts_at <= timezone.now():
            raise MeetingError("The meeting must start in the future.", field="starts_at")
        _check_where(meeting.society, meeting.place, meeting.online_link)
        if changes:
            meeting.save(update_fields=list(changes))
            audit.record("meetings.meeting.changed", society=meeting.society, actor=by,
                         obj=meeting, data=changes)
    return refreshed(original, meeting)


def cancel_meeting(original: Meeting, *, by, reason: str) -> Meeting:
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError("Say why the meeting is cancelled.", field="reason")
    with transaction.atomic():
        meeting = locked_meeting(original)
        if meeting.state not in (MeetingState.DRAFT, MeetingState.CALLED):
            raise MeetingError("Only a meeting that has not started can be cancelled.")
        meeting.cancelled_at, meeting.cancel_reason = timezone.now(), reason
        meeting.save(update_fields=["cancelled_at", "cancel_reason"])
        audit.record("meetings.meeting.cancelled", society=meeting.society, actor=by,
                     obj=meeting, data={"reason": reason})
    return refreshed(original, meeting)


# --- the agenda --------------------------------------------------------------------------------

def add_item(meeting: Meeting, *, by, title: str, description: str = "",
             kind: str = AgendaItemKind.OTHER, topics=(), resolution_kind: str | None = None
             ) -> AgendaItem:
    """Add an item at the end of the agenda. With `resolution_kind` (ordinary or special)
    the item carries a resolution: `description` is its text, voted on in the room. A
    resolution must be in the notice, so it can only be added before notice is sent."""
    from voting import services as voting
    from voting.enums import ResolutionKind

    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise MeetingError("Give the item a title.", field="title")
    topics = list(topics or [])
    if any(t.society_id != meeting.society_id for t in topics):
        raise MeetingError("Choose this co-op's topics.", field="topics")
    with transaction.atomic():
        meeting = locked_meeting(meeting)
        if meeting.state in (MeetingState.ENDED, MeetingState.CANCELLED):
            raise MeetingError("This meeting is over; its agenda cannot change.")
        ballot = None
        if resolution_kind:
            if resolution_kind not in (ResolutionKind.ORDINARY, ResolutionKind.SPECIAL):
                raise MeetingError("A resolution is ordinary or special.",
                                   field="resolution_kind")
            if meeting.notice_sent_at:
                raise MeetingError("Notice has been sent, and a resolution must be in the "
                                   "notice. Call another meeting to put it.",
                                   field="resolution_kind")
            if not description:
                raise MeetingError("Give the exact words of the resolution.",
                                   field="description")
            ballot = voting.create_ballot(
                meeting.society, by=by, title=title, summary=description,
                resolution_kind=resolution_kind, live_results=True,
                conflict_policy="record", taken_at_meeting=True)
            kind = AgendaItemKind.RESOLUTION
        last = meeting.items.order_by("-position").values_list("position", flat=True).first()
        item = AgendaItem.objects.create(meeting=meeting, position=(last or 0) + 1, kind=kind,
                                         title=title, description=description, ballot=ballot)
        item.topics.set(topics)
        audit.record("meetings.item.added", society=meeting.society, actor=by, obj=meeting,
                     data={"item": title, "position": item.position,
                           "resolution": resolution_kind or None})
    return item


def move_item(item: AgendaItem, *, by, up: bool) -> None:
    """Swap an item with the one above (or below) it on the agenda (items taken off it are
    skipped)."""
    with transaction.atomic():
        meeting = locked_meeting(item.meeting)
        if meeting.state in (MeetingState.ENDED, MeetingState.CANCELLED):
            raise MeetingError("This meeting is over; its agenda cannot change.")
        items = list(meeting.items.filter(withdrawn_at__isnull=True).order_by("position"))
        index = next((i for i, it in enumerate(items) if it.pk == item.pk), None)
        if index is None:
            raise MeetingError("This item has been taken off the agenda.")
        other = index - 1 if up else index + 1
        if not 0 <= other < len(items):
            return
        a, b = items[index], items[other]
        a_pos, b_pos = a.position, b.position
        AgendaItem.objects.filter(pk=a.pk).update(position=0)
        AgendaItem.objects.filter(pk=b.pk).update(position=a_pos)
        AgendaItem.objects.filter(pk=a.pk).update(position=b_pos)
        audit.record("meetings.item.moved", society=meeting.society, actor=by, obj=meeting,
                     data={"item": a.title, "to": b_pos})


def withdraw_item(item: AgendaItem, *, by) -> AgendaItem:
    """Take an item off the agenda (kept, marked withdrawn). A resolution whose vote has
    opened cannot be withdrawn."""
    with transaction.atomic():
        meeting = locked_meeting(item.meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if meeting.state in (MeetingState.ENDED, MeetingState.CANCELLED):
            raise MeetingError("This meeting is over; its agenda cannot change.")
        if item.withdrawn_at:
            raise MeetingError("This item has already been taken off the agenda.")
        if item.ballot_id and item.ballot.opened_at:
            raise MeetingError("The vote on this item has opened, so it stays on the agenda.")
        item.withdrawn_at = timezone.now()
        item.save(update_fields=["withdrawn_at"])
        audit.record("meetings.item.withdrawn", society=meeting.society, actor=by,
                     obj=meeting, data={"item": item.title})
    return item


# --- notice ------------------------------------------------------------------------------------

def notice_methods(member: Member) -> list[str]:
    """How a member gets notice: by their preferences; post when they have no email."""
    methods = []
    if member.contact_by_email and member.email:
        methods.append(NoticeMethod.EMAIL)
    if member.contact_by_post or not methods:
        methods.append(NoticeMethod.POST)
    return methods


@dataclass(frozen=True)
class NoticeTiming:
    """Clear days counted from when notice is deemed delivered: email on the day it is
    sent, post the society's deemed-delivery hours after posting (48 by default). The
    slowest method this meeting's notice uses decides."""

    sent_on: date
    delivered_on: date  # deemed delivery of the slowest method used
    by_post: bool
    post_hours: int
    required: int
    meeting_on: date

    @property
    def clear_days(self) -> int:
        return rules.clear_days(self.delivered_on, self.meeting_on)

    @property
    def earliest(self) -> date:
        return rules.earliest_meeting_date(self.delivered_on, self.required)

    @property
    def latest_notice(self) -> date:
        return rules.latest_notice_date(self.meeting_on, self.required) - (
            self.delivered_on - self.sent_on)


def notice_timing(meeting: Meeting, sent_on: date | None = None) -> NoticeTiming:
    sent_on = sent_on or timezone.localdate()
    hours = meeting.society.post_deemed_delivery_hours
    by_post = meeting.required_clear_days > 0 and selectors.notice_goes_by_post(meeting)
    delay = rules.deemed_delivery_days(hours) if by_post else 0
    return NoticeTiming(sent_on=sent_on, delivered_on=sent_on + timedelta(days=delay),
                        by_post=by_post, post_hours=hours, required=meeting.required_clear_days,
                        meeting_on=meeting.date)


def check_notice_period(meeting: Meeting, sent_on=None) -> None:
    """Refuse notice with fewer clear days than the rules require, counted from the deemed
    delivery of the slowest method used (post, when any member gets letters), naming the
    earliest valid meeting date."""
    timing = notice_timing(meeting, sent_on)
    have, required = timing.clear_days, timing.required
    if have < required:
        when = "today" if timing.sent_on == timezone.localdate() else \
            f"on {timing.sent_on:%A %-d %B %Y}"
        gives = f"Notice sent {when} gives {max(have, 0)} clear days"
        if timing.by_post:
            gives = (f"Notice posted {when} counts as delivered on "
                     f"{timing.delivered_on:%A %-d %B %Y} ({timing.post_hours} hours after "
                     f"posting, under the co-op's rules), which gives {max(have, 0)} clear "
                     "days")
        raise MeetingError(
            f"{gives}, and the rules need {required}. The earliest date this meeting can be "
            f"held is {timing.earliest:%A %-d %B %Y}. Change the date, then send the notice.",
            field="starts_at")


def check_can_send_notice(meeting: Meeting) -> None:
    """Everything `send_notice` checks before sending: a meeting being prepared, still in
    the future, with enough clear days and some business. Raises `MeetingError`."""
    if meeting.state != MeetingState.DRAFT:
        raise MeetingError("Notice of this meeting has already been sent."
                           if meeting.notice_sent_at else "This meeting was cancelled.")
    if meeting.starts_at <= timezone.now():
        raise MeetingError("The meeting's time has passed. Change the date first.",
                           field="starts_at")
    check_notice_period(meeting)
    if not meeting.items.filter(withdrawn_at__isnull=True).exists():
        raise MeetingError("Add the business (agenda items) before sending notice.")


def send_notice(original: Meeting, *, by) -> int:
    """Send notice to every current member by their preference: email (with an .ics
    invitation, sent by a background task) or a letter on the post list. Keeps a record of
    how and when each was sent. Returns the number of members given notice."""
    with transaction.atomic():
        meeting = locked_meeting(original)
        check_can_send_notice(meeting)
        now = timezone.now()
        members = selectors.notice_recipients(meeting)
        deliveries = []
        for member in members:
            for method in notice_methods(member):
                address = member.email if method == NoticeMethod.EMAIL else \
                    f"{member.address}\n{member.postcode}".strip()
                deliveries.append(NoticeDelivery(
                    meeting=meeting, member=member, method=method, address=address,
                    large_print=member.large_print, easy_read=member.easy_read, sent_at=now))
        NoticeDelivery.objects.bulk_create(deliveries, batch_size=1000)
        meeting.notice_sent_at, meeting.notice_sent_by = now, by
        meeting.save(update_fields=["notice_sent_at", "notice_sent_by"])
        counts = {m: sum(1 for d in deliveries if d.method == m) for m in NoticeMethod.values}
        audit.record("meetings.notice.sent", society=meeting.society, actor=by, obj=meeting,
                     data={"members": len(members), **counts,
                           "clear_days": rules.clear_days(timezone.localdate(now),
                                                          meeting.date)})
        transaction.on_commit(lambda: _email_notice(meeting))
    refreshed(original, meeting)
    return len(members)


def _email_notice(meeting: Meeting) -> None:
    if not emails_are_muted():
        tasks.email_notice.enqueue(meeting.pk)
