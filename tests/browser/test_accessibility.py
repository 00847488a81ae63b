"""axe-core (WCAG 2.2 A and AA rules) finds nothing on the main pages, for each kind of visitor."""

import pytest

from tests.factories import ApplicationFactory, MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit(page, path: str, *, status: int = 200):
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path} gave {response.status if response else 'no response'}, expected {status}")
    return response


@pytest.fixture
def members(society):
    """A few members so the register has rows (one in each default class)."""
    return [MemberFactory(society=society, member_class=cls)
            for cls in society.member_classes.all()]


@pytest.fixture
def application(society):
    return ApplicationFactory(society=society)


def test_home_page_anonymous(page, assert_accessible, society):
    visit(page, "/")
    assert_accessible(page, "home page (anonymous)")


def test_home_page_signed_in(page, sign_in, assert_accessible, member):
    sign_in(page.context, member.user)
    visit(page, "/")
    assert_accessible(page, "home page (signed in)")


def test_society_page(page, assert_accessible, society):
    visit(page, f"/s/{society.slug}/")
    assert_accessible(page, "society page (anonymous)")


def test_sign_up_page(page, assert_accessible):
    visit(page, "/accounts/signup/")
    assert_accessible(page, "sign-up page")


def test_sign_in_page(page, assert_accessible):
    visit(page, "/accounts/login/")
    assert_accessible(page, "sign-in page")


def test_application_form(page, sign_in, assert_accessible, society, user):
    sign_in(page.context, user)
    visit(page, f"/s/{society.slug}/apply/")
    assert_accessible(page, "application form")


def test_application_form_errors(page, sign_in, assert_accessible, society, user):
    """Submitted empty: an error summary that is focused or announced, each error linked to
    its field, and still no axe violations."""
    sign_in(page.context, user)
    visit(page, f"/s/{society.slug}/apply/")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    assert summary.count() == 1, "the page shows one error summary"
    assert summary.is_visible()
    focused = summary.evaluate("el => el === document.activeElement || el.contains("
                               "document.activeElement)")
    announced = (summary.get_attribute("role") or "") in ("alert", "status") or (
        summary.get_attribute("aria-live") in ("assertive", "polite"))
    assert focused or announced, "the error summary must receive focus or be announced"
    heading = summary.locator("h2")
    assert heading.count() == 1 and heading.inner_text().strip(), "the summary has a heading"

    links = summary.locator("a")
    assert links.count() >= 4, "the required fields are listed (class, name, address, postcode)"
    problems = []
    for i in range(links.count()):
        link = links.nth(i)
        text = link.inner_text().strip()
        href = link.get_attribute("href") or ""
        target_id = href[1:] if href.startswith("#") else ""
        if not target_id:
            problems.append(f"“{text}” links to {href!r}, not to a field")
            continue
        target = page.locator(f"[id='{target_id}']")
        if target.count() != 1:
            problems.append(f"“{text}” links to #{target_id}, which is not on the page")
            continue
        if not target.evaluate("el => el.matches('input, select, textarea, fieldset, "
                               "[tabindex]')"):
            problems.append(f"“{text}” links to #{target_id}, which is not a field")
            continue
        # The same message is shown beside the field.
        group = target.locator("xpath=ancestor-or-self::*[contains(@class,'form-group')][1]")
        if group.count() and text not in group.inner_text():
            problems.append(f"“{text}” is not shown beside #{target_id}")
    assert not problems, "error summary links:\n" + "\n".join(problems)

    # Following the first link moves focus to its field.
    first_href = links.first.get_attribute("href")
    links.first.focus()
    page.keyboard.press("Enter")
    focused_id = page.evaluate("document.activeElement && document.activeElement.id")
    assert page.url.endswith(first_href) or focused_id == first_href[1:], (
        f"following {first_href} should reach the field (focus is on #{focused_id})")

    assert_accessible(page, "application form with errors")


def test_edit_details(page, sign_in, assert_accessible, member):
    sign_in(page.context, member.user)
    visit(page, f"/s/{member.society.slug}/me/details/")
    assert_accessible(page, "update your details")


def test_my_membership(page, sign_in, assert_accessible, member):
    sign_in(page.context, member.user)
    visit(page, f"/s/{member.society.slug}/me/")
    assert_accessible(page, "my membership")


def test_register_as_secretary(page, sign_in, assert_accessible, society, secretary, members):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/officers/register/")
    assert page.get_by_text(members[0].full_name).count() >= 1
    assert_accessible(page, "register of members")


def test_applications_as_secretary(page, sign_in, assert_accessible, society, secretary,
                                   application):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/officers/applications/")
    assert page.get_by_text(application.full_name).count() >= 1
    assert_accessible(page, "applications list")


def test_application_detail_as_secretary(page, sign_in, assert_accessible, society, secretary,
                                         application):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/officers/applications/{application.pk}/")
    assert page.get_by_text(application.full_name).count() >= 1
    assert_accessible(page, "application detail")


def test_axe_check_reports_violations(page, assert_accessible):
    """The harness itself: a page with known faults fails the check, naming the rule and node."""
    page.set_content('<html><head><title>x</title></head><body><main>'
                     '<img src="data:," id="no-alt"><input type="text" id="no-label">'
                     '</main></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "a broken page")
    message = str(failure.value)
    assert "image-alt" in message and "#no-alt" in message
    assert "label" in message and "#no-label" in message


def test_axe_check_reports_references_to_missing_ids(page, assert_accessible):
    page.set_content('<html lang="en"><head><title>x</title></head><body><main>'
                     '<label for="f">Name</label><input id="f" aria-describedby="f_hint">'
                     '</main></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "a page with a dangling reference")
    assert "aria-valid-attr-value" in str(failure.value) and "#f" in str(failure.value)
