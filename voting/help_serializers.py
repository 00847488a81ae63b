"""The API's vote with a companion: `helped_by` on the vote, the declaration's fields."""

from rest_framework import serializers

from .serializers import VoteSerializer
from .services import helping


class HelpedBySerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=150, help_text="The full name of the person helping, as they give it.",
        error_messages={"blank": helping.NO_NAME, "required": helping.NO_NAME})
    declaration = serializers.BooleanField(
        help_text="True: the person helping makes the declaration: "
                  f"“{helping.COMPANION_DECLARATION}”")

    def validate_declaration(self, value):
        if not value:
            raise serializers.ValidationError(helping.NOT_DECLARED)
        return value


class HelpedVoteSerializer(VoteSerializer):
    helped_by = HelpedBySerializer(
        required=False,
        help_text="When someone helps the member vote: their name and declaration, kept with "
                  "the roll entry (who helped, never what was chosen). The society limits how "
                  "many members one person may help in a ballot (400 under `helped_by`).")

    def help(self) -> helping.Help | None:
        given = self.validated_data.get("helped_by")
        return helping.Help(name=given["name"], declared=True) if given else None
