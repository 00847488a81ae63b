"""The register of interests API under `societies/{slug}/interests/` and the topics under
`societies/{slug}/interest-topics/`. Each view is: permission, serializer, one service call
(the same services as the HTML pages).

Who sees what (membership/interests/permissions.py): the board (chair, secretary, trustees)
sees the whole register; everyone else in the society sees their own declarations, every
version, and the officers' current declarations. Any other declaration answers 404, exactly
like one that does not exist. Declarations are never edited or deleted (PUT, PATCH and DELETE
are 405): amending or ending one adds a version.

Errors: bad input is a 400 naming the field; changing someone else's declaration is a 403;
changing a version that was already amended or ended is a 409 with a `detail` message."""


from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from coop.api import (
    FORBIDDEN,
    NOT_FOUND,
    SLUG_PARAMETER,
    UNAUTHENTICATED,
    VALIDATION_ERROR,
    Conflict,
    ErrorSerializer,
    Pagination,
    SocietyRole,
    SocietyScopedMixin,
    refusals,
)

from ..models import Declaration, InterestTopic
from . import selectors, services
from .permissions import can_declare_interests, can_see_declaration, can_view_interest_register
from .serializers import (
    AmendSerializer,
    DeclarationDetailSerializer,
    DeclarationSerializer,
    DeclareSerializer,
    EndSerializer,
    InterestFilterSerializer,
    TopicSerializer,
)

NOT_VISIBLE = "There is no such declaration in this society, or you may not see it."
NOT_YOURS = "You can only change your own declarations."
CONFLICT = OpenApiResponse(
    ErrorSerializer, description="This version was already amended or ended: change the "
                                 "latest version (`replaced_by`) instead.")
ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND}
CHANGE_ERRORS = {400: VALIDATION_ERROR, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND,
                 409: CONFLICT}
ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH,
                                description="The declaration version's id.")


class CanDeclare(SocietyRole):
    message = "Only members and officers of this co-op declare interests."
    check = staticmethod(can_declare_interests)


def visible_declarations(society, user):
    """Every version the person may read: all of them for the board; otherwise their own
    and the officers' current declarations."""
    declarations = Declaration.objects.filter(society=society)
    if can_view_interest_register(user, society):
        return declarations
    officers = selectors.officers_current(society).order_by().values("pk")
    return declarations.filter(Q(person=user) | Q(pk__in=officers))


def with_links(declarations, *, topics=True):
    """Each version's topics and the id of the version that replaced it (one subquery), so
    a page costs the same at 1 declaration or 100. `topics=False` for a queryset that
    already prefetches them (the register selector's)."""
    newer = Declaration.objects.filter(previous=OuterRef("pk")).values("pk")[:1]
    declarations = declarations.annotate(replaced_by=Subquery(newer))
    if not topics:
        return declarations
    return declarations.prefetch_related(
        Prefetch("topics", queryset=InterestTopic.objects.order_by("position", "id")))


