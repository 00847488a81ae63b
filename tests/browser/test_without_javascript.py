"""The site works with JavaScript turned off: every main page loads, and an application can be
filled in and sent by a browser that runs no script."""

import pytest

from membership.models import Application
from tests.factories import ApplicationFactory, MemberFactory

SUBMIT = "main form[method=post] button[type=submit]"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def load(page, path: str):
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"GET {path} without JavaScript gave {response.status if response else 'nothing'}")
    assert page.locator("h1").count() >= 1, f"{path} has a heading without JavaScript"
    assert page.locator("main#main").count() == 1, f"{path} has its main landmark"


def test_pages_and_application_without_javascript(browser, live_server, nojs_context, sign_in,
                                                  society, secretary, user):
    page = nojs_context.new_page()
    assert page.evaluate("1 + 1") == 2  # Playwright itself can still inspect the page
    for path in ["/", f"/s/{society.slug}/", "/accounts/login/", "/accounts/signup/"]:
        load(page, path)

    # An officer's pages.
    application = ApplicationFactory(society=society)
    member = MemberFactory(society=society)
    officer_context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        sign_in(officer_context, secretary)
        officer_page = officer_context.new_page()
        for path in [f"/s/{society.slug}/officers/register/",
                     f"/s/{society.slug}/officers/applications/",
                     f"/s/{society.slug}/officers/applications/{application.pk}/"]:
            load(officer_page, path)
    finally:
        officer_context.close()

    member_context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        sign_in(member_context, member.user)
        member_page = member_context.new_page()
        for path in ["/", f"/s/{society.slug}/me/", f"/s/{society.slug}/me/details/"]:
            load(member_page, path)
    finally:
        member_context.close()

    # Apply without JavaScript: an empty submit shows the errors, then a proper one is sent.
    sign_in(nojs_context, user)
    load(page, f"/s/{society.slug}/apply/")
    page.locator(SUBMIT).last.click()
    assert page.locator(".error-summary").is_visible()
    # site.js would move focus to the summary; with scripts off it must not have run.
    assert page.evaluate("document.activeElement === document.body"), "JavaScript ran"
    first_class = society.member_classes.order_by("position", "pk").first()
    page.check(f"input[name=member_class][value='{first_class.pk}']")
    page.fill("[name=full_name]", "Nadia No-Script")
    page.fill("[name=address]", "2 Plain Road\nYork")
    page.fill("[name=postcode]", "YO1 7HH")
    page.check("[name=confirmed_eligible]")
    page.check("[name=confirmed_not_in_other_class]")
    page.locator(SUBMIT).last.click()
    assert page.url.endswith(f"/s/{society.slug}/apply/sent/"), page.locator("main").inner_text()
    assert Application.objects.filter(society=society, user=user,
                                      full_name="Nadia No-Script").exists()
