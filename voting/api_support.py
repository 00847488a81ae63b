"""What the ballots API (voting/api.py) shares about errors and the interest question.

Errors: a voting rule broken by the request's input is a 400 naming the field; one broken by
the ballot's state (the services name no field) is a 409 with a `detail` message.

Interests: a ballot with topics asks each voter about their interests in them (see
`voting.conflicts`, the same rules as the ballot page). The API's form of that prompt is the
ballot detail's `interests` and `interest_question`; the answer is the vote's `interest`."""

from contextlib import contextmanager

from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import ValidationError

from coop.api import Conflict, ErrorSerializer
from coop.api import refusals as coop_refusals
from coop.enums import ConflictPolicy
from membership.interests import selectors as interest_selectors

from . import conflicts
from .conflicts import InterestAnswer

CONFLICT = OpenApiResponse(
    ErrorSerializer, description="Refused because of the ballot's state, for example it has "
                                 "closed, it has opened (so it can no longer be changed), "
                                 "you have already voted, or you are recused for an interest.")
# The services name a field with the name the HTML form uses; the API's is plural.
FIELD_NAMES = {"weight": "weights", "helper_name": "helped_by", "declaration": "helped_by"}
# Fields of a declaration made while voting: their errors go under interest.declaration.
DECLARATION_FIELDS = {"interest_type", "description", "other_party", "began_on", "ended_on",
                      "topics"}
SEND_CONFIRMED = ('Send "interest": {"confirmed": true} once you have read them (the '
                  'ballot\'s "interests").')
SEND_ANSWER = ('Send "interest": {"none_to_declare": true}, or declare one with "interest": '
               '{"declaration": {"interest_type": "financial", "description": "…"}}.')
VOTE_VALIDATION_ERROR = OpenApiResponse(
    response={
        "type": "object",
        "description": "Each field that was wrong, with its messages. Under `interest`, "
                       "either a list of messages about the answer, or "
                       "`{\"declaration\": {field: [messages]}}` for a declaration made while "
                       "voting.",
        "additionalProperties": {"oneOf": [
            {"type": "array", "items": {"type": "string"}}, {"type": "string"},
            {"type": "object", "additionalProperties": True}]},
    },
    description="The request was not valid.")


def refusals():
    """The shared refusal rule, with the API's names for the services' fields."""
    return coop_refusals(FIELD_NAMES)


def add_viewer_interests(ballot, society, user) -> None:
    """The person's interests in the ballot's topics and what they must answer (the ballot
    page's prompt). Under the recuse policy an interest declared since the roll was frozen
    also bars, as on the page. Needs the `viewer_*` annotations of the ballots queryset."""
    topics = [t.pk for t in ballot.topics.all()]
    matches = interest_selectors.matching_interests(society, user, topics) if topics else []
    ballot.viewer_recused_now = ballot.viewer_recused or bool(
        ballot.viewer_on_roll and matches and ballot.conflict_policy == ConflictPolicy.RECUSE)
    ballot.viewer_interests = matches if topics else None
    ballot.viewer_question = ("recused" if ballot.viewer_recused_now
                              else "none" if not topics
                              else "confirm" if matches else "declare")


def interest_answer(ballot, data) -> InterestAnswer | None:
    """The vote's answer to the interest question. A declaration made while voting must name
    at least one of the ballot's topics (it names them all when it names none)."""
    if data is None:
        return None
    declaration = data.get("declaration")
    if declaration is not None and declaration.get("topics"):
        own = {t.pk for t in ballot.topics.all()}
        if not own & {t.pk for t in declaration["topics"]}:
            raise ValidationError({"interest": {"declaration": {"topics": [
                "Include at least one of this ballot's topics, or leave topics out."]}}})
    return InterestAnswer(confirmed=data.get("confirmed", False),
                          none_to_declare=data.get("none_to_declare", False),
                          declaration=dict(declaration) if declaration else None)


@contextmanager
def vote_refusals(ballot, member, answer):
    """As `refusals`, with the interest question's own errors: a declaration's under
    interest.declaration, a missing answer under interest with what to send, and a vote
    barred by an interest (recuse policy) a 409. The prompt is read again only on failure,
    so a vote that goes through costs nothing more."""
    try:
        with refusals():
            yield
    except ValidationError as exc:
        field = next(iter(exc.detail), None) if isinstance(exc.detail, dict) else None
        if field in DECLARATION_FIELDS:
            raise ValidationError({"interest": {"declaration": exc.detail}}) from None
        if field != "interest":
            raise
        message = str(exc.detail["interest"][0])
        prompt = conflicts.prompt_for(ballot, member)
        if prompt.policy == ConflictPolicy.RECUSE and (
                prompt.has_interest or (answer and answer.declaration)):
            raise Conflict(message) from None
        hint = SEND_CONFIRMED if prompt.has_interest else SEND_ANSWER
        raise ValidationError({"interest": [f"{message} {hint}"]}) from None
