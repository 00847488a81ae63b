"""The membership API: me, the register of members, a member's own entry, and applications.
Each view is: permission, serializer, one service call (the same services as the HTML views)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from coop.api import (
    FORBIDDEN,
    NOT_FOUND,
    NOT_FOUND_MESSAGE,
    SLUG_PARAMETER,
    UNAUTHENTICATED,
    VALIDATION_ERROR,
    CanManageRegister,
    CanViewRegister,
    Pagination,
    SocietyScopedMixin,
)
from coop.models import Society

from . import selectors, services
from .models import Application, Member
from .serializers import (
    ApplicationCreateSerializer,
    ApplicationSerializer,
    ApplicationSummarySerializer,
    ApproveSerializer,
    MemberClassSerializer,
    MemberDetailsSerializer,
    MeSerializer,
    OwnEntrySerializer,
    RegisterEntrySerializer,
    RegisterFilterSerializer,
    RejectSerializer,
)


class MeView(APIView):
    @extend_schema(tags=["me"], summary="Who I am: my memberships and the offices I hold",
                   responses={200: MeSerializer, 401: UNAUTHENTICATED})
    def get(self, request):
        user = request.user
        today = timezone.localdate()
        return Response(MeSerializer({
            "email": user.email,
            "display_name": user.display_name,
            "memberships": user.memberships.select_related("society", "member_class")
                                           .order_by("society__name", "-admitted_on"),
            "offices": user.offices.filter(started_on__lte=today).exclude(ended_on__lt=today)
                                   .select_related("society").order_by("society__name", "role"),
        }).data)


@extend_schema(tags=["register"], parameters=[SLUG_PARAMETER])
class MemberViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """The register of members (officers) and a member's own entry."""

    serializer_class = RegisterEntrySerializer
    pagination_class = Pagination
    queryset = Member.objects.none()  # always read through membership.selectors

    def get_permissions(self):
        if self.action == "list":
            return [IsAuthenticated(), CanViewRegister()]
        return [IsAuthenticated()]

    def get_society_queryset(self):
        if self.action in ("me", "update_me"):
            # Former members still read their own entry; without one the answer is 404 anyway.
            return Society.objects.all()
        return super().get_society_queryset()

    def get_own_entry(self) -> Member:
        member = selectors.member_for(self.society, self.request.user)
        if member is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        return member

    @extend_schema(
        summary="The register of members",
        parameters=[RegisterFilterSerializer],
        responses={200: RegisterEntrySerializer(many=True), 400: VALIDATION_ERROR,
                   401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def list(self, request, slug):
        filters = RegisterFilterSerializer(data=request.query_params,
                                           context=self.get_serializer_context())
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.register(self.society, **filters.validated_data))
        return self.get_paginated_response(RegisterEntrySerializer(page, many=True).data)

    @extend_schema(summary="My register entry",
                   responses={200: OwnEntrySerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND})
    @action(detail=False, methods=["get"], url_path="me")
    def me(self, request, slug):
        return Response(OwnEntrySerializer(self.get_own_entry()).data)

    @extend_schema(summary="Change my contact details and preferences",
                   request=MemberDetailsSerializer,
                   responses={200: OwnEntrySerializer, 400: VALIDATION_ERROR,
                              401: UNAUTHENTICATED, 404: NOT_FOUND})
    @me.mapping.patch
    def update_me(self, request, slug):
        member = self.get_own_entry()
        changes = MemberDetailsSerializer(member, data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        services.update_member_details(member, by=request.user, **changes.validated_data)
        return Response(OwnEntrySerializer(member).data)


@extend_schema(tags=["applications"], parameters=[SLUG_PARAMETER])
class ApplicationViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """Applications to join: anyone signed in applies; the board decides."""

    serializer_class = ApplicationSerializer
    pagination_class = Pagination
    queryset = Application.objects.none()
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated()]
        return [IsAuthenticated(), CanManageRegister()]

    def get_society_queryset(self):
        if self.action == "create":
            return Society.objects.all()  # an applicant has no link to the society yet
        return super().get_society_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        if self.action == "list":
            return selectors.pending_applications(self.society)
        # Decided applications too, so that deciding twice is a 400 rather than a 404.
        return (Application.objects.filter(society=self.society)
                .select_related("member_class", "user"))

    @extend_schema(summary="Applications waiting for a decision",
                   responses={200: ApplicationSummarySerializer(many=True),
                              401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND})
    def list(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ApplicationSummarySerializer(page, many=True).data)

    @extend_schema(summary="Apply to join", request=ApplicationCreateSerializer,
                   responses={201: ApplicationSerializer, 400: VALIDATION_ERROR,
                              401: UNAUTHENTICATED, 404: NOT_FOUND})
    def create(self, request, slug):
        body = ApplicationCreateSerializer(data=request.data,
                                           context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        application = services.apply_for_membership(self.society, request.user,
                                                    **body.validated_data)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="One application",
                   responses={200: ApplicationSerializer, 401: UNAUTHENTICATED,
                              403: FORBIDDEN, 404: NOT_FOUND})
    def retrieve(self, request, slug, pk):
        return Response(ApplicationSerializer(self.get_object()).data)

    @extend_schema(summary="Approve: admit the applicant with the next membership number",
                   request=ApproveSerializer,
                   responses={200: RegisterEntrySerializer, 400: VALIDATION_ERROR,
                              401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def approve(self, request, slug, pk):
        application = self.get_object()
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = services.approve_application(application, by=request.user,
                                              **body.validated_data)
        return Response(RegisterEntrySerializer(member).data)

    @extend_schema(summary="Do not approve, with a reason the applicant is told",
                   request=RejectSerializer,
                   responses={200: ApplicationSerializer, 400: VALIDATION_ERROR,
                              401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def reject(self, request, slug, pk):
        application = self.get_object()
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.reject_application(application, by=request.user,
                                                  **body.validated_data)
        return Response(ApplicationSerializer(application).data)


class MemberClassesView(APIView):
    """The classes an applicant chooses from. Like the society's public page, any signed-in
    person may read them, so that applying through the API is possible."""

    @extend_schema(tags=["applications"], parameters=[SLUG_PARAMETER],
                   summary="The society's classes of member (to choose one when applying)",
                   responses={200: MemberClassSerializer(many=True), 401: UNAUTHENTICATED,
                              404: NOT_FOUND})
    def get(self, request, slug):
        society = Society.objects.filter(slug=slug).first()
        if society is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        return Response(MemberClassSerializer(society.member_classes.all(), many=True).data)
