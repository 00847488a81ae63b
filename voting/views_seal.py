"""The scrutineer's seal pages: setting the passphrase before the ballot opens, and opening
the box with it after close. Both do their work in the request (see `services.sealing`):
the passphrase is never stored, logged or queued, and is left out of error reports."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from coop.decorators import society_context, society_view

from . import permissions, services
from .enums import BallotState
from .models import Ballot
from .seal_forms import OpenBoxForm, SetPassphraseForm


def _page(request, society, ballot, form, *, mode: str, status: int = 200):
    problems = [(f"#{bound.id_for_label}", error) for bound in form for error in bound.errors]
    problems += [("", error) for error in form.non_field_errors()]
    return render(request, "voting/officer/seal.html", society_context(
        request, society, ballot=ballot, form=form, mode=mode, problems=problems),
        status=status)


@sensitive_post_parameters("passphrase", "again")
@society_view(permissions.can_scrutinise)
def set_passphrase(request, society, pk):
    """Before the ballot opens: the scrutineer chooses the passphrase (twice)."""
    ballot = get_object_or_404(Ballot, pk=pk, society=society, scrutineer_seal=True)
    form = SetPassphraseForm(request.POST if request.method == "POST" else None)
    if not ballot.is_editable:
        return _page(request, society, ballot, form, mode="too_late")
    if request.method == "POST" and form.is_valid():
        try:
            services.set_passphrase(ballot, by=request.user, **form.cleaned_data)
        except services.VotingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The passphrase is set. The board can now open the "
                                      "ballot. Keep the passphrase safe: without it the "
                                      "votes cannot be counted.")
            return redirect("ballot_manage", society.slug, ballot.pk)
    return _page(request, society, ballot, form, mode="set",
                 status=400 if form.errors else 200)


@sensitive_post_parameters("passphrase")
@society_view(permissions.can_scrutinise)
def open_box(request, society, pk):
    """After close: the scrutineer types the passphrase and the box is opened there and then."""
    ballot = get_object_or_404(Ballot, pk=pk, society=society, scrutineer_seal=True)
    form = OpenBoxForm(request.POST if request.method == "POST" else None)
    if ballot.state != BallotState.CLOSED or not services.waiting_for_scrutineer(ballot):
        return _page(request, society, ballot, form, mode="nothing_to_open")
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.open_sealed_box(ballot, by=request.user,
                                              passphrase=form.cleaned_data["passphrase"])
        except services.VotingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The box is open: {opened} envelopes were opened and "
                                      "mixed. You can now check and certify the count.")
            return redirect("ballot_manage", society.slug, ballot.pk)
    return _page(request, society, ballot, form, mode="open",
                 status=400 if form.errors else 200)
