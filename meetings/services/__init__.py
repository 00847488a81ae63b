"""Writes for general meetings: calling a meeting and its agenda, sending notice, the meeting
itself (attendance, apologies, proxies, withdrawals, votes in the room) and requisitions.
Each function checks the society's rules, writes inside a transaction and records an audit
entry (never for a vote). Elections are in `elections`, minutes in `minutes`."""

from .advance import advance_closes_at, check_can_open_advance, open_advance_voting
from .base import MeetingError, require_member_of
from .calling import (
    add_item,
    cancel_meeting,
    check_can_send_notice,
    check_notice_period,
    create_meeting,
    move_item,
    notice_methods,
    notice_timing,
    send_notice,
    update_meeting,
    withdraw_item,
)
from .meeting import (
    MEETING_VOTE_HOURS,
    cast_proxy_vote,
    check_in,
    close_item_vote,
    declare_result,
    end_meeting,
    enter_teller_counts,
    open_item_vote,
    record_apology,
    record_withdrawal,
    start_meeting,
)
from .proxies import appoint_proxy, revoke_proxy
from .requisitions import start_requisition, support_requisition

__all__ = [
    "MEETING_VOTE_HOURS", "MeetingError", "require_member_of", "add_item", "appoint_proxy",
    "cancel_meeting", "cast_proxy_vote", "check_can_send_notice", "check_in",
    "check_notice_period", "close_item_vote", "notice_timing",
    "create_meeting", "declare_result", "end_meeting", "enter_teller_counts", "move_item",
    "notice_methods", "open_item_vote", "record_apology",
    "record_withdrawal", "revoke_proxy", "send_notice", "start_meeting", "start_requisition",
    "support_requisition", "update_meeting", "withdraw_item", "advance_closes_at",
    "check_can_open_advance", "open_advance_voting",
]
