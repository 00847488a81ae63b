"""Serializers for the meetings API (meetings/api/). Input serializers only check what a
form would (a member, topic or meeting of this co-op, a real date, something given); the
meeting rules are the services' (meetings.services, elections, minutes), which the views
call with `validated_data`. Output names other members only as far as the meeting record
does: who holds a proxy, who stands for election; the board also sees who came and how each
member was sent notice."""

from .agenda import (
    AgendaItemInputSerializer,
    AgendaItemSerializer,
    ItemWithdrawalSerializer,
    ProxyVoteSerializer,
    TellersSerializer,
    WithdrawalInputSerializer,
)
from .meetings import (
    CancelSerializer,
    DeliverySerializer,
    MeetingCallSerializer,
    MeetingChangeSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    NoticeSerializer,
)
from .nominations import (
    AcceptSerializer,
    ContestSerializer,
    NominateSerializer,
    NominationSerializer,
    OpenNominationsSerializer,
)
from .proxies import AppointProxySerializer, ProxySerializer
from .record import (
    ApologyInputSerializer,
    ApologySerializer,
    ApproveMinutesSerializer,
    AttendanceSerializer,
    CheckInSerializer,
    MinutesEditSerializer,
    MinutesSerializer,
)

__all__ = [
    "AcceptSerializer", "AgendaItemInputSerializer", "AgendaItemSerializer",
    "ApologyInputSerializer", "ApologySerializer", "AppointProxySerializer",
    "ApproveMinutesSerializer", "AttendanceSerializer", "CancelSerializer",
    "CheckInSerializer", "ContestSerializer", "DeliverySerializer", "ItemWithdrawalSerializer",
    "MeetingCallSerializer", "MeetingChangeSerializer", "MeetingDetailSerializer",
    "MeetingSerializer", "MinutesEditSerializer", "MinutesSerializer", "NominateSerializer",
    "NominationSerializer", "NoticeSerializer", "OpenNominationsSerializer",
    "ProxySerializer", "ProxyVoteSerializer", "TellersSerializer", "WithdrawalInputSerializer",
]
