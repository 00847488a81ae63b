"""The board's and the scrutineer's ballot pages in a real browser: axe-core (WCAG 2.2 A and AA)
finds nothing on the new-ballot form (empty and with its errors), the manage page (board and
scrutineer) and the paper entry page (empty and with an error); and a draft is made and
opened with JavaScript turned off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.test_accessibility import visit
from tests.factories import MemberFactory
from voting import secrecy, services
from voting.models import Ballot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


@pytest.fixture
def live(society, secretary):
    """An open choice ballot with a voter in each class and one who asked for post."""
    for cls in society.member_classes.filter(votes=True):
        MemberFactory(society=society, member_class=cls)
    postal = MemberFactory(society=society, full_name="Pat Postwell", contact_by_post=True)
    ballot = services.create_ballot(society, by=secretary, title="Spend the surplus",
                                    summary="Choose what to buy.", kind="choice",
                                    options=["Garden", "Minibus"])
    ballot = services.open_ballot(ballot, by=secretary,
                                  closes_at=timezone.now() + timedelta(days=7))
    return ballot, postal


def test_new_ballot_form(page, sign_in, assert_accessible, society, secretary):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/ballots/new/")
    assert page.locator("h1").inner_text() == "New ballot"
    assert_accessible(page, "new ballot form")


def test_new_ballot_form_with_errors(page, sign_in, assert_accessible, society, secretary):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/ballots/new/")
    page.get_by_role("button", name="Save the draft").click()

    summary = page.locator(".error-summary")
    assert "Enter a title." in summary.inner_text()
    assert page.locator("#id_title").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "new ballot form with errors")


def test_new_ballot_weights_error(page, sign_in, assert_accessible, society, secretary):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/ballots/new/")
    users = society.member_classes.get(name="Service user")
    page.get_by_label("Title").fill("Where should we meet?")
    page.get_by_label("Plain-English summary").fill("Pick where meetings happen.")
    for cls in society.member_classes.all():
        page.get_by_label(f"{cls.name}: weight (parts)").fill("0")
    page.get_by_role("button", name="Save the draft").click()

    summary = page.locator(".error-summary")
    assert "Give at least one class a weight of 1 part or more." in summary.inner_text()
    summary.get_by_role("link").first.click()
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"id_weights-{users.pk}-weight"
    assert_accessible(page, "new ballot form with a weights error")


def test_manage_page_board(page, sign_in, assert_accessible, society, secretary, live):
    ballot, _ = live
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/ballots/{ballot.pk}/manage/")
    assert page.get_by_role("button", name="Close the ballot now").is_visible()
    assert_accessible(page, "manage page (board, open ballot)")


def test_manage_page_close_error(page, sign_in, assert_accessible, society, secretary, live):
    ballot, _ = live
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/ballots/{ballot.pk}/manage/")
    page.get_by_role("button", name="Close the ballot now").click()

    assert "Say why the ballot is closing early." in page.locator(".error-summary").inner_text()
    assert_accessible(page, "manage page with the close-early error")


def test_manage_page_draft(page, sign_in, assert_accessible, society, secretary):
    ballot = services.create_ballot(society, by=secretary, title="Change rule 12",
                                    summary="Shorter notice.")
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/ballots/{ballot.pk}/manage/")
    assert page.get_by_role("button", name="Open the ballot now").is_visible()
    assert_accessible(page, "manage page (board, draft)")


def test_manage_page_scrutineer(page, sign_in, assert_accessible, society, secretary,
                                scrutineer, live):
    ballot, postal = live
    services.close_ballot(ballot, by=secretary, reason="Testing")
    sign_in(page.context, scrutineer)
    visit(page, f"/s/{society.slug}/ballots/{ballot.pk}/manage/")
    assert page.get_by_role("button", name="Certify the result").is_visible()
    assert postal.full_name not in page.content()
    assert_accessible(page, "manage page (scrutineer, closed ballot)")


def test_paper_entry_page(page, sign_in, assert_accessible, society, scrutineer, live):
    ballot, _ = live
    sign_in(page.context, scrutineer)
    visit(page, f"/s/{society.slug}/ballots/{ballot.pk}/papers/enter/")
    assert_accessible(page, "paper entry page")


def test_paper_entry_with_error_then_counted(page, sign_in, assert_accessible, society,
                                             scrutineer, live):
    ballot, postal = live
    sign_in(page.context, scrutineer)
    visit(page, f"/s/{society.slug}/ballots/{ballot.pk}/papers/enter/")
    page.get_by_label("Code printed on the paper").fill("WRNG-CODE-XXXX")
    page.get_by_label("Garden").check()
    page.get_by_role("button", name="Enter this paper").click()
    assert "No ballot paper of this ballot has that code." in page.locator(
        ".error-summary").inner_text()
    assert_accessible(page, "paper entry page with an error")

    page.get_by_label("Code printed on the paper").fill(secrecy.paper_code(ballot.pk, postal.pk))
    page.get_by_label("Garden").check()
    page.get_by_role("button", name="Enter this paper").click()
    assert "has been counted" in page.locator("main").inner_text()
    assert postal.full_name not in page.content()
    assert_accessible(page, "paper entry page after a paper was counted")


def test_draft_and_open_without_javascript(nojs_context, sign_in, society, secretary):
    for cls in society.member_classes.filter(votes=True):
        MemberFactory(society=society, member_class=cls)
    page = nojs_context.new_page()
    sign_in(nojs_context, secretary)
    visit(page, f"/s/{society.slug}/ballots/new/")
    page.get_by_label("Title").fill("Where should we meet?")
    page.get_by_label("Plain-English summary").fill("Pick where meetings happen.")
    page.get_by_label("Choice (pick one option)").check()
    page.get_by_label("Option 1: name").fill("Library")
    page.get_by_label("Option 2: name").fill("Town hall")
    page.get_by_role("button", name="Save the draft").click()
    assert "has been saved" in page.locator("main").inner_text()

    closes = timezone.localtime() + timedelta(days=5)
    page.locator("#id_open-closes_at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Open the ballot now").click()

    assert "The ballot is open. 3 members are on the roll" in page.locator("main").inner_text()
    assert Ballot.objects.get().state == "open"
