"""How a ballot's topics and conflict policy act on a voter. Before voting, a member with a
declared or deemed interest in the ballot's topics is shown it and confirms; a member with
none says so or declares one now. The vote then carries one bit: cast with an interest."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from coop.enums import ConflictPolicy
from coop.services import CoopError
from membership.interests import selectors as interest_selectors
from membership.interests import services as interest_services

from .errors import DeclaredUnderRecusal, VotingError
from .vote_reads import frozen_facts


@dataclass
class InterestAnswer:
    """What the voter said at the prompt."""

    confirmed: bool = False  # "these are my interests" (when some match)
    none_to_declare: bool = False  # "I have no interest to declare" (when none match)
    declaration: dict | None = None  # or declare one now: interest_type, description, ...


@dataclass
class Prompt:
    """What the ballot page asks this member before they vote."""

    policy: str
    topics: list
    matches: list = field(default_factory=list)

    @property
    def needed(self) -> bool:
        return bool(self.topics)

    @property
    def has_interest(self) -> bool:
        return bool(self.matches)


def prompt_for(ballot, member) -> Prompt:
    if not frozen_facts(ballot).topic_ids:
        return Prompt(policy=ballot.conflict_policy, topics=[])
    topics = list(ballot.topics.all())
    matches = (interest_selectors.matching_interests(
        ballot.society, member.user, [t.pk for t in topics]) if topics else [])
    return Prompt(policy=ballot.conflict_policy, topics=topics, matches=matches)


def resolve(ballot, member, answer: InterestAnswer | None) -> bool:
    """Check the voter answered the prompt; declare a new interest when they gave one.
    Returns whether the vote is cast with an interest. Call inside the casting transaction,
    so a refused vote leaves no new declaration behind."""
    prompt = prompt_for(ballot, member)
    if not prompt.needed:
        return False
    answer = answer or InterestAnswer()
    recuse = prompt.policy == ConflictPolicy.RECUSE
    if prompt.has_interest:
        if recuse:
            raise VotingError("You have an interest in what this ballot decides, so under the "
                              "co-op's rules you do not vote in it.", field="interest")
        if not answer.confirmed:
            raise VotingError("Confirm that you have read your interests in this ballot's "
                              "topics before you vote.", field="interest")
        return True
    if answer.declaration:
        _declare_now(ballot, member, answer.declaration)
        if recuse:
            raise DeclaredUnderRecusal(answer.declaration)
        return True
    if not answer.none_to_declare:
        raise VotingError("Tell us whether you have an interest to declare in this ballot's "
                          "topics.", field="interest")
    return False


def keep_and_recuse(ballot, member, details: dict) -> None:
    """Under recuse, an interest declared at the prompt bars the vote. The casting
    transaction was rolled back, so declare it again on its own (it belongs in the register)
    and mark the member recused, so the count says so."""
    from .models import RollEntry

    with transaction.atomic():
        _declare_now(ballot, member, details)
        RollEntry.objects.filter(ballot=ballot, member=member, has_voted=False).update(
            recused=True)


def _declare_now(ballot, member, details: dict) -> None:
    topics = details.get("topics") or list(ballot.topics.all())
    began = details.get("began_on")
    if isinstance(began, str) and began:
        try:
            began = date.fromisoformat(began)
        except ValueError:
            raise VotingError("Enter the date it began as a real date, like 2026-03-31.",
                              field="began_on") from None
    try:
        interest_services.declare(
            ballot.society, member.user, by=member.user, topics=topics,
            interest_type=details.get("interest_type", ""),
            description=details.get("description", ""),
            other_party=details.get("other_party", ""), began_on=began or None)
    except CoopError as error:
        raise VotingError(error.message, field=error.field) from None
