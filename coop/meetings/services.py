"""Writes for general meetings: calling a meeting and its agenda, sending notice, the meeting
itself (attendance, apologies, proxies, withdrawals, votes in the room) and requisitions.
Each function checks the society's rules, writes inside a transaction and records an audit
entry (never for a vote). Elections are in `elections`, minutes in `minutes`."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from coop import audit
from coop.services import CoopError
from membership.models import Member

from . import rules, selectors
from .enums import AGM_ITEMS, AgendaItemKind, MeetingKind, MeetingState, NoticeMethod
from .models import (
    AgendaItem,
    Apology,
    Attendance,
    Meeting,
    NoticeDelivery,
    Proxy,
    ProxyInstruction,
    Requisition,
    RequisitionSupport,
    Withdrawal,
)

MEETING_VOTE_HOURS = 6  # a vote the chair forgets to close closes by itself after this


class MeetingError(CoopError):
    """A meeting rule was broken; the message is shown to the person as it is."""


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("society").get(pk=meeting.pk)


def _fresh(meeting: Meeting) -> Meeting:
    """The meeting as the database has it now: its state decides what is allowed, and the
    caller's copy may be older."""
    return Meeting.objects.select_related("society").get(pk=meeting.pk)


def _fresh_item(item: AgendaItem) -> AgendaItem:
    return AgendaItem.objects.select_related("ballot", "meeting__society").get(pk=item.pk)


def _updated(original: Meeting, saved: Meeting) -> Meeting:
    """Bring the caller's copy up to date with what was saved, and return it."""
    original.refresh_from_db()
    return original


def _require_member_of(society, member: Member, field: str, who: str = "They") -> None:
    if member is None or member.society_id != society.pk:
        raise MeetingError("Choose a member of this co-op.", field=field)
    if not member.is_current:
        raise MeetingError(f"{who} must be a current member.", field=field)


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
        meeting = _locked(original)
        if meeting.state != MeetingState.DRAFT:
            raise MeetingError("Notice of this meeting has been sent, so its time and place "
                               "cannot change. Cancel it and call a new one.")
        changes = {}
        for name, value in fields.items():
            value = value.strip() if isinstance(value, str) else value
            if getattr(meeting, name) != value:
                changes[name] = {"from": getattr(meeting, name), "to": value}
                setattr(meeting, name, value)
        if "starts_at" in changes and meeting.starts_at <= timezone.now():
            raise MeetingError("The meeting must start in the future.", field="starts_at")
        _check_where(meeting.society, meeting.place, meeting.online_link)
        if changes:
            meeting.save(update_fields=list(changes))
            audit.record("meetings.meeting.changed", society=meeting.society, actor=by,
                         obj=meeting, data=changes)
    return _updated(original, meeting)


