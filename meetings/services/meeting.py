"""The meeting itself: starting and ending it, attendance and apologies, withdrawals for
interests, and votes in the room (devices, directed proxies and the tellers' hands)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from coop import audit
from membership.models import Member

from .. import selectors
from ..enums import MeetingState
from ..models import (
    AgendaItem,
    Apology,
    Attendance,
    Meeting,
    Withdrawal,
)
from .advance import close_advance_voting
from .base import (
    MeetingError,
    fresh_item,
    fresh_meeting,
    locked_meeting,
    refreshed,
    require_member_of,
)

MEETING_VOTE_HOURS = 6  # a vote the chair forgets to close closes by itself after this


# --- the meeting itself ------------------------------------------------------------------------

def start_meeting(original: Meeting, *, by) -> Meeting:
    with transaction.atomic():
        meeting = locked_meeting(original)
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
    return refreshed(original, meeting)


def end_meeting(original: Meeting, *, by) -> Meeting:
    with transaction.atomic():
        meeting = locked_meeting(original)
        if meeting.state != MeetingState.LIVE:
            raise MeetingError("Only a meeting that is happening can end.")
        if any(i.ballot_id and i.ballot.is_open for i in meeting.items.select_related("ballot")):
            raise MeetingError("A vote is still open. Close it before ending the meeting.")
        meeting.ended_at = timezone.now()
        meeting.save(update_fields=["ended_at"])
        audit.record("meetings.meeting.ended", society=meeting.society, actor=by,
                     obj=meeting, data=selectors.quorum(meeting).as_dict())
    return refreshed(original, meeting)


def check_in(meeting: Meeting, member: Member, *, by=None, online: bool = False,
             by_hand: bool = False) -> Attendance:
    """Record a member as present. Members check themselves in while the meeting is live
    (`by` is None); an officer can mark them present from when notice is sent."""
    meeting = fresh_meeting(meeting)
    require_member_of(meeting.society, member, "member", "Only members can attend; they")
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
    meeting = fresh_meeting(meeting)
    require_member_of(meeting.society, member, "member")
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

# --- declarations and votes in the room --------------------------------------------------------

def record_withdrawal(item: AgendaItem, member: Member, *, by, reason: str = "") -> Withdrawal:
    """The chair records that a member withdrew from an item for an interest; they are left
    off its vote."""
    meeting = item.meeting
    require_member_of(meeting.society, member, "member")
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

    item = fresh_item(item)
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
    close_advance_voting(item, by=by)
    room = selectors.room(item)
    try:
        with transaction.atomic():
            voting.open_ballot(item.ballot, by=by, room=voting.Room(
                member_ids=frozenset(room.on_roll), by_hand=frozenset(room.by_hand)),
                closes_at=timezone.now() + timedelta(hours=MEETING_VOTE_HOURS))
            cast = _cast_directed(item, room)
            audit.record("meetings.vote.opened", society=meeting.society, actor=by,
                         obj=meeting, data={
                             "item": item.title, "on_roll": len(room.on_roll),
                             "by_hand": len(room.by_hand), "directed_proxies": cast,
                             **quorum.as_dict()})
    except voting.VotingError as error:  # e.g. the chair clicked twice: it is already open
        raise MeetingError(error.message) from None
    item.ballot.refresh_from_db()
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

    item = fresh_item(item)
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

    item = fresh_item(item)
    if item.ballot_id is None or item.ballot.opened_at is None:
        raise MeetingError("Open the vote before entering the tellers' count.")
    limits = selectors.room(item).hands_by_class
    try:
        voting.enter_room_counts(item.ballot, counts, by=by, limits=limits)
    except voting.VotingError as error:
        raise MeetingError(error.message, field=error.field) from None


def close_item_vote(item: AgendaItem, *, by):
    from voting import services as voting

    item = fresh_item(item)
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

    item = fresh_item(item)
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
