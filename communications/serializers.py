from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coop.api_fields import line_field, text_field
from coop.text import LONG_TEXT
from meetings.models import Meeting
from membership.models import MemberClass
from voting.models import Ballot

from .enums import Audience, MessageKind, Preference
from .models import Delivery, Message


class CountsSerializer(serializers.Serializer):
    members = serializers.IntegerField()
    email = serializers.IntegerField()
    post = serializers.IntegerField()
    large_print = serializers.IntegerField()
    easy_read = serializers.IntegerField()
    left_out = serializers.IntegerField(help_text="Chosen, but news they have not agreed to.")


class MessageSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "kind", "subject", "body", "easy_read_body", "audience", "classes",
                  "ballot", "meeting", "joined_since", "preference", "state", "send_at",
                  "queued_at", "posted_at", "created_at", "counts"]
        read_only_fields = fields

    @extend_schema_field(CountsSerializer(allow_null=True))
    def get_counts(self, message) -> dict | None:
        """Who gets it, by format; null in lists, where counting each message would be slow."""
        counts = self.context.get("counts", {}).get(message.pk)
        return CountsSerializer(counts).data if counts else None


class MessageInputSerializer(serializers.Serializer):
    """A draft, as the compose page takes it. Ids of classes, a ballot or a meeting must be
    this society's."""

    kind = serializers.ChoiceField(choices=MessageKind.choices, default=MessageKind.NEWS)
    subject = line_field(150)
    body = text_field(LONG_TEXT)
    easy_read_body = text_field(LONG_TEXT, required=False, allow_blank=True, default="")
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.ALL)
    classes = serializers.PrimaryKeyRelatedField(many=True, required=False, default=list,
                                                 queryset=MemberClass.objects.none())
    ballot = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, default=None,
                                                queryset=Ballot.objects.none())
    meeting = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, default=None,
                                                 queryset=Meeting.objects.none())
    joined_since = serializers.DateField(required=False, allow_null=True, default=None)
    preference = serializers.ChoiceField(choices=Preference.choices, required=False,
                                         allow_blank=True, default="")

    def __init__(self, *args, society=None, **kwargs):
        super().__init__(*args, **kwargs)
        if society is not None:
            self.fields["classes"].child_relation.queryset = \
                MemberClass.objects.filter(society=society)
            self.fields["ballot"].queryset = Ballot.objects.filter(society=society)
            self.fields["meeting"].queryset = Meeting.objects.filter(society=society)


class SendSerializer(serializers.Serializer):
    send_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="Leave out to send now; a future time schedules it.")


class MessageDeliverySerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.full_name")

    class Meta:
        model = Delivery
        fields = ["id", "member", "member_name", "method", "status", "reason", "sent_at",
                  "large_print", "easy_read"]
