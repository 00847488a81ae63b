"""The meeting's record under `meetings/{id}/`: attendance (checking in), apologies and the
minutes. Members act for themselves only; the board may act for any member where the
meeting's rules let an officer do so (marking someone present, recording their apologies)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from .. import minutes as minutes_service
from .. import services
from ..models import Apology, Attendance, Minutes
from ..serializers import (
    ApologyInputSerializer,
    ApologySerializer,
    ApproveMinutesSerializer,
    AttendanceSerializer,
    CheckInSerializer,
    MinutesEditSerializer,
    MinutesSerializer,
)
from .base import (
    ACTION_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    CanChair,
    CanKeepMinutes,
    refusals,
    state_refusals,
)

RECORD_ROLES = {
    ("minutes", "POST"): CanKeepMinutes, ("minutes", "PUT"): CanKeepMinutes,
    ("minutes", "PATCH"): CanKeepMinutes, "approve_minutes": CanChair,
}
NO_MINUTES = "The minutes of this meeting have not been drafted yet."
NOT_APPROVED = "The minutes of this meeting have not been approved yet."


class MeetingRecordMixin:
    """Actions of MeetingViewSet (meetings/api/meetings.py)."""

    def for_whom(self, chosen, doing: str):
        """The member a request is about, and the officer acting for them (None when the
        person acts for themselves). Choosing another member is for the board only."""
        own = self.viewer
        if chosen is None or (own is not None and chosen.pk == own.pk and not self.is_board):
            return self.acting_member(), None
        if not self.is_board:
            raise PermissionDenied(f"You can only {doing} for yourself.")
        return chosen, self.request.user

    def own_only(self, rows):
        """The board sees everyone's rows; anyone else only their own."""
        if self.is_board:
            return rows
        return rows.filter(member=self.viewer) if self.viewer else rows.none()

    # --- attendance and apologies -----------------------------------------------------------------

    @extend_schema(
        methods=["GET"], summary="Who is here (the board), or whether you are",
        description="The board sees everyone present, in name order, and how each came; "
                    "anyone else sees only their own check-in (an empty list until then). "
                    "The meeting's detail gives the quorum now.",
        responses={200: AttendanceSerializer(many=True), **READ_ERRORS})
    @extend_schema(
        methods=["POST"], summary="Check in (yourself), or mark a member present (the board)",
        description="Members check themselves in while the meeting is happening (409 "
                    "before it starts or after it ends). The board may mark any member "
                    "present, with `member`, from when notice is sent. `online` needs a "
                    "meeting with an online link; `by_hand` means the member votes by a show "
                    "of hands, counted by the tellers. Choosing another member is the "
                    "board's alone (403).",
        request=CheckInSerializer, responses={201: AttendanceSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["get", "post"])
    def attendance(self, request, slug, pk):
        meeting = self.get_object()
        if request.method == "GET":
            rows = self.own_only(Attendance.objects.filter(meeting=meeting)
                                 .select_related("member"))
            page = self.paginate_queryset(rows.order_by("member__full_name", "pk"))
            return self.get_paginated_response(AttendanceSerializer(page, many=True).data)
        body = CheckInSerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        member, by = self.for_whom(body.validated_data.get("member"), "check in")
        with refusals():
            attendance = services.check_in(meeting, member, by=by,
                                           online=body.validated_data["online"],
                                           by_hand=body.validated_data["by_hand"])
        return Response(AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], summary="Apologies for absence (the board), or your own",
        responses={200: ApologySerializer(many=True), **READ_ERRORS})
    @extend_schema(
        methods=["POST"], summary="Send your apologies, or record a member's (the board)",
        description="Until the meeting ends. Someone already checked in, or whose "
                    "apologies are recorded, is a 409.",
        request=ApologyInputSerializer, responses={201: ApologySerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["get", "post"])
    def apologies(self, request, slug, pk):
        meeting = self.get_object()
        if request.method == "GET":
            rows = self.own_only(Apology.objects.filter(meeting=meeting)
                                 .select_related("member"))
            page = self.paginate_queryset(rows.order_by("member__full_name", "pk"))
            return self.get_paginated_response(ApologySerializer(page, many=True).data)
        body = ApologyInputSerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        member, by = self.for_whom(body.validated_data.get("member"),
                                   "send apologies")
        with refusals():
            apology = services.record_apology(meeting, member, by=by)
        return Response(ApologySerializer(apology).data, status=status.HTTP_201_CREATED)

    # --- minutes ----------------------------------------------------------------------------------

    def meeting_minutes(self, meeting) -> Minutes:
        minutes = (Minutes.objects.filter(meeting=meeting)
                   .select_related("approved_at_meeting").first())
        if minutes is None:
            raise NotFound(NO_MINUTES)
        if not minutes.is_locked and not self.is_board:
            raise NotFound(NOT_APPROVED)
        return minutes

    def minutes_answer(self, meeting, status_code=status.HTTP_200_OK):
        return Response(MinutesSerializer(self.meeting_minutes(meeting)).data,
                        status=status_code)

    @extend_schema(
        methods=["GET"], summary="The minutes (members: once approved; the board: the draft)",
        description="Members see the minutes once a later meeting has approved them; before "
                    "that, and before they are drafted, it is a 404. The board also sees "
                    "the draft.",
        responses={200: MinutesSerializer, **READ_ERRORS})
    @extend_schema(
        methods=["POST"], summary="Draft the minutes from the record (the secretary or chair)",
        description="Once the meeting has ended: attendance and quorum, apologies, "
                    "declarations and withdrawals, each resolution with its result, and the "
                    "elections. Drafting twice, or before the meeting ends, is a 409.",
        request=None, responses={201: MinutesSerializer, **ACTION_ERRORS})
    @extend_schema(
        methods=["PUT", "PATCH"], summary="Edit the draft minutes (the secretary or chair)",
        description="Replaces the text. Approved minutes are locked (409).",
        request=MinutesEditSerializer, responses={200: MinutesSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["get", "post", "put", "patch"])
    def minutes(self, request, slug, pk):
        meeting = self.get_object()
        if request.method == "GET":
            return self.minutes_answer(meeting)
        if request.method == "POST":
            with state_refusals():
                minutes_service.draft_minutes(meeting, by=request.user)
            return self.minutes_answer(meeting, status.HTTP_201_CREATED)
        minutes = self.meeting_minutes(meeting)
        body = MinutesEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            minutes_service.edit_minutes(minutes, by=request.user, **body.validated_data)
        return self.minutes_answer(meeting)

    @extend_schema(
        summary="Approve the minutes at a later meeting (the chair)",
        description="`at_meeting` is the later meeting, happening now, that approves these "
                    "minutes (400 otherwise). Approved minutes are locked; approving twice "
                    "is a 409.",
        request=ApproveMinutesSerializer, responses={200: MinutesSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="minutes/approve")
    def approve_minutes(self, request, slug, pk):
        meeting = self.get_object()
        minutes = self.meeting_minutes(meeting)
        body = ApproveMinutesSerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        with refusals():
            minutes_service.approve_minutes(minutes, by=request.user, **body.validated_data)
        return self.minutes_answer(meeting)
