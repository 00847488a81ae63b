"""A meeting: what the list and the detail show, calling and changing it, and its notice."""

from rest_framework import serializers

from coop.text import validate_one_line, validate_text

from ..models import Meeting, NoticeDelivery
from .agenda import AgendaItemSerializer
from .fields import (
    AttendanceModeField,
    MeetingKindField,
    MeetingStateField,
    NoticeMethodField,
    RegisterRefSerializer,
    SocietyRequisitionField,
)
from .proxies import AppointedProxySerializer


class QuorumSerializer(serializers.Serializer):
    required = serializers.IntegerField(help_text="How many must be here, by the rules.")
    present = serializers.IntegerField(help_text="Members checked in or marked present.")
    proxies = serializers.IntegerField(help_text="Absent members whose proxy is present.")
    counts_proxies = serializers.BooleanField(help_text="The rules count proxies towards the "
                                                        "quorum.")
    counted = serializers.IntegerField(help_text="What counts towards the quorum.")
    quorate = serializers.BooleanField(source="is_quorate")


class MeetingSerializer(serializers.ModelSerializer):
    kind = MeetingKindField(read_only=True)
    state = MeetingStateField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    mode = AttendanceModeField(read_only=True)
    date = serializers.DateField(read_only=True, help_text="The meeting's local date.")
    # Not a URLField: the schema would promise a URI, and a meeting only in a room has "".
    online_link = serializers.CharField(read_only=True, help_text=(
        "The link to join online (a web address), or empty for a meeting only in a room."))
    requisition = serializers.IntegerField(source="requisition_id", read_only=True,
                                           allow_null=True, help_text=(
                                               "The requisition this meeting answers, if any."))
    present = serializers.IntegerField(source="counts.present", read_only=True,
                                       help_text="Members present so far.")
    proxies = serializers.IntegerField(source="counts.proxies", read_only=True,
                                       help_text="Active proxies appointed.")

    class Meta:
        model = Meeting
        fields = ["id", "kind", "title", "starts_at", "date", "place", "online_link",
                  "access_notes", "mode", "state", "state_label", "requisition",
                  "notice_sent_at", "started_at", "ended_at", "cancelled_at", "cancel_reason",
                  "present", "proxies"]
        read_only_fields = fields


class NoticeSummarySerializer(serializers.Serializer):
    sent_at = serializers.DateTimeField(allow_null=True)
    clear_days_given = serializers.IntegerField(
        allow_null=True, help_text="Clear days between the notice and the meeting, once sent.")
    required = serializers.IntegerField(help_text="Clear days the rules require.")
    proxy_deadline = serializers.DateField(
        allow_null=True, help_text="The last day to appoint a proxy (null where proxies are "
                                   "not allowed).")
    proxy_deadline_at = serializers.DateTimeField(
        allow_null=True, help_text="The exact deadline: a proxy counts if appointed at or "
                                   "before this moment. The end of `proxy_deadline` when the "
                                   "rules count clear days; so many hours before the start "
                                   "when they count hours.")


class ViewerSerializer(serializers.Serializer):
    """The person asking, at this meeting."""

    member = serializers.IntegerField(allow_null=True, help_text=(
        "Your member id, or null if you are not a member of this co-op (an officer only)."))
    present = serializers.BooleanField(help_text="You are checked in.")
    online = serializers.BooleanField(allow_null=True, help_text="You joined online (null when "
                                                                 "not present).")
    votes_by_hand = serializers.BooleanField(allow_null=True)
    apology = serializers.DateTimeField(allow_null=True, help_text=(
        "When your apologies were recorded, or null."))
    proxy = AppointedProxySerializer(allow_null=True, help_text=(
        "The proxy you have appointed, with your directions by agenda item id."))
    proxies_held = serializers.IntegerField(help_text="How many members appointed you as "
                                                      "their proxy.")


