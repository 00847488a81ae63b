"""`meetings/` and `meetings/{id}/`: calling a meeting, changing or cancelling it before
notice, sending notice, and the chair starting and ending it. Attendance, apologies and
minutes are in `record`."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from coop.api import SLUG_PARAMETER

from .. import selectors, services
from ..models import Meeting, NoticeDelivery
from ..serializers import (
    CancelSerializer,
    DeliverySerializer,
    MeetingCallSerializer,
    MeetingChangeSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
    NoticeSerializer,
)
from .base import (
    ACTION_ERRORS,
    BOARD_READ_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    CanChair,
    CanManageMeetings,
    MeetingsViewSet,
    refusals,
    state_refusals,
)
from .reads import notice_status, with_detail
from .record import RECORD_ROLES, MeetingRecordMixin

MEETING_ROLES = {
    "create": CanManageMeetings, "partial_update": CanManageMeetings,
    "cancel": CanManageMeetings, ("notice", "POST"): CanManageMeetings,
    "deliveries": CanManageMeetings, "start": CanChair, "end": CanChair,
}


@extend_schema(tags=["meetings"], parameters=[SLUG_PARAMETER])
class MeetingViewSet(MeetingRecordMixin, MeetingsViewSet):
    """General meetings (and, for the board, board meetings): the board calls them and sends
    notice; members see them once notice is sent, check in, send apologies and read the
    approved minutes."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.none()  # narrowed to the society and the person
    roles = {**MEETING_ROLES, **RECORD_ROLES}

    def get_queryset(self):
        if self.fake:
            return Meeting.objects.none()
        return self.visible_meetings()

    def get_object(self) -> Meeting:
        return self.find_meeting(self.kwargs["pk"])

    def answer(self, meeting, status_code=status.HTTP_200_OK):
        """The meeting as it is now, with its agenda, notice, quorum and the person's part."""
        meeting = with_detail(self.find_meeting(meeting.pk), self.viewer)
        return Response(MeetingDetailSerializer(meeting).data, status=status_code)

    # --- reading, calling, changing ---------------------------------------------------------------

    @extend_schema(
        summary="Meetings, latest first (the board also sees those being prepared)",
        description="Members see a meeting once its notice is sent, and board meetings only "
                    "if they are on the board. `present` and `proxies` count who has come "
                    "and the proxies appointed.",
        responses={200: MeetingSerializer(many=True), **READ_ERRORS})
    def list(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        counts = selectors.meeting_counts(page)
        for meeting in page:
            meeting.counts = counts[meeting.pk]
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    @extend_schema(
        summary="One meeting: agenda, notice, quorum now, and your own part",
        description="`you` is the person asking: whether you are checked in, your apologies, "
                    "the proxy you appointed (with your directions by agenda item id) and "
                    "how many proxies you hold. Each resolution on the agenda names its "
                    "`ballot`: vote on it through the ballots API once the chair opens it.",
        responses={200: MeetingDetailSerializer, **READ_ERRORS})
    def retrieve(self, request, slug, pk):
        return self.answer(self.get_object())

    @extend_schema(
        summary="Call a meeting (the board)",
        description="Nothing is sent until notice is sent (`notice/`). An AGM starts with "
                    "apologies, declarations of interest, the last minutes, the accounts and "
                    "the election of trustees; a requisitioned meeting with the "
                    "requisition's purpose. Give a place, an online link or both, as the "
                    "rules allow.",
        request=MeetingCallSerializer,
        responses={201: MeetingDetailSerializer, **WRITE_ERRORS})
    def create(self, request, slug):
        body = MeetingCallSerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        with refusals():
            meeting = services.create_meeting(self.society, by=request.user,
                                              **body.validated_data)
        return self.answer(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a meeting before its notice is sent (the board)",
        description="Send only what changes. Once notice is sent the time and place cannot "
                    "change (409): cancel the meeting and call another.",
        request=MeetingChangeSerializer,
        responses={200: MeetingDetailSerializer, **WRITE_ERRORS})
    def partial_update(self, request, slug, pk):
        meeting = self.get_object()
        body = MeetingChangeSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        with refusals():
            services.update_meeting(meeting, by=request.user, **body.validated_data)
        return self.answer(meeting)

    @extend_schema(
        summary="Cancel a meeting that has not started (the board)",
        description="The meeting is kept, marked cancelled with the reason. A meeting that "
                    "has started or ended is a 409.",
        request=CancelSerializer, responses={200: MeetingDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, slug, pk):
        meeting = self.get_object()
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            services.cancel_meeting(meeting, by=request.user, **body.validated_data)
        return self.answer(meeting)

    # --- notice -----------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"], summary="The notice: clear days, and whether it can be sent today",
        description="Clear days leave out both the day notice is sent and the day of the "
                    "meeting. The board also sees how many members were sent notice and "
                    "how; each delivery is listed at `notice/deliveries/`.",
        responses={200: NoticeSerializer, **READ_ERRORS})
    @extend_schema(
        methods=["POST"], summary="Send notice to every member (the board)",
        description="Each current member is sent notice by their preference: email with a "
                    "calendar invitation, or a letter on the post list (large print or easy "
                    "read where they asked). Refused (409) when notice was already sent, the "
                    "meeting is too soon for the clear days the rules require (the message "
                    "gives the earliest valid date), or the agenda is empty.",
        request=None, responses={200: NoticeSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["get", "post"])
    def notice(self, request, slug, pk):
        meeting = self.get_object()
        if request.method == "POST":
            with state_refusals():
                services.send_notice(meeting, by=request.user)
            meeting = self.get_object()
        return Response(NoticeSerializer(notice_status(meeting, board=self.is_board)).data)

    @extend_schema(
        summary="Who was sent notice, how and when (the board)",
        description="One row per member and method, in name order: the address used, and "
                    "large print or easy read for letters.",
        responses={200: DeliverySerializer(many=True), **BOARD_READ_ERRORS})
    @action(detail=True, methods=["get"], url_path="notice/deliveries")
    def deliveries(self, request, slug, pk):
        meeting = self.get_object()
        found = NoticeDelivery.objects.filter(meeting=meeting).select_related("member")
        page = self.paginate_queryset(found.order_by("member__full_name", "method", "pk"))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    # --- the chair --------------------------------------------------------------------------------

    @extend_schema(
        summary="Start the meeting (the chair)",
        description="From an hour before its time, once notice has been sent. Members can "
                    "then check themselves in, and the chair can open votes while quorate.",
        request=None, responses={200: MeetingDetailSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request, slug, pk):
        meeting = self.get_object()
        with state_refusals():
            services.start_meeting(meeting, by=request.user)
        return self.answer(meeting)

    @extend_schema(
        summary="End the meeting (the chair)",
        description="Every vote must be closed first (409 otherwise). The minutes can then "
                    "be drafted from the record.",
        request=None, responses={200: MeetingDetailSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, slug, pk):
        meeting = self.get_object()
        with state_refusals():
            services.end_meeting(meeting, by=request.user)
        return self.answer(meeting)