def cancel_meeting(original: Meeting, *, by, reason: str) -> Meeting:
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError("Say why the meeting is cancelled.", field="reason")
    with transaction.atomic():
        meeting = _locked(original)
        if meeting.state not in (MeetingState.DRAFT, MeetingState.CALLED):
            raise MeetingError("Only a meeting that has not started can be cancelled.")
        meeting.cancelled_at, meeting.cancel_reason = timezone.now(), reason
        meeting.save(update_fields=["cancelled_at", "cancel_reason"])
        audit.record("meetings.meeting.cancelled", society=meeting.society, actor=by,
                     obj=meeting, data={"reason": reason})
    return _updated(original, meeting)


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
        meeting = _locked(meeting)
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
    """Swap an item with the one above (or below) it."""
    with transaction.atomic():
        meeting = _locked(item.meeting)
        if meeting.state in (MeetingState.ENDED, MeetingState.CANCELLED):
            raise MeetingError("This meeting is over; its agenda cannot change.")
        items = list(meeting.items.order_by("position"))
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
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
        meeting = _locked(item.meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if meeting.state in (MeetingState.ENDED, MeetingState.CANCELLED):
            raise MeetingError("This meeting is over; its agenda cannot change.")
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


def check_notice_period(meeting: Meeting, sent_on=None) -> None:
    """Refuse notice with fewer clear days than the rules require, naming the earliest
    valid meeting date."""
    sent_on = sent_on or timezone.localdate()
    required = meeting.society.notice_clear_days
    if meeting.kind == MeetingKind.BOARD:
        return
    have = rules.clear_days(sent_on, meeting.date)
    if have < required:
        earliest = rules.earliest_meeting_date(sent_on, required)
        raise MeetingError(
            f"Notice sent today gives {max(have, 0)} clear days, and the rules need "
            f"{required}. The earliest date this meeting can be held is "
            f"{earliest:%A %-d %B %Y}. Change the date, then send the notice.",
            field="starts_at")


def send_notice(original: Meeting, *, by) -> int:
    """Send notice to every current member by their preference: email (with an .ics
    invitation, sent by a background task) or a letter on the post list. Keeps a record of
    how and when each was sent. Returns the number of members given notice."""
    with transaction.atomic():
        meeting = _locked(original)
        if meeting.state != MeetingState.DRAFT:
            raise MeetingError("Notice of this meeting has already been sent."
                               if meeting.notice_sent_at else "This meeting was cancelled.")
        if meeting.starts_at <= timezone.now():
            raise MeetingError("The meeting's time has passed. Change the date first.",
                               field="starts_at")
        check_notice_period(meeting)
        if not meeting.items.filter(withdrawn_at__isnull=True).exists():
            raise MeetingError("Add the business (agenda items) before sending notice.")
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
    _updated(original, meeting)
    return len(members)


def _email_notice(meeting: Meeting) -> None:
    from coop.notify import emails_are_muted

    from . import tasks

    if not emails_are_muted():
        tasks.email_notice.enqueue(meeting.pk)


# --- the meeting itself ------------------------------------------------------------------------

def start_meeting(original: Meeting, *, by) -> Meeting:
    with transaction.atomic():
        meeting = _locked(original)
        if meeting.state != MeetingState.CALLED:
            raise MeetingError("Only a meeting whose notice has been sent can start."
                               if meeting.state == MeetingState.DRAFT
                               else "This meeting has already started or is over.")
        if timezone.now() < meeting.starts_at - timedelta(hours=1):
            raise MeetingError("The meeting can start from an hour before its time.")
        meeting.started_at = timezone.now()
        meeting.save(update_fields=["started_at"])
        audit.record("meetings.meeting.started", society=meeting.society, actor=by,
                     obj=meeting, data=selectors.quorum(meeting).as_dict())
    return _updated(original, meeting)


def end_meeting(original: Meeting, *, by) -> Meeting:
    with transaction.atomic():
        meeting = _locked(original)
        if meeting.state != MeetingState.LIVE:
            raise MeetingError("Only a meeting that is happening can end.")
        if any(i.ballot_id and i.ballot.is_open for i in meeting.items.select_related("ballot")):
            raise MeetingError("A vote is still open. Close it before ending the meeting.")
        meeting.ended_at = timezone.now()
        meeting.save(update_fields=["ended_at"])
        audit.record("meetings.meeting.ended", society=meeting.society, actor=by,
                     obj=meeting, data=selectors.quorum(meeting).as_dict())
    return _updated(original, meeting)


def check_in(meeting: Meeting, member: Member, *, by=None, online: bool = False,
             by_hand: bool = False) -> Attendance:
    """Record a member as present. Members check themselves in while the meeting is live
    (`by` is None); an officer can mark them present from when notice is sent."""
    meeting = _fresh(meeting)
    _require_member_of(meeting.society, member, "member", "Only members can attend; they")
    state = meeting.state
    if by is None and state != MeetingState.LIVE:
        raise MeetingError("You can check in once the meeting has started."
                           if state in (MeetingState.DRAFT, MeetingState.CALLED)
                           else "This meeting is over.")
    if by is not None and state not in (MeetingState.CALLED, MeetingState.LIVE):
        raise MeetingError("Attendance can be marked only for a called or live meeting.")
    if online and not meeting.online_link:
        raise MeetingError("This meeting has no online link.", field="online")
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                meeting=meeting, member=member, online=online, votes_by_hand=by_hand,
                marked_by=by)
            if by is not None:
                audit.record("meetings.attendance.marked", society=meeting.society, actor=by,
                             obj=meeting, data={"membership_number": member.membership_number,
                                                "online": online, "by_hand": by_hand})
    except IntegrityError:
        raise MeetingError(f"{member.full_name} is already checked in.") from None
    return attendance


def record_apology(meeting: Meeting, member: Member, *, by=None) -> Apology:
    meeting = _fresh(meeting)
    _require_member_of(meeting.society, member, "member")
    if meeting.state in (MeetingState.ENDED, MeetingState.CANCELLED):
        raise MeetingError("This meeting is over.")
    if Attendance.objects.filter(meeting=meeting, member=member).exists():
        raise MeetingError(f"{member.full_name} is at the meeting.")
    try:
        with transaction.atomic():
            apology = Apology.objects.create(meeting=meeting, member=member, recorded_by=by)
            if by is not None:
                audit.record("meetings.apology.recorded", society=meeting.society, actor=by,
                             obj=meeting, data={"membership_number": member.membership_number})
    except IntegrityError:
        raise MeetingError("Apologies have already been recorded.") from None
    return apology


