"""The scrutineer's seal pages in a real browser, by keyboard alone: setting the passphrase
(with its errors, then right), and, after close, opening the sealed votes (a wrong passphrase,
then the right one). axe-core (WCAG 2.2 A and AA) finds nothing on any of them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.keys import button, main_text, tab_to
from tests.browser.test_accessibility import visit
from tests.factories import MemberFactory
from voting import services
from voting.models import Ballot, Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "heron teapot orchard snow"


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


@pytest.fixture
def draft(society, secretary):
    return services.create_ballot(society, by=secretary, title="Spend the surplus",
                                  summary="Choose what to buy.", kind="choice",
                                  options=["Garden", "Minibus"], scrutineer_seal=True)


def field(name):
    return lambda el: el["tag"] == "input" and el["name"] == name


def test_setting_the_passphrase_by_keyboard(page, sign_in, assert_accessible, society,
                                            scrutineer, draft):
    sign_in(page.context, scrutineer)
    visit(page, f"/s/{society.slug}/ballots/{draft.pk}/manage/")
    assert "Waiting for the scrutineer to set the passphrase" in main_text(page)
    assert_accessible(page, "manage page (sealed draft, no passphrase)")
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Set the passphrase",
           "the set-the-passphrase link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ballots/{draft.pk}/seal/")
    assert "If the passphrase is lost, the votes cannot be counted" in main_text(page)
    assert_accessible(page, "set the passphrase")

    tab_to(page, field("passphrase"), "the passphrase box")
    page.keyboard.type(PASSPHRASE)
    tab_to(page, field("again"), "the second passphrase box")
    page.keyboard.type(PASSPHRASE + "x")
    tab_to(page, button("Set the passphrase"), "the button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "The two passphrases are not the same" in page.locator(".error-summary").inner_text()
    assert page.locator("#id_again").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_passphrase").input_value() == ""  # never sent back
    assert_accessible(page, "set the passphrase, with an error")

    tab_to(page, field("passphrase"), "the passphrase box")
    page.keyboard.type(PASSPHRASE)
    tab_to(page, field("again"), "the second passphrase box")
    page.keyboard.type(PASSPHRASE)
    tab_to(page, button("Set the passphrase"), "the button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ballots/{draft.pk}/manage/")
    assert "The scrutineer has set the passphrase" in main_text(page)
    assert Ballot.objects.get(pk=draft.pk).seal_public_key is not None


def test_opening_the_sealed_votes_by_keyboard(page, sign_in, assert_accessible, society,
                                              secretary, scrutineer, draft):
    voters = [MemberFactory(society=society, member_class=cls)
              for cls in society.member_classes.filter(votes=True)]
    services.set_passphrase(draft, by=scrutineer, passphrase=PASSPHRASE, again=PASSPHRASE)
    ballot = services.open_ballot(draft, by=secretary,
                                  closes_at=timezone.now() + timedelta(days=7))
    garden = ballot.options.get(label="Garden")
    for member in voters:
        services.cast_vote(ballot, member, {garden.pk: 1})
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/ballots/{ballot.pk}/results/")
    assert "Live figures are not available: this ballot is sealed for the scrutineer" in \
        main_text(page)
    assert_accessible(page, "results page (sealed, open)")

    services.close_ballot(ballot, by=secretary, reason="Counting early")
    page.context.clear_cookies()
    sign_in(page.context, scrutineer)
    visit(page, f"/s/{society.slug}/ballots/{ballot.pk}/manage/")
    assert "Waiting for the scrutineer" in main_text(page)
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Open the sealed votes",
           "the open-the-sealed-votes link")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ballots/{ballot.pk}/seal/open/")
    assert_accessible(page, "open the sealed votes")

    tab_to(page, field("passphrase"), "the passphrase box")
    page.keyboard.type("heron teapot orchard rain")
    tab_to(page, button("Open the votes"), "the button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "not the passphrase this ballot was sealed with" in \
        page.locator("#id_passphrase_error").inner_text()
    assert not Vote.objects.filter(ballot=ballot).exists()
    assert_accessible(page, "open the sealed votes, with an error")

    tab_to(page, field("passphrase"), "the passphrase box")
    page.keyboard.type(PASSPHRASE)
    tab_to(page, button("Open the votes"), "the button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ballots/{ballot.pk}/manage/")
    assert f"The box is open: {len(voters)} envelopes were opened" in main_text(page)
    assert Vote.objects.filter(ballot=ballot).count() == len(voters)
    assert_accessible(page, "manage page (sealed votes opened)")
