"""Messages to members in a real browser, by keyboard alone: an officer writes a message,
previews it in each format and sends it; a member reads it on their Messages page and changes
their news choice. axe-core finds no WCAG 2.2 A/AA violation on any of these pages."""

import pytest

from communications import consent, services
from communications.models import Message
from tests.browser.keys import active, button, main_text, tab_to
from tests.browser.test_accessibility import visit
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def carers(society):
    carer = society.member_classes.get(name="Carer")
    made = [MemberFactory(society=society, member_class=carer, full_name="Eve Email"),
            MemberFactory(society=society, member_class=carer, full_name="Pat Post",
                          contact_by_email=False, contact_by_post=True, large_print=True),
            MemberFactory(society=society, member_class=carer, full_name="Ezra Easy",
                          easy_read=True)]
    for member in made:
        consent.give(member, how="website")
    return made


def press_enter_and_wait(page):
    """Enter on a link or button, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def by_id(element_id):
    return lambda el: el["id"] == element_id


def test_compose_preview_and_send_by_keyboard(page, sign_in, assert_accessible, society,
                                              secretary, carers):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/messages/manage/new/")
    assert_accessible(page, "compose")

    # Submitting empty: the error summary, then its links take the keyboard to the field.
    tab_to(page, button("Save the draft and preview it"), "the save button", limit=80)
    press_enter_and_wait(page)
    assert "Enter the subject." in page.locator(".error-summary").inner_text()
    assert_accessible(page, "compose with errors")
    page.locator(".error-summary a").first.focus()
    page.keyboard.press("Enter")
    assert active(page)["id"] == "id_subject"

    page.keyboard.type("Rota forum")
    tab_to(page, by_id("id_body"), "the message")
    page.keyboard.type("# Rotas\n\n- weekend cover")
    tab_to(page, by_id("id_easy_read_body"), "the easy-read version")
    page.keyboard.type("We want to talk about rotas.")
    tab_to(page, lambda el: el["name"] == "audience", "who gets it")
    # Arrow keys move through a radio group: the second choice is "classes".
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda el: el["name"] == "classes" and el["text"] == "", "a class",
           limit=5)
    while "Carer" not in page.evaluate(
            "() => document.querySelector(`label[for='${document.activeElement.id}']`)"
            ".innerText"):
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    tab_to(page, button("Save the draft and preview it"), "the save button")
    press_enter_and_wait(page)

    message = Message.objects.get()
    assert message.audience == "classes"
    text = main_text(page)
    assert "By email 2" in text and "By post 1" in text and "Letters in large print 1" in text
    assert_accessible(page, "preview as email")
    assert "We want to talk about rotas." not in main_text(page)
    for label, shows in (("Easy read", "We want to talk about rotas."),
                         ("Large print letter", "Download a sample large print letter (PDF)")):
        tab_to(page, lambda el, label=label: el["tag"] == "a" and el["text"] == label, label)
        press_enter_and_wait(page)
        assert shows in main_text(page)
        assert_accessible(page, f"preview as {label.lower()}")

    tab_to(page, button("Send now to 3 members"), "the send button")
    press_enter_and_wait(page)
    assert "Sent: 3 copies made" in main_text(page)
    message.refresh_from_db()
    assert message.queued_at is not None
    assert_accessible(page, "sent message")


def test_members_messages_page_by_keyboard(page, sign_in, assert_accessible, society,
                                           secretary, carers):
    message = services.create_draft(society, by=secretary, kind="news", subject="Rota forum",
                                    body="Full text here", easy_read_body="Easy words here",
                                    audience="all")
    services.send_now(message, by=secretary)
    member = carers[2]
    sign_in(page.context, member.user)
    visit(page, f"/s/{society.slug}/messages/")
    assert_accessible(page, "messages page")
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Rota forum", "the message")
    press_enter_and_wait(page)
    text = main_text(page)
    assert text.index("Easy words here") < text.index("Full text here")
    assert_accessible(page, "a message")

    visit(page, f"/s/{society.slug}/messages/")
    tab_to(page, lambda el: el["name"] == "news", "the news choice")
    page.keyboard.press("ArrowDown")  # "No, only send me notices"
    tab_to(page, button("Save my choice"), "save")
    press_enter_and_wait(page)
    assert "We will not send you news." in main_text(page)
    assert not consent.may_send_news(member)
    assert_accessible(page, "messages page after the choice")
