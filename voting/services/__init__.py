"""Writes for voting: drafting, opening (freezing the roll), casting, closing, certifying and
publishing ballots. Each function validates, writes inside a transaction, records an audit
entry (never for a vote: nothing may log who voted when) and queues email after commit."""

from ..errors import DeclaredUnderRecusal, VotingError
from .box import open_box
from .casting import cast_vote, enter_paper_vote, roll_entry_for, take_vote, validate_choices
from .drafting import DRAFT_FIELDS, create_ballot, set_weights, update_draft
from .lifecycle import (
    Room,
    certify_ballot,
    close_ballot,
    enter_room_counts,
    freeze_roll,
    issue_paper,
    issue_post_papers,
    open_ballot,
    open_if_due,
    publish_ballot,
    record_closing,
    recuse_interested,
    run_due,
    schedule_ballot,
    send_reminders,
)
from .pictures import remove_option_picture, set_option_picture
from .sealing import open_sealed_box, set_passphrase, waiting_for_scrutineer

__all__ = [
    "DRAFT_FIELDS", "DeclaredUnderRecusal", "Room", "VotingError",
    "cast_vote", "certify_ballot", "close_ballot", "create_ballot", "enter_paper_vote",
    "open_box", "open_sealed_box", "set_passphrase", "waiting_for_scrutineer",
    "enter_room_counts", "freeze_roll",
    "issue_paper", "issue_post_papers", "open_ballot", "open_if_due",
    "publish_ballot", "record_closing", "remove_option_picture", "set_option_picture",
    "recuse_interested", "roll_entry_for", "run_due",
    "schedule_ballot", "send_reminders", "set_weights", "take_vote", "update_draft",
    "validate_choices",
]
