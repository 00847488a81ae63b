"""The interest prompt in a real browser: axe-core finds nothing on the ballot page with the
prompt (a member with a deemed interest, and one asked whether to declare), with errors shown,
and on the check page with an interest; a member answers the prompt with the keyboard alone;
and choosing "No" hides the declaration boxes without any script."""

from datetime import timedelta

import pytest
from django.utils import timezone

from membership.models import Declaration, InterestTopic
from tests.factories import MemberFactory
from tests.voting.sealed import only_sealed
from voting import services

from .keys import RECEIPT, active, button, main_text, tab_to
from .keys import ballot_path as path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member_of(society):
    def make(class_name):
        return MemberFactory(society=society,
                             member_class=society.member_classes.get(name=class_name))

    return make


@pytest.fixture
def pay_ballot(society, secretary):
    """pay_ballot() -> an open ballot about PA pay (its roll is everyone on the register)."""

    def make():
        topic = InterestTopic.objects.get(society=society, name="PA pay and conditions")
        ballot = services.create_ballot(
            society, by=secretary, title="Raise PA pay", summary="Raise PA pay by 5%.",
            kind="resolution", topics=[topic], conflict_policy="declare")
        return services.open_ballot(ballot, by=secretary,
                                    closes_at=timezone.now() + timedelta(days=7))

    return make


def test_prompt_with_a_deemed_interest_is_accessible(page, sign_in, assert_accessible,
                                                     member_of, pay_ballot):
    pa = member_of("Personal assistant")
    pay_ballot = pay_ballot()
    sign_in(page.context, pa.user)
    page.goto(path(pay_ballot))
    assert "As a personal assistant you are treated as having an interest" in main_text(page)
    assert_accessible(page, "ballot page with the interest prompt")
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_interest_confirmed_error").is_visible()
    assert_accessible(page, "ballot page with an unconfirmed interest")
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_interest_confirmed"
    page.get_by_label("I have read my interests and I want to vote").check()
    page.get_by_role("button", name="Continue").click()
    assert "Your interests As a personal assistant" in main_text(page)
    assert_accessible(page, "check page with an interest")
    page.get_by_role("button", name="Cast my vote").click()
    assert RECEIPT.match(page.locator("#receipt-code").inner_text())
    assert only_sealed(pay_ballot).with_interest


def test_declare_now_question_is_accessible_with_errors(page, sign_in, assert_accessible,
                                                        member_of, pay_ballot):
    user_member = member_of("Service user")
    pay_ballot = pay_ballot()
    sign_in(page.context, user_member.user)
    page.goto(path(pay_ballot))
    assert_accessible(page, "ballot page with the declare-now question")
    declare_box = page.get_by_label("Describe the interest")
    assert declare_box.is_visible()
    page.get_by_label("No", exact=True).check()
    assert not declare_box.is_visible(), "choosing No hides the declaration boxes"
    page.get_by_label("Yes, I want to declare it now").check()
    assert declare_box.is_visible()
    page.get_by_role("button", name="Continue").click()
    assert page.locator("#id_interest_type_error").is_visible()
    assert page.locator("#id_interest_description_error").is_visible()
    assert page.locator("#id_choice_error").is_visible()
    assert_accessible(page, "ballot page with declaration errors")
    assert not Declaration.objects.exists()


def test_answer_the_prompt_with_the_keyboard_alone(page, sign_in, member_of, pay_ballot):
    """Tab, arrows, typing, Space and Enter: declare an interest, vote, read the receipt."""
    user_member = member_of("Service user")
    pay_ballot = pay_ballot()
    sign_in(page.context, user_member.user)
    page.goto(path(pay_ballot))
    tab_to(page, lambda el: el["name"] == "interest_answer", "the interest question")
    if active(page)["value"] != "declare":
        page.keyboard.press("ArrowDown")  # arrows move within a radio group and choose
    assert active(page)["value"] == "declare"
    tab_to(page, lambda el: el["name"] == "interest_type", "the kind of interest")
    while active(page)["value"] != "family":
        page.keyboard.press("ArrowDown")
    tab_to(page, lambda el: el["name"] == "interest_description", "the description")
    page.keyboard.type("My brother is a PA here.")
    tab_to(page, lambda el: el["name"] == "choice", "the vote")
    while page.evaluate("document.activeElement.labels[0].innerText") != "Against":
        page.keyboard.press("ArrowDown")
    tab_to(page, button("Continue"), "the Continue button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    text = main_text(page)
    assert "You are declaring Family or close relationship: My brother is a PA here." in text
    assert "Your vote Against" in text
    tab_to(page, button("Cast my vote"), "the Cast my vote button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert RECEIPT.match(page.locator("#receipt-code").inner_text())
    declaration = Declaration.objects.get()
    assert declaration.person == user_member.user
    assert declaration.description == "My brother is a PA here."
    assert only_sealed(pay_ballot).with_interest
