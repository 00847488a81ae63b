"""Voting with a companion: the person helping gives their name and confirms the declaration
on the member's signed-in session, before the vote. The declaration waits in the session
(never with the choices) until the vote is cast, when it is kept with the vote
(`services.helping`) and forgotten here. And an officer taking the vote of a member who
phoned or came in."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from coop.decorators import society_context, society_view
from membership.selectors import member_for

from . import permissions, services
from .enums import BallotState
from .errors import VotingError
from .help_forms import CompanionForm, OfficerVoteForm
from .models import Ballot, RollEntry
from .services import helping
from .views_officer import problems

SESSION_KEY = "voting_help_{}"


def current_help(request, ballot_pk) -> helping.Help | None:
    """The companion declared for this ballot in this session, if any."""
    saved = request.session.get(SESSION_KEY.format(ballot_pk))
    return helping.Help(name=saved["name"], declared=True) if saved else None


def forget_help(request, ballot_pk) -> None:
    request.session.pop(SESSION_KEY.format(ballot_pk), None)


def _can_vote(user, society) -> bool:
    return member_for(society, user) is not None


def companion_page(request, society, ballot, form, status=200):
    return render(request, "voting/companion.html", society_context(
        request, society, ballot=ballot, form=form, helper=current_help(request, ballot.pk),
        declaration=helping.COMPANION_DECLARATION,
        limit=society.max_voters_helped_per_ballot), status=status)


@society_view(_can_vote)
def companion(request, society, pk):
    """Say who is helping (or stop), for a ballot the member may vote in now."""
    ballot = services.open_if_due(get_object_or_404(Ballot, pk=pk, society=society))
    member = member_for(society, request.user)
    entry = RollEntry.objects.filter(ballot=ballot, member=member).first()
    if ballot.state != BallotState.OPEN or entry is None or entry.recused or (
            entry.has_voted and not ballot.allow_vote_changes):
        messages.error(request, "You cannot vote in this ballot now, so nobody can help you "
                                "with it.")
        return redirect("ballot_detail", society.slug, ballot.pk)
    if request.method == "POST" and "stop" in request.POST:
        forget_help(request, ballot.pk)
        messages.success(request, "Nobody is recorded as helping you now.")
        return redirect("ballot_detail", society.slug, ballot.pk)
    form = CompanionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _over_limit(ballot, entry, form):
        request.session[SESSION_KEY.format(ballot.pk)] = {
            "name": form.cleaned_data["helper_name"]}
        messages.success(request, f"{form.cleaned_data['helper_name']} is helping you vote. "
                                  "Their declaration will be kept with your vote.")
        return redirect("ballot_detail", society.slug, ballot.pk)
    return companion_page(request, society, ballot, form)


def _over_limit(ballot, entry, form) -> bool:
    refusal = helping.limit_refusal(ballot, entry, helping.Help(
        form.cleaned_data["helper_name"], declared=True))
    if refusal:
        form.add_service_error(VotingError(refusal, field="helper_name"))
    return bool(refusal)


def refused_help(request, society, ballot, error):
    """The vote was refused for its help (over the limit): say so next to the name."""
    help = current_help(request, ballot.pk)
    form = CompanionForm({"helper_name": help.name if help else "", "declaration": "on"})
    form.is_valid()
    form.add_service_error(error)
    messages.error(request, "Your vote has not been cast. Choose who helps you, or vote on "
                            "your own, then answer the ballot again.")
    return companion_page(request, society, ballot, form)


# --- a vote taken by an officer -------------------------------------------------------------------

@never_cache
@society_view(permissions.can_manage_ballots)
@sensitive_post_parameters()
@sensitive_variables("receipt", "form")
def take_vote(request, society, pk):
    """An officer records the vote of a member who phoned or came in. The receipt code is
    shown once, on the answer to the POST, for the officer to read out or post."""
    ballot = services.open_if_due(get_object_or_404(Ballot, pk=pk, society=society))
    accepting = ballot.state == BallotState.OPEN
    form = OfficerVoteForm(request.POST or None, ballot=ballot)
    receipt = None
    if accepting and request.method == "POST" and form.is_valid():
        try:
            receipt = services.take_vote(
                ballot, member_number=form.cleaned_data["member_number"],
                choices=form.marks(), by=request.user,
                identity_check=form.cleaned_data["identity_check"])
        except VotingError as error:
            form.add_service_error(error)
    return render(request, "voting/officer/take_vote.html", society_context(
        request, society, ballot=ballot, form=form, accepting=accepting, receipt=receipt,
        member_number=form.cleaned_data.get("member_number") if receipt else None,
        problems=problems(form), tell_member=helping.OFFICER_TELL_MEMBER,
        declaration=helping.OFFICER_DECLARATION))
