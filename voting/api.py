"""The ballots API under `societies/{slug}/ballots/`. Each view is: permission, serializer, one
service call (the same services as the HTML pages).

Errors: bad input is a 400 naming the field (`{"choices": ["…"]}`); a role that is not enough
is a 403; a ballot of another society, or a draft a member may not see, is a 404. A request
refused because of the ballot's state (voting in a closed ballot, voting twice, changing an
open ballot, certifying one that is still open) is a 409 with a `detail` message, so a client
can tell "fix your answer" from "this cannot happen now".

Interests: a ballot with topics asks each voter about their interests in them (see
`voting.conflicts`). Its detail shows the person's own `interests` and `interest_question`;
`vote` must then carry `interest`, or it is refused with a 400 under `interest` saying what to
send. A declaration made while voting is checked field by field, its errors under
`interest.declaration.<field>`; it is written in the vote's transaction, so a refused vote
leaves none, except under the recuse policy, where the declaration is kept and the vote refused
(409). A member recused for an interest is told so (`recused`) and their vote is a 409.
Errors and the interest question's helpers are in voting/api_support.py."""

from functools import partial

from django.db import transaction
from django.db.models import BooleanField, Case, Exists, OuterRef, Prefetch, Value, When
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from coop.api import (
    FORBIDDEN,
    NOT_FOUND,
    SLUG_PARAMETER,
    UNAUTHENTICATED,
    VALIDATION_ERROR,
    Conflict,
    JsonOnly,
    Pagination,
    SocietyRole,
    SocietyScopedMixin,
)
from coop.api_auth import PersonalTokenAuthentication

from . import disclosure, permissions, selectors, services, vote_reads
from .api_results import ResultsSerializer, results_payload
from .api_support import (
    CONFLICT,
    VOTE_VALIDATION_ERROR,
    add_viewer_interests,
    interest_answer,
    refusals,
    vote_refusals,
)
from .help_serializers import HelpedVoteSerializer, TakeVoteSerializer, vote_body
from .models import Ballot, ClassWeight, RollEntry
from .receipt_serializers import (
    ReceiptCheckSerializer,
    ReceiptSerializer,
    ReceiptStatusSerializer,
)
from .serializers import (
    BallotDetailSerializer,
    BallotDraftSerializer,
    BallotSerializer,
    CertifySerializer,
    CloseSerializer,
    OpenSerializer,
    PublishSerializer,
)
from .services import VotingError

NOT_VISIBLE = "There is no such ballot in this society, or it is not open yet."
NOT_ON_ROLL = ("You are not on this ballot's electoral roll, so you cannot vote in it. The roll "
               "is the members of a voting class on the record date.")


class CanManageBallots(SocietyRole):
    message = "Only the secretary, the chair and the trustees can run ballots."
    check = staticmethod(permissions.can_manage_ballots)


class CanScrutinise(SocietyRole):
    message = "Only the scrutineer can certify a result."
    check = staticmethod(permissions.can_scrutinise)


BOARD_ACTIONS = {"create", "partial_update", "open", "close", "publish", "take_vote"}
ACTION_ERRORS = {400: VALIDATION_ERROR, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND,
                 409: CONFLICT}
READ_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND}


