"""Voting with a companion: the person helping gives their name and confirms the declaration
on the member's signed-in session, before the vote. The declaration waits in the session
(never with the choices) until the vote is cast, when it is kept with the vote
(`services.helping`) and forgotten here."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from coop.decorators import society_context, society_view
from membership.selectors import member_for

from . import services
from .enums import BallotState
from .errors import VotingError
from .help_forms import CompanionForm
from .models import Ballot, RollEntry
from .services import helping

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
    if ballot.state != BallotState.OPEN or entry is None or entry.recused:
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
