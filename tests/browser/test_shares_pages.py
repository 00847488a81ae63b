"""Shares and payments in a real browser: axe-core (WCAG 2.2 A and AA) finds nothing on the pay
page, the share certificate, the record-a-payment form (with its errors), the reports and the
withdrawals; and an officer records a payment with JavaScript turned off."""

import pytest
from django.utils import timezone

from membership import services
from membership.models import Member
from tests.browser.test_accessibility import visit
from tests.factories import ApplicationFactory, join

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def approved(society, secretary):
    return services.approve_application(
        ApplicationFactory(society=society, full_name="Sam Evans"), by=secretary)


@pytest.fixture
def holder(society, secretary):
    return join(society, by=secretary, full_name="Alex Morgan")


def test_pay_page(page, sign_in, assert_accessible, society, approved):
    sign_in(page.context, approved.user)
    visit(page, f"/s/{society.slug}/pay/")
    assert approved.payment_reference in page.locator("main").inner_text()
    assert_accessible(page, "pay page")


def test_pay_page_with_card_option(page, sign_in, assert_accessible, society, approved,
                                   settings):
    settings.STRIPE_SECRET_KEY = "sk_test_anything"
    sign_in(page.context, approved.user)
    visit(page, f"/s/{society.slug}/pay/")
    assert page.get_by_role("button", name="Pay £1.00 by card").is_visible()
    assert_accessible(page, "pay page with the card option")


def test_pay_done_waiting(page, sign_in, assert_accessible, society, approved):
    sign_in(page.context, approved.user)
    visit(page, f"/s/{society.slug}/pay/done/")
    assert "waiting for confirmation" in page.locator("h1").inner_text()
    assert_accessible(page, "payment done, waiting for confirmation")


def test_certificate_page(page, sign_in, assert_accessible, society, holder):
    sign_in(page.context, holder.user)
    visit(page, f"/s/{society.slug}/me/certificate/")
    assert "Alex Morgan" in page.locator(".certificate").inner_text()
    assert_accessible(page, "share certificate")


def test_my_membership_with_ledger(page, sign_in, assert_accessible, society, holder):
    sign_in(page.context, holder.user)
    visit(page, f"/s/{society.slug}/me/")
    assert page.get_by_role("table", name="Share ledger").is_visible()
    assert_accessible(page, "my membership with the share ledger")


def test_record_payment_form_with_errors(page, sign_in, assert_accessible, society, approved,
                                         officer_for):
    sign_in(page.context, officer_for("treasurer"))
    visit(page, f"/s/{society.slug}/officers/applications/{approved.pk}/payment/")
    assert_accessible(page, "record a payment")
    page.fill("#id_amount", "2.00")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page, "record a payment, with errors")


def test_reports_and_withdrawals(page, sign_in, assert_accessible, society, secretary,
                                 approved, holder, officer_for):
    services.cease_membership(holder, by=holder.user, reason="resigned")
    sign_in(page.context, officer_for("treasurer"))
    for path, name in [("reports/", "reports"), ("reports/reconciliation/", "reconciliation"),
                       ("withdrawals/", "withdrawals"),
                       (f"withdrawals/{holder.withdrawals.get().pk}/", "a withdrawal")]:
        visit(page, f"/s/{society.slug}/officers/{path}")
        assert_accessible(page, name)


def test_officer_records_payment_without_javascript(nojs_context, sign_in, society, approved,
                                                    officer_for):
    sign_in(nojs_context, officer_for("treasurer"))
    page = nojs_context.new_page()
    visit(page, f"/s/{society.slug}/officers/applications/{approved.pk}/payment/")

    page.check("input[name=method][value=cheque]")
    page.fill("#id_received_on", str(timezone.localdate()))
    page.fill("#id_reference", "Cheque 000123")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()

    member = Member.objects.get(application=approved)
    assert f"is now member number {member.membership_number}" in page.locator("main").inner_text()
    assert page.evaluate("document.activeElement === document.body"), "JavaScript ran"
