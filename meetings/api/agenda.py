"""`meetings/{meeting_id}/agenda/`: the business, and what the chair does with each item in
the room (withdrawals for interests, opening and closing the vote, the tellers' count, the
declared result). A proxy holder present votes here for the members who appointed them
without directions; everyone else votes on a resolution through the ballots API."""

from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from coop.api import SLUG_PARAMETER
from voting.receipt_serializers import ReceiptSerializer

from .. import services
from ..models import AgendaItem, Withdrawal
from ..serializers import (
    AgendaItemInputSerializer,
    AgendaItemSerializer,
    ItemWithdrawalSerializer,
    ProxyVoteSerializer,
    TellersSerializer,
    WithdrawalInputSerializer,
)
from .base import (
    ACTION_ERRORS,
    MEETING_PARAMETER,
    READ_ERRORS,
    WRITE_ERRORS,
    CanChair,
    CanCountHands,
    CanManageMeetings,
    MeetingPartViewSet,
    refusals,
    state_refusals,
)

ITEM_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH,
                                  description="The agenda item's id.")
NO_SUCH_ITEM = "There is no such item on this meeting's agenda."
ROOM = "Refused (409) while the meeting is not happening, "


@extend_schema(tags=["meetings"], parameters=[SLUG_PARAMETER, MEETING_PARAMETER])
class AgendaViewSet(MeetingPartViewSet):
    """A meeting's agenda, in order. Withdrawn items stay listed, with `withdrawn_at`."""

    serializer_class = AgendaItemSerializer
    queryset = AgendaItem.objects.none()
    pagination_class = None  # a meeting's business is a short list
    roles = {"create": CanManageMeetings, "withdraw": CanManageMeetings,
             "open_ahead": CanManageMeetings,
             ("withdrawals", "POST"): CanChair, "open_vote": CanChair,
             "close_vote": CanChair, "declare": CanChair, "tellers": CanCountHands}

    def get_queryset(self):
        if self.fake:
            return AgendaItem.objects.none()
        return (self.meeting.items.select_related("ballot__advance", "meeting__society")
                .prefetch_related("topics").order_by("position"))

    @cached_property
    def item(self) -> AgendaItem:
        item = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if item is None:
            raise NotFound(NO_SUCH_ITEM)
        return item

    def answer(self, item, status_code=status.HTTP_200_OK):
        return Response(AgendaItemSerializer(self.get_queryset().get(pk=item.pk)).data,
                        status=status_code)

    @extend_schema(summary="The agenda, in order",
                   responses={200: AgendaItemSerializer(many=True), **READ_ERRORS})
    def list(self, request, slug, meeting_id):
        return Response(AgendaItemSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        summary="Add an item at the end of the agenda (the board)",
        description="With `resolution_kind` the item carries a resolution: `description` is "
                    "its exact words, and a ballot is made for the vote in the room. A "
                    "resolution must be in the notice, so once notice is sent it is refused "
                    "(400 under `resolution_kind`). A meeting that is over is a 409.",
        request=AgendaItemInputSerializer,
        responses={201: AgendaItemSerializer, **WRITE_ERRORS})
    def create(self, request, slug, meeting_id):
        body = AgendaItemInputSerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        with refusals():
            item = services.add_item(self.meeting, by=request.user, **body.validated_data)
        return self.answer(item, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take an item off the agenda (the board)",
        description="The item is kept, marked withdrawn. An item whose vote has opened, or "
                    "a meeting that is over, is a 409.",
        parameters=[ITEM_PARAMETER], request=None,
        responses={200: AgendaItemSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, slug, meeting_id, pk):
        with state_refusals():
            services.withdraw_item(self.item, by=request.user)
        return self.answer(self.item)

    # --- in the room ------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"], summary="Who withdrew from this item for an interest",
        parameters=[ITEM_PARAMETER],
        responses={200: ItemWithdrawalSerializer(many=True), **READ_ERRORS})
    @extend_schema(
        methods=["POST"], summary="Record that a member withdrew for an interest (the chair)",
        description="They are left off the item's vote. " + ROOM + "or once the vote has "
                    "opened; recording the same member twice is a 409.",
        parameters=[ITEM_PARAMETER], request=WithdrawalInputSerializer,
        responses={201: ItemWithdrawalSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["get", "post"])
    def withdrawals(self, request, slug, meeting_id, pk):
        item = self.item
        if request.method == "GET":
            rows = Withdrawal.objects.filter(item=item).select_related("member")
            return Response(ItemWithdrawalSerializer(rows.order_by("recorded_at", "pk"),
                                                 many=True).data)
        body = WithdrawalInputSerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with refusals():
            withdrawal = services.record_withdrawal(item, data["member"], by=request.user,
                                                    reason=data["reason"])
        return Response(ItemWithdrawalSerializer(withdrawal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Open voting ahead of the meeting on a resolution (the board)",
        description="Where the society's rules allow it, once notice is sent: members vote "
                    "online through the ballots API with `resolution.ahead.ballot`, or on "
                    "the paper form, until the rules' hours before the meeting; the votes "
                    "are counted with the room's. A 409 when the rules do not allow it, "
                    "before notice, once the meeting has started, when it is already open "
                    "or when its closing time has passed.",
        parameters=[ITEM_PARAMETER], request=None,
        responses={200: AgendaItemSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], url_path="open-ahead")
    def open_ahead(self, request, slug, meeting_id, pk):
        with state_refusals():
            services.open_advance_voting(self.item, by=request.user)
        return self.answer(self.item)

    @extend_schema(
        summary="Open the vote on a resolution (the chair)",
        description="On the roll: the members present and the absent members whose proxy is "
                    "present, less anyone who withdrew. Directed proxy votes are cast at "
                    "once. " + ROOM + "while it is not quorate, or when the vote is already "
                    "open. Members then vote through the ballots API with the item's "
                    "`resolution.ballot`.",
        parameters=[ITEM_PARAMETER], request=None,
        responses={200: AgendaItemSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], url_path="open-vote")
    def open_vote(self, request, slug, meeting_id, pk):
        with state_refusals():
            services.open_item_vote(self.item, by=request.user)
        return self.answer(self.item)

    @extend_schema(
        summary="Enter the tellers' count of hands (the board or the scrutineer)",
        description="For the people voting by a show of hands, by class: {class id: {option "
                    "id: hands}}. No class may have more hands than the people (and their "
                    "undirected proxies) voting by hand in it (400). Entering a class again "
                    "replaces its count. Before the vote opens, or once the result is "
                    "declared, it is a 409.",
        parameters=[ITEM_PARAMETER], request=TellersSerializer,
        responses={200: AgendaItemSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def tellers(self, request, slug, meeting_id, pk):
        item = self.item
        body = TellersSerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        with refusals():
            services.enter_teller_counts(item, body.validated_data["counts"], by=request.user)
        return self.answer(item)

    @extend_schema(
        summary="Close the vote (the chair)",
        description="A vote that is not open is a 409. Then declare the result.",
        parameters=[ITEM_PARAMETER], request=None,
        responses={200: AgendaItemSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"], url_path="close-vote")
    def close_vote(self, request, slug, meeting_id, pk):
        with state_refusals():
            services.close_item_vote(self.item, by=request.user)
        return self.answer(self.item)

    @extend_schema(
        summary="Declare the result (the chair)",
        description="The closed vote's result, devices, proxies and tellers' hands combined "
                    "with the class weights, is certified and published at once, as the "
                    "meeting saw it counted; read it at the ballot's `results/`. A vote "
                    "still open, or a result already declared, is a 409.",
        parameters=[ITEM_PARAMETER], request=None,
        responses={200: AgendaItemSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def declare(self, request, slug, meeting_id, pk):
        with state_refusals():
            services.declare_result(self.item, by=request.user)
        return self.answer(self.item)

    @extend_schema(
        summary="Vote as a proxy for an absent member",
        description="A proxy holder present at the meeting votes for a member who appointed "
                    "them without directions on this item: `choices` as in the ballots API "
                    "({option id: 1}). Answers 201 with the vote's receipt, shown only now. "
                    "Holding no such proxy, or a vote that is not open, is a 409.",
        parameters=[ITEM_PARAMETER], request=ProxyVoteSerializer,
        responses={201: ReceiptSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="proxy-votes")
    def proxy_votes(self, request, slug, meeting_id, pk):
        item = self.item
        holder = self.acting_member()
        body = ProxyVoteSerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        with refusals():
            receipt = services.cast_proxy_vote(item, holder, body.validated_data["appointer"],
                                               body.validated_data["choices"])
        return Response(ReceiptSerializer({"receipt": receipt}).data,
                        status=status.HTTP_201_CREATED)
