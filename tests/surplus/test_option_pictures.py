"""Officers' pictures for surplus options: alt text required, a real picture only, shown with
its alt text on the proposal page, audited, served only to people who may see the proposal,
and fixed once the proposal is put to the members."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from coop.models import AuditEntry
from surplus import pictures, services
from surplus.models import ProposalOptionPicture
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, assert_field_error
from tests.surplus.test_member_pages import draft, locked_year, put_to_vote
from voting.models import OptionPicture


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (50, 40), "green").save(buffer, "PNG")
    return SimpleUploadedFile("garden.png", buffer.getvalue(), content_type="image/png")


def client_for(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


@pytest.fixture
def proposal(society, secretary):
    return draft(locked_year(society, secretary), secretary)


def garden(proposal):
    return proposal.options.get(title="Sensory garden")


def page_url(proposal):
    return reverse("surplus_option_picture",
                   args=[proposal.society.slug, proposal.pk, garden(proposal).pk])


def test_officer_adds_a_picture_and_members_see_it_with_its_alt_text(proposal, secretary,
                                                                       society):
    response = client_for(secretary).post(page_url(proposal), {
        "image": png(), "alt_text": "The sensory garden with raised beds"})
    assert response.status_code == 302
    picture = ProposalOptionPicture.objects.get(option=garden(proposal))
    assert default_storage.exists(picture.image.name) and "garden" not in picture.image.name
    assert AuditEntry.objects.filter(action="surplus.option.picture_set").count() == 1
    put_to_vote(proposal, secretary)
    member = MemberFactory(society=society, member_class=society.member_classes.first())
    address = reverse("surplus_picture_file", args=[society.slug, picture.pk])
    client = client_for(member.user)
    for view in ("standard", "easy"):
        page = client.get(reverse("proposal_detail", args=[society.slug, proposal.pk]),
                          {"view": view}).content.decode()
        assert f'<img src="{address}" alt="The sensory garden with raised beds"' in page
    served = client.get(address)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_a_picture_without_alt_text_is_refused(proposal, secretary):
    response = client_for(secretary).post(page_url(proposal), {"image": png(), "alt_text": ""})
    assert response.status_code == 200
    assert_field_error(response, "alt_text", "Describe the picture in words")
    assert not ProposalOptionPicture.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused(proposal, secretary):
    response = client_for(secretary).post(page_url(proposal), {
        "image": SimpleUploadedFile("x.png", b"nope"), "alt_text": "A garden"})
    assert_field_error(response, "image", "This file is not a picture we can show")
    assert not ProposalOptionPicture.objects.exists()


def test_a_draft_proposals_pictures_are_for_the_board_only(proposal, secretary, society,
                                                          other_society):
    picture = pictures.set_option_picture(garden(proposal), image=png(), alt_text="A garden",
                                          by=secretary)
    member = MemberFactory(society=society, member_class=society.member_classes.first())
    address = reverse("surplus_picture_file", args=[society.slug, picture.pk])
    assert client_for(member.user).get(address).status_code == 404
    assert client_for(secretary).get(address).status_code == 200
    outsider = MemberFactory(society=other_society,
                             member_class=other_society.member_classes.first())
    assert client_for(outsider.user).get(address).status_code == 403


def test_removing_the_option_removes_its_picture(proposal, secretary,
                                                 django_capture_on_commit_callbacks):
    picture = pictures.set_option_picture(garden(proposal), image=png(), alt_text="A garden",
                                          by=secretary)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_option(garden(proposal), by=secretary)
    assert not ProposalOptionPicture.objects.exists()
    assert not default_storage.exists(picture.image.name)


def test_pictures_are_fixed_once_put_to_the_members(proposal, secretary):
    option = garden(proposal)
    put_to_vote(proposal, secretary)
    with pytest.raises(services.CoopError, match="put to the members"):
        pictures.set_option_picture(option, image=png(), alt_text="A garden", by=secretary)
    assert not ProposalOptionPicture.objects.exists()


def test_the_ballot_shows_the_options_picture_too(proposal, secretary, society):
    pictures.set_option_picture(garden(proposal), image=png(), alt_text="The sensory garden",
                                by=secretary)
    proposal = put_to_vote(proposal, secretary)
    ballot_picture = OptionPicture.objects.get(option__ballot=proposal.ballot)
    assert ballot_picture.option.label == "Sensory garden"
    assert ballot_picture.alt_text == "The sensory garden" and ballot_picture.width == 50
    member = MemberFactory(society=society, member_class=society.member_classes.first())
    page = client_for(member.user).get(
        reverse("ballot_detail", args=[society.slug, proposal.ballot.pk])).content.decode()
    address = reverse("option_picture_file", args=[society.slug, ballot_picture.pk])
    assert f'<img src="{address}" alt="The sensory garden"' in page
