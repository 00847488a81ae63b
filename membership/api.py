"""The membership API: me, the register of members, a member's own entry and shares,
applications, and payments made another way. Each view is: permission, serializer, one service
call (the same services as the HTML views)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
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
    SocietyRole,
    SocietyScopedMixin,
)
from coop.models import Society
from coop.permissions import can_manage_register, can_record_payments

from . import selectors, services, shares
from .enums import ApplicationState
from .models import Application, Member, Payment
from .privacy import care
from .serializers import (
    ApplicationCreateSerializer,
    ApplicationFilterSerializer,
    ApplicationSerializer,
    ApplicationSummarySerializer,
    ApproveSerializer,
    MemberClassSerializer,
    MemberDetailsSerializer,
    MeSerializer,
    OwnEntrySerializer,
    PaymentFilterSerializer,
    PaymentSerializer,
    RecordPaymentSerializer,
    RegisterEntrySerializer,
    RegisterFilterSerializer,
    RejectSerializer,
    ShareAccountSerializer,
)


class CanRecordPayments(SocietyRole):
    message = "Only the treasurer, the secretary, the chair and the trustees handle payments."
    check = staticmethod(can_record_payments)


class CanListApplications(BasePermission):
    """The board sees every open application. The treasurer, who records payments, sees those
    approved and waiting for their share to be paid (`?state=approved`), to know who owes one."""

    message = ("Only the secretary, the chair and the trustees can see applications. The "
               "treasurer can list those waiting for payment: ?state=approved.")

    def has_permission(self, request, view):
        if can_manage_register(request.user, view.society):
            return True
        return (request.query_params.get("state") == ApplicationState.APPROVED
                and can_record_payments(request.user, view.society))


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
        if self.action in ("me", "update_me", "my_shares"):
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

    @extend_schema(summary="My shares: the ledger, my payments and any money owed back to me",
                   responses={200: ShareAccountSerializer, 401: UNAUTHENTICATED,
                              404: NOT_FOUND})
    @action(detail=False, methods=["get"], url_path="me/shares")
    def my_shares(self, request, slug):
        return Response(ShareAccountSerializer(
            selectors.share_account(self.get_own_entry())).data)


@extend_schema(tags=["applications"], parameters=[SLUG_PARAMETER])
class ApplicationViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """Applications to join: anyone signed in applies; the board decides."""

    serializer_class = ApplicationSerializer
    pagination_class = Pagination
    queryset = Application.objects.none()
    lookup_value_regex = "[0-9]+"
    swagger_fake_view = False  # drf-spectacular sets it on the view it builds the schema from

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated()]
        if self.action == "list":
            return [IsAuthenticated(), CanListApplications()]
        return [IsAuthenticated(), CanManageRegister()]

    def get_society_queryset(self):
        if self.action == "create":
            return Society.objects.all()  # an applicant has no link to the society yet
        return super().get_society_queryset()

    def get_queryset(self):
        if self.swagger_fake_view:
            return Application.objects.none()
        # Decided applications too, so that deciding twice is a 400 rather than a 404.
        return (Application.objects.filter(society=self.society)
                .select_related("member_class", "user", "society"))

    @extend_schema(
        summary="Open applications: waiting for a decision, or approved and waiting for payment",
        description="By default the applications waiting for the board's decision. With "
                    "`?state=approved`, those approved whose share is not paid yet (oldest "
                    "approval first), so the officers who handle money can see who owes a "
                    "payment; the treasurer may list these. `?state=open` gives both.",
        parameters=[ApplicationFilterSerializer],
        responses={200: ApplicationSummarySerializer(many=True), 400: VALIDATION_ERROR,
                   401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND})
    def list(self, request, slug):
        filters = ApplicationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(
            selectors.open_applications(self.society, filters.validated_data["state"]))
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
        return self._officer_response(self.get_object())

    def _officer_response(self, application) -> Response:
        return Response(care.officer_copy(ApplicationSerializer(application).data, application,
                                          user=self.request.user, where="api"))

    @extend_schema(
        summary="Approve: the applicant is asked to pay for their share",
        description="The application becomes `approved` and the applicant is emailed how to "
                    "pay. They are admitted, with the next membership number, when the payment "
                    "is recorded (POST payments/) or arrives by card.",
        request=ApproveSerializer,
        responses={200: ApplicationSerializer, 400: VALIDATION_ERROR, 401: UNAUTHENTICATED,
                   403: FORBIDDEN, 404: NOT_FOUND})
    @action(detail=True, methods=["post"])
    def approve(self, request, slug, pk):
        application = self.get_object()
        ApproveSerializer(data=request.data).is_valid(raise_exception=True)
        application = services.approve_application(application, by=request.user)
        return self._officer_response(application)

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
        return self._officer_response(application)


@extend_schema(tags=["payments"], parameters=[SLUG_PARAMETER])
class PaymentViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """Payments for shares, and recording money received another way."""

    serializer_class = PaymentSerializer
    pagination_class = Pagination
    queryset = Payment.objects.none()  # always read through membership.selectors
    permission_classes = [IsAuthenticated, CanRecordPayments]

    @extend_schema(summary="Payments, newest first",
                   parameters=[PaymentFilterSerializer],
                   responses={200: PaymentSerializer(many=True), 400: VALIDATION_ERROR,
                              401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND})
    def list(self, request, slug):
        filters = PaymentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.payments(self.society, **filters.validated_data))
        return self.get_paginated_response(PaymentSerializer(page, many=True).data)

    @extend_schema(
        summary="Record money received another way (cash, cheque, bank transfer)",
        description="For an approved applicant's joining share (`application`), the applicant "
                    "is admitted at once: the answer's `membership_number` is their new number. "
                    "For a member (`member_number`), it buys more shares where the rules allow. "
                    "Nothing is recorded if any check fails.",
        request=RecordPaymentSerializer,
        responses={201: PaymentSerializer, 400: VALIDATION_ERROR, 401: UNAUTHENTICATED,
                   403: FORBIDDEN, 404: NOT_FOUND})
    def create(self, request, slug):
        body = RecordPaymentSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payment = shares.record_offline_payment(by=request.user, **body.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


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
