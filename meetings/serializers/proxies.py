"""Proxies: appointed, held, directed."""

from rest_framework import serializers

from ..enums import ProxyDirection
from ..models import Proxy
from .fields import MemberRefSerializer, SocietyMemberField


class AppointedProxySerializer(serializers.ModelSerializer):
    holder = MemberRefSerializer(read_only=True)
    instructions = serializers.SerializerMethodField()

    class Meta:
        model = Proxy
        fields = ["id", "holder", "appointed_at", "instructions"]
        read_only_fields = fields

    def get_instructions(self, proxy) -> dict[str, str]:
        return {str(i.item_id): i.direction for i in proxy.instructions.all()}


class ProxySerializer(serializers.ModelSerializer):
    appointer = MemberRefSerializer(read_only=True)
    holder = MemberRefSerializer(read_only=True)
    instructions = serializers.SerializerMethodField(help_text=(
        "Directions by agenda item id: `for`, `against` or `abstain`. An item left out is "
        "the holder's choice."))
    holder_holds = serializers.IntegerField(read_only=True, help_text=(
        "How many active proxies the holder holds at this meeting."))

    class Meta:
        model = Proxy
        fields = ["id", "appointer", "holder", "appointed_at", "revoked_at", "instructions",
                  "holder_holds"]
        read_only_fields = fields

    def get_instructions(self, proxy) -> dict[str, str]:
        return {str(i.item_id): i.direction for i in proxy.instructions.all()}


class InstructionsField(serializers.DictField):
    """Agenda item id → direction. One message for anything malformed, so that errors stay a
    list of messages under `instructions`."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.ChoiceField(
            choices=[("", "The holder's choice"), *ProxyDirection.choices], allow_blank=True),
            **kwargs)

    def to_internal_value(self, data):
        try:
            value = super().to_internal_value(data)
            return {int(key): direction for key, direction in value.items()}
        except (serializers.ValidationError, ValueError):
            raise serializers.ValidationError(
                "Give directions as {agenda item id: \"for\", \"against\", \"abstain\" or "
                "\"\" for the holder's choice}.") from None


class AppointProxySerializer(serializers.Serializer):
    holder = SocietyMemberField(help_text="The member (id) who will attend and vote for you.",
                                error_messages={"required": "Choose who will be your proxy.",
                                                "null": "Choose who will be your proxy."})
    instructions = InstructionsField(required=False, default=dict, help_text=(
        "How your proxy must vote on each resolution, by agenda item id. Items left out are "
        "your proxy's choice."))
