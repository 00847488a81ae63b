"""Voting with help: the companion's declaration, the society's limit on how many members one
companion helps in a ballot, and the record of the help (who helped whom, never how).

A companion helps on the member's own signed-in session, on whichever device: they give their
name and confirm the declaration before the vote is cast. The limit counts by that name, folded
to lower case with single spaces, as a polling station counts a companion by the name on their
declaration."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from coop import audit
from coop.models import Society

from ..enums import HelpKind
from ..errors import VotingError
from ..models import Ballot, RollEntry, VotingHelp

DECLARATION_VERSION = "1"
COMPANION_DECLARATION = (
    "I am helping this member to vote because they asked me to. I will mark only the choices "
    "they tell me, and I will not tell anyone how they voted.")
OFFICER_DECLARATION = (
    "I checked this is the member. Before they told me their choice, I told them that I would "
    "see it. I marked only what they told me, and I will not tell anyone how they voted.")
OFFICER_TELL_MEMBER = (
    "Before you say your choice: I am an officer of the co-op and I will see how you vote, as a "
    "polling clerk would. I will mark only what you tell me and keep it secret. Your vote is "
    "stored without your name, like every other vote.")
NO_NAME = "Enter the name of the person helping."
NOT_DECLARED = "The person helping must tick the box to confirm the declaration before the vote."


@dataclass(frozen=True)
class Help:
    """Who is helping a voter, and that they confirmed the declaration."""
    name: str
    declared: bool
    kind: str = HelpKind.COMPANION
    helper_user: object = None
    identity_check: str = ""


def helper_key(name: str, helper_user=None) -> str:
    """Companions count by their name; an officer by their account (no limit applies)."""
    return f"officer:{helper_user.pk}" if helper_user is not None else \
        " ".join(name.split()).casefold()


def check_help(help: Help) -> None:
    """A help with no name or no declaration is refused before anything is written."""
    if not helper_key(help.name or ""):
        raise VotingError(NO_NAME, field="helper_name")
    if not help.declared:
        raise VotingError(NOT_DECLARED, field="declaration")


def _limit_message(ballot: Ballot, help: Help, limit: int) -> str:
    members = "member" if limit == 1 else "members"
    return (f"{help.name} has already helped {limit} {members} to vote in this ballot, the most "
            "the co-op's rules allow for one person. Someone else must help this time.")


def _limit(ballot: Ballot) -> int:
    """The society's limit as it stands now (a rule changed while a ballot is open applies)."""
    return Society.objects.values_list("max_voters_helped_per_ballot", flat=True).get(
        pk=ballot.society_id)


def limit_refusal(ballot: Ballot, entry: RollEntry, help: Help) -> str:
    """Why this companion cannot help this member in this ballot, or "": checked early, on
    the declaration page, so nobody marks a ballot only to have it refused. (The vote checks
    again, under the database's guarantee.)"""
    key = helper_key(help.name)
    limit = _limit(ballot)
    helped = VotingHelp.objects.filter(ballot=ballot, helper_key=key).exclude(roll_entry=entry)
    return _limit_message(ballot, help, limit) if helped.count() >= limit else ""


def record_help(ballot: Ballot, entry: RollEntry, help: Help) -> None:
    """Keep the declaration against the roll entry, inside the vote's transaction, so the vote
    and its help are written together or not at all. A companion takes the next free slot of
    their name in this ballot; a slot beyond the limit is refused. Of two votes racing for the
    same slot the database lets one through; the other counts again and takes the next slot,
    or is refused as over the limit.
    Its audit entry waits for the opening of the box (`audit_helps`): written now, the log's
    time would say when the member voted, which a ballot with live results must not show."""
    key = helper_key(help.name, help.helper_user)
    limit = _limit(ballot) if help.kind == HelpKind.COMPANION else None
    for _ in range((limit or 0) + 2):  # each round sees at least one more slot taken
        if VotingHelp.objects.filter(roll_entry=entry, helper_key=key).exists():
            return  # the same helper helping the same member change their vote
        slot = None
        if limit is not None:
            slot = VotingHelp.objects.filter(ballot=ballot, helper_key=key).count() + 1
            if slot > limit:
                break
        try:
            with transaction.atomic():
                VotingHelp.objects.create(
                    ballot=ballot, roll_entry=entry, kind=help.kind,
                    helper_name=help.name.strip(), helper_key=key,
                    helper_user=help.helper_user, slot=slot,
                    declaration_version=DECLARATION_VERSION, identity_check=help.identity_check)
            return
        except IntegrityError:
            continue  # another vote took this slot and has committed: count again
    raise VotingError(_limit_message(ballot, help, limit), field="helper_name")


def audit_helps(ballot: Ballot, *, by) -> int:
    """Audit each help not yet audited: who helped whom in this ballot, never how nor when.
    Called as the box is opened, in member order, so neither time nor order says anything.
    The entry names the helper and the help, which leads to the member through the marked
    roll (`VotingHelp.roll_entry`) for as long as it is kept: reducing the roll to counts
    deletes the helps (`marked_roll`), and the log, which is never rewritten, then says no
    more about who voted than the counts do."""
    helps = list(VotingHelp.objects.filter(ballot=ballot, audited=False)
                 .order_by("roll_entry__member_id", "id"))
    for help in helps:
        audit.record("voting.vote.helped", society=ballot.society, actor=by, obj=ballot,
                     data={"help": help.pk, "kind": help.kind,
                           "helper": help.helper_name,
                           "helper_user": help.helper_user_id,
                           "declaration_version": help.declaration_version,
                           "identity_check": help.identity_check})
    VotingHelp.objects.filter(pk__in=[h.pk for h in helps]).update(audited=True)
    return len(helps)

