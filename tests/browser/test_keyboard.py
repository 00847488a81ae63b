"""Keyboard-only use: the skip link, and a whole application done with Tab, Space, Enter and
typing. Nothing here clicks or fills an element: focus moves only through page.keyboard."""

import pytest

from membership.models import Application

from .keys import active, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def by_name(name):
    return lambda el: el["name"] == name


def test_skip_link_is_first_and_moves_focus_to_main(page, society):
    page.goto(f"/s/{society.slug}/")
    page.keyboard.press("Tab")
    first = active(page)
    assert first is not None and first["tag"] == "a" and first["href"] == "#main", (
        f"the first Tab stop should be the skip link, not {first}")
    assert "skip" in first["text"].lower()
    assert page.locator("a[href='#main']").first.is_visible(), "the skip link shows on focus"
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == "main", f"Enter on the skip link moves focus to <main> (got #{focused})"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # The next Tab goes to the first interactive element inside main, past the header.
    page.keyboard.press("Tab")
    inside = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside, f"after the skip link, Tab continues inside main (focus: {active(page)})"


def test_apply_with_the_keyboard_alone(page, sign_in, assert_accessible, society, user):
    sign_in(page.context, user)
    page.goto(f"/s/{society.slug}/apply/")
    first_class = society.member_classes.order_by("position", "pk").first()

    # Class of member: a radio group. Tab reaches the group, arrows move, Space selects.
    radio = tab_to(page, by_name("member_class"), "the class radios")
    for _ in range(10):
        if radio["value"] == str(first_class.pk):
            break
        page.keyboard.press("ArrowDown")
        radio = active(page)
    page.keyboard.press("Space")
    chosen = page.evaluate("document.querySelector('input[name=member_class]:checked')?.value")
    assert chosen == str(first_class.pk)

    tab_to(page, by_name("full_name"), "full name")
    page.keyboard.type("Ada Keyboard")
    tab_to(page, by_name("address"), "address")
    page.keyboard.type("1 Tab Street")
    page.keyboard.press("Enter")  # a new line in the textarea, not a submit
    page.keyboard.type("Leeds")
    tab_to(page, by_name("postcode"), "postcode")
    page.keyboard.type("LS1 1AA")
    tab_to(page, by_name("phone"), "phone")
    page.keyboard.type("0113 496 0000")
    tab_to(page, by_name("access_needs"), "access needs")
    page.keyboard.type("Papers in large print, please.")
    tab_to(page, by_name("confirmed_eligible"), "the eligibility confirmation")
    page.keyboard.press("Space")
    tab_to(page, by_name("confirmed_not_in_other_class"), "the other-class confirmation")
    page.keyboard.press("Space")
    tab_to(page, lambda el: el["tag"] == "button" and el["type"] == "submit"
           and "sign out" not in el["text"].lower(), "the submit button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(f"/s/{society.slug}/apply/sent/"), (
        f"ended on {page.url}; page says: {page.locator('main').inner_text()[:500]}")
    assert page.locator("h1").first.inner_text().strip()
    application = Application.objects.get(society=society, user=user)
    assert application.full_name == "Ada Keyboard"
    assert application.address.replace("\r\n", "\n") == "1 Tab Street\nLeeds"
    assert application.postcode.upper().replace(" ", "") == "LS11AA"
    assert application.member_class == first_class
    assert application.confirmed_eligible and application.confirmed_not_in_other_class
    assert application.email == user.email  # kept from the pre-filled field
    assert_accessible(page, "application sent")
