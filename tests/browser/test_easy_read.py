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