# --- proxies -----------------------------------------------------------------------------------

def proxy_deadline(meeting: Meeting):
    return rules.proxy_deadline(meeting.date, meeting.society.proxy_deadline_clear_days)


def appoint_proxy(meeting: Meeting, appointer: Member, holder: Member, *,
                  instructions: dict | None = None) -> Proxy:
    """Appoint `holder` to attend and vote for `appointer`, optionally directed: the
    `instructions` map resolution items to for, against or abstain. Replaces the appointer's
    earlier proxy for this meeting."""
    from .enums import ProxyDirection

    meeting = _fresh(meeting)
    society = meeting.society
    if not society.proxies_allowed or meeting.kind == MeetingKind.BOARD:
        raise MeetingError("Proxies are not allowed at this meeting.")
    if meeting.state not in (MeetingState.CALLED,):
        raise MeetingError("Proxies can be appointed once notice is sent and until the "
                           "deadline before the meeting.")
    deadline = proxy_deadline(meeting)
    if timezone.localdate() > deadline:
        raise MeetingError(f"The deadline for appointing a proxy was the end of "
                           f"{deadline:%A %-d %B %Y}.")
    _require_member_of(society, appointer, "appointer", "You")
    _require_member_of(society, holder, "holder", "Your proxy")
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
        if meeting.started_at or meeting.state != MeetingState.CALLED:
            raise MeetingError("The meeting has started, so the proxy can no longer be "
                               "cancelled. You can still attend and vote yourself.")
        proxy.revoked_at = timezone.now()
        proxy.save(update_fields=["revoked_at"])
    return proxy


# --- declarations and votes in the room --------------------------------------------------------

def record_withdrawal(item: AgendaItem, member: Member, *, by, reason: str = "") -> Withdrawal:
    """The chair records that a member withdrew from an item for an interest; they are left
    off its vote."""
    meeting = item.meeting
    _require_member_of(meeting.society, member, "member")
    if meeting.state != MeetingState.LIVE:
        raise MeetingError("Withdrawals are recorded during the meeting.")
    if item.ballot_id and item.ballot.opened_at:
        raise MeetingError("The vote on this item has opened. Record withdrawals before "
                           "opening it.")
    try:
        with transaction.atomic():
            withdrawal = Withdrawal.objects.create(item=item, member=member, recorded_by=by,
                                                   reason=(reason or "").strip())
            audit.record("meetings.withdrawal.recorded", society=meeting.society, actor=by,
                         obj=meeting, data={"item": item.title,
                                            "membership_number": member.membership_number})
    except IntegrityError:
        raise MeetingError(f"{member.full_name}'s withdrawal is already recorded.") from None
    return withdrawal


def open_item_vote(item: AgendaItem, *, by):
    """The chair opens the vote on a resolution. The meeting must be live and quorate. On
    the roll: members present and the absent members whose proxy is present, less anyone who
    withdrew from the item. Directed proxy votes are cast at once."""
    from voting import services as voting

    item = _fresh_item(item)
    meeting = item.meeting
    if meeting.state != MeetingState.LIVE:
        raise MeetingError("Votes are taken while the meeting is happening.")
    if item.ballot_id is None or item.withdrawn_at:
        raise MeetingError("This item has no resolution to vote on.")
    if item.ballot.opened_at:
        raise MeetingError("The vote on this item has already been opened.")
    quorum = selectors.quorum(meeting)
    if not quorum.is_quorate:
        raise MeetingError(f"The meeting is not quorate: {quorum.counted} of the "
                           f"{quorum.required} needed are here. A vote cannot be opened.")
    room = selectors.room(item)
    with transaction.atomic():
        voting.open_ballot(item.ballot, by=by, room=voting.Room(
            member_ids=frozenset(room.on_roll), by_hand=frozenset(room.by_hand)),
            closes_at=timezone.now() + timedelta(hours=MEETING_VOTE_HOURS))
        cast = _cast_directed(item, room)
        audit.record("meetings.vote.opened", society=meeting.society, actor=by, obj=meeting,
                     data={"item": item.title, "on_roll": len(room.on_roll),
                           "by_hand": len(room.by_hand), "directed_proxies": cast,
                           **quorum.as_dict()})
    return item.ballot


def _cast_directed(item: AgendaItem, room) -> int:
    from voting import services as voting

    options = {o.code: o.pk for o in item.ballot.options.all()}
    members = {m.pk: m for m in Member.objects.filter(pk__in=room.directed)}
    for member_id, direction in room.directed.items():
        voting.cast_vote(item.ballot, members[member_id], {options[direction]: 1})
    return len(room.directed)