@extend_schema(tags=["interests"], parameters=[SLUG_PARAMETER])
class InterestViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """Declarations of interest: declare your own, amend or end them; the board reads the
    whole register."""

    serializer_class = DeclarationSerializer
    pagination_class = Pagination
    queryset = Declaration.objects.none()  # narrowed to what the person may see
    lookup_value_regex = "[0-9]+"
    swagger_fake_view = False  # drf-spectacular sets it on the view it builds the schema from

    def get_permissions(self):
        if self.action in ("create", "amend", "end"):
            return [IsAuthenticated(), CanDeclare()]
        return [IsAuthenticated()]

    def get_queryset(self):
        if self.swagger_fake_view:
            return Declaration.objects.none()
        return with_links(visible_declarations(self.society, self.request.user))

    def get_object(self) -> Declaration:
        declaration = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if declaration is None:
            raise NotFound(NOT_VISIBLE)
        return declaration

    def own_latest(self) -> Declaration:
        """The person's own declaration, to change. Someone else's that they may read is a
        403; one already replaced is a 409 naming the version to change instead."""
        declaration = self.get_object()
        if declaration.person_id != self.request.user.pk:
            raise PermissionDenied(NOT_YOURS)
        if declaration.replaced_by is not None:
            raise Conflict("This version has already been amended or ended. Change the latest "
                           f"version instead (id {self.latest_id(declaration)}).")
        return declaration

    @staticmethod
    def latest_id(declaration) -> int:
        return selectors.history(declaration)[-1].pk

    def answer(self, declaration, status_code=status.HTTP_200_OK):
        fresh = with_links(Declaration.objects.filter(pk=declaration.pk)).get()
        return Response(DeclarationSerializer(fresh).data, status=status_code)

    @extend_schema(
        summary="Declarations: the register (the board), or your own and the officers'",
        description="The board (chair, secretary, trustees) sees the register: the latest "
                    "version of every declaration, current ones unless `status` says "
                    "otherwise. Anyone else sees every version of their own declarations and "
                    "the officers' current declarations; `status=current` or `ended` narrows "
                    "that to latest versions.",
        parameters=[InterestFilterSerializer],
        responses={200: DeclarationSerializer(many=True), 400: VALIDATION_ERROR, **ERRORS})
    def list(self, request, slug):
        filters = InterestFilterSerializer(data=request.query_params,
                                           context=self.get_serializer_context())
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(self.filtered(**filters.validated_data))
        return self.get_paginated_response(DeclarationSerializer(page, many=True).data)

    def filtered(self, *, topic=None, person=None, type="", status=None):  # noqa: A002
        society, user = self.society, self.request.user
        if can_view_interest_register(user, society):
            found = selectors.register(society, topic=topic, person=person,
                                       interest_type=type, status=status or "current")
            return with_links(found, topics=False)
        found = visible_declarations(society, user)
        today = timezone.localdate()
        if status == "current":
            found = found.current(today)
        elif status == "ended":
            found = found.latest_versions().filter(ended_on__lte=today)
        if topic is not None:
            found = found.filter(topics=topic)
        if person is not None:
            found = found.filter(person_id=person)
        if type:
            found = found.filter(interest_type=type)
        return with_links(found.order_by("person_name", "-declared_at", "-id").distinct())

    @extend_schema(
        summary="One declaration, with its versions where you may see them",
        parameters=[ID_PARAMETER],
        responses={200: DeclarationDetailSerializer, **ERRORS})
    def retrieve(self, request, slug, pk):
        declaration = self.get_object()
        if can_see_declaration(request.user, self.society, declaration):
            versions = selectors.history(declaration)
        else:
            versions = [declaration]
        declaration.versions = versions
        return Response(DeclarationDetailSerializer(declaration).data)

    @extend_schema(
        summary="Declare an interest of your own",
        description="It is added to the register at once, and the audit log records it.",
        request=DeclareSerializer,
        responses={201: DeclarationSerializer, 400: VALIDATION_ERROR, 401: UNAUTHENTICATED,
                   403: FORBIDDEN, 404: NOT_FOUND})
    def create(self, request, slug):
        body = DeclareSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with refusals():
            declaration = services.declare(self.society, request.user, by=request.user,
                                           **body.validated_data)
        return self.answer(declaration, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Amend your declaration: a new version, the old one kept",
        description="Send the fields that changed and a `note`. Answers 201 with the new "
                    "version; the old one stays in the register with `replaced_by` pointing "
                    "to it. Only the latest version can be amended (409 otherwise).",
        parameters=[ID_PARAMETER], request=AmendSerializer,
        responses={201: DeclarationSerializer, **CHANGE_ERRORS})
    @action(detail=True, methods=["post"])
    def amend(self, request, slug, pk):
        declaration = self.own_latest()
        context = {**self.get_serializer_context(), "declaration": declaration}
        body = AmendSerializer(data=request.data, partial=True, context=context)
        body.is_valid(raise_exception=True)
        with refusals():
            new = services.amend(declaration, by=request.user, note=body.validated_data["note"],
                                 **body.validated_data["changes"])
        return self.answer(new, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record that your interest has ended: a new version with the end date",
        description="`ended_on` is today when left out. Answers 201 with the new version.",
        parameters=[ID_PARAMETER], request=EndSerializer,
        responses={201: DeclarationSerializer, **CHANGE_ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, slug, pk):
        declaration = self.own_latest()
        body = EndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            new = services.end(declaration, by=request.user, **body.validated_data)
        return self.answer(new, status.HTTP_201_CREATED)


@extend_schema(tags=["interests"], parameters=[SLUG_PARAMETER])
class InterestTopicViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """The topics declarations and ballots name, with the classes deemed to have an interest
    in each. Any member or officer may read them."""

    serializer_class = TopicSerializer
    queryset = InterestTopic.objects.none()
    permission_classes = [IsAuthenticated]
    pagination_class = None  # a handful per co-op, answered as one list (as the schema says)

    @extend_schema(
        summary="Interest topics, with the classes deemed to have an interest",
        parameters=[OpenApiParameter("include_retired", bool, description=(
            "Also list retired topics (they stay on old declarations and ballots)."))],
        responses={200: TopicSerializer(many=True), **ERRORS})
    def list(self, request, slug):
        retired = request.query_params.get("include_retired", "").lower() in ("true", "1")
        topics = selectors.topics(self.society, include_retired=retired)
        return Response(TopicSerializer(topics, many=True).data)
