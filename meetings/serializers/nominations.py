"""Board elections: one per class with trustee seats, and its nominations."""

from rest_framework import serializers

from coop.text import validate_text
from membership.serializers import MemberClassRefSerializer

from ..models import Contest, Nomination
from .fields import MeetingContestField, MemberRefSerializer, SocietyMemberField


class NominationSerializer(serializers.ModelSerializer):
    candidate = MemberRefSerializer(read_only=True)
    proposer = MemberRefSerializer(read_only=True)
    seconder = MemberRefSerializer(read_only=True, allow_null=True)
    valid = serializers.BooleanField(source="is_valid", read_only=True, help_text=(
        "Seconded, accepted by the candidate and not withdrawn: the candidate stands."))

    class Meta:
        model = Nomination
        fields = ["id", "candidate", "proposer", "seconder", "statement", "nominated_at",
                  "seconded_at", "accepted_at", "withdrawn_at", "valid", "elected"]
        read_only_fields = fields


class ContestSerializer(serializers.ModelSerializer):
    member_class = MemberClassRefSerializer(read_only=True)
    nominations_open = serializers.BooleanField(read_only=True)
    ballot = serializers.IntegerField(source="ballot_id", read_only=True, allow_null=True,
                                      help_text="The election's ballot (see ballots/), once "
                                                "started.")
    nominations = NominationSerializer(source="shown_nominations", many=True, read_only=True)

    class Meta:
        model = Contest
        fields = ["id", "member_class", "seats", "nominations_close_at", "nominations_open",
                  "ballot", "unopposed_at", "appointed_at", "nominations"]
        read_only_fields = fields


class NominateSerializer(serializers.Serializer):
    contest = MeetingContestField(help_text="The election (id): one class's trustee seats.",
                                  error_messages={"required": "Choose the election.",
                                                  "null": "Choose the election."})
    candidate = SocietyMemberField(required=False, help_text=(
        "The member (id) you nominate. Leave out to nominate yourself."))
    statement = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=5000, help_text=(
                                          "Your statement, when you nominate yourself. "
                                          "Another candidate writes theirs when accepting."),
                                      validators=[validate_text])


class AcceptSerializer(serializers.Serializer):
    statement = serializers.CharField(
        max_length=5000, allow_blank=True, default="",
        help_text="Your statement to the members who vote.", validators=[validate_text])


class OpenNominationsSerializer(serializers.Serializer):
    close_at = serializers.DateTimeField(
        help_text="When nominations close: in the future, and before the meeting starts.",
        error_messages={"required": "Say when nominations close.",
                        "invalid": "Enter the date and time like 2026-06-01T17:00:00+01:00.",
                        "null": "Say when nominations close."})