class MeetingDetailSerializer(MeetingSerializer):
    """One meeting: its agenda, the notice, the quorum now, and the person's own part."""

    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    notice = NoticeSummarySerializer(read_only=True)
    quorum = QuorumSerializer(read_only=True)
    you = ViewerSerializer(source="viewer", read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [f for f in MeetingSerializer.Meta.fields if f not in ("present", "proxies")]
        fields += ["agenda", "notice", "quorum", "you"]
        read_only_fields = fields


# --- input: calling and changing a meeting ------------------------------------------------------

WHEN_ERRORS = {"required": "Enter the date and time of the meeting.",
               "invalid": "Enter the date and time like 2026-06-20T14:00:00+01:00.",
               "null": "Enter the date and time of the meeting."}


class MeetingChangeSerializer(serializers.Serializer):
    """What can change before notice is sent (send only what changes)."""

    title = serializers.CharField(max_length=200, required=False, error_messages={
        "blank": "Give the meeting a title."}, validators=[validate_one_line])
    starts_at = serializers.DateTimeField(error_messages=WHEN_ERRORS)
    place = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                  help_text="Where people meet in person.",
                                  validators=[validate_text])
    online_link = serializers.URLField(
        required=False, allow_blank=True, max_length=200, help_text="The link to join online.",
        error_messages={"invalid": "Enter the online link as a web address, like "
                                   "https://meet.example.org/agm."})
    access_notes = serializers.CharField(
        required=False, allow_blank=True, max_length=4000,
        help_text="Step-free access, hearing loop, BSL, parking, who to ask.",
        validators=[validate_text])


class MeetingCallSerializer(MeetingChangeSerializer):
    """A new meeting. An AGM starts with the standard items; a requisitioned meeting with
    the requisition's purpose."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="Left out, the kind and the date make the title.",
                                  validators=[validate_one_line])
    kind = MeetingKindField(error_messages={
        "required": "Choose the kind of meeting.",
        "invalid_choice": "Choose the kind of meeting: agm, general, special or board."})
    requisition = SocietyRequisitionField(required=False, allow_null=True, help_text=(
        "The requisition (id) the meeting answers, when members asked for it."))


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the meeting is cancelled: it is recorded and shown.",
        error_messages={"required": "Say why the meeting is cancelled.",
                        "blank": "Say why the meeting is cancelled."}, validators=[validate_text])


# --- notice ---------------------------------------------------------------------------------------

class DeliveryCountsSerializer(serializers.Serializer):
    members = serializers.IntegerField(help_text="Members given notice.")
    email = serializers.IntegerField(help_text="Notices sent by email (with an invitation).")
    post = serializers.IntegerField(help_text="Letters on the post list.")
    large_print = serializers.IntegerField(help_text="Letters to print in large print.")
    easy_read = serializers.IntegerField(help_text="Members who asked for easy read.")


class NoticeSerializer(serializers.Serializer):
    """Whether notice can go out today, and (once sent) how it went."""

    sent_at = serializers.DateTimeField(allow_null=True)
    clear_days_given = serializers.IntegerField(
        allow_null=True, help_text="Clear days between sending and the meeting, once sent.")
    clear_days_today = serializers.IntegerField(
        help_text="Clear days the meeting would have if notice were sent today, counted "
                  "from deemed delivery: by post, the society's deemed-delivery hours after "
                  "posting (when any member gets letters).")
    required = serializers.IntegerField(help_text="Clear days the rules require (none for a "
                                                  "board meeting).")
    earliest_valid_date = serializers.DateField(
        help_text="The earliest date the meeting could be held with notice sent today.")
    latest_notice_date = serializers.DateField(
        help_text="The last day notice can be sent for the meeting's date.")
    can_send = serializers.BooleanField(help_text="Notice can be sent now (the board).")
    cannot_send_because = serializers.CharField(allow_blank=True, help_text=(
        "Why not, in plain English; empty when it can be sent."))
    deliveries = DeliveryCountsSerializer(allow_null=True, help_text=(
        "How notice went out (the board; null for members). Each delivery is listed at "
        "notice/deliveries/."))


class DeliverySerializer(serializers.ModelSerializer):
    member = RegisterRefSerializer(read_only=True)
    method = NoticeMethodField(read_only=True)

    class Meta:
        model = NoticeDelivery
        fields = ["id", "member", "method", "address", "large_print", "easy_read", "sent_at",
                  "emailed_at"]
        read_only_fields = fields
