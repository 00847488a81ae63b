"""The meeting's record: attendance, apologies and the minutes."""

from rest_framework import serializers

from coop.text import validate_text

from ..models import Apology, Attendance, Minutes
from .fields import (
    MeetingRefSerializer,
    RegisterRefSerializer,
    SocietyMeetingField,
    SocietyMemberField,
)

# --- attendance and apologies ---------------------------------------------------------------------

class AttendanceSerializer(serializers.ModelSerializer):
    member = RegisterRefSerializer(read_only=True)
    marked_by_officer = serializers.SerializerMethodField(help_text=(
        "An officer marked them present; false when they checked in themselves."))

    class Meta:
        model = Attendance
        fields = ["id", "member", "arrived_at", "online", "votes_by_hand", "marked_by_officer"]
        read_only_fields = fields

    def get_marked_by_officer(self, attendance) -> bool:
        return attendance.marked_by_id is not None


class CheckInSerializer(serializers.Serializer):
    member = SocietyMemberField(required=False, help_text=(
        "The board only: mark this member (id) present. Leave out to check yourself in."))
    online = serializers.BooleanField(default=False, help_text="Joining online.")
    by_hand = serializers.BooleanField(default=False, help_text=(
        "Votes by a show of hands, counted by the tellers, rather than on a device."))


class ApologySerializer(serializers.ModelSerializer):
    member = RegisterRefSerializer(read_only=True)
    recorded_by_officer = serializers.SerializerMethodField()

    class Meta:
        model = Apology
        fields = ["id", "member", "recorded_at", "recorded_by_officer"]
        read_only_fields = fields

    def get_recorded_by_officer(self, apology) -> bool:
        return apology.recorded_by_id is not None


class ApologyInputSerializer(serializers.Serializer):
    member = SocietyMemberField(required=False, help_text=(
        "The board only: record this member's (id) apologies. Leave out for your own."))


# --- minutes --------------------------------------------------------------------------------------

class MinutesSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    approved_at_meeting = MeetingRefSerializer(read_only=True, allow_null=True)
    locked = serializers.BooleanField(source="is_locked", read_only=True, help_text=(
        "Approved, and so never changed again."))

    class Meta:
        model = Minutes
        fields = ["meeting", "text", "drafted_at", "edited_at", "approved_at",
                  "approved_at_meeting", "locked"]
        read_only_fields = fields


class MinutesEditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200000, trim_whitespace=True, error_messages={
        "required": "The minutes cannot be empty.", "blank": "The minutes cannot be empty."},
        validators=[validate_text])


class ApproveMinutesSerializer(serializers.Serializer):
    at_meeting = SocietyMeetingField(help_text=(
        "The later meeting (id), happening now, that approves these minutes."),
        error_messages={"required": "Choose the meeting that approves the minutes.",
                        "null": "Choose the meeting that approves the minutes."})
