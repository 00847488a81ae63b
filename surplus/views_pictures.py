"""Officers' own pictures for surplus options: the page to add, change or remove one (the
board, while the proposal is a draft), and the picture itself, served through the storage API
to the people who may see the proposal (nothing of one co-op is visible from another)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from coop import permissions as coop_permissions
from coop.decorators import society_context, society_view
from coop.services import CoopError
from membership.services import current_membership
from voting.picture_forms import OptionPictureForm

from . import pictures, selectors
from .models import Proposal, ProposalOption, ProposalOptionPicture
from .permissions import can_manage_proposals


@society_view(can_manage_proposals)
def option_picture(request, society, pk, option_pk):
    proposal = get_object_or_404(Proposal, society=society, pk=pk)
    option = get_object_or_404(ProposalOption, proposal=proposal, pk=option_pk)
    picture = ProposalOptionPicture.objects.filter(option=option).first()
    form = OptionPictureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "remove" in request.POST:
        return _remove(request, society, proposal, option)
    if request.method == "POST" and form.is_valid():
        try:
            pictures.set_option_picture(option, image=form.cleaned_data["image"],
                                        alt_text=form.cleaned_data["alt_text"], by=request.user)
        except CoopError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The picture for “{option.title}” is saved.")
            return redirect("proposal_edit", society.slug, proposal.pk)
    return render(request, "surplus/officer/option_picture.html", society_context(
        request, society, proposal=proposal, option=option, picture=picture, form=form))


def _remove(request, society, proposal, option):
    try:
        pictures.remove_option_picture(option, by=request.user)
    except CoopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The picture for “{option.title}” is removed.")
    return redirect("proposal_edit", society.slug, proposal.pk)


def _can_look(user, society) -> bool:
    return (current_membership(society, user) is not None
            or coop_permissions.is_officer(user, society))


@society_view(_can_look)
def option_picture_file(request, society, picture_id):
    officer = can_manage_proposals(request.user, society)
    visible = selectors.proposals_for(society, officer=officer)
    picture = get_object_or_404(ProposalOptionPicture, pk=picture_id,
                                option__proposal__in=visible)
    try:
        handle = picture.image.storage.open(picture.image.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=picture.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
