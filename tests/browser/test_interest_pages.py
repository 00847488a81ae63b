"""The register of interests in a real browser: axe-core (WCAG 2.2 A and AA) finds nothing on
the declaration form (empty and with its errors), a member's interests page (with a changed
declaration's history open and an officer's return) and the board's register; a member
declares an interest with the keyboard only, and with JavaScript turned off."""

import pytest
from django.utils import timezone

from membership.interests import services
from membership.models import Declaration, InterestTopic
from tests.browser.test_accessibility import visit
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def topic(society, name):
    return InterestTopic.objects.get(society=society, name=name)


@pytest.fixture
def pa(society):
    return MemberFactory(society=society, full_name="Pat Assistant",
                         member_class=society.member_classes.get(name="Personal assistant"))


@pytest.fixture
def declared(society, pa, officer_for):
    """A PA's declaration, changed once; and a trustee's, which every member can see."""
    first = services.declare(society, pa.user, by=pa.user,
                             topics=[topic(society, "Contracts and suppliers")],
                             interest_type="family", other_party="Able Transport Ltd",
                             description="My brother drives for Able Transport.",
                             began_on=timezone.localdate().replace(day=1))
    services.amend(first, by=pa.user, description="My brother owns Able Transport.",
                   note="He bought the firm")
    trustee = officer_for("trustee")
    services.declare(society, trustee, by=trustee,
                     topics=[topic(society, "New services for carers")],
                     interest_type="personal", description="I care for my mother.")
    return first


def test_declaration_form_empty_and_with_errors(page, sign_in, assert_accessible, society,
                                                pa):
    sign_in(page.context, pa.user)
    visit(page, f"/s/{society.slug}/interests/declare/")
    assert_accessible(page, "declaration form")

    page.get_by_label("When did it begin?").fill("2199-01-01")
    page.get_by_role("button", name="Declare this interest").click()

    assert page.title().startswith("Error: Declare an interest")
    summary = page.locator(".error-summary")
    assert "Choose at least one topic the interest is about." in summary.inner_text()
    assert "Describe the interest in a sentence or two." in summary.inner_text()
    assert "The date it began cannot be in the future." in summary.inner_text()
    assert_accessible(page, "declaration form with errors")
    # The summary's link takes keyboard focus to the field.
    summary.get_by_role("link", name="Describe the interest in a sentence or two.").click()
    assert page.evaluate("document.activeElement.id") == "id_description"


def test_declaration_form_with_service_error(page, sign_in, assert_accessible, society, pa):
    sign_in(page.context, pa.user)
    visit(page, f"/s/{society.slug}/interests/declare/")
    page.get_by_label("Contracts and suppliers").check()
    page.get_by_label("Family or close relationship").check()
    page.get_by_label("Describe the interest").fill("My cousin runs the taxi firm.")
    page.get_by_label("When did it begin?").fill("2199-01-01")
    page.get_by_role("button", name="Declare this interest").click()

    error = page.locator("#id_began_on_error")
    assert "The date it began cannot be in the future." in error.inner_text()
    assert page.get_by_label("Describe the interest").input_value() == (
        "My cousin runs the taxi firm.")
    assert_accessible(page, "declaration form with a date in the future")
    assert not Declaration.objects.exists()


def test_my_interests_page(page, sign_in, assert_accessible, society, pa, declared):
    sign_in(page.context, pa.user)
    visit(page, f"/s/{society.slug}/interests/")
    main = page.locator("main")
    assert "My brother owns Able Transport." in main.inner_text()
    assert "PA pay and conditions" in main.inner_text()  # deemed, from the class
    assert "I care for my mother." in main.inner_text()  # the trustee's, for transparency
    page.get_by_text("Earlier versions (1)").click()
    assert page.get_by_text("My brother drives for Able Transport.").is_visible()
    assert_accessible(page, "my interests, history open")


def test_officers_return_on_my_interests(page, sign_in, assert_accessible, society,
                                         officer_for):
    secretary = officer_for("secretary")
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/interests/")
    page.get_by_role("button", name="Make my return").click()
    assert "Choose whether your declarations are complete" in page.locator(
        ".error-summary").inner_text()
    assert_accessible(page, "officer's return with an error")

    page.get_by_label("I have nothing to declare (nil return)").check()
    page.get_by_role("button", name="Make my return").click()
    assert "Your return has been recorded." in page.locator("main").inner_text()
    assert_accessible(page, "officer's return made")


def test_register_page(page, sign_in, assert_accessible, society, declared, officer_for):
    sign_in(page.context, officer_for("secretary"))
    visit(page, f"/s/{society.slug}/interests/register/")
    table = page.get_by_role("table", name="Declarations")
    assert "My brother owns Able Transport." in table.inner_text()
    assert "drives for" not in table.inner_text()
    assert page.get_by_role("table", name="Officers' returns").is_visible()
    assert_accessible(page, "register of interests")

    page.get_by_role("link", name="Pat Assistant").click()
    history = page.locator("main").inner_text()
    assert "Version 2 (latest)" in history and "My brother drives for" in history
    assert_accessible(page, "a declaration's history")

    page.go_back()
    page.get_by_label("Topic").select_option(label="New services for carers")
    page.get_by_role("button", name="Show declarations").click()
    assert "Able Transport" not in page.get_by_role("table", name="Declarations").inner_text()
    assert "I care for my mother." in page.get_by_role("table", name="Declarations").inner_text()


def test_topics_page(page, sign_in, assert_accessible, society, officer_for):
    sign_in(page.context, officer_for("trustee"))
    visit(page, f"/s/{society.slug}/interests/topics/")
    page.get_by_role("button", name="Add the topic").click()
    assert "Enter a name for the topic." in page.locator("#id_name_error").inner_text()
    assert_accessible(page, "topics with an error")


def test_declare_with_keyboard_only(page, sign_in, society, pa):
    sign_in(page.context, pa.user)
    visit(page, f"/s/{society.slug}/interests/declare/")
    page.get_by_label("New services for users").focus()
    page.keyboard.press("Space")
    page.get_by_label("Personal (it affects you in another way)").focus()
    page.keyboard.press("Space")
    page.get_by_label("Describe the interest").focus()
    page.keyboard.type("I would use the new day centre.")
    page.get_by_role("button", name="Declare this interest").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{society.slug}/interests/")

    declaration = Declaration.objects.get(person=pa.user)
    assert declaration.description == "I would use the new day centre."


def test_declare_without_javascript(nojs_context, sign_in, society, pa):
    sign_in(nojs_context, pa.user)
    page = nojs_context.new_page()
    visit(page, f"/s/{society.slug}/interests/declare/")
    page.get_by_label("Contracts and suppliers").check()
    page.get_by_label("Other", exact=True).check()
    page.get_by_label("Describe the interest").fill("I sit on the supplier's board.")
    page.get_by_role("button", name="Declare this interest").click()

    assert "I sit on the supplier's board." in page.locator("main").inner_text()
    assert Declaration.objects.filter(person=pa.user).count() == 1
