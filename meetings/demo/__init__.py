"""Demo general meetings, made through the meeting and voting services so the record is real:

- last year's AGM: held, with attendance, apologies, a proxy, the accounts approved (votes
  cast on devices and hands counted by tellers), each class's trustees elected (service users
  by STV with a certified count, the others unopposed) and appointed with terms, and minutes
  drafted and waiting for approval;
- this year's AGM, happening now: notice sent 16 days ago, people checked in in the room and
  online, apologies, a directed and an undirected proxy, a special resolution being voted on,
  an ordinary resolution not yet opened, the service users' STV election open, the carers
  elected unopposed and the personal assistants' election still to start;
- a general meeting called for next month, open for proxies;
- a requisition gathering support, below its threshold.

The demo logins are left free to act: user@ and pa@ have not checked in, carer@ holds an
undirected proxy, nobody with a login has voted in this year's ballots, and nobody with a
login has a proxy for next month's meeting.

The services refuse times in the past (a meeting must start in the future, nominations close
in the future, notice needs its clear days), so meetings are called for a valid future date
and their timestamps are then moved with queryset .update(). Each such move is marked
"Shortcut:" below; nothing else is written around the services.

The work is split by meeting: `cast` holds the people and the steps every meeting uses,
`past` last year's AGM, `current` this year's AGM, next month's meeting and the
requisition."""

from ..models import Meeting
from .cast import Cast, set_seats
from .current import next_meeting, requisition_gathering_support, this_agm
from .past import last_agm


def seed(society, *, users: dict) -> bool:
    """Create the demo meetings once. `users` maps the demo logins' emails to their users;
    those people are kept free for a visitor to act as. Returns False when the society
    already has meetings (nothing changes)."""
    if Meeting.objects.filter(society=society).exists():
        return False
    cast = Cast(society, users)
    set_seats(society)
    last_agm(cast)
    this_agm(cast)
    next_meeting(cast)
    requisition_gathering_support(cast)
    return True
