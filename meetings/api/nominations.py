"""`meetings/{meeting_id}/nominations/`: board elections. Each class with trustee seats has
an election (a contest); members nominate themselves or another member of that class, a
second member seconds, and the candidate accepts with a statement. Members act for
themselves only: the proposer is always the person asking, and only the candidate accepts.
The election itself is a ranked ballot limited to the class, voted through the ballots API."""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from coop.api import SLUG_PARAMETER

from .. import elections
from ..models import Contest, Nomination
from ..serializers import (
    AcceptSerializer,
    ContestSerializer,
    NominateSerializer,
    NominationSerializer,
    OpenNominationsSerializer,
)
from .base import (
    ACTION_ERRORS,
    MEETING_PARAMETER,
    READ_ERRORS,
    WRITE_ERRORS,
    CanManageMeetings,
    MeetingPartViewSet,
    refusals,
    state_refusals,
)

NOMINATION_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH,
                                        description="The nomination's id.")
NO_SUCH_NOMINATION = "There is no such nomination at this meeting."
ONLY_CANDIDATE = "Only the candidate can accept a nomination."
ONLY_PROPOSER_OR_CANDIDATE = "Only the candidate or the proposer can withdraw a nomination."


@extend_schema(tags=["meetings"], parameters=[SLUG_PARAMETER, MEETING_PARAMETER])
class NominationViewSet(MeetingPartViewSet):
    serializer_class = NominationSerializer
    queryset = Nomination.objects.none()
    pagination_class = None  # one election per class
    roles = {"open": CanManageMeetings}

    def get_queryset(self):
        if self.fake:
            return Nomination.objects.none()
        return (Nomination.objects.filter(contest__meeting=self.meeting)
                .select_related("contest__meeting__society", "candidate", "proposer",
                                "seconder"))

    @cached_property
    def nomination(self) -> Nomination:
        nomination = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if nomination is None:
            raise NotFound(NO_SUCH_NOMINATION)
        return nomination

    def shown(self):
        """The board sees every nomination; members those not withdrawn, and their own."""
        nominations = self.get_queryset().order_by("candidate__full_name", "pk")
        if self.is_board:
            return nominations
        own = self.viewer
        mine = (Q(candidate=own) | Q(proposer=own) | Q(seconder=own)) if own else Q(pk=None)
        return nominations.filter(Q(withdrawn_at__isnull=True) | mine)

    def contests(self) -> list[Contest]:
        now = timezone.now()
        contests = list(self.meeting.contests.select_related("member_class").prefetch_related(
            Prefetch("nominations", queryset=self.shown(), to_attr="shown_nominations")))
        for contest in contests:
            contest.nominations_open = now < contest.nominations_close_at
        return contests

    def answer(self, nomination, status_code=status.HTTP_200_OK):
        return Response(NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data,
                        status=status_code)

    @extend_schema(
        summary="The elections at this meeting, each with its nominations",
        description="One election per class with trustee seats: its seats, when nominations "
                    "close, and the nominations (members see those not withdrawn, and their "
                    "own). A nomination is `valid` once seconded and accepted.",
        responses={200: ContestSerializer(many=True), **READ_ERRORS})
    def list(self, request, slug, meeting_id):
        return Response(ContestSerializer(self.contests(), many=True).data)

    @extend_schema(
        summary="Open nominations (the board)",
        description="Makes an election for every voting class with trustee seats. "
                    "`close_at` must be in the future and before the meeting (400). A board "
                    "meeting, or one that has started, is a 409.",
        request=OpenNominationsSerializer,
        responses={201: ContestSerializer(many=True), **WRITE_ERRORS})
    @action(detail=False, methods=["post"])
    def open(self, request, slug, meeting_id):
        body = OpenNominationsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            elections.open_nominations(self.meeting, by=request.user, **body.validated_data)
        return Response(ContestSerializer(self.contests(), many=True).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Nominate a member, or yourself",
        description="You are the proposer. Leave out `candidate` to nominate yourself: your "
                    "`statement` goes with it and you have accepted. Another candidate "
                    "accepts (with their statement) themselves. The candidate must be in "
                    "the election's class (400 under `candidate`). After nominations close "
                    "it is a 409.",
        request=NominateSerializer, responses={201: NominationSerializer, **WRITE_ERRORS})
    def create(self, request, slug, meeting_id):
        proposer = self.acting_member()
        body = NominateSerializer(data=request.data,
                                  context=self.context(meeting=self.meeting))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with refusals():
            nomination = elections.nominate(data["contest"], proposer=proposer,
                                            candidate=data.get("candidate") or proposer,
                                            statement=data["statement"])
        return self.answer(nomination, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Second a nomination",
        description="You are the seconder: someone other than the proposer and the "
                    "candidate (400). A nomination already seconded or withdrawn, or "
                    "nominations closed, is a 409.",
        parameters=[NOMINATION_PARAMETER], request=None,
        responses={200: NominationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def second(self, request, slug, meeting_id, pk):
        seconder = self.acting_member()
        with refusals():
            elections.second(self.nomination, seconder)
        return self.answer(self.nomination)

    @extend_schema(
        summary="Accept your nomination, with your statement (the candidate)",
        description="Only the candidate (403 for anyone else). Accepting again rewrites the "
                    "statement. A withdrawn nomination, or nominations closed, is a 409.",
        parameters=[NOMINATION_PARAMETER], request=AcceptSerializer,
        responses={200: NominationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, slug, meeting_id, pk):
        candidate = self.acting_member()
        if candidate.pk != self.nomination.candidate_id:
            raise PermissionDenied(ONLY_CANDIDATE)
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            elections.accept(self.nomination, candidate, **body.validated_data)
        return self.answer(self.nomination)

    @extend_schema(
        summary="Withdraw a nomination (the candidate or the proposer)",
        description="Anyone else is a 403. Once withdrawn, or after nominations close, it is "
                    "a 409.",
        parameters=[NOMINATION_PARAMETER], request=None,
        responses={200: NominationSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, slug, meeting_id, pk):
        member = self.acting_member()
        if member.pk not in (self.nomination.candidate_id, self.nomination.proposer_id):
            raise PermissionDenied(ONLY_PROPOSER_OR_CANDIDATE)
        with state_refusals():
            elections.withdraw(self.nomination, member)
        return self.answer(self.nomination)
