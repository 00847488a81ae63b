"""Casting: validating a member's marks, the vote itself (secret: no member id, a keyed token)
and returned paper ballots."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from coop import audit
from membership.models import Member

from .. import conflicts, envelopes, hot_path, secrecy
from ..conflicts import InterestAnswer
from ..enums import (
    ALLOCATION_POINTS,
    BallotKind,
    BallotState,
    HelpKind,
    PaperState,
)
from ..errors import DeclaredUnderRecusal, VotingError
from ..models import Ballot, BallotPaper, Envelope, RollEntry
from ..vote_reads import frozen_facts
from . import helping

# --- casting -----------------------------------------------------------------------------------

def validate_choices(ballot: Ballot, choices: dict) -> dict[int, int]:
    """Check a member's marks against the ballot's kind. `choices` maps option id to a value:
    1 for a chosen option, points for an allocation, a rank (1 = first) for an election."""
    option_ids = frozen_facts(ballot).option_ids
    try:
        marks = {int(k): int(v) for k, v in (choices or {}).items() if v not in (None, "", 0)}
    except (TypeError, ValueError):
        raise VotingError("Each answer must be a whole number.", field="choices") from None
    if set(marks) - option_ids:
        raise VotingError("That option is not on this ballot.", field="choices")
    if any(v < 0 for v in marks.values()):
        raise VotingError("Answers cannot be negative.", field="choices")
    kind = ballot.kind
    if kind in (BallotKind.RESOLUTION, BallotKind.CHOICE):
        if len(marks) != 1 or set(marks.values()) != {1}:
            raise VotingError("Choose one option.", field="choices")
    elif kind == BallotKind.APPROVAL:
        if not marks or set(marks.values()) != {1}:
            raise VotingError("Tick at least one option.", field="choices")
    elif kind == BallotKind.ALLOCATION:
        total = sum(marks.values())
        if total != ALLOCATION_POINTS:
            raise VotingError(f"Your points add up to {total}. They must add up to exactly "
                              f"{ALLOCATION_POINTS}.", field="choices")
    elif kind == BallotKind.RANKED:
        if not marks:
            raise VotingError("Put the number 1 next to your first choice.", field="choices")
        if sorted(marks.values()) != list(range(1, len(marks) + 1)):
            raise VotingError("Number your choices 1, 2, 3 and so on, using each number once "
                              "and without gaps.", field="choices")
    return marks


def roll_entry_for(ballot: Ballot, member: Member | None) -> RollEntry | None:
    if member is None:
        return None
    return RollEntry.objects.filter(ballot=ballot, member=member).first()


@sensitive_variables("receipt")
def seal(ballot: Ballot, *, member_class_id: int, with_interest: bool, receipt: str,
         marks: dict[int, int], voter_token: str) -> bytes:
    """The sealed envelope of a vote: everything the counted vote needs, and its receipt."""
    box = envelopes.Box(ballot.pk, frozen_facts(ballot).option_ids,
                        public_key=ballot.seal_public_key if ballot.scrutineer_seal else None)
    return box.seal(envelopes.Contents(member_class_id, with_interest,
                                       secrecy.code_hash(receipt), marks), voter_token)


@sensitive_variables("receipt")
def cast_vote(ballot: Ballot, member: Member, choices: dict, *,
              interest: InterestAnswer | None = None, entry: RollEntry | None = None,
              help: helping.Help | None = None) -> str:
    """Record a member's vote and return their receipt code (shown once, never stored).
    The roll's has-voted flag and a sealed envelope are written together; the envelope is
    opened only when the ballot closes, together with all the others and in a shuffled
    order (see `services.box`). Where the ballot allows it, a later online vote replaces an
    earlier online one.
    When the ballot has topics, `interest` answers the conflict-of-interest prompt (see
    `conflicts.resolve`); a declaration made there is added to the register. `entry`, the
    member's roll entry, saves a query when the caller has it. `help`, a companion's
    declaration, is kept with the vote (see `services.helping`)."""
    marks = validate_choices(ballot, choices)
    if help is not None:
        helping.check_help(help)
    token = secrecy.voter_token(ballot.pk, member.pk)
    receipt = secrecy.new_receipt_code()
    if help is None and _first_vote_at_once(ballot, member, marks, token, receipt, entry):
        return receipt
    try:
        with transaction.atomic():
            entry = _cast(ballot, member, marks, token, receipt, interest, entry)
            if help is not None:
                helping.record_help(ballot, entry, help)
    except IntegrityError:
        raise VotingError("You have already voted in this ballot.") from None
    except DeclaredUnderRecusal as refusal:
        conflicts.keep_and_recuse(ballot, member, refusal.details)
        raise VotingError(refusal.message, field=refusal.field) from None
    return receipt


@sensitive_variables("receipt")
def _first_vote_at_once(ballot, member, marks, token, receipt, entry) -> bool:
    """The common case, a first vote in a ballot without topics: the roll mark and the
    envelope in one statement (`hot_path.cast_first_vote`). False when it is anything else,
    with nothing written: the full path then decides, and explains any refusal."""
    if (entry is None or entry.member_id != member.pk or entry.ballot_id != ballot.pk
            or entry.recused or entry.has_voted or frozen_facts(ballot).topic_ids):
        return False
    sealed = seal(ballot, member_class_id=entry.member_class_id, with_interest=False,
                  receipt=receipt, marks=marks, voter_token=token)
    try:
        return hot_path.cast_first_vote(entry_id=entry.pk, ballot_id=ballot.pk,
                                        now=timezone.now(), voter_token=token, sealed=sealed)
    except IntegrityError:
        raise VotingError("You have already voted in this ballot.") from None


@sensitive_variables("receipt")
def _cast(ballot, member, marks, token, receipt, interest, entry) -> RollEntry:
    now = timezone.now()
    if entry is None or entry.member_id != member.pk or entry.ballot_id != ballot.pk:
        entry = RollEntry.objects.filter(ballot=ballot, member=member).first()
    if entry is None:
        _refuse_if_not_open(ballot, now)
        raise VotingError("You are not on the roll for this ballot.")
    if entry.recused:
        raise VotingError("You have an interest in what this ballot decides, so under the "
                          "co-op's rules you do not vote in it.")
    with_interest = conflicts.resolve(ballot, member, interest)
    if not hot_path.mark_voted_if_open(entry.pk, ballot.pk, now):
        ballot = _refuse_if_not_open(ballot, now)
        _replace_previous(ballot, entry, token)
    hot_path.insert_envelope(ballot_id=ballot.pk, voter_token=token, sealed=seal(
        ballot, member_class_id=entry.member_class_id, with_interest=with_interest,
        receipt=receipt, marks=marks, voter_token=token))
    return entry


def _refuse_if_not_open(ballot, now) -> Ballot:
    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.state_at(now) != BallotState.OPEN:
        raise VotingError("This ballot is not open for voting." if ballot.opened_at is None
                          else "This ballot has closed, so it cannot take any more votes.")
    return ballot


def _replace_previous(ballot, entry, token) -> None:
    """The member has voted before: refuse, or retire their earlier online vote."""
    RollEntry.objects.select_for_update().get(pk=entry.pk)
    if BallotPaper.objects.filter(roll_entry=entry, state=PaperState.COUNTED).exists():
        raise VotingError("Your paper ballot has already been counted, so you cannot vote "
                          "again.")
    replaced = 0
    if ballot.allow_vote_changes:
        replaced = Envelope.objects.filter(ballot=ballot, voter_token=token,
                                           current=True).update(current=False)
    if not replaced:
        raise VotingError("You have already voted in this ballot.")


def enter_paper_vote(ballot: Ballot, *, code: str, choices: dict, by,
                     with_interest: bool = False) -> PaperState:
    """The scrutineer enters a returned paper by its one-time code. First received counts:
    if the member already voted online, the paper is kept as rejected and counted as such.
    Papers received by the closing time may be entered until the result is certified; a
    paper entered after the box was opened stays sealed until certification, when the box is
    opened again with every counted vote mixed anew. The paper keeps no return date."""
    marks = validate_choices(ballot, choices)
    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.opened_at is None or ballot.state not in (BallotState.OPEN, BallotState.CLOSED):
        raise VotingError("Papers can be entered only between opening and certification.")
    with transaction.atomic():
        paper = (BallotPaper.objects.select_for_update().select_related("roll_entry")
                 .filter(ballot=ballot, code_hash=secrecy.code_hash(code)).first())
        if paper is None:
            raise VotingError("No ballot paper of this ballot has that code. Check it and try "
                              "again.", field="code")
        if paper.state != PaperState.ISSUED:
            raise VotingError("This paper's code has already been used.", field="code")
        entry = paper.roll_entry
        if entry.recused:
            raise VotingError("This paper's member has an interest in the ballot's topics and "
                              "does not vote in it, so the paper cannot be counted.",
                              field="code")
        first = RollEntry.objects.filter(pk=entry.pk, has_voted=False).update(has_voted=True)
        paper.state = PaperState.COUNTED if first else PaperState.REJECTED
        paper.save(update_fields=["state"])
        if first:
            token = secrecy.voter_token(ballot.pk, entry.member_id)
            hot_path.insert_envelope(ballot_id=ballot.pk, voter_token=token, sealed=seal(
                ballot, member_class_id=entry.member_class_id, with_interest=with_interest,
                receipt=secrecy.new_receipt_code(), marks=marks, voter_token=token))
        audit.record("voting.paper.entered", society=ballot.society, actor=by, obj=ballot,
                     data={"counted": bool(first)})
    return paper.state


TOPICS_NOT_BY_OFFICER = (
    "This ballot asks each voter about their interests in its topics, which only they can "
    "answer. The member can vote on their own ballot page, with a companion if they like.")


def take_vote(ballot: Ballot, *, member_number, choices: dict, by, identity_check: str) -> str:
    """An officer records the vote of a member who phoned or came in, as a polling clerk marks
    a ballot for a voter who asks. The vote is the member's, sealed like any other; the help
    records the officer and how they checked who was speaking (`services.helping`). Returns
    the receipt code, for the officer to read out or post to the member."""
    if frozen_facts(ballot).topic_ids:
        raise VotingError(TOPICS_NOT_BY_OFFICER)
    identity_check = " ".join((identity_check or "").split())
    if not identity_check:
        raise VotingError("Say how you checked it was the member, for example “asked their "
                          "date of birth and address”.", field="identity_check")
    entry = (RollEntry.objects.select_related("member")
             .filter(ballot=ballot, member__membership_number=member_number).first())
    if entry is None:
        raise VotingError("No member with that number is on this ballot's roll.",
                          field="member_number")
    if entry.member.user_id == by.pk:
        raise VotingError("You cannot take your own vote. Vote on your own ballot page.",
                          field="member_number")
    help = helping.Help(name=str(by), declared=True, kind=HelpKind.OFFICER, helper_user=by,
                        identity_check=identity_check)
    return cast_vote(ballot, entry.member, choices, entry=entry, help=help)
