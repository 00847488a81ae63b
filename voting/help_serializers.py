"""The API's vote with a companion: `helped_by` on the vote, the declaration's fields."""

from rest_framework import serializers

from coop.text import validate_name, validate_one_line

from .serializers import MarksSerializer, VoteSerializer
from .services import helping


class HelpedBySerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=150, validators=[validate_name],
        help_text="The full name of the person helping, as they give it.",
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


class TakeVoteSerializer(VoteSerializer):
    """An officer takes a member's vote (a ballot without topics: the interest question is the
    member's own to answer on their ballot page)."""

    member_number = serializers.IntegerField(min_value=1,
                                             help_text="The member's membership number.")
    identity_check = serializers.CharField(
        max_length=200, validators=[validate_one_line],
        help_text="How the officer checked it was the member, for example "
                                  "“asked their date of birth and address”.")
    member_told = serializers.BooleanField(
        help_text=f"True: before the member said their choice, the officer told them: "
                  f"“{helping.OFFICER_TELL_MEMBER}”")
    declaration = serializers.BooleanField(
        help_text=f"True: the officer declares: “{helping.OFFICER_DECLARATION}”")

    def validate_member_told(self, value):
        if not value:
            raise serializers.ValidationError("Tell the member that you will see their choice "
                                              "before they say it.")
        return value

    def validate_declaration(self, value):
        if not value:
            raise serializers.ValidationError("Make the officer's declaration.")
        return value


def vote_body(data, context) -> MarksSerializer:
    """The serializer for a vote's body: only choices (the common case, and the cheaper
    check), or with an interest answer or a companion."""
    only_choices = isinstance(data, dict) and set(data) <= {"choices"}
    return (MarksSerializer if only_choices else HelpedVoteSerializer)(data=data,
                                                                      context=context)
