"""The member's voting pages in a real browser: axe-core finds nothing on the ballot page (with
and without errors), the check-your-answer page and the receipt page; a vote is cast with the
keyboard alone; and a vote is cast with JavaScript turned off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MemberFactory
from voting import selectors, services
from voting.models import Envelope

from .keys import RECEIPT, active, button, main_text, tab_to
from .keys import ballot_path as path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voter(society):
    users = society.member_classes.order_by("position").first()
    return MemberFactory(society=society, member_class=users)


@pytest.fixture
def make_ballot(society, secretary):
    def make(kind, options=None, **fields):
        ballot = services.create_ballot(
            society, by=secretary, title=fields.pop("title", "Spend the surplus"),
            summary="The board asks how to spend this year's surplus.",
            easy_read_summary="We have some money left. How should we use it?",
            kind=kind, options=options, **fields)
        if options:
            for o in ballot.options.all():
                o.description = f"About {o.label.lower()}."
                o.save()
        return services.open_ballot(ballot, by=secretary,
                                    closes_at=timezone.now() + timedelta(days=7))

    return make


def test_ballot_check_and_receipt_pages_are_accessible(page, sign_in, assert_accessible,
                                                       voter, make_ballot):
    ballot = make_ballot("choice", ["Garden", "Minibus", "Training"])
    sign_in(page.context, voter.user)
    page.goto(path(ballot))
    assert_accessible(page, "ballot page (choice)")
    page.get_by_label("Minibus").check()
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Check your answer before you vote"
    assert_accessible(page, "check your answer page")
    page.get_by_role("button", name="Cast my vote").click()
    assert RECEIPT.match(page.locator("#receipt-code").inner_text())
    assert_accessible(page, "receipt page")
    page.reload()
    assert page.locator("#receipt-code").count() == 0
    assert_accessible(page, "receipt page after reload")


def test_ballot_page_with_errors_is_accessible(page, sign_in, assert_accessible, voter,
                                               make_ballot):
    ballot = make_ballot("allocation", ["Garden", "Minibus"])
    sign_in(page.context, voter.user)
    page.goto(path(ballot))
    assert_accessible(page, "ballot page (allocation)")
    page.get_by_label("Garden").fill("50")
    page.get_by_label("Minibus").fill("lots")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_points_1_error").is_visible()
    assert_accessible(page, "ballot page with errors")
    # The summary's link takes focus to the box.
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") in {"id_points_0", "id_points_1"}
    assert not Envelope.objects.filter(ballot=ballot).exists()


def test_ranked_and_resolution_pages_are_accessible(page, sign_in, assert_accessible, voter,
                                                    make_ballot, secretary):
    ranked = make_ballot("ranked", ["Asha", "Ben", "Cleo"], weighting="one_member",
                         title="Board election")
    resolution = make_ballot("resolution", title="Change rule 12")
    sign_in(page.context, voter.user)
    page.goto(path(ranked))
    assert_accessible(page, "ballot page (ranked)")
    page.goto(path(resolution))
    assert_accessible(page, "ballot page (resolution)")
    page.goto(f"/s/{voter.society.slug}/ballots/")
    assert_accessible(page, "list of ballots")
    services.close_ballot(resolution, by=secretary, reason="Testing")
    page.goto(path(resolution, "check-receipt/"))
    page.get_by_label("Your receipt code").fill("ABCD-EFGH-JKMN-PQRS")
    page.get_by_role("button", name="Check my receipt").click()
    assert "No vote in this ballot has this receipt code" in main_text(page)
    assert_accessible(page, "receipt check")


def test_vote_with_the_keyboard_alone(page, sign_in, assert_accessible, voter, make_ballot):
    """Tab, Space and Enter only: tick two options, continue, cast, read the receipt."""
    ballot = make_ballot("approval", ["Garden", "Minibus", "Training"])
    sign_in(page.context, voter.user)
    page.goto(path(ballot))
    minibus, training = (ballot.options.get(label=label) for label in ("Minibus", "Training"))

    tab_to(page, lambda el: el["name"] == "choices" and el["value"] == str(minibus.pk),
           "the Minibus checkbox")
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["name"] == "choices" and el["value"] == str(training.pk),
           "the Training checkbox")
    page.keyboard.press("Space")
    tab_to(page, button("Continue"), "the Continue button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You ticked Minibus, Training" in main_text(page)

    tab_to(page, button("Cast my vote"), "the Cast my vote button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    code = page.locator("#receipt-code").inner_text()
    assert RECEIPT.match(code), main_text(page)[:500]
    assert selectors.receipt_status(ballot, code) == "counted"
    result = selectors.results(ballot)
    assert result.head_counts[minibus.pk] == result.head_counts[training.pk] == 1


def test_ranked_vote_with_the_keyboard_alone(page, sign_in, voter, make_ballot):
    """Typing numbers into the boxes; Tab moves between them; Enter continues and casts."""
    ballot = make_ballot("ranked", ["Asha", "Ben", "Cleo"], weighting="one_member")
    sign_in(page.context, voter.user)
    page.goto(path(ballot))
    tab_to(page, lambda el: el["name"] == "rank_0", "Asha's box")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    assert active(page)["name"] == "rank_1", "Tab goes from one box to the next"
    page.keyboard.type("1")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a box submits the form
    assert "Choice 1 Ben Choice 2 Asha Not ranked Cleo" in main_text(page)
    tab_to(page, button("Cast my vote"), "the Cast my vote button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert RECEIPT.match(page.locator("#receipt-code").inner_text())
    ben, asha = ballot.options.get(label="Ben"), ballot.options.get(label="Asha")
    assert selectors.ranked_ballots(ballot) == [((ben.pk, asha.pk), 1)]


def test_vote_without_javascript(nojs_context, sign_in, voter, make_ballot):
    """Choose, continue, change (the choice comes back), continue, cast: no script needed."""
    ballot = make_ballot("resolution")
    sign_in(nojs_context, voter.user)
    page = nojs_context.new_page()
    page.goto(path(ballot))
    page.get_by_label("Against").check()
    page.get_by_role("button", name="Continue").click()
    assert "Your vote Against" in main_text(page)
    page.get_by_role("button", name="Change your answer").click()
    assert page.get_by_label("Against").is_checked(), "Change brings the answer back"
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Cast my vote").click()
    code = page.locator("#receipt-code").inner_text()
    assert RECEIPT.match(code)
    assert page.evaluate("document.activeElement === document.body"), "JavaScript ran"
    result = selectors.results(ballot)
    assert result.head_counts[ballot.options.get(code="for").pk] == 1
    assert result.head_counts[ballot.options.get(code="against").pk] == 0
