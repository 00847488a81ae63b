"""The surplus API under `societies/{slug}/surplus/`: financial years (the treasurer), proposals
and their options (the board), putting a proposal to the vote, the outcome in pounds and the
recorded decision. Each view is: permission, serializer, one service call (surplus.services,
the same as the web pages).

Errors, as in the ballots API: a surplus rule broken by the request's input is a 400 naming
the field (`{"ends_on": ["…"]}`); one broken by the state of things (the accounts are locked,
the proposal has been put to the vote, the result is not certified yet) is a 409 with a
`detail` message. A role that is not enough is a 403; another society's year or proposal, or
a draft a member may not see, is a 404. Members vote on a proposal through the ballots API,
with the proposal's `ballot` id."""


from django.db.models import Prefetch
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
from voting import permissions as voting_permissions
from voting import selectors as voting_selectors

from . import permissions, selectors, services
from .models import Allocation, FinancialYear, Proposal, ProposalOption
from .serializers import (
    DecisionSerializer,
    ProposalChangeSerializer,
    ProposalDraftSerializer,
    ProposalOptionInputSerializer,
    ProposalOptionSerializer,
    ProposalOutcomeSerializer,
    ProposalSerializer,
    PutToVoteSerializer,
    YearInputSerializer,
    YearSerializer,
    outcome_payload,
)

CONFLICT = OpenApiResponse(
    ErrorSerializer, description="Refused because of the state of things: the year's accounts "
                                 "are locked (or not yet locked), the proposal has been put to "
                                 "the vote, the result is not certified yet, or the decision "
                                 "is already recorded.")
WRITE_ERRORS = {400: VALIDATION_ERROR, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND,
                409: CONFLICT}
READ_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND}
NO_SUCH_YEAR = "There is no such financial year in this society."
NO_SUCH_PROPOSAL = "There is no such proposal in this society."
NO_SUCH_OPTION = "There is no such option in this proposal."


class CanManageAccounts(SocietyRole):
    message = "Only the treasurer and the board can enter and lock a year's accounts."
    check = staticmethod(permissions.can_manage_accounts)


class CanManageProposals(SocietyRole):
    message = "Only the secretary, the chair and the trustees can draft and decide proposals."
    check = staticmethod(permissions.can_manage_proposals)


class SurplusViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """The base of the surplus viewsets: scoped to one society, paged, numeric ids."""

    pagination_class = Pagination
    lookup_value_regex = "[0-9]+"
    swagger_fake_view = False  # drf-spectacular sets it on the view it builds the schema from


# --- financial years ----------------------------------------------------------------------------

