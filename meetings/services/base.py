"""What the meeting services share: the error they raise and fresh reads of the meeting
(its state in the database decides what is allowed; a caller's copy may be older)."""

from coop.services import CoopError
from membership.models import Member

from ..models import AgendaItem, Meeting


class MeetingError(CoopError):
    """A meeting rule was broken; the message is shown to the person as it is."""


def locked_meeting(meeting: Meeting) -> Meeting:
    """The meeting, locked for the rest of the transaction, so two officers acting at once
    cannot both pass a check on its state."""
    return Meeting.objects.select_for_update().select_related("society").get(pk=meeting.pk)


def fresh_meeting(meeting: Meeting) -> Meeting:
    """The meeting as the database has it now: its state decides what is allowed, and the
    caller's copy may be older."""
    return Meeting.objects.select_related("society").get(pk=meeting.pk)


def fresh_item(item: AgendaItem) -> AgendaItem:
    """The agenda item as the database has it now, with its ballot and meeting."""
    return AgendaItem.objects.select_related("ballot", "meeting__society").get(pk=item.pk)


def refreshed(original: Meeting, saved: Meeting) -> Meeting:
    """Bring the caller's copy up to date with what was saved, and return it."""
    original.refresh_from_db()
    return original


def require_member_of(society, member: Member, field: str, who: str = "They") -> None:
    """Refuse, on `field`, anyone who is not a current member of `society` (`who` starts
    the message: "You", "Your proxy")."""
    if member is None or member.society_id != society.pk:
        raise MeetingError("Choose a member of this co-op.", field=field)
    if not member.is_current:
        raise MeetingError(f"{who} must be a current member.", field=field)
