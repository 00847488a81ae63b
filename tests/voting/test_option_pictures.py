"""Officers' own pictures for options and candidates: alt text is required, the file must be a
real picture, it is stored under a random name, shown with its alt text beside the option in
the standard and easy-read versions, audited, and served only to people of the society."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from coop.models import AuditEntry
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, assert_field_error
from voting import services
from voting.models import OptionPicture


def png(colour="red", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile("minibus photo.png", buffer.getvalue(), content_type="image/png")


def client_for(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


@pytest.fixture
def draft(society, secretary):
    return services.create_ballot(society, by=secretary, title="What should we buy?",
                                  summary="Choose one.", kind="choice",
                                  options=["Minibus", "Garden"])


def picture_url(ballot, option):
    return reverse("option_picture", args=[ballot.society.slug, ballot.pk, option.pk])


def stored_files() -> list[str]:
    try:
        return default_storage.listdir("option-pictures")[1]
    except FileNotFoundError:
        return []


def test_officer_adds_a_picture_with_alt_text(draft, secretary):
    minibus = draft.options.get(label="Minibus")
    response = client_for(secretary).post(picture_url(draft, minibus), {
        "image": png(), "alt_text": "Our green minibus outside the day centre"})
    assert response.status_code == 302
    picture = OptionPicture.objects.get(option=minibus)
    assert picture.alt_text == "Our green minibus outside the day centre"
    assert (picture.width, picture.height, picture.content_type) == (40, 30, "image/png")
    name = picture.image.name.removeprefix("option-pictures/")
    assert "minibus" not in name.lower() and len(name) == len("0" * 32 + ".png")
    assert default_storage.exists(picture.image.name)
    entry = AuditEntry.objects.get(action="voting.option.picture_set")
    assert entry.data["option"] == "Minibus" and entry.actor_id == secretary.pk
    manage = client_for(secretary).get(
        reverse("ballot_manage", args=[draft.society.slug, draft.pk])).content.decode()
    assert "Change the picture for “Minibus”" in manage


def test_a_picture_without_alt_text_is_refused_next_to_the_field(draft, secretary):
    minibus = draft.options.get(label="Minibus")
    response = client_for(secretary).post(picture_url(draft, minibus),
                                          {"image": png(), "alt_text": "   "})
    assert response.status_code == 200
    assert_field_error(response, "alt_text", "Describe the picture in words")
    assert not OptionPicture.objects.exists() and stored_files() == []


@pytest.mark.parametrize("upload, field, message", [
    (lambda: SimpleUploadedFile("x.png", b"not a picture at all"), "image",
     "This file is not a picture we can show"),
    (lambda: SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
     "image", "This file is not a picture we can show"),
    (lambda: None, "image", "Choose a picture to upload."),
])
def test_a_file_that_is_not_a_picture_is_refused(draft, secretary, upload, field, message):
    minibus = draft.options.get(label="Minibus")
    data = {"alt_text": "A minibus"}
    if upload() is not None:
        data["image"] = upload()
    response = client_for(secretary).post(picture_url(draft, minibus), data)
    assert response.status_code == 200
    assert_field_error(response, field, message)
    assert not OptionPicture.objects.exists() and stored_files() == []


def test_alt_text_has_a_length_limit(draft, secretary):
    minibus = draft.options.get(label="Minibus")
    response = client_for(secretary).post(picture_url(draft, minibus),
                                          {"image": png(), "alt_text": "x" * 151})
    assert_field_error(response, "alt_text", "150 characters or fewer")
    assert not OptionPicture.objects.exists()


def test_the_database_refuses_a_picture_without_alt_text(draft, secretary):
    picture = services.set_option_picture(draft.options.get(label="Minibus"), image=png(),
                                          alt_text="A minibus", by=secretary)
    with pytest.raises(IntegrityError), transaction.atomic():
        OptionPicture.objects.filter(pk=picture.pk).update(alt_text="")


def test_members_see_the_picture_with_its_alt_text_and_outsiders_cannot_fetch_it(
        draft, secretary, society, other_society):
    minibus = draft.options.get(label="Minibus")
    picture = services.set_option_picture(minibus, image=png(), alt_text="Our green minibus",
                                          by=secretary)
    member = MemberFactory(society=society, member_class=society.member_classes.first())
    services.open_ballot(draft, by=secretary, closes_at=timezone.now() + timedelta(days=7))
    address = reverse("option_picture_file", args=[society.slug, picture.pk])
    client = client_for(member.user)
    for view in ("standard", "easy"):
        page = client.get(reverse("ballot_detail", args=[society.slug, draft.pk]),
                          {"view": view}).content.decode()
        assert f'<img src="{address}" alt="Our green minibus"' in page
    served = client.get(address)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    outsider = client_for(MemberFactory(society=other_society).user)
    other_address = reverse("option_picture_file", args=[other_society.slug, picture.pk])
    assert outsider.get(other_address).status_code == 404
    assert outsider.get(address).status_code == 403


def test_a_draft_ballots_pictures_are_for_officers_only(draft, secretary, society):
    picture = services.set_option_picture(draft.options.get(label="Garden"), image=png(),
                                          alt_text="Raised beds", by=secretary)
    member = MemberFactory(society=society, member_class=society.member_classes.first())
    address = reverse("option_picture_file", args=[society.slug, picture.pk])
    assert client_for(member.user).get(address).status_code == 404
    assert client_for(secretary).get(address).status_code == 200


def test_a_picture_follows_its_option_when_the_draft_is_rewritten(draft, secretary):
    services.set_option_picture(draft.options.get(label="Minibus"), image=png(),
                                alt_text="Our minibus", by=secretary)
    services.update_draft(draft, by=secretary, options=["Garden", "Minibus", "Kitchen"])
    assert OptionPicture.objects.get().option == draft.options.get(label="Minibus")


def test_pictures_cannot_change_once_the_ballot_opens(draft, secretary):
    services.open_ballot(draft, by=secretary, closes_at=timezone.now() + timedelta(days=7))
    with pytest.raises(services.VotingError, match="opened"):
        services.set_option_picture(draft.options.get(label="Minibus"), image=png(),
                                    alt_text="Our minibus", by=secretary)
    assert stored_files() == []


def test_replacing_and_removing_a_picture_are_audited(draft, secretary,
                                                      django_capture_on_commit_callbacks):
    minibus = draft.options.get(label="Minibus")
    first = services.set_option_picture(minibus, image=png(), alt_text="Old", by=secretary)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(secretary).post(picture_url(draft, minibus),
                                   {"image": png("blue"), "alt_text": "New"})
    assert OptionPicture.objects.get().alt_text == "New"
    assert not default_storage.exists(first.image.name)  # replaced, so its file is gone
    with django_capture_on_commit_callbacks(execute=True):
        client_for(secretary).post(picture_url(draft, minibus), {"remove": "1"})
    assert not OptionPicture.objects.exists() and stored_files() == []
    actions = list(AuditEntry.objects.filter(action__startswith="voting.option.picture")
                   .values_list("action", flat=True).order_by("pk"))
    assert actions == ["voting.option.picture_set", "voting.option.picture_set",
                       "voting.option.picture_removed"]


def test_only_the_board_may_add_pictures(draft, society):
    member = MemberFactory(society=society, member_class=society.member_classes.first())
    response = client_for(member.user).post(
        picture_url(draft, draft.options.get(label="Minibus")),
        {"image": png(), "alt_text": "A minibus"})
    assert response.status_code == 403 and not OptionPicture.objects.exists()


@pytest.mark.parametrize("view", ["standard", "easy"])
def test_pictures_cost_no_query_per_option(society, secretary, view,
                                           django_assert_max_num_queries):
    """The ballot page reads every option's picture in the one options query."""
    member = MemberFactory(society=society, member_class=society.member_classes.first())
    counts = []
    for n in (2, 6):
        ballot = services.create_ballot(society, by=secretary, title=f"Vote {n}", summary="x",
                                        kind="ranked", options=[f"Cand {i}" for i in range(n)])
        for option in ballot.options.all():
            services.set_option_picture(option, image=png(), alt_text=f"Photo of {option}",
                                        by=secretary)
        services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + timedelta(days=7))
        client = client_for(member.user)
        address = reverse("ballot_detail", args=[society.slug, ballot.pk])
        client.get(address, {"view": view})  # the first visit may open due ballots etc.
        with CaptureQueriesContext(connection) as queries:
            page = client.get(address).content.decode()
        assert page.count('alt="Photo of Cand') == n * (2 if view == "easy" else 1)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        client.get(address)
