"""The society part of the API, and what every society-scoped endpoint shares: finding the
society without revealing whether it exists, named permission checks, documented errors."""

from contextlib import contextmanager

from django.utils.functional import cached_property
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import BasePermission

from coop.pagination import Pagination

from . import permissions
from .models import Society
from .selectors import societies_for_user
from .services import CoopError

NOT_FOUND_MESSAGE = "There is no such society, or you are not a member or officer of it."


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Token <key>` (coop.api_auth) in the schema. Registered by
    being imported, which the URLconf does."""

    target_class = "coop.api_auth.PersonalTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization",
                                                   token_prefix=self.target.keyword)


# --- documented error responses ---------------------------------------------------------------

class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in plain English.")


VALIDATION_ERROR = OpenApiResponse(
    response={
        "type": "object",
        "description": "Each field that was wrong, with its messages. Errors that concern no "
                       "single field come under `non_field_errors`.",
        "additionalProperties": {
            "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
        },
    },
    description="The request was not valid.",
)
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="Not signed in, or the token is "
                                                               "not valid or was revoked.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Your role in this society does not "
                                                         "allow this.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such society (or object in it), or "
                                                         "you have no link to that society.")

SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The society's short name, as in its web "
                                                    "address.")


# --- finding the society and checking roles in it ---------------------------------------------

class SocietyScopedMixin:
    """For views under `societies/{slug}/`. The society is looked up among those the person is a
    current member or officer of, so another society answers 404 exactly like an unknown one."""

    swagger_fake_view = False  # drf-spectacular sets it on the instance it builds the schema from

    def get_society_queryset(self):
        return societies_for_user(self.request.user)

    @cached_property
    def society(self) -> Society:
        society = self.get_society_queryset().filter(slug=self.kwargs["slug"]).first()
        if society is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        return society

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not self.swagger_fake_view:
            context["society"] = self.society
        return context


class JsonOnly(DefaultContentNegotiation):
    """Answers with the view's first renderer (JSON) without reading the Accept header or
    `?format=`: for the busiest request, which has no other representation, that reading was
    a thirtieth of its time."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class Conflict(APIException):
    """409: the request was fine, but the state of things refuses it (a closed ballot, a
    locked year, an already amended declaration)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This cannot be done in the current state."
    default_code = "conflict"


@contextmanager
def refusals(field_names: dict | None = None):
    """Turn a service's refusal into the API's answer: a rule broken by the request's input
    (the service names a field) is a 400 on that field, renamed by `field_names` where the
    API calls it something else; one broken by the state of things is a 409."""
    try:
        yield
    except CoopError as exc:
        if exc.field:
            name = (field_names or {}).get(exc.field, exc.field)
            raise ValidationError({name: [exc.message]}) from None
        raise Conflict(exc.message) from None


class SocietyRole(BasePermission):
    """A named check from coop.permissions, asked about the view's society. List it after
    IsAuthenticated, so that anonymous requests are refused before the society is looked up."""

    @staticmethod
    def check(user, society) -> bool:
        raise NotImplementedError

    def has_permission(self, request, view):
        return self.check(request.user, view.society)


class CanViewRegister(SocietyRole):
    message = "Only the officers who keep the register of members can see it."
    check = staticmethod(permissions.can_view_register)


class CanManageRegister(SocietyRole):
    message = "Only the secretary, the chair and the trustees can decide on applications."
    check = staticmethod(permissions.can_manage_register)


# --- societies --------------------------------------------------------------------------------

class SocietyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Society
        fields = ["slug", "name"]


class SocietySerializer(serializers.ModelSerializer):
    class Meta:
        model = Society
        fields = ["slug", "name", "registration_number", "address", "contact_email",
                  "share_value"]


@extend_schema(tags=["societies"])
class SocietyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The societies you are a current member or officer of."""

    serializer_class = SocietySerializer
    pagination_class = Pagination
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    queryset = Society.objects.none()  # narrowed per person in get_queryset
    swagger_fake_view = False

    def get_queryset(self):
        if self.swagger_fake_view:
            return Society.objects.none()
        return societies_for_user(self.request.user)

    @extend_schema(summary="List my societies",
                   responses={200: SocietySerializer(many=True), 401: UNAUTHENTICATED})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One of my societies",
                   responses={200: SocietySerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def get_object(self):
        society = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if society is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        return society
