"""The meetings API under `societies/{slug}/meetings/`. Each view is: permission, serializer,
one service call (meetings.services, elections and minutes: the same as the web pages).

The design: the meeting is one resource with its singular parts as actions on it, and the
three collections a meeting holds are viewsets nested under it, each with its own id.

    meetings/                                 list, call (board)
    meetings/{id}/                            detail (agenda, notice, quorum, `you`); PATCH
    meetings/{id}/cancel/  start/  end/       the board cancels; the chair starts and ends
    meetings/{id}/notice/                     GET clear days and whether it can go; POST send
    meetings/{id}/notice/deliveries/          who was sent notice, how (board)
    meetings/{id}/attendance/                 GET who is here; POST check in / mark present
    meetings/{id}/apologies/                  GET; POST send (or record, board)
    meetings/{id}/minutes/                    GET; POST draft; PUT/PATCH edit (secretary)
    meetings/{id}/minutes/approve/            the chair, at a later live meeting
    meetings/{meeting_id}/agenda/             list; POST add item (board)
    meetings/{meeting_id}/agenda/{id}/withdraw/      the board takes it off the agenda
    meetings/{meeting_id}/agenda/{id}/withdrawals/   declarations: who left the room
    meetings/{meeting_id}/agenda/{id}/open-ahead/    the board opens voting ahead of the meeting
    meetings/{meeting_id}/agenda/{id}/open-vote/ close-vote/ declare/   the chair
    meetings/{meeting_id}/agenda/{id}/tellers/       hands by class (board, scrutineer)
    meetings/{meeting_id}/agenda/{id}/proxy-votes/   a holder votes for an absent member
    meetings/{meeting_id}/proxies/            list; POST appoint yours
    meetings/{meeting_id}/proxies/holders/    the members you can appoint (ids and names)
    meetings/{meeting_id}/proxies/{id}/revoke/
    meetings/{meeting_id}/nominations/        elections with nominations; POST nominate
    meetings/{meeting_id}/nominations/open/   the board opens nominations
    meetings/{meeting_id}/nominations/{id}/second/ accept/ withdraw/

Who sees what: members see a meeting once its notice is sent (never board meetings unless on
the board), the board also sees drafts; another society's meeting, or a draft a member may
not see, is a 404, as is everything under it. Members act for themselves only: checking in,
apologies, proxies and nominations are always the person asking's, and choosing another
member is the board's alone (marking present, recording apologies), a 403 for anyone else.

Errors, as in the other APIs: bad input is a 400 naming the field; a role that is not enough
is a 403; a rule broken by the state of things (notice already sent, the meeting not live,
the proxy deadline passed, nominations closed, minutes locked) is a 409 with a `detail`.
Members vote on resolutions and elections through the ballots API with the ballot's id."""

from .agenda import AgendaViewSet
from .meetings import MeetingViewSet
from .nominations import NominationViewSet
from .proxies import ProxyViewSet

__all__ = ["AgendaViewSet", "MeetingViewSet", "NominationViewSet", "ProxyViewSet"]
