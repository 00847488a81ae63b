"""Serializers for the ballots API. Input serializers only validate: the view passes
`validated_data` to a service (voting.services), which checks the voting rules, writes and
audits. Output never names a voter: a ballot shows only whether the person asking is on the
roll and has voted, and a result shows counts."""

from fractions import Fraction

from django.utils import timezone
from rest_framework import serializers

from coop.enums import ConflictPolicy, EmptyClassPolicy
from membership.models import InterestTopic, MemberClass
from membership.serializers import EnumField, SocietyClassField

from .enums import BallotKind, BallotState, ResolutionKind, Weighting
from .models import Ballot, BallotOption, ClassWeight
from .selectors import percent


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


class SocietyTopicField(serializers.PrimaryKeyRelatedField):
    """One of the society's interest topics (by id); any other is refused."""

    default_error_messages = {"does_not_exist": "Choose one of this co-op's topics."}

    def get_queryset(self):
        society = self.context.get("society")
        if society is None:
            return InterestTopic.objects.none()
        return society.interest_topics.filter(retired_on__isnull=True)


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


class TopicRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterestTopic
        fields = ["id", "name"]
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
        source="viewer_has_voted", read_only=True,
        help_text="You have voted in this ballot (online or on a counted paper).")

    class Meta:
        model = Ballot
        fields = [
            "id", "title", "summary", "easy_read_summary", "kind", "weighting", "state",
            "state_label", "resolution_kind", "threshold_percent", "require_class_majority",
            "seats", "only_class", "allow_vote_changes", "live_results", "empty_class_policy",
            "breakdown_minimum", "topics", "conflict_policy", "record_date", "opens_at",
            "closes_at", "created_at",
            "opened_at", "closed_at", "close_reason", "certified_at", "certificate_note",
            "published_at", "options", "weights", "on_roll", "has_voted",
        ]
        read_only_fields = fields


# --- drafting ---------------------------------------------------------------------------------

class OptionInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200, error_messages={
        "blank": "Give each option a name.", "required": "Give each option a name."})
    description = serializers.CharField(required=False, allow_blank=True, default="")


class WeightInputSerializer(serializers.Serializer):
    member_class = SocietyClassField(queryset=MemberClass.objects.all(),
                                     help_text="The class's id.")
    weight = serializers.DecimalField(max_digits=7, decimal_places=4, min_value=0,
                                      max_value=100, help_text="Its share of the result (%).")
    votes_per_member = serializers.IntegerField(min_value=1, max_value=1000, default=1)


DRAFT_ERRORS = {
    "title": {"error_messages": {"required": "Enter a title.", "blank": "Enter a title."}},
    "summary": {"error_messages": {
        "required": "Enter a plain-English summary of what the vote is about.",
        "blank": "Enter a plain-English summary of what the vote is about."}},
    "threshold_percent": {"error_messages": {
        "min_value": "The threshold must be between 50% and 100%.",
        "max_value": "The threshold must be between 50% and 100%."}},
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
                  "options", "weights"]
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
                        "blank": "Say why the ballot is closing early."})


class CertifySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="",
                                 help_text="Anything the scrutineer records with the "
                                           "certificate.")


class PublishSerializer(serializers.Serializer):
    """Publishing takes no options."""


# --- casting ----------------------------------------------------------------------------------

