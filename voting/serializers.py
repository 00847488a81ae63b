"""Serializers for the ballots API. Input serializers only validate: the view passes
`validated_data` to a service (voting.services), which checks the voting rules, writes and
audits. Output never names a voter: a ballot shows only whether the person asking is on the
roll and has voted (and, in a ballot's detail, their own interests in its topics). The results
serializers are in voting/api_results.py."""

from django.utils import timezone
from rest_framework import serializers

from coop.api_fields import text_field
from coop.enums import ConflictPolicy, EmptyClassPolicy
from coop.text import TEXT, validate_one_line, validate_text
from membership.interests.serializers import (
    TOPICS_ERRORS,
    DeclareSerializer,
    SocietyTopicField,
    TopicRefSerializer,
)
from membership.models import InterestTopic, MemberClass
from membership.serializers import EnumField, SocietyClassField

from .enums import BallotKind, BallotState, ResolutionKind, Weighting
from .models import Ballot, BallotOption, ClassWeight


class BallotKindField(EnumField):
    enum = BallotKind


class WeightingField(EnumField):
    enum = Weighting


class ResolutionKindField(EnumField):
    enum = ResolutionKind


class EmptyClassPolicyField(EnumField):
    enum = EmptyClassPolicy


class ConflictPolicyField(EnumField):
    enum = ConflictPolicy


class BallotStateField(EnumField):
    """Derived from the ballot's timestamps, so a ballot past its closing time reads as
    closed even before any job has recorded it."""

    enum = BallotState

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


# --- output -----------------------------------------------------------------------------------

class BallotOptionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text="`for`, `against` or `abstain` on a "
                                                           "resolution; empty otherwise.")

    class Meta:
        model = BallotOption
        fields = ["id", "label", "description", "code"]
        read_only_fields = fields


class BallotWeightSerializer(serializers.ModelSerializer):
    member_class = serializers.IntegerField(source="member_class_id", read_only=True,
                                            help_text="The class's id.")
    name = serializers.CharField(source="member_class.name", read_only=True)

    class Meta:
        model = ClassWeight
        fields = ["member_class", "name", "weight", "votes_per_member"]
        read_only_fields = fields


class BallotSerializer(serializers.ModelSerializer):
    """A ballot with its options and frozen weights, and, for the person asking, whether they
    are on its roll and have voted (nothing about anyone else)."""

    kind = BallotKindField(read_only=True)
    weighting = WeightingField(read_only=True)
    resolution_kind = ResolutionKindField(read_only=True)
    empty_class_policy = EmptyClassPolicyField(read_only=True)
    conflict_policy = ConflictPolicyField(read_only=True)
    topics = TopicRefSerializer(many=True, read_only=True, help_text=(
        "What the decision touches. When there are topics, voting asks about your interests "
        "in them (see `interest` when voting)."))
    state = BallotStateField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    only_class = serializers.IntegerField(source="only_class_id", read_only=True,
                                          allow_null=True,
                                          help_text="The one class that votes, if limited.")
    options = BallotOptionSerializer(many=True, read_only=True)
    weights = BallotWeightSerializer(source="class_weights", many=True, read_only=True)
    on_roll = serializers.BooleanField(
        source="viewer_on_roll", read_only=True,
        help_text="You are on this ballot's electoral roll (frozen when it opened).")
    has_voted = serializers.BooleanField(
        source="viewer_has_voted", read_only=True, allow_null=True,
        help_text="You have voted in this ballot (online or on a counted paper). Null once "
                  "the marked roll has been reduced to counts (see `roll_reduced_at`).")
    recused = serializers.BooleanField(
        source="viewer_recused", read_only=True,
        help_text="You are on the roll but do not vote: an interest in the ballot's topics "
                  "under the recuse policy (as the roll was frozen; the ballot's own page also "
                  "counts interests declared since).")

    class Meta:
        model = Ballot
        fields = [
            "id", "title", "summary", "easy_read_summary", "kind", "weighting", "state",
            "state_label", "resolution_kind", "threshold_percent", "require_class_majority",
            "seats", "only_class", "allow_vote_changes", "live_results", "empty_class_policy",
            "breakdown_minimum", "topics", "conflict_policy", "record_date", "opens_at",
            "closes_at", "created_at",
            "opened_at", "closed_at", "close_reason", "certified_at", "certificate_note",
            "published_at", "roll_reduced_at", "options", "weights", "on_roll", "has_voted",
            "recused", "scrutineer_seal", "seal_ready",
        ]
        read_only_fields = fields


