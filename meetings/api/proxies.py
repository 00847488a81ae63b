"""`meetings/{meeting_id}/proxies/`: a member appoints another member to attend and vote for
them, perhaps with directions on each resolution, and may revoke it until the meeting starts.
Members see the proxy they appointed and those they hold; the board sees every active proxy
and how many each holder holds (the rules cap it)."""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from coop.api import SLUG_PARAMETER

from .. import services
from ..models import Proxy, ProxyInstruction
from ..selectors import current_members
from ..serializers import AppointProxySerializer, ProxySerializer
from ..serializers.fields import MemberRefSerializer
from .base import (
    ACTION_ERRORS,
    MEETING_PARAMETER,
    READ_ERRORS,
    WRITE_ERRORS,
    MeetingPartViewSet,
    refusals,
    state_refusals,
)

PROXY_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH,
                                   description="The proxy's id.")
NO_SUCH_PROXY = "There is no such proxy at this meeting, or it is not yours."
NOT_YOURS = "Only the member who appointed a proxy can cancel it."


@extend_schema(tags=["meetings"], parameters=[SLUG_PARAMETER, MEETING_PARAMETER])
class ProxyViewSet(MeetingPartViewSet):
    serializer_class = ProxySerializer
    queryset = Proxy.objects.none()

    def get_queryset(self):
        """Every proxy the person may see, revoked ones too, each with how many active
        proxies its holder holds (one subquery, so a page costs the same at any size)."""
        if self.fake:
            return Proxy.objects.none()
        proxies = Proxy.objects.filter(meeting=self.meeting)
        if not self.is_board:
            own = self.viewer
            proxies = proxies.filter(Q(appointer=own) | Q(holder=own)) if own else \
                proxies.none()
        held = (Proxy.objects.filter(meeting=OuterRef("meeting"), holder=OuterRef("holder"),
                                     revoked_at__isnull=True)
                .order_by().values("holder").annotate(n=Count("pk")).values("n"))
        return (proxies.select_related("appointer", "holder")
                .prefetch_related(Prefetch("instructions",
                                           queryset=ProxyInstruction.objects.order_by("item_id")))
                .annotate(holder_holds=Coalesce(Subquery(held), 0))
                .order_by("holder__full_name", "appointer__full_name", "pk"))

    def answer(self, proxy, status_code=status.HTTP_200_OK):
        return Response(ProxySerializer(self.get_queryset().get(pk=proxy.pk)).data,
                        status=status_code)

    @extend_schema(
        summary="Active proxies: yours (appointed and held), or all of them (the board)",
        description="A member sees the proxy they appointed and the proxies they hold; the "
                    "board sees every active proxy. Each says how many its holder holds.",
        responses={200: ProxySerializer(many=True), **READ_ERRORS})
    def list(self, request, slug, meeting_id):
        page = self.paginate_queryset(self.get_queryset().filter(revoked_at__isnull=True))
        return self.get_paginated_response(ProxySerializer(page, many=True).data)

    @extend_schema(
        summary="Appoint your proxy",
        description="You appoint another member (`holder`) to attend and vote for you; it "
                    "replaces a proxy you appointed earlier. `instructions` may direct the "
                    "vote on each resolution. From when notice is sent until the deadline "
                    "(the meeting's `notice.proxy_deadline`), otherwise a 409. A holder "
                    "who already holds the most proxies the rules allow, yourself, or "
                    "someone who appointed you, is refused with a 400 under `holder`.",
        request=AppointProxySerializer, responses={201: ProxySerializer, **WRITE_ERRORS})
    def create(self, request, slug, meeting_id):
        appointer = self.acting_member()
        body = AppointProxySerializer(data=request.data, context=self.context())
        body.is_valid(raise_exception=True)
        with refusals():
            proxy = services.appoint_proxy(self.meeting, appointer,
                                           body.validated_data["holder"],
                                           instructions=body.validated_data["instructions"])
        return self.answer(proxy, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Members you can appoint as your proxy",
        description="Every current member of the society but you, by name, with the id to "
                    "send as `holder` (the same list the proxy form offers).",
        responses={200: MemberRefSerializer(many=True), **READ_ERRORS})
    @action(detail=False, methods=["get"])
    def holders(self, request, slug, meeting_id):
        me = self.acting_member()
        people = current_members(self.society).exclude(pk=me.pk).order_by("full_name", "pk")
        page = self.paginate_queryset(people)
        return self.get_paginated_response(MemberRefSerializer(page, many=True).data)

    @extend_schema(
        summary="Revoke your proxy",
        description="Only the member who appointed it (403 for anyone else), until the "
                    "meeting starts (409 after, or if already revoked). The proxy is kept, "
                    "marked revoked.",
        parameters=[PROXY_PARAMETER], request=None,
        responses={200: ProxySerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def revoke(self, request, slug, meeting_id, pk):
        proxy = self.get_queryset().filter(pk=pk).first()
        if proxy is None:
            raise NotFound(NO_SUCH_PROXY)
        if self.viewer is None or proxy.appointer_id != self.viewer.pk:
            raise PermissionDenied(NOT_YOURS)
        with state_refusals():
            services.revoke_proxy(proxy, member=self.viewer)
        return self.answer(proxy)
