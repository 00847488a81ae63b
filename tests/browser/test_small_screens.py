"""Phones, magnifiers and keyboards (accessibility issue, section 4): the menu folds away at
320 px without JavaScript, tables scroll inside their own focusable box, the date picker's
calendar button keeps a focus ring, the answer to a receipt check takes focus, the receipt code
can be saved or printed, and the receipt list does not widen the page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MemberFactory
from voting import services

from .keys import ballot_path, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 900}
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def voter(society):
    return MemberFactory(society=society,
                         member_class=society.member_classes.order_by("position").first())


@pytest.fixture
def ballot(society, secretary, voter):
    made = services.create_ballot(society, by=secretary, title="Buy a minibus",
                                  summary="Should we buy a minibus?", kind="resolution")
    return services.open_ballot(made, by=secretary, closes_at=timezone.now() + timedelta(days=7))


def test_officer_menu_folds_away_at_320px_without_javascript(nojs_context, sign_in, society,
                                                             secretary):
    sign_in(nojs_context, secretary)
    page = nojs_context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"/s/{society.slug}/officers/")
    menu = page.locator("nav.header__nav")
    register = menu.get_by_role("link", name="Register")
    assert not register.is_visible(), "the links are folded away at first"
    assert menu.bounding_box()["height"] < 60, "the folded menu takes one line"
    heading_top = page.locator("main h1").bounding_box()["y"]
    assert heading_top < 250, f"the page's heading starts {heading_top}px down"

    page.locator("summary", has_text="Menu").focus()
    page.keyboard.press("Enter")
    assert register.is_visible(), "Enter on Menu shows the links"
    assert page.evaluate(SIDEWAYS) <= 0

    page.set_viewport_size(WIDE)
    page.reload()
    assert register.is_visible(), "on a wide screen the links show without opening anything"
    assert not page.locator("summary", has_text="Menu").is_visible()
    # (axe cannot run without JavaScript; the crawl checks this page with it at both widths.)


def test_wide_table_scrolls_in_its_own_box_and_takes_focus(page, sign_in, society, secretary):
    for n in range(3):
        MemberFactory(society=society, address=f"Flat {n}, A Very Long Building Name, Street")
    sign_in(page.context, secretary)
    page.set_viewport_size(PHONE)
    page.goto(f"/s/{society.slug}/officers/register/")
    assert page.evaluate(SIDEWAYS) <= 0, "the page itself does not scroll sideways"
    region = page.locator(".table-wrap").first
    assert region.get_attribute("aria-label")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-wrap')")
    before = region.evaluate("el => el.scrollLeft")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    assert region.evaluate("el => el.scrollLeft") > before, "arrow keys scroll the table"


def test_date_pickers_calendar_button_keeps_a_focus_ring(page, sign_in, member):
    sign_in(page.context, member.user)
    page.goto(f"/s/{member.society.slug}/interests/declare/")
    field = page.locator("input[type=date]").first
    field.focus()
    # Tab through day, month and year on to the calendar button; the field still shows focus.
    seen = []
    for _ in range(4):
        state = field.evaluate("el => ({focus: el.matches(':focus'), "
                               "outline: getComputedStyle(el).outlineStyle, "
                               "width: getComputedStyle(el).outlineWidth, "
                               "active: document.activeElement === el})")
        seen.append(state)
        if not state["active"]:
            break
        page.keyboard.press("Tab")
    on_button = [s for s in seen if s["active"] and not s["focus"]]
    assert on_button, f"Tab never reached the calendar button: {seen}"
    assert all(s["outline"] == "solid" and s["width"] == "3px" for s in on_button), seen


def test_receipt_check_answer_takes_focus(page, sign_in, voter, ballot, secretary):
    code = services.cast_vote(ballot, voter, {ballot.options.get(label="For").pk: 1})
    services.close_ballot(ballot, by=secretary, reason="Testing")
    sign_in(page.context, voter.user)
    page.goto(ballot_path(ballot, "check-receipt/"))
    page.get_by_label("Your receipt code").fill(code)
    page.get_by_role("button", name="Check my receipt").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "receipt-answer"
    assert "was counted" in page.locator("#receipt-answer").inner_text()


def test_receipt_code_can_be_saved_and_printed(page, sign_in, voter, ballot):
    sign_in(page.context, voter.user)
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed++; };")
    page.goto(ballot_path(ballot))
    page.get_by_label("For", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Cast my vote").click()
    code = page.locator("#receipt-code").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="Save the code as a file").click()
    saved = open(download.value.path(), encoding="utf-8").read()
    assert code in saved and "Buy a minibus" in saved

    tab_to(page, lambda el: el["text"] == "Print this page", "the print button")
    page.keyboard.press("Enter")
    assert page.evaluate("window.__printed") == 1


def test_receipt_list_does_not_widen_the_page_when_opened(page, sign_in, society, secretary,
                                                          officer_for, voter, ballot):
    services.cast_vote(ballot, voter, {ballot.options.get(label="For").pk: 1})
    services.close_ballot(ballot, by=secretary, reason="Testing")
    services.certify_ballot(ballot, by=officer_for("scrutineer"))
    services.publish_ballot(ballot, by=secretary)
    sign_in(page.context, voter.user)
    page.set_viewport_size(PHONE)
    page.goto(ballot_path(ballot, "results/"))
    page.locator("#receipts summary").click()
    assert page.locator("#receipts code").first.is_visible()
    assert page.evaluate(SIDEWAYS) <= 0, "a 64-character hash widened the page"