class ChoicesField(serializers.DictField):
    """Option id → value. One message for any value that is not a whole number, rather than
    a message per key, so that errors stay a list of messages under `choices`."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(min_value=0, max_value=1000), **kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            raise serializers.ValidationError(
                "Give each answer as a whole number, 0 or more.") from None


class InterestAnswerSerializer(serializers.Serializer):
    """The answer to the conflict-of-interest question a ballot with topics asks."""

    confirmed = serializers.BooleanField(
        default=False, help_text="You have read your declared interests in the ballot's "
                                 "topics (when you have some).")
    none_to_declare = serializers.BooleanField(
        default=False, help_text="You have no interest to declare in the ballot's topics.")


class VoteSerializer(serializers.Serializer):
    choices = ChoicesField(
        help_text="Option id → value. Resolution and choice: one option, value 1. Approval: "
                  "each option ticked, value 1. Allocation: points, adding up to exactly 100. "
                  "Election: ranks 1, 2, 3 … without gaps. Options left out (or 0) are not "
                  "marked.",
        error_messages={"required": "Give your answers as choices: {option id: value}.",
                        "not_a_dict": "Give your answers as choices: {option id: value}."})
    interest = InterestAnswerSerializer(
        required=False, help_text="Needed only when the ballot has topics: whether you have an "
                                  "interest in what it decides.")


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(
        help_text="Your receipt code. It is shown only now and never stored: keep it to check, "
                  "after the ballot closes, that your vote was counted.")


class ReceiptStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("counted", "This vote is counted"),
                 ("replaced", "A later vote by the same member counts instead")])


# --- results ----------------------------------------------------------------------------------

PERCENT_HELP = "A percentage with 6 decimal places (rounded half up for display only)."
FRACTION_HELP = "The exact share as a fraction of 1, e.g. `21/40`; the percentage is rounded."


def percent_field(help_text=PERCENT_HELP, **kwargs):
    return serializers.CharField(help_text=help_text, **kwargs)


def fraction_field(**kwargs):
    return serializers.CharField(help_text=FRACTION_HELP, **kwargs)


class OptionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    code = serializers.CharField(help_text="`for`, `against` or `abstain` on a resolution.")
    counted = serializers.BooleanField(help_text="False for abstentions: they are reported but "
                                                 "are not part of any share.")
    share = percent_field("The weighted result: this option's share under the ballot's "
                          "weighting. " + PERCENT_HELP)
    share_fraction = fraction_field()
    head_count = serializers.IntegerField(help_text="How many votes marked this option.")
    one_member_share = percent_field("The share it would have had under one member, one vote "
                                     "(for comparison only). " + PERCENT_HELP)
    one_member_fraction = fraction_field()
    winner = serializers.BooleanField(help_text="Highest weighted result (choice, approval); "
                                                "several winners mean a tie.")
    elected = serializers.BooleanField(help_text="Elected (elections only).")


class ClassOptionSerializer(serializers.Serializer):
    option = serializers.IntegerField(help_text="The option's id.")
    head_count = serializers.IntegerField()
    share = percent_field("The option's share within this class. " + PERCENT_HELP)


class ClassResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=7, decimal_places=4,
                                      help_text="The class's weight in this ballot (%).")
    on_roll = serializers.IntegerField()
    voted = serializers.IntegerField()
    turnout = percent_field(allow_null=True)
    shown = serializers.BooleanField(help_text="False when fewer than the ballot's "
                                               "`breakdown_minimum` voted in the class: its own "
                                               "breakdown is then hidden to protect secrecy.")
    options = ClassOptionSerializer(many=True, allow_null=True,
                                    help_text="Null when the breakdown is hidden.")


class OneMemberOutcomeSerializer(serializers.Serializer):
    note = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True)
    tie = serializers.BooleanField()
    winners = serializers.ListField(child=serializers.IntegerField())


class PapersSerializer(serializers.Serializer):
    issued = serializers.IntegerField(help_text="Sent out and not (yet) returned.")
    counted = serializers.IntegerField()
    rejected = serializers.IntegerField(help_text="Returned from members who had already "
                                                  "voted online: first received counts.")


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class ElectionSerializer(serializers.Serializer):
    rules = serializers.CharField(help_text="The named STV rule set the count follows.")
    seats = serializers.IntegerField()
    valid_votes = serializers.IntegerField()
    quota = serializers.CharField(help_text="The Droop quota, exact.")
    elected = CandidateSerializer(many=True, help_text="In the order they were elected.")
    ties_broken_by_lot = serializers.IntegerField(
        help_text="How many ties the count broke by lot (see the results page for each).")


class ResultsSerializer(serializers.Serializer):
    """The count of a ballot. Nothing in it names a voter."""

    ballot = serializers.IntegerField(help_text="The ballot's id.")
    kind = BallotKindField()
    weighting = WeightingField()
    state = BallotStateField()
    certified = serializers.BooleanField()
    published = serializers.BooleanField()
    options = OptionResultSerializer(many=True)
    passed = serializers.BooleanField(allow_null=True, help_text="Resolutions only: whether "
                                      "it passed. A tie fails.")
    for_share_of_cast = percent_field(
        "Resolutions only: “for” as a share of the weighted votes for and against, the figure "
        "compared with the threshold. " + PERCENT_HELP, allow_null=True)
    for_share_of_cast_fraction = fraction_field(allow_null=True)
    threshold_percent = serializers.DecimalField(max_digits=7, decimal_places=4)
    failed_classes = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of the classes in which “for” did not beat “against”, when the "
                  "resolution must also win in every class.")
    tie = serializers.BooleanField()
    winners = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="Ids of the winning option(s).")
    not_cast_share = percent_field("The share kept as not cast, for classes in which nobody "
                                   "voted (policy “not cast”). " + PERCENT_HELP)
    not_cast_fraction = fraction_field()
    on_roll = serializers.IntegerField()
    voted = serializers.IntegerField()
    turnout = percent_field(allow_null=True)
    recused = serializers.IntegerField(help_text="Members on the roll left out of the vote for "
                                                 "an interest in its topics (policy recuse).")
    votes_with_interest = serializers.IntegerField(help_text="Votes cast by members with an "
                                                             "interest in the ballot's topics.")
    classes = ClassResultSerializer(many=True)
    one_member_one_vote = OneMemberOutcomeSerializer()
    papers = PapersSerializer()
    election = ElectionSerializer(allow_null=True, help_text="Elections only: the STV count "
                                                            "and the candidates elected.")


ONE_MEMBER_NOTE = ("What the result would have been under one member, one vote. Shown for "
                   "transparency only: it is not the rule this ballot is decided by.")


def _pct(share) -> str | None:
    value = percent(share, 6)
    return None if value is None else f"{value:f}"


def _fraction(share) -> str | None:
    return None if share is None else str(share)


def _class_row(row, option_ids) -> dict:
    options = None
    if row.shown:
        options = [{"option": pk, "head_count": row.counts.get(pk, 0),
                    "share": _pct(row.shares.get(pk, 0))} for pk in option_ids]
    return {"name": row.name, "weight": row.weight, "on_roll": row.on_roll,
            "voted": row.voted, "turnout": _pct(row.turnout), "shown": row.shown,
            "options": options}


def results_payload(results) -> dict:
    """The figures of `selectors.results` for ResultsSerializer, exact fractions alongside the
    rounded percentages."""
    ballot, outcome, one = results.ballot, results.outcome, results.one_member_outcome
    elected = list(getattr(results.stv, "elected", None) or [])
    by_id = {o.pk: o for o in results.options}
    options = [{
        "id": row["option"].pk, "label": row["option"].label, "code": row["option"].code,
        "counted": row["counted"], "share": _pct(row["share"]),
        "share_fraction": _fraction(row["share"]), "head_count": row["head_count"],
        "one_member_share": _pct(row["one_member_share"]),
        "one_member_fraction": _fraction(row["one_member_share"]),
        "winner": row["option"].pk in outcome.winners, "elected": row["option"].pk in elected,
    } for row in results.rows()]
    resolution = ballot.kind == BallotKind.RESOLUTION
    ratio = outcome.for_ratio if resolution else None
    return {
        "ballot": ballot.pk, "kind": ballot.kind, "weighting": ballot.weighting,
        "state": ballot.state, "certified": ballot.certified_at is not None,
        "published": ballot.published_at is not None, "options": options,
        "passed": outcome.passed, "for_share_of_cast": _pct(ratio),
        "for_share_of_cast_fraction": _fraction(ratio),
        "threshold_percent": ballot.threshold_percent,
        "failed_classes": list(outcome.failed_classes), "tie": results.is_tie,
        "winners": list(outcome.winners), "not_cast_share": _pct(outcome.not_cast),
        "not_cast_fraction": _fraction(outcome.not_cast or Fraction(0)),
        "on_roll": results.on_roll, "voted": results.voted, "turnout": _pct(results.turnout),
        "recused": getattr(results, "recused", 0),
        "votes_with_interest": getattr(results, "with_interest", 0),
        "classes": [_class_row(row, list(by_id)) for row in results.classes],
        "one_member_one_vote": {"note": ONE_MEMBER_NOTE, "passed": one.passed,
                                "tie": len(one.winners) > 1, "winners": list(one.winners)},
        "papers": {state: results.papers.get(state, 0)
                   for state in ("issued", "counted", "rejected")},
        "election": _election(results.stv, by_id),
    }


def _election(stv, by_id) -> dict | None:
    if stv is None:
        return None
    return {"rules": stv.rules, "seats": stv.seats, "valid_votes": stv.valid_votes,
            "quota": str(stv.quota), "ties_broken_by_lot": len(stv.ties_broken_by_lot),
            "elected": [{"id": pk, "label": by_id[pk].label} for pk in stv.elected]}
