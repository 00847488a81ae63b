"""Text that is too long, or a name with hidden characters, in a real browser: the message is
beside the field, the text typed is still there to shorten (a text area has no maxlength to
cut a paste short), and axe finds nothing."""

import pytest

from coop import text
from membership.models import Application
from tests.browser.test_accessibility import visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_with_too_long_an_address_and_a_disguised_name(page, sign_in, assert_accessible,
                                                             society, user):
    address = "1 Long Road\n" + "x" * text.ADDRESS
    sign_in(page.context, user)
    visit(page, f"/s/{society.slug}/apply/")
    page.locator("[name=member_class]").first.check()
    page.fill("[name=full_name]", "Sam \u202eEvans")
    page.fill("[name=address]", address)
    page.fill("[name=postcode]", "LS2 7EE")
    page.check("[name=confirmed_eligible]")
    page.check("[name=confirmed_not_in_other_class]")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()

    assert "Names can't contain hidden control characters" in (
        page.locator("#id_full_name_error").inner_text())
    assert f"Keep this to {text.ADDRESS} characters or fewer." in (
        page.locator("#id_address_error").inner_text())
    assert page.input_value("[name=address]") == address
    assert page.locator(".error-summary a").count() == 2
    assert not Application.objects.exists()
    assert_accessible(page, "application form with bounds broken")
