"""Voting with help in a real browser: the companion's declaration page and the officer's
take-a-vote page have no axe violations at 1280 and 320 pixels wide (with and without errors),
and each vote is done with the keyboard alone."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MemberFactory
from voting import services
from voting.models import VotingHelp

from .keys import RECEIPT, button, main_text, tab_to
from .keys import ballot_path as path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 320, "height": 640}


@pytest.fixture
def voter(society):
    return MemberFactory(society=society,
                         member_class=society.member_classes.order_by("position").first())


@pytest.fixture
def ballot(society, secretary, voter):
    draft = services.create_ballot(society, by=secretary, title="Garden day",
                                   summary="Which Saturday?", kind="choice",
                                   options=["First", "Last"])
    return services.open_ballot(draft, by=secretary,
                                closes_at=timezone.now() + timedelta(days=7))


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1280px", "320px"])
def test_the_declaration_page_is_accessible_with_and_without_errors(page, sign_in,
                                                                    assert_accessible, voter,
                                                                    ballot, size):
    page.set_viewport_size(size)
    sign_in(page.context, voter.user)
    page.goto(path(ballot, "help/"))
    assert_accessible(page, f"declaration page at {size['width']}px")
    page.get_by_role("button", name="Confirm and go to the ballot").click()
    assert page.locator("#id_declaration_error").is_visible()
    assert page.locator("#id_helper_name_error").is_visible()
    assert_accessible(page, f"declaration page with errors at {size['width']}px")
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_helper_name"
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


def test_a_helped_vote_with_the_keyboard_alone(page, sign_in, assert_accessible, voter, ballot):
    sign_in(page.context, voter.user)
    page.goto(path(ballot))
    tab_to(page, lambda el: el["tag"] == "a" and el["id"] == "help-link", "the help link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path(ballot, 'help/')}")
    tab_to(page, lambda el: el["id"] == "id_helper_name", "the name box")
    page.keyboard.type("Sam Carer")
    tab_to(page, lambda el: el["id"] == "id_declaration", "the declaration box")
    page.keyboard.press("Space")
    tab_to(page, button("Confirm and go to the ballot"), "the confirm button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path(ballot)}")
    assert "Sam Carer is helping you vote." in main_text(page)
    assert_accessible(page, "ballot page with a companion")
    tab_to(page, lambda el: el["type"] == "radio", "the first option")
    page.keyboard.press("Space")
    tab_to(page, button("Continue"), "Continue")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path(ballot, 'vote/')}")
    assert "Sam Carer, who has made the declaration" in main_text(page)
    assert_accessible(page, "check page with a companion")
    tab_to(page, button("Cast my vote"), "Cast my vote")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path(ballot, 'receipt/')}")
    assert RECEIPT.match(page.locator("#receipt-code").inner_text())
    assert VotingHelp.objects.get(ballot=ballot).helper_name == "Sam Carer"


@pytest.mark.parametrize("size", [WIDE, PHONE], ids=["1280px", "320px"])
def test_the_officer_page_is_accessible_and_works_with_the_keyboard(page, sign_in,
                                                                   assert_accessible, voter,
                                                                   ballot, secretary, size):
    page.set_viewport_size(size)
    sign_in(page.context, secretary)
    page.goto(path(ballot, "take-vote/"))
    assert_accessible(page, f"take a vote page at {size['width']}px")
    page.get_by_role("button", name="Cast the member's vote").click()
    assert page.locator("#id_declaration_error").is_visible()
    assert_accessible(page, f"take a vote page with errors at {size['width']}px")
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    tab_to(page, lambda el: el["id"] == "id_member_number", "the member number")
    page.keyboard.type(str(voter.membership_number))
    tab_to(page, lambda el: el["id"] == "id_identity_check", "how identity was checked")
    page.keyboard.type("Asked their date of birth and address")
    tab_to(page, lambda el: el["id"] == "id_member_told", "the member told box")
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["type"] == "radio", "the first option")
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["id"] == "id_declaration", "the declaration box")
    page.keyboard.press("Space")
    tab_to(page, button("Cast the member's vote"), "the cast button")
    page.keyboard.press("Enter")
    page.locator("#vote-taken").wait_for()
    assert RECEIPT.match(page.locator("#receipt-code").inner_text())
    assert_accessible(page, f"vote taken at {size['width']}px")
    assert VotingHelp.objects.get(ballot=ballot).kind == "officer"