@extend_schema(tags=["ballots"], parameters=[SLUG_PARAMETER])
class BallotViewSet(SocietyScopedMixin, viewsets.GenericViewSet):
    """Ballots: the board drafts and runs them, members vote, the scrutineer certifies."""

    serializer_class = BallotSerializer
    pagination_class = Pagination
    queryset = Ballot.objects.none()  # narrowed to the society and the person in get_queryset
    lookup_value_regex = "[0-9]+"

    def get_permissions(self):
        if self.action in BOARD_ACTIONS:
            return [IsAuthenticated(), CanManageBallots()]
        if self.action == "certify":
            return [IsAuthenticated(), CanScrutinise()]
        return [IsAuthenticated()]

    def get_queryset(self):
        """The ballots this person may see, each with whether they are on its roll and have
        voted (two EXISTS subqueries, so a list costs the same at 1 ballot or 100)."""
        if self.swagger_fake_view:
            return Ballot.objects.none()
        user, society = self.request.user, self.society
        roll = RollEntry.objects.filter(ballot=OuterRef("pk"), member__user=user)
        return (selectors.visible_ballots(society, user,
                                          officer=permissions.can_see_drafts(user, society))
                .annotate(viewer_on_roll=Exists(roll),
                          # Unknown (null) once the marked roll has been reduced to counts.
                          viewer_has_voted=Case(
                              When(roll_reduced_at__isnull=False, then=Value(None)),
                              default=Exists(roll.filter(has_voted=True)),
                              output_field=BooleanField(null=True)),
                          viewer_recused=Exists(roll.filter(recused=True)))
                .prefetch_related("options", "topics", Prefetch(
                    "class_weights",
                    queryset=ClassWeight.objects.select_related("member_class"))))

    def get_object(self):
        if self.action == "retrieve":
            self.open_if_due()
        ballot = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if ballot is None:
            raise NotFound(NOT_VISIBLE)
        return ballot

    def own_roll_entry(self) -> RollEntry | None:
        """The person's entry on this ballot's roll, with the ballot (from the shared cache)
        and the member: being on the roll shows they may vote here, so the usual society
        lookup is not needed; without an entry, the slower path explains why."""
        read = getattr(self.request, "roll_entry_read", vote_reads.NOT_READ)
        # Used once: after a scheduled ballot opens, the entry is read again.
        self.request.roll_entry_read = vote_reads.NOT_READ
        return vote_reads.roll_entry_to_vote(self.kwargs["pk"], self.kwargs["slug"],
                                            self.request.user, read)

    def ballot_to_vote_in(self) -> Ballot:
        """The ballot alone, without what the representation prefetches: voting is the
        busiest request, so it reads no more than it needs. A scheduled ballot whose time
        has come opens first."""
        ballot = Ballot.objects.filter(society=self.society, pk=self.kwargs["pk"]).first()
        if ballot is None:
            raise NotFound(NOT_VISIBLE)
        return services.open_if_due(ballot)

    def open_if_due(self) -> None:
        """A scheduled ballot whose time has come opens when someone asks for it, even when
        the worker that opens it is late."""
        due = Ballot.objects.filter(society=self.society, pk=self.kwargs["pk"],
                                    opened_at__isnull=True, opens_at__lte=timezone.now()).first()
        if due is not None:
            services.open_if_due(due)

    def answer(self, ballot, status_code=status.HTTP_200_OK):
        """The ballot as it is now, read again with the person's roll status."""
        return Response(BallotSerializer(self.get_queryset().get(pk=ballot.pk)).data,
                        status=status_code)

    # --- reading and drafting -----------------------------------------------------------------

    @extend_schema(summary="Ballots: open and past ones (officers also see drafts)",
                   responses={200: BallotSerializer(many=True), **READ_ERRORS})
    def list(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(BallotSerializer(page, many=True).data)

    @extend_schema(
        summary="One ballot, with your interests in its topics",
        description="Beside the ballot: `recused` (you may not vote because of an interest), "
                    "`interests` (your declared and deemed interests in its topics, to show "
                    "before voting) and `interest_question` (what to send as `interest`).",
        responses={200: BallotDetailSerializer, **READ_ERRORS})
    def retrieve(self, request, slug, pk):
        ballot = self.get_object()
        add_viewer_interests(ballot, self.society, request.user)
        return Response(BallotDetailSerializer(ballot).data)

    @extend_schema(
        summary="Draft a ballot (the board)",
        description="The society's class weights prefill the ballot; `weights` replaces them. "
                    "A resolution gets For, Against and Abstain. Nothing is sent to members "
                    "until the ballot opens.",
        request=BallotDraftSerializer,
        responses={201: BallotSerializer, 400: VALIDATION_ERROR, 401: UNAUTHENTICATED,
                   403: FORBIDDEN, 404: NOT_FOUND})
    def create(self, request, slug):
        body = BallotDraftSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        weights = data.pop("weights", None)
        with refusals(), transaction.atomic():
            ballot = services.create_ballot(self.society, by=request.user, **data)
            self.set_weights(ballot, weights)
        return self.answer(ballot, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft (the board)",
        description="Only a draft changes: once a ballot opens, its options, weights and roll "
                    "are frozen (409). `options` replaces all the options; `weights` sets the "
                    "weights of the classes given.",
        request=BallotDraftSerializer, responses={200: BallotSerializer, **ACTION_ERRORS})
    def partial_update(self, request, slug, pk):
        ballot = self.get_object()
        body = BallotDraftSerializer(ballot, data=request.data, partial=True,
                                     context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        weights, options = data.pop("weights", None), data.pop("options", None)
        with refusals(), transaction.atomic():
            ballot = services.update_draft(ballot, by=request.user, options=options, **data)
            self.set_weights(ballot, weights)
        return self.answer(ballot)

    def set_weights(self, ballot, rows) -> None:
        if rows is None:
            return
        voting = set(ballot.class_weights.values_list("member_class_id", flat=True))
        if any(row["member_class"] not in voting for row in rows):
            raise VotingError("Give weights only for the classes that vote in this ballot.",
                              field="weight")
        services.set_weights(ballot, rows, by=self.request.user)

    # --- the lifecycle --------------------------------------------------------------------------

    @extend_schema(
        summary="Open the ballot now, or set it to open later (the board)",
        description="Opening freezes the electoral roll, the options and the weights, issues "
                    "paper ballots to members who asked for post, and tells every member on "
                    "the roll. With `opens_at`, the ballot opens by itself at that time.",
        request=OpenSerializer, responses={200: BallotSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def open(self, request, slug, pk):
        ballot = self.get_object()
        body = OpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        opens_at, closes_at = (body.validated_data.get("opens_at"),
                               body.validated_data.get("closes_at"))
        with refusals():
            if opens_at:
                services.schedule_ballot(ballot, by=request.user, opens_at=opens_at,
                                         closes_at=closes_at or ballot.closes_at)
            else:
                services.open_ballot(ballot, by=request.user, closes_at=closes_at)
        return self.answer(ballot)

    @extend_schema(summary="Close an open ballot early, with a reason (the board)",
                   request=CloseSerializer, responses={200: BallotSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, slug, pk):
        ballot = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            services.close_ballot(ballot, by=request.user, **body.validated_data)
        return self.answer(ballot)

    @extend_schema(summary="Certify the count of a closed ballot (the scrutineer)",
                   request=CertifySerializer, responses={200: BallotSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def certify(self, request, slug, pk):
        ballot = self.get_object()
        body = CertifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals():
            services.certify_ballot(ballot, by=request.user, **body.validated_data)
        return self.answer(ballot)

    @extend_schema(summary="Publish a certified result to the members (the board)",
                   request=PublishSerializer, responses={200: BallotSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, slug, pk):
        ballot = self.get_object()
        with refusals():
            services.publish_ballot(ballot, by=request.user)
        return self.answer(ballot)

    # --- voting and results ---------------------------------------------------------------------

    @extend_schema(
        summary="Vote (a member on the roll)",
        description="Answers 201 with your receipt code, shown only this once. A vote carries "
                    "no member id. Where the ballot allows changes, voting again replaces your "
                    "earlier vote; otherwise a second vote is refused (409), as is a vote in a "
                    "ballot that is not open, including one past its closing time (409). When "
                    "the ballot has topics, `interest` answers its question about interests "
                    "(the ballot's `interest_question` says what fits); without it the vote is "
                    "a 400 under `interest`. A member recused for an interest is refused (409). "
                    "`helped_by` records a companion's declaration (see its fields).",
        request=HelpedVoteSerializer,
        responses={201: ReceiptSerializer, **ACTION_ERRORS, 400: VOTE_VALIDATION_ERROR})
    @action(detail=True, methods=["post"], authentication_classes=[partial(
        PersonalTokenAuthentication, alongside=vote_reads.roll_entry_alongside),
        SessionAuthentication], renderer_classes=[JSONRenderer],
        content_negotiation_class=JsonOnly)
    def vote(self, request, slug, pk):
        entry = self.own_roll_entry()
        if entry is None:  # perhaps a scheduled ballot whose time has come: open it, look again
            ballot = self.ballot_to_vote_in()
            entry = self.own_roll_entry() if ballot.opened_at else None
        ballot = entry.ballot if entry is not None else ballot
        if entry is None:
            if ballot.opened_at is None and not permissions.can_see_drafts(request.user,
                                                                           self.society):
                raise NotFound(NOT_VISIBLE)
            raise PermissionDenied(NOT_ON_ROLL)
        body = vote_body(request.data, {"request": request, "society": ballot.society})
        body.is_valid(raise_exception=True)
        answer = interest_answer(ballot, body.validated_data.get("interest"))
        with vote_refusals(ballot, entry.member, answer):
            receipt = services.cast_vote(ballot, entry.member, body.validated_data["choices"],
                                         interest=answer, entry=entry, help=body.help())
        # The shape ReceiptSerializer documents, without building it for the busiest request.
        return Response({"receipt": receipt}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take a member's vote (the board), by phone or in person",
        description="As a polling clerk marks a ballot for a voter who asks: the vote is the "
                    "member's, sealed like any other and linked to nobody; the help records the "
                    "officer and how they checked who was speaking, never the choice. Answers "
                    "201 with the member's receipt code, to read out or post.",
        request=TakeVoteSerializer,
        responses={201: ReceiptSerializer, **ACTION_ERRORS, 400: VOTE_VALIDATION_ERROR})
    @action(detail=True, methods=["post"], url_path="take-vote")
    def take_vote(self, request, slug, pk):
        ballot = self.get_object()
        body = TakeVoteSerializer(data=request.data, context={"request": request,
                                                              "society": self.society})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with refusals():
            receipt = services.take_vote(ballot, member_number=data["member_number"],
                                         choices=data["choices"], by=request.user,
                                         identity_check=data["identity_check"])
        return Response(ReceiptSerializer({"receipt": receipt}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The result: weighted shares, head counts, turnout by class, pass or fail",
        description="Members see it once published (or while open, when the ballot shows live "
                    "results); the board and the scrutineer once the ballot has closed. When "
                    "fewer than the ballot's `breakdown_minimum` voted in a class, members get "
                    "the outcome and turnout only (`figures_hidden`); the board and the "
                    "scrutineer always get the full count.",
        responses={200: ResultsSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   404: NOT_FOUND})
    @action(detail=True, methods=["get"])
    def results(self, request, slug, pk):
        ballot = self.get_object()
        user, society = request.user, self.society
        officer = permissions.can_manage_ballots(user, society)
        scrutineer = permissions.can_scrutinise(user, society)
        if not selectors.results_visible(ballot, officer=officer, scrutineer=scrutineer):
            raise PermissionDenied(
                "The result is shown to members once the scrutineer has certified it and the "
                "board has published it." if ballot.has_closed
                else "The result is shown after the ballot closes.")
        results = disclosure.publish(selectors.results(ballot), full=officer or scrutineer)
        return Response(ResultsSerializer(results_payload(results)).data)

    @extend_schema(
        summary="Check a receipt: is this vote counted?",
        description="After the ballot closes, anyone in the society can check a receipt code, "
                    "sent in the body (never in the address, so no log keeps it). `replaced` "
                    "means a later vote by the same member counts instead. An unknown code is "
                    "a 404; a ballot still open is a 409.",
        request=ReceiptCheckSerializer,
        responses={200: ReceiptStatusSerializer, 400: VALIDATION_ERROR, 401: UNAUTHENTICATED,
                   404: NOT_FOUND, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="receipts/check")
    @sensitive_variables("body")
    def receipt(self, request, slug, pk):
        ballot = self.get_object()
        body = ReceiptCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not ballot.has_closed:
            raise Conflict("Receipts can be checked once the ballot has closed.")
        found = selectors.receipt_status(ballot, body.validated_data["code"])
        if found == "sealed":
            raise Conflict("The votes are still sealed for the scrutineer: receipts can be "
                           "checked once they have been opened.")
        if found is None:
            raise NotFound("No vote in this ballot has that receipt code. Check the code and "
                           "try again.")
        return Response(ReceiptStatusSerializer({"status": found}).data)
