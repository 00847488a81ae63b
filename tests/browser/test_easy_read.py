"""Each page with an easy-read version (issue 18 §3) reached by keyboard alone: Tab to the
"Easy read" link, press Enter, and the easy-read version shows; axe-core finds no WCAG 2.2
A/AA violation on it, at 1280 and at 320 pixels wide."""

import pytest

from tests.browser.keys import tab_to
from tests.coop.easy_read_pages import PAGES, build_pages, members
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages(society, secretary, officer_for):
    return build_pages(society, secretary, officer_for("scrutineer"))


def link(label):
    return lambda el: el["tag"] == "a" and el["text"] == label


@pytest.mark.parametrize("name", PAGES)
def test_easy_read_by_keyboard_is_accessible(page, sign_in, assert_accessible, pages, society,
                                             name):
    reader = UserFactory() if name == "joining form" else members(society)[0].user
    sign_in(page.context, reader)
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(pages[name])
    assert response is not None and response.status == 200
    assert page.locator("#easy-read-heading").count() == 0
    tab_to(page, link("Easy read"), "the Easy read link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#easy-read-heading").is_visible()
    assert page.get_by_role("link", name="Standard version").is_visible()
    assert_accessible(page, f"{name} in easy read at 1280px")
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page, f"{name} in easy read at 320px")
    # Nothing wider than the screen at 320px (WCAG 1.4.10 reflow).
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_officer_adds_a_picture_and_members_see_it_with_its_alt_text(
        page, sign_in, assert_accessible, society, secretary, tmp_path):
    from datetime import timedelta

    from django.utils import timezone
    from PIL import Image

    from voting import services

    member = members(society, easy_read=True)[0]
    ballot = services.create_ballot(society, by=secretary, title="Summer social", summary="x",
                                    kind="choice", options=["Canal boat trip", "Garden"])
    boat = ballot.options.get(label="Canal boat trip")
    photo = tmp_path / "boat.png"
    Image.new("RGB", (120, 80), "#1d70b8").save(photo)

    sign_in(page.context, secretary)
    page.goto(f"/s/{society.slug}/ballots/{ballot.pk}/options/{boat.pk}/picture/")
    page.get_by_label("Picture", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Save the picture").click()
    assert page.locator("#id_alt_text_error").is_visible()  # no description: refused
    assert_accessible(page, "picture form with an error")
    page.get_by_label("Picture", exact=True).set_input_files(str(photo))
    page.get_by_label("Describe the picture").fill("Drawing of a narrowboat")
    page.get_by_role("button", name="Save the picture").click()
    assert "The picture for “Canal boat trip” is saved." in page.locator("main").inner_text()

    services.open_ballot(ballot, by=secretary, closes_at=timezone.now() + timedelta(days=7))
    page.context.clear_cookies()
    sign_in(page.context, member.user)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/s/{society.slug}/ballots/{ballot.pk}/")
        shown = page.get_by_role("img", name="Drawing of a narrowboat")
        assert shown.count() == 2  # in the easy-read list and beside the vote option
        assert page.evaluate("(img) => img.naturalWidth", shown.first.element_handle()) == 120
        assert_accessible(page, f"ballot page with an officer's picture at {width}px")
