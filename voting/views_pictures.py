"""Officers' own pictures for options and candidates: the page to add, change or remove one
(board, until the ballot opens), and the picture itself, served through the storage API to
people of this society only (nothing of one co-op is visible from another)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from coop import permissions as coop_permissions
from coop.decorators import society_context, society_view
from membership.selectors import member_for

from . import permissions, selectors, services
from .models import Ballot, BallotOption, OptionPicture
from .picture_forms import OptionPictureForm


def can_see_pictures(user, society) -> bool:
    return member_for(society, user) is not None or coop_permissions.is_officer(user, society)


@society_view(permissions.can_manage_ballots)
def option_picture(request, society, pk, option_pk):
    ballot = get_object_or_404(Ballot, society=society, pk=pk)
    option = get_object_or_404(BallotOption, ballot=ballot, pk=option_pk)
    picture = OptionPicture.objects.filter(ballot=ballot, label=option.label).first()
    form = OptionPictureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "remove" in request.POST:
        return _remove(request, society, ballot, option)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_option_picture(option, image=form.cleaned_data["image"],
                                        alt_text=form.cleaned_data["alt_text"], by=request.user)
        except services.VotingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The picture for “{option.label}” is saved.")
            return redirect("ballot_manage", society.slug, ballot.pk)
    return render(request, "voting/officer/option_picture.html", society_context(
        request, society, ballot=ballot, option=option, picture=picture, form=form))


def _remove(request, society, ballot, option):
    try:
        services.remove_option_picture(option, by=request.user)
    except services.VotingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The picture for “{option.label}” is removed.")
    return redirect("ballot_manage", society.slug, ballot.pk)


@society_view(can_see_pictures)
def option_picture_file(request, society, picture_id):
    officer = permissions.can_see_drafts(request.user, society)
    visible = selectors.visible_ballots(society, request.user, officer=officer)
    picture = get_object_or_404(OptionPicture, pk=picture_id, ballot__in=visible)
    try:
        handle = picture.image.storage.open(picture.image.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=picture.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