class MatchSerializer(serializers.Serializer):
    """One of your interests in the ballot's topics: declared by you, or deemed by class."""

    topic = TopicRefSerializer()
    deemed = serializers.BooleanField(help_text="Every member of your class is treated as "
                                                "having this interest; nobody declared it.")
    declaration = serializers.SerializerMethodField(
        help_text="Your declaration's id (see interests/), or null when deemed.")
    description = serializers.SerializerMethodField()

    def get_declaration(self, match) -> int | None:
        return None if match.deemed else match.declaration.pk

    def get_description(self, match) -> str:
        if match.deemed:
            return (f"Every {match.member_class.name.lower()} is treated as having an "
                    "interest in this topic.")
        return match.declaration.description


INTEREST_QUESTIONS = [
    ("none", "The ballot has no topics: send no `interest`"),
    ("confirm", "You have interests in its topics: send {\"confirmed\": true}"),
    ("declare", "You have none in the register: send {\"none_to_declare\": true}, or declare "
                "one with {\"declaration\": {...}}"),
    ("recused", "You have an interest and the ballot's policy is recuse: you do not vote"),
]


class BallotDetailSerializer(BallotSerializer):
    """A ballot as its own page shows it: also, for the person asking, their interests in
    its topics and what to answer when voting."""

    recused = serializers.BooleanField(
        source="viewer_recused_now", read_only=True,
        help_text="You may not vote: you have an interest in the ballot's topics and its "
                  "policy is recuse (left out when the roll was frozen, or declared since).")
    interests = MatchSerializer(
        source="viewer_interests", many=True, read_only=True, allow_null=True,
        help_text="Your declared and deemed interests in the ballot's topics, to show before "
                  "voting; null when the ballot has no topics.")
    interest_question = serializers.ChoiceField(
        source="viewer_question", choices=INTEREST_QUESTIONS, read_only=True,
        help_text="What to send as `interest` when you vote.")

    class Meta(BallotSerializer.Meta):
        fields = [*BallotSerializer.Meta.fields, "interests", "interest_question"]
        read_only_fields = fields


# --- drafting ---------------------------------------------------------------------------------

class OptionInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200, error_messages={
        "blank": "Give each option a name.", "required": "Give each option a name."},
        validators=[validate_one_line])
    description = text_field(TEXT, required=False, allow_blank=True, default="")


class WeightInputSerializer(serializers.Serializer):
    member_class = SocietyClassField(queryset=MemberClass.objects.all(),
                                     help_text="The class's id.")
    weight = serializers.IntegerField(
        min_value=0, max_value=1_000_000,
        help_text="Its weight in whole-number parts: its share of the result is its parts "
                  "over all the classes' parts, counted exactly (1, 1, 1 is a third each).",
        error_messages={"invalid": "Give the weight as a whole number of parts, like 1 or 2."})
    votes_per_member = serializers.IntegerField(min_value=1, max_value=1000, default=1)


DRAFT_ERRORS = {
    "title": {"error_messages": {"required": "Enter a title.", "blank": "Enter a title."}},
    "summary": {"error_messages": {
        "required": "Enter a plain-English summary of what the vote is about.",
        "blank": "Enter a plain-English summary of what the vote is about."}},
    # Django's min/max validators fill in %(names)s: the percent signs are doubled.
    "threshold_percent": {"error_messages": {
        "min_value": "The threshold must be between 50%% and 100%%.",
        "max_value": "The threshold must be between 50%% and 100%%."}},
}


class BallotDraftSerializer(serializers.ModelSerializer):
    """A new ballot, or changes to a draft. A resolution always gets For, Against and Abstain,
    so `options` applies to the other kinds. `weights` replaces the class weights the
    society's rules prefilled; with class-share weighting they must add up to 100."""

    kind = BallotKindField(required=False)
    weighting = WeightingField(required=False)
    resolution_kind = ResolutionKindField(required=False)
    empty_class_policy = EmptyClassPolicyField(required=False)
    conflict_policy = ConflictPolicyField(required=False)
    topics = SocietyTopicField(many=True, required=False, queryset=InterestTopic.objects.all(),
                               help_text="Ids of the interest topics the decision touches.")
    only_class = SocietyClassField(queryset=MemberClass.objects.all(), required=False,
                                   allow_null=True,
                                   help_text="Limit the vote to this one class (its id).")
    options = OptionInputSerializer(many=True, required=False,
                                    help_text="The options or candidates, in ballot order.")
    weights = WeightInputSerializer(many=True, required=False,
                                    help_text="Each voting class's weight in this ballot.")

    class Meta:
        model = Ballot
        fields = ["title", "summary", "easy_read_summary", "kind", "weighting",
                  "resolution_kind", "threshold_percent", "require_class_majority", "seats",
                  "only_class", "allow_vote_changes", "live_results", "empty_class_policy",
                  "breakdown_minimum", "topics", "conflict_policy", "record_date", "closes_at",
                  "options", "weights", "scrutineer_seal"]
        extra_kwargs = DRAFT_ERRORS

    def to_internal_value(self, data):
        """Errors inside one option or weight come back as plain messages under `options`
        or `weights`, like every other field's, rather than as a list of objects."""
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(
                {name: _messages(errors) for name, errors in exc.detail.items()}) from None

    def validate_closes_at(self, value):
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError("The closing time has already passed. Choose a "
                                              "later one.")
        return value

    def validate_weights(self, rows):
        classes = [row["member_class"].pk for row in rows]
        if len(set(classes)) != len(classes):
            raise serializers.ValidationError("Give each class's weight once.")
        return [{"member_class": row["member_class"].pk, "weight": row["weight"],
                 "votes_per_member": row.get("votes_per_member", 1)} for row in rows]


