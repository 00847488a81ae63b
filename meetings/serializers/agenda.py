"""The agenda, and what happens to an item in the room: the tellers' count, withdrawals for
interests, a proxy holder's vote."""

from rest_framework import serializers

from coop.text import validate_one_line, validate_text
from membership.interests.serializers import SocietyTopicField, TopicRefSerializer
from membership.models import InterestTopic, MemberClass

from ..enums import AgendaItemKind
from ..models import AgendaItem, Withdrawal
from .fields import (
    AgendaItemKindField,
    MeetingResolutionKindField,
    MemberRefSerializer,
    SocietyMemberField,
)


class AheadSerializer(serializers.Serializer):
    """Voting ahead of the meeting on a resolution (where the rules allow it). Members vote
    through the ballots API with `ballot`; the votes are counted with the room's."""

    ballot = serializers.IntegerField(source="pk", help_text="The ballot's id (see ballots/).")
    state = serializers.CharField(help_text="`open` until `closes_at`, then `closed`.")
    closes_at = serializers.DateTimeField()


class ResolutionSerializer(serializers.Serializer):
    """The vote an agenda item carries. Members vote on it through the ballots API, with
    `ballot`, once the chair opens it."""

    ballot = serializers.IntegerField(source="pk", help_text="The ballot's id (see ballots/).")
    resolution_kind = serializers.CharField(help_text="`ordinary` or `special`.")
    threshold_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    state = serializers.CharField(help_text="The ballot's state: `draft` until the chair "
                                            "opens the vote, then `open`, `closed`, "
                                            "`certified`, `published` (declared).")
    state_label = serializers.CharField(source="get_state_display")
    ahead = AheadSerializer(source="advance", read_only=True, allow_null=True, help_text=(
        "Voting ahead of the meeting, or null when it was not opened."))


class AgendaItemSerializer(serializers.ModelSerializer):
    kind = AgendaItemKindField(read_only=True)
    topics = TopicRefSerializer(many=True, read_only=True, help_text=(
        "What the item touches, for declarations of interest."))
    resolution = ResolutionSerializer(source="ballot", read_only=True, allow_null=True,
                                      help_text="The resolution put to the vote, or null.")
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text=(
        "When the item was taken off the agenda; null while it is on it."))

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "kind", "title", "description", "topics", "resolution",
                  "withdrawn_at"]
        read_only_fields = fields


class AgendaItemInputSerializer(serializers.Serializer):
    """An item added at the end of the agenda. With `resolution_kind`, it carries a
    resolution (its text in `description`) to be voted on in the room; a resolution must be
    in the notice, so it is added before notice is sent."""

    title = serializers.CharField(max_length=200, error_messages={
        "required": "Give the item a title.", "blank": "Give the item a title."},
        validators=[validate_one_line])
    description = serializers.CharField(required=False, allow_blank=True, default="",
                                        max_length=10000, help_text=(
                                            "What the item is; for a resolution, its exact "
                                            "words."), validators=[validate_text])
    kind = AgendaItemKindField(required=False, default=AgendaItemKind.OTHER, help_text=(
        "What sort of item it is. A resolution is made with `resolution_kind`."))
    topics = SocietyTopicField(many=True, required=False, queryset=InterestTopic.objects.all(),
                               help_text="Ids of the interest topics the item touches.")
    resolution_kind = MeetingResolutionKindField(
        required=False, allow_null=True, help_text="Put a resolution to the vote: `ordinary` "
                                                   "or `special`.")

    def validate(self, attrs):
        if attrs.get("kind") == AgendaItemKind.RESOLUTION and not attrs.get("resolution_kind"):
            raise serializers.ValidationError({"resolution_kind": [
                "Say whether the resolution is ordinary or special."]})
        return attrs


# --- the room -------------------------------------------------------------------------------------

class TellerCountsField(serializers.DictField):
    """Class id → {option id → hands}, with one message for anything malformed."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.DictField(
            child=serializers.IntegerField(min_value=0, max_value=1000000)), **kwargs)

    def to_internal_value(self, data):
        try:
            value = super().to_internal_value(data)
            return {int(c): {int(o): n for o, n in row.items()} for c, row in value.items()}
        except (serializers.ValidationError, ValueError):
            raise serializers.ValidationError(
                "Give the hands as {class id: {option id: number of hands}}, each a whole "
                "number, 0 or more.") from None


class TellersSerializer(serializers.Serializer):
    counts = TellerCountsField(
        help_text="The tellers' hands for each class: {class id: {option id: hands}}. "
                  "Entering a class again replaces its earlier count (a recount).",
        error_messages={"required": "Give the hands counted, by class and option.",
                        "not_a_dict": "Give the hands as {{class id: {{option id: hands}}}}."})

    def validate_counts(self, counts):
        society = self.context.get("society")
        classes = set(MemberClass.objects.filter(society=society).values_list("pk", flat=True))
        if not counts or not set(counts) <= classes:
            raise serializers.ValidationError("Give the hands of this co-op's classes, by "
                                              "their ids.")
        return counts


class WithdrawalInputSerializer(serializers.Serializer):
    member = SocietyMemberField(help_text="The member (id) who withdrew for an interest.",
                                error_messages={"required": "Choose who withdrew.",
                                                "null": "Choose who withdrew."})
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=2000, help_text="The interest, in a few words.",
                                   validators=[validate_text])


class ItemWithdrawalSerializer(serializers.ModelSerializer):
    member = MemberRefSerializer(read_only=True)

    class Meta:
        model = Withdrawal
        fields = ["id", "item", "member", "reason", "recorded_at"]
        read_only_fields = fields


class FlatDictField(serializers.DictField):
    """A dict whose values' errors come back as one list of messages, the shape the API's
    error schema describes (DRF would nest them by key, and a key may be any text)."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            raise serializers.ValidationError(
                [f"{key}: {message}" for key, messages in error.detail.items()
                 for message in (messages if isinstance(messages, list) else [messages])]
            ) from None


class ProxyVoteSerializer(serializers.Serializer):
    appointer = SocietyMemberField(help_text=(
        "The absent member (id) who appointed you without directions on this item."),
        error_messages={"required": "Choose whose vote this is.",
                        "null": "Choose whose vote this is."})
    choices = FlatDictField(
        child=serializers.IntegerField(min_value=0, max_value=1),
        help_text="Option id → 1 for the option chosen (see the ballot's options).",
        error_messages={"required": "Give the vote as choices: {{option id: 1}}.",
                        "not_a_dict": "Give the vote as choices: {{option id: 1}}."})

    def validate_choices(self, choices):
        try:
            return {int(k): v for k, v in choices.items()}
        except ValueError:
            raise serializers.ValidationError("Give the vote as choices: {option id: 1}."
                                              ) from None
