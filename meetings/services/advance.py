"""Voting ahead of a general meeting, where the society's rules allow it: members who will
not be there vote on a resolution online, or on the paper voting form sent with the notice,
until a set time before the meeting. Those votes are a ballot of their own, added to the
room's count (see `voting.advance`); a member who voted ahead does not vote again in the room,
in person or by proxy."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coop import audit

from ..enums import MeetingKind, MeetingState
from ..models import AgendaItem
from .base import MeetingError, fresh_item


def advance_closes_at(meeting):
    """When voting ahead closes: the rule's hours before the meeting starts."""
    return meeting.starts_at - timedelta(hours=meeting.society.advance_votes_close_hours)


def check_can_open_advance(item: AgendaItem) -> None:
    """Refuse, with the reason, unless voting ahead can open on this item now."""
    meeting = item.meeting
    if not meeting.society.allow_advance_votes:
        raise MeetingError("This co-op's rules do not allow voting ahead of a meeting. "
                           "Change the rules first.")
    if meeting.kind == MeetingKind.BOARD:
        raise MeetingError("Members vote ahead only on a general meeting's resolutions.")
    if meeting.state == MeetingState.DRAFT:
        raise MeetingError("Send the notice first: voting ahead opens with the notice.")
    if meeting.state != MeetingState.CALLED:
        raise MeetingError("This meeting has started or is over.")
    if item.ballot_id is None or item.withdrawn_at:
        raise MeetingError("This item has no resolution to vote on.")
    if item.ballot.opened_at:
        raise MeetingError("The vote on this item has already been opened.")
    if hasattr(item.ballot, "advance"):
        raise MeetingError("Voting ahead is already open on this resolution.")
    closes_at = advance_closes_at(meeting)
    if closes_at <= timezone.now():
        hours = meeting.society.advance_votes_close_hours
        raise MeetingError(f"Voting ahead must close {hours} hours before the meeting, and "
                           "that time has passed.")


def open_advance_voting(item: AgendaItem, *, by):
    """Open voting ahead of the meeting on one resolution. Side effects: a ballot with the
    resolution's words, kind, threshold and class weights, and a roll of the members entitled
    to vote, opened now and closing the rule's hours before the meeting; paper voting forms
    for members who get post; emails to the rest (all by `voting.open_ballot`); audit entry."""
    from voting import services as voting
    from voting.models import Ballot

    item = fresh_item(item)
    check_can_open_advance(item)
    meeting, room = item.meeting, item.ballot
    try:
        with transaction.atomic():
            Ballot.objects.select_for_update().get(pk=room.pk)  # one advance ballot per item
            if Ballot.objects.filter(adds_to=room).exists():
                raise MeetingError("Voting ahead is already open on this resolution.")
            ballot = voting.create_ballot(
                meeting.society, by=by, title=room.title[:150] + " (voting ahead)",
                summary=room.summary, easy_read_summary=room.easy_read_summary,
                resolution_kind=room.resolution_kind, threshold_percent=room.threshold_percent,
                weighting=room.weighting, empty_class_policy=room.empty_class_policy,
                require_class_majority=room.require_class_majority,
                conflict_policy=room.conflict_policy, breakdown_minimum=room.breakdown_minimum,
                topics=list(item.topics.all()), adds_to=room)
            voting.set_weights(ballot, [
                {"member_class": w.member_class_id, "weight": w.weight,
                 "votes_per_member": w.votes_per_member} for w in room.class_weights.all()],
                by=by)
            voting.open_ballot(ballot, by=by, closes_at=advance_closes_at(meeting))
            audit.record("meetings.advance_voting.opened", society=meeting.society, actor=by,
                         obj=meeting, data={"item": item.title, "ballot": ballot.pk,
                                            "closes_at": ballot.closes_at})
    except voting.VotingError as error:
        raise MeetingError(error.message) from None
    ballot.refresh_from_db()
    return ballot


def close_advance_voting(item: AgendaItem, *, by) -> None:
    """When the room's vote opens, voting ahead is over: close it if the scheduled task has
    not (or the meeting was brought forward), and open any paper entered since it closed,
    mixed again with the rest, so every vote cast ahead is counted with the room's."""
    from voting import services as voting
    from voting.enums import BallotState
    from voting.models import Ballot

    advance = Ballot.objects.filter(adds_to_id=item.ballot_id).first()
    if advance is None:
        return
    if advance.state == BallotState.OPEN:
        if advance.closes_at <= timezone.now():
            voting.record_closing(advance)
        else:
            voting.close_ballot(advance, by=by, reason="The vote on it opened at the meeting.")
    voting.open_box(advance, by=by)