def cast_proxy_vote(item: AgendaItem, holder: Member, appointer: Member, choices: dict) -> str:
    """A proxy holder present at the meeting votes for an absent member who appointed them
    without directions. Returns the receipt code."""
    from voting import services as voting

    item = _fresh_item(item)
    room = selectors.room(item)
    if appointer.pk not in room.undirected_by_holder.get(holder.pk, set()):
        raise MeetingError("You do not hold an undirected proxy for that member on this "
                           "vote.")
    try:
        return voting.cast_vote(item.ballot, appointer, choices)
    except voting.VotingError as error:
        raise MeetingError(error.message, field=error.field) from None


def enter_teller_counts(item: AgendaItem, counts: dict, *, by) -> None:
    """The tellers' hands for each class; no class may have more hands than the people (and
    undirected proxies) voting by hand in it."""
    from voting import services as voting

    item = _fresh_item(item)
    if item.ballot_id is None or item.ballot.opened_at is None:
        raise MeetingError("Open the vote before entering the tellers' count.")
    limits = selectors.room(item).hands_by_class
    try:
        voting.enter_room_counts(item.ballot, counts, by=by, limits=limits)
    except voting.VotingError as error:
        raise MeetingError(error.message, field=error.field) from None


def close_item_vote(item: AgendaItem, *, by):
    from voting import services as voting

    item = _fresh_item(item)
    if item.ballot_id is None:
        raise MeetingError("This item has no vote.")
    try:
        return voting.close_ballot(item.ballot, by=by,
                                   reason="The chair closed the vote at the meeting.")
    except voting.VotingError as error:
        raise MeetingError(error.message) from None


def declare_result(item: AgendaItem, *, by):
    """The chair declares the result of a closed vote in the room: certified and published
    at once, as the meeting saw it counted."""
    from voting import services as voting

    item = _fresh_item(item)
    ballot = item.ballot
    if ballot is None:
        raise MeetingError("This item has no vote.")
    try:
        with transaction.atomic():
            voting.certify_ballot(ballot, by=by, note="Declared by the chair at the meeting.")
            voting.publish_ballot(ballot, by=by)
    except voting.VotingError as error:
        raise MeetingError(error.message) from None
    ballot.refresh_from_db()
    return ballot


# --- requisitions ------------------------------------------------------------------------------

def start_requisition(society, member: Member, *, purpose: str) -> Requisition:
    """A member asks for a general meeting, with its purpose; they are its first supporter."""
    purpose = (purpose or "").strip()
    if len(purpose) < 10:
        raise MeetingError("Say what the meeting is for, in a sentence or more.",
                           field="purpose")
    _require_member_of(society, member, "member", "You")
    members = Member.objects.filter(society=society, ceased_on__isnull=True).count()
    with transaction.atomic():
        requisition = Requisition.objects.create(
            society=society, purpose=purpose, started_by=member,
            supporters_needed=rules.requisition_threshold(
                members, society.requisition_percent, society.requisition_maximum))
        audit.record("meetings.requisition.started", society=society, obj=requisition,
                     actor=member.user, data={"needed": requisition.supporters_needed})
        _support(requisition, member)
    return requisition


def support_requisition(requisition: Requisition, member: Member) -> Requisition:
    _require_member_of(requisition.society, member, "member", "You")
    with transaction.atomic():
        requisition = Requisition.objects.select_for_update().get(pk=requisition.pk)
        if RequisitionSupport.objects.filter(requisition=requisition, member=member).exists():
            raise MeetingError("You already support this requisition.")
        _support(requisition, member)
    return requisition


def _support(requisition: Requisition, member: Member) -> None:
    RequisitionSupport.objects.create(requisition=requisition, member=member)
    if requisition.reached_at is None and \
            requisition.supporters.count() >= requisition.supporters_needed:
        requisition.reached_at = timezone.now()
        requisition.save(update_fields=["reached_at"])
        audit.record("meetings.requisition.reached", society=requisition.society,
                     obj=requisition, data={"supporters": requisition.supporters.count()})
        _tell_secretary(requisition)


def _tell_secretary(requisition: Requisition) -> None:
    from coop.enums import OfficerRole
    from coop.notify import email_after_commit

    society = requisition.society
    today = timezone.localdate()
    emails = list(society.officers.filter(role=OfficerRole.SECRETARY, started_on__lte=today)
                  .exclude(ended_on__lt=today).values_list("user__email", flat=True))
    email_after_commit(emails, f"{society.name}: members have requisitioned a general meeting",
                       "meetings/email/requisition_reached.txt",
                       {"society": society, "requisition": requisition})
