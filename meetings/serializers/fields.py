"""What the meetings serializers share: the named enums of the schema, fields that accept only
this society's members, meetings, requisitions and elections, and how members are named."""

from django.db import models
from rest_framework import serializers

from membership.models import Member
from membership.serializers import EnumField

from ..enums import (
    AgendaItemKind,
    AttendanceMode,
    MeetingKind,
    MeetingState,
    NoticeMethod,
    ProxyDirection,
)
from ..models import Contest, Meeting, Requisition


class MeetingResolutionKind(models.TextChoices):
    """The resolutions a meeting puts (a ballot may also have a custom threshold)."""

    ORDINARY = "ordinary", "Ordinary: carried by more than half"
    SPECIAL = "special", "Special: carried by the special resolution threshold"


class MeetingKindField(EnumField):
    enum = MeetingKind


class MeetingStateField(EnumField):
    enum = MeetingState


class AttendanceModeField(EnumField):
    enum = AttendanceMode


class AgendaItemKindField(EnumField):
    enum = AgendaItemKind


class NoticeMethodField(EnumField):
    enum = NoticeMethod


class ProxyDirectionField(EnumField):
    enum = ProxyDirection


class MeetingResolutionKindField(EnumField):
    enum = MeetingResolutionKind


# --- fields naming this society's things ----------------------------------------------------------

class _SocietyRelatedField(serializers.PrimaryKeyRelatedField):
    """A row of the society in the serializer's context, by id; any other is refused with the
    same message as one that does not exist."""

    def society_rows(self, society):
        raise NotImplementedError

    def get_queryset(self):
        society = self.context.get("society")
        return self.society_rows(society) if society is not None else \
            self.queryset.model.objects.none()


class SocietyMemberField(_SocietyRelatedField):
    default_error_messages = {"does_not_exist": "Choose a member of this co-op.",
                              "incorrect_type": "Give the member as their number (id)."}

    def __init__(self, **kwargs):
        super().__init__(queryset=Member.objects.all(), **kwargs)

    def society_rows(self, society):
        return Member.objects.filter(society=society)


class SocietyMeetingField(_SocietyRelatedField):
    default_error_messages = {"does_not_exist": "Choose a meeting of this co-op.",
                              "incorrect_type": "Give the meeting as its number (id)."}

    def __init__(self, **kwargs):
        super().__init__(queryset=Meeting.objects.all(), **kwargs)

    def society_rows(self, society):
        return Meeting.objects.filter(society=society).select_related("society")


class SocietyRequisitionField(_SocietyRelatedField):
    default_error_messages = {"does_not_exist": "Choose a requisition of this co-op.",
                              "incorrect_type": "Give the requisition as its number (id)."}

    def __init__(self, **kwargs):
        super().__init__(queryset=Requisition.objects.all(), **kwargs)

    def society_rows(self, society):
        return Requisition.objects.filter(society=society)


class MeetingContestField(serializers.PrimaryKeyRelatedField):
    """One of the meeting's elections (the `meeting` in the context)."""

    default_error_messages = {"does_not_exist": "Choose one of this meeting's elections.",
                              "incorrect_type": "Give the election as its number (id)."}

    def __init__(self, **kwargs):
        super().__init__(queryset=Contest.objects.all(), **kwargs)

    def get_queryset(self):
        meeting = self.context.get("meeting")
        if meeting is None:
            return Contest.objects.none()
        return meeting.contests.select_related("meeting__society", "member_class")


# --- output: references ---------------------------------------------------------------------------

class MemberRefSerializer(serializers.ModelSerializer):
    """A member as the meeting record names them: no contact details."""

    class Meta:
        model = Member
        fields = ["id", "full_name"]
        read_only_fields = fields


class RegisterRefSerializer(serializers.ModelSerializer):
    """A member as the board's lists name them, with their membership number."""

    class Meta:
        model = Member
        fields = ["id", "full_name", "membership_number"]
        read_only_fields = fields


class MeetingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "title", "starts_at"]
        read_only_fields = fields