def _messages(errors) -> list[str]:
    """Every message in a nested error structure, once each, in order."""
    if isinstance(errors, dict):
        errors = list(errors.values())
    if not isinstance(errors, list):
        return [str(errors)]
    found = [m for e in errors for m in _messages(e)]
    return list(dict.fromkeys(found))


# --- lifecycle --------------------------------------------------------------------------------

class OpenSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField(
        required=False, help_text="Open later, by itself, at this time. Leave out to open now.")
    closes_at = serializers.DateTimeField(
        required=False, help_text="When voting ends. Leave out to keep the draft's time.")


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the ballot is closing before its closing time. It is "
                                   "recorded and shown with the result.",
        error_messages={"required": "Say why the ballot is closing early.",
                        "blank": "Say why the ballot is closing early."},
                        validators=[validate_text])


class CertifySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="",
                                 help_text="Anything the scrutineer records with the "
                                           "certificate.", validators=[validate_text])


class PublishSerializer(serializers.Serializer):
    """Publishing takes no options."""


# --- casting ----------------------------------------------------------------------------------

class ChoicesField(serializers.DictField):
    """Option id → value. One message for any value that is not a whole number, rather than
    a message per key, so that errors stay a list of messages under `choices`."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(min_value=0, max_value=1000), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):  # not a mapping at all: say how to send one
            self.fail("not_a_dict", input_type=type(data).__name__)
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            raise serializers.ValidationError(
                "Give each answer as a whole number, 0 or more.") from None


class InterestDeclarationSerializer(DeclareSerializer):
    """An interest to declare while voting: it is added to the register of interests in the
    same transaction as the vote, so a refused vote leaves no declaration behind. Under the
    recuse policy it is kept, and the vote refused."""

    topics = SocietyTopicField(
        many=True, required=False, queryset=InterestTopic.objects.all(),
        error_messages=TOPICS_ERRORS,
        help_text="Ids of the topics it touches, at least one of them the ballot's. Leave out "
                  "for all the ballot's topics.")


class InterestAnswerSerializer(serializers.Serializer):
    """The answer to the conflict-of-interest question a ballot with topics asks. Send one of
    the three (the ballot's `interest_question` says which fit)."""

    confirmed = serializers.BooleanField(
        default=False, help_text="You have read your interests in the ballot's topics (the "
                                 "ballot's `interests`), when you have some.")
    none_to_declare = serializers.BooleanField(
        default=False, help_text="You have no interest to declare in the ballot's topics.")
    declaration = InterestDeclarationSerializer(
        required=False, help_text="Declare an interest now, when you have none in the "
                                  "register yet. Its errors come back by field under "
                                  "`interest.declaration`.")


ONE_ANSWER = ("Send one answer under interest: {\"confirmed\": true}, {\"none_to_declare\": "
              "true} or {\"declaration\": {...}}.")


class MarksSerializer(serializers.Serializer):
    """A vote's choices alone: what almost every vote sends, checked without building the
    interest and companion fields it leaves out (`vote_body`)."""

    choices = ChoicesField(
        help_text="Option id → value. Resolution and choice: one option, value 1. Approval: "
                  "each option ticked, value 1. Allocation: points, adding up to exactly 100. "
                  "Election: ranks 1, 2, 3 … without gaps. Options left out (or 0) are not "
                  "marked.",
        # DRF fills in {names}: the braces of the example are doubled.
        error_messages={"required": "Give your answers as choices: {{option id: value}}.",
                        "not_a_dict": "Give your answers as choices: {{option id: value}}."})

    def help(self):
        return None


class VoteSerializer(MarksSerializer):
    interest = InterestAnswerSerializer(
        required=False, help_text="Required when the ballot has topics: your answer to its "
                                  "question about interests. Without it the vote is refused "
                                  "(400, saying what to send under `interest`).")

    def validate_interest(self, answer):
        given = [bool(answer.get("confirmed")), bool(answer.get("none_to_declare")),
                 answer.get("declaration") is not None]
        if sum(given) > 1:
            raise serializers.ValidationError(ONE_ANSWER)
        return answer
