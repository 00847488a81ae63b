"""What the meetings API's viewsets share: the roles (meetings/permissions.py), finding
a meeting the person may see, the member the person is, and the documented errors."""

from contextlib import contextmanager

from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated

from coop.api import (
    FORBIDDEN,
    NOT_FOUND,
    UNAUTHENTICATED,
    VALIDATION_ERROR,
    Conflict,
    ErrorSerializer,
    Pagination,
    SocietyRole,
    SocietyScopedMixin,
)
from coop.api import refusals as coop_refusals
from coop.services import CoopError
from membership.models import Member
from membership.selectors import member_for

from .. import permissions, selectors
from ..models import Meeting

CONFLICT = OpenApiResponse(
    ErrorSerializer, description="Refused because of the state of things: for example notice "
                                 "has already been sent, the meeting has not started or is "
                                 "over, the proxy deadline has passed, nominations have "
                                 "closed, or the minutes are approved and locked.")
READ_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND}
BOARD_READ_ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}
ACTION_ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
WRITE_ERRORS = {400: VALIDATION_ERROR, **ACTION_ERRORS}

MEETING_PARAMETER = OpenApiParameter("meeting_id", int, OpenApiParameter.PATH,
                                     description="The meeting's id.")
NO_SUCH_MEETING = "There is no such meeting in this co-op, or its notice has not been sent yet."
MEMBERS_ONLY = "Only members of this co-op can do this."
# The services name the person acting (who is never chosen in the request) as a field; the
# API reports those refusals as being about the request as a whole.
SELF_FIELDS = {"appointer": "non_field_errors", "proposer": "non_field_errors",
               "seconder": "non_field_errors"}


class CanManageMeetings(SocietyRole):
    message = ("Only the secretary, the chair and the trustees can prepare meetings, send "
               "notice and mark attendance.")
    check = staticmethod(permissions.can_manage_meetings)


class CanChair(SocietyRole):
    message = "Only the chair, or the secretary standing in, can run the meeting."
    check = staticmethod(permissions.can_chair)


class CanKeepMinutes(SocietyRole):
    message = "Only the secretary or the chair can write the minutes."
    check = staticmethod(permissions.can_keep_minutes)


class CanCountHands(SocietyRole):
    message = "Only the board or the scrutineer can enter the tellers' count."
    check = staticmethod(permissions.can_count_hands)


def refusals():
    """A meeting rule broken by the request's input is a 400 on that field; one broken by
    the state of things is a 409 (coop.api.refusals)."""
    return coop_refusals(SELF_FIELDS)


@contextmanager
def state_refusals():
    """For requests with no input (send notice, start, open a vote): whatever the service
    refuses is about the state of the meeting, so a 409, even where the service names the
    field of the page that would put it right (the meeting's date, for notice)."""
    try:
        yield
    except CoopError as exc:
        raise Conflict(exc.message) from None


class MeetingsViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """The base of the meetings viewsets. `roles` maps an action, or an (action, method)
    pair, to the role it needs beyond being a member or officer of the society."""

    roles: dict = {}
    pagination_class = Pagination
    lookup_value_regex = "[0-9]+"
    swagger_fake_view = False  # drf-spectacular sets it on the view it builds the schema from

    def get_permissions(self):
        method = self.request.method if self.request else None
        role = self.roles.get((self.action, method), self.roles.get(self.action))
        return [IsAuthenticated(), role()] if role else [IsAuthenticated()]

    @property
    def fake(self) -> bool:
        return self.swagger_fake_view

    @cached_property
    def is_board(self) -> bool:
        return permissions.can_manage_meetings(self.request.user, self.society)

    @cached_property
    def viewer(self) -> Member | None:
        """The person's register entry in this society, if they have one."""
        return member_for(self.society, self.request.user)

    def acting_member(self) -> Member:
        """The member the person is, acting for themselves (never for someone else)."""
        if self.viewer is None:
            raise PermissionDenied(MEMBERS_ONLY)
        return self.viewer

    def visible_meetings(self):
        """Members see meetings once notice is sent; the board also sees drafts."""
        return selectors.visible_meetings(self.society, officer=self.is_board).select_related(
            "society")

    def find_meeting(self, pk) -> Meeting:
        meeting = self.visible_meetings().filter(pk=pk).first()
        if meeting is None:
            raise NotFound(NO_SUCH_MEETING)
        return meeting

    def context(self, **extra) -> dict:
        return {**self.get_serializer_context(), **extra}


class MeetingPartViewSet(MeetingsViewSet):
    """A viewset under `meetings/{meeting_id}/`: the meeting is looked up first, so another
    society's meeting, or a draft a member may not see, is a 404 for everything under it."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.fake:
            self.meeting  # noqa: B018 - every action under a meeting 404s without one

    @cached_property
    def meeting(self) -> Meeting:
        return self.find_meeting(self.kwargs["meeting_id"])