@extend_schema(tags=["surplus"], parameters=[SLUG_PARAMETER])
class YearViewSet(SurplusViewSet):
    """A society's financial years: figures, surplus and the working for the amount available.
    Every member and officer sees them; the treasurer and the board enter and lock them."""

    serializer_class = YearSerializer
    queryset = FinancialYear.objects.none()  # narrowed to the society in get_queryset

    def get_permissions(self):
        if self.action in {"create", "partial_update", "lock"}:
            return [IsAuthenticated(), CanManageAccounts()]
        return [IsAuthenticated()]

    def get_queryset(self):
        if self.swagger_fake_view:
            return FinancialYear.objects.none()
        return FinancialYear.objects.filter(society=self.society).select_related("society")

    def get_object(self):
        year = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if year is None:
            raise NotFound(NO_SUCH_YEAR)
        return year

    def answer(self, year, status_code=status.HTTP_200_OK):
        return Response(YearSerializer(self.get_queryset().get(pk=year.pk),
                                       context=self.get_serializer_context()).data,
                        status=status_code)

    @extend_schema(summary="Financial years, newest first",
                   responses={200: YearSerializer(many=True), **READ_ERRORS})
    def list(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            YearSerializer(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(summary="One financial year", responses={200: YearSerializer, **READ_ERRORS})
    def retrieve(self, request, slug, pk):
        return self.answer(self.get_object())

    @extend_schema(
        summary="Enter a year's accounts (the treasurer and the board)",
        description="The surplus is income less expenditure; the amount available is what is "
                    "left after the society's reserve rule (see `working`). The accounts PDF "
                    "is uploaded on the website, not through the API: `accounts_url` is where "
                    "to download it.",
        request=YearInputSerializer,
        responses={201: YearSerializer, 400: VALIDATION_ERROR, 401: UNAUTHENTICATED,
                   403: FORBIDDEN, 404: NOT_FOUND})
    def create(self, request, slug):
        body = YearInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            year = services.create_year(self.society, by=request.user, **body.validated_data)
        return self.answer(year, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct a year's accounts until they are locked (the treasurer and the board)",
        description="Send only what changes; every change is audited. Locked accounts are "
                    "refused (409). The accounts PDF is replaced on the website, not here.",
        request=YearInputSerializer, responses={200: YearSerializer, **WRITE_ERRORS})
    def partial_update(self, request, slug, pk):
        year = self.get_object()
        body = YearInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        with refusals():
            year = services.update_year(year, by=request.user, **body.validated_data)
        return self.answer(year)

    @extend_schema(
        summary="Lock a year's accounts (the treasurer and the board)",
        description="After this the figures cannot change, and the board can propose how to "
                    "use the surplus. Locking twice is a 409.",
        request=None, responses={200: YearSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                                 404: NOT_FOUND, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def lock(self, request, slug, pk):
        year = self.get_object()
        with refusals():
            year = services.lock_year(year, by=request.user)
        return self.answer(year)


# --- proposals ----------------------------------------------------------------------------------

OPTION_ID = OpenApiParameter("option_id", int, OpenApiParameter.PATH,
                             description="The option's id.")
BOARD_ACTIONS = {"create", "partial_update", "add_option", "option", "put_to_vote", "decide"}


@extend_schema(tags=["surplus"], parameters=[SLUG_PARAMETER])
class ProposalViewSet(SurplusViewSet):
    """Proposals to reinvest a year's surplus: the board drafts them with costed options and
    puts them to the vote; members vote through the ballots API and see the outcome."""

    serializer_class = ProposalSerializer
    queryset = Proposal.objects.none()  # narrowed to the society and the person

    def get_permissions(self):
        if self.action in BOARD_ACTIONS:
            return [IsAuthenticated(), CanManageProposals()]
        return [IsAuthenticated()]

    @property
    def is_board(self) -> bool:
        return permissions.can_manage_proposals(self.request.user, self.society)

    def get_queryset(self):
        """The proposals this person may see (drafts only for the board), with options,
        topics and allocations in three more queries however many there are."""
        if self.swagger_fake_view:
            return Proposal.objects.none()
        return selectors.proposals_for(self.society, officer=self.is_board).prefetch_related(
            Prefetch("options", queryset=ProposalOption.objects.select_related("topic")),
            Prefetch("allocations", queryset=Allocation.objects.select_related("option")))

    def get_object(self):
        proposal = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if proposal is None:
            raise NotFound(NO_SUCH_PROPOSAL)
        return proposal

    def answer(self, proposal, status_code=status.HTTP_200_OK):
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data,
                        status=status_code)

    @extend_schema(summary="Proposals, newest first (the board also sees drafts)",
                   responses={200: ProposalSerializer(many=True), **READ_ERRORS})
    def list(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProposalSerializer(page, many=True).data)

    @extend_schema(summary="One proposal, with its options",
                   responses={200: ProposalSerializer, **READ_ERRORS})
    def retrieve(self, request, slug, pk):
        return Response(ProposalSerializer(self.get_object()).data)

    @extend_schema(
        summary="Draft a proposal for a locked year (the board)",
        description="The amount available is worked out from the year's surplus and the "
                    "society's reserve rule. A year whose accounts are not locked, or that "
                    "left nothing to reinvest, is a 409.",
        request=ProposalDraftSerializer,
        responses={201: ProposalSerializer, **WRITE_ERRORS})
    def create(self, request, slug):
        body = ProposalDraftSerializer(data=request.data,
                                       context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        with refusals():
            proposal = services.create_proposal(data.pop("year"), by=request.user, **data)
        return self.answer(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft proposal (the board)",
        description="Send only what changes. Once put to the vote it is a 409.",
        request=ProposalChangeSerializer, responses={200: ProposalSerializer, **WRITE_ERRORS})
    def partial_update(self, request, slug, pk):
        proposal = self.get_object()
        body = ProposalChangeSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        with refusals():
            services.update_proposal(proposal, by=request.user, **body.validated_data)
        return self.answer(proposal)

    # --- options --------------------------------------------------------------------------------

    @extend_schema(
        summary="Add an option to a draft (the board)",
        description="A PA pay rise (`pa_pay`) needs `current_hourly_rate`, `pa_hours_per_year` "
                    "(hours worked), `pa_count` and `pay_rise_kind`. An option that pays "
                    "members is refused under an asset lock (400 under `pays_members`).",
        request=ProposalOptionInputSerializer,
        responses={201: ProposalOptionSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="options")
    def add_option(self, request, slug, pk):
        proposal = self.get_object()
        body = ProposalOptionInputSerializer(data=request.data,
                                             context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with refusals():
            option = services.add_option(proposal, by=request.user, **body.validated_data)
        return Response(ProposalOptionSerializer(option).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["PATCH"], summary="Change an option of a draft (the board)",
                   description="Send only what changes. Once put to the vote it is a 409.",
                   parameters=[OPTION_ID], request=ProposalOptionInputSerializer,
                   responses={200: ProposalOptionSerializer, **WRITE_ERRORS})
    @extend_schema(methods=["DELETE"], summary="Remove an option from a draft (the board)",
                   parameters=[OPTION_ID], request=None,
                   responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                              404: NOT_FOUND, 409: CONFLICT})
    @action(detail=True, methods=["patch", "delete"],
            url_path=r"options/(?P<option_id>[0-9]+)")
    def option(self, request, slug, pk, option_id):
        proposal = self.get_object()
        option = next((o for o in proposal.options.all() if o.pk == int(option_id)), None)
        if option is None:
            raise NotFound(NO_SUCH_OPTION)
        if request.method == "DELETE":
            with refusals():
                services.remove_option(option, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        body = ProposalOptionInputSerializer(data=request.data, partial=True,
                                     context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        with refusals():
            option = services.update_option(option, by=request.user, **body.validated_data)
        return Response(ProposalOptionSerializer(option).data)

    # --- the vote, the outcome and the decision ---------------------------------------------

    @extend_schema(
        summary="Put a draft to the vote (the board)",
        description="Opens a ballot now, closing at `closes_at`: members split 100 points "
                    "across the options (allocation) or pick one package (choice), weighted by "
                    "the society's class shares. The options' topics come with it, so voting "
                    "asks about interests. Members vote through the ballots API with the "
                    "returned `ballot` id and each option's `ballot_option` id. Fewer than two "
                    "options is a 400 under `options`.",
        request=PutToVoteSerializer, responses={200: ProposalSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="put-to-vote")
    def put_to_vote(self, request, slug, pk):
        proposal = self.get_object()
        body = PutToVoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            services.put_to_vote(proposal, by=request.user, **body.validated_data)
        return self.answer(proposal)

    @extend_schema(
        summary="The outcome in pounds, with the comparisons",
        description="Pounds per option from the weighted shares, rounded to the penny so they "
                    "add up to the amount available (a choice ballot gives it all to the "
                    "winning package); for PA pay, the rise per hour, the new rate and the "
                    "yearly cost. Beside it, the pounds under one member one vote and without "
                    "the votes cast with an interest, for comparison only, and the ballot's "
                    "full result with turnout by class. Seen when the ballot's result is: "
                    "members once published, the board and the scrutineer once closed (403 "
                    "before). A draft is a 409.",
        responses={200: ProposalOutcomeSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   404: NOT_FOUND, 409: CONFLICT})
    @action(detail=True, methods=["get"])
    def outcome(self, request, slug, pk):
        proposal = self.get_object()
        if proposal.is_draft:
            raise Conflict("This proposal has not been put to the vote yet.")
        user, society = request.user, self.society
        if not voting_selectors.results_visible(
                proposal.ballot, officer=voting_permissions.can_manage_ballots(user, society),
                scrutineer=voting_permissions.can_scrutinise(user, society)):
            raise PermissionDenied("The outcome is shown to members once the scrutineer has "
                                   "certified the result and the board has published it.")
        full = voting_permissions.can_manage_ballots(user, society) or \
            voting_permissions.can_scrutinise(user, society)
        payload = outcome_payload(services.outcome(proposal, full=full))
        return Response(ProposalOutcomeSerializer(payload).data)

    @extend_schema(
        summary="Record the decision (the board)",
        description="After the scrutineer has certified the result (409 before): the pounds "
                    "per option are written and locked, with the resolution's reference, the "
                    "date and notes on carrying it out. A tie between packages, or a decision "
                    "already recorded, is a 409.",
        request=DecisionSerializer, responses={201: ProposalSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def decide(self, request, slug, pk):
        proposal = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        with refusals():
            services.record_decision(proposal, by=request.user, **data)
        return self.answer(proposal, status.HTTP_201_CREATED)

