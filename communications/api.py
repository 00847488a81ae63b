"""The messages API for the board, under `societies/{slug}/messages/`: list, create a draft,
send (now or at a time) and each copy's delivery status. Same services as the web pages; a
rule broken by the input is a 400 on its field, one broken by the state of things (already
sent) a 409."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from coop.api import (
    FORBIDDEN,
    NOT_FOUND,
    SLUG_PARAMETER,
    UNAUTHENTICATED,
    VALIDATION_ERROR,
    ErrorSerializer,
    Pagination,
    SocietyRole,
    SocietyScopedMixin,
    refusals,
)

from . import permissions, selectors, services
from .models import Message
from .serializers import (
    MessageDeliverySerializer,
    MessageInputSerializer,
    MessageSerializer,
    SendSerializer,
)

ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}


class CanSendMessages(SocietyRole):
    message = "Only the secretary, the chair and the trustees can write to members."
    check = staticmethod(permissions.can_send_messages)


@extend_schema(tags=["messages"], parameters=[SLUG_PARAMETER])
class MessageViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    serializer_class = MessageSerializer
    queryset = Message.objects.none()
    pagination_class = Pagination
    lookup_value_regex = "[0-9]+"
    permission_classes = [IsAuthenticated, CanSendMessages]
    swagger_fake_view = False

    def get_queryset(self):
        if self.swagger_fake_view:
            return Message.objects.none()
        return (selectors.officer_messages(self.society).select_related("society")
                .prefetch_related("classes"))

    def get_object(self):
        message = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if message is None:
            raise NotFound("There is no such message in this society.")
        return message

    def answer(self, message, code=status.HTTP_200_OK):
        message = self.get_queryset().get(pk=message.pk)
        context = {**self.get_serializer_context(),
                   "counts": {message.pk: selectors.counts(message)}}
        return Response(MessageSerializer(message, context=context).data, status=code)

    @extend_schema(summary="Messages, newest first (without counts)",
                   responses={200: MessageSerializer(many=True), **ERRORS})
    def list(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(summary="One message, with how many get it by each means",
                   responses={200: MessageSerializer, **ERRORS})
    def retrieve(self, request, slug, pk):
        return self.answer(self.get_object())

    @extend_schema(summary="Keep a draft", request=MessageInputSerializer,
                   responses={201: MessageSerializer, 400: VALIDATION_ERROR, **ERRORS})
    def create(self, request, slug):
        body = MessageInputSerializer(data=request.data, society=self.society)
        body.is_valid(raise_exception=True)
        with refusals():
            message = services.create_draft(self.society, by=request.user,
                                            **body.validated_data)
        return self.answer(message, status.HTTP_201_CREATED)

    @extend_schema(summary="Send a draft now, or schedule it with `send_at`",
                   request=SendSerializer,
                   responses={200: MessageSerializer, 400: VALIDATION_ERROR,
                              409: ErrorSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def send(self, request, slug, pk):
        message = self.get_object()
        body = SendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            if body.validated_data["send_at"]:
                services.schedule(message, by=request.user, at=body.validated_data["send_at"])
            else:
                services.send_now(message, by=request.user)
        return self.answer(message)

    @extend_schema(summary="Each copy of the message and what became of it",
                   responses={200: MessageDeliverySerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"])
    def deliveries(self, request, slug, pk):
        message = self.get_object()
        page = self.paginate_queryset(message.deliveries.select_related("member")
                                      .order_by("pk"))
        return self.get_paginated_response(MessageDeliverySerializer(page, many=True).data)
