"""The treasurer's and the board's surplus pages in a real browser: axe-core (WCAG 2.2 A and
AA) finds nothing on the year form (empty and with its errors), the year page with its
working, the draft proposal page and the option form (with its errors); an error summary link
takes the keyboard to its field; and a year is entered with JavaScript turned off."""

from datetime import date
from decimal import Decimal

import pytest

from surplus import services
from surplus.models import FinancialYear
from tests.browser.test_accessibility import visit
from tests.pdfs import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def treasurer(officer_for):
    return officer_for("treasurer")


@pytest.fixture
def locked_year(society, treasurer):
    year = services.create_year(society, by=treasurer, starts_on=date(2025, 4, 1),
                                ends_on=date(2026, 3, 31), income=Decimal("250000"),
                                expenditure=Decimal("212000"), notes="Audited.")
    return services.lock_year(year, by=treasurer)


@pytest.fixture
def draft(locked_year, secretary):
    proposal = services.create_proposal(locked_year, by=secretary, title="Reinvest 2025-26",
                                        summary="How should we use the surplus?",
                                        easy_read_summary="We have money left over.")
    services.add_option(proposal, by=secretary, option_type="user_service",
                        title="Sensory garden", description="A garden.",
                        cost_note="About £8,000.")
    services.add_option(proposal, by=secretary, option_type="pa_pay", title="PA pay",
                        description="A rise.", current_hourly_rate=Decimal("12.60"),
                        pa_hours_per_year=Decimal("20000"), pa_count=16,
                        pay_rise_kind="permanent")
    return proposal


def test_year_form(page, sign_in, assert_accessible, society, treasurer):
    sign_in(page.context, treasurer)
    visit(page, f"/s/{society.slug}/surplus/years/new/")
    assert page.locator("h1").inner_text() == "Enter a year's accounts"
    assert_accessible(page, "year form")


def test_year_form_with_errors(page, sign_in, assert_accessible, society, treasurer):
    sign_in(page.context, treasurer)
    visit(page, f"/s/{society.slug}/surplus/years/new/")
    page.get_by_label("Income (£)").fill("lots")
    page.get_by_role("button", name="Save the accounts").click()

    summary = page.locator(".error-summary")
    assert "Enter the start date." in summary.inner_text()
    assert "Enter a number, like 1234.56." in summary.inner_text()
    assert page.locator("#id_income").get_attribute("aria-invalid") == "true"
    summary.get_by_role("link", name="Enter a number, like 1234.56.").click()
    assert page.evaluate("document.activeElement.id") == "id_income"
    assert_accessible(page, "year form with errors")


def test_year_detail_with_the_working(page, sign_in, assert_accessible, society, secretary,
                                      locked_year):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/surplus/years/{locked_year.pk}/")
    working = page.get_by_role("table", name="The working")
    assert "Available to reinvest" in working.inner_text()
    assert "£30,400.00" in working.inner_text()
    assert page.get_by_role("link", name="Propose how to use the surplus").is_visible()
    assert_accessible(page, "year page with the working")


def test_unlocked_year_detail(page, sign_in, assert_accessible, society, treasurer):
    year = services.create_year(society, by=treasurer, starts_on=date(2025, 4, 1),
                                ends_on=date(2026, 3, 31), income=Decimal("100000"),
                                expenditure=Decimal("102000"))
    sign_in(page.context, treasurer)
    visit(page, f"/s/{society.slug}/surplus/years/{year.pk}/")
    assert "A deficit of £2,000.00" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Lock these accounts").is_visible()
    assert_accessible(page, "year page with a deficit, not locked")


def test_proposal_edit_page(page, sign_in, assert_accessible, society, secretary, draft):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/surplus/proposals/{draft.pk}/edit/")
    assert page.get_by_role("link", name="Change the option “PA pay”").is_visible()
    assert page.get_by_role("link", name="Add an option").is_visible()
    assert page.get_by_role("button", name="Put it to the vote now").is_visible()
    assert_accessible(page, "draft proposal page")


def test_option_form_with_errors(page, sign_in, assert_accessible, society, secretary, draft):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/surplus/proposals/{draft.pk}/options/new/")
    assert_accessible(page, "option form")
    page.get_by_label("A pay rise for personal assistants").check()
    page.get_by_label("Title").fill("Bigger PA pay")
    page.get_by_label("Plain-English description").fill("A bigger rise.")
    page.get_by_role("button", name="Save the option").click()

    summary = page.locator(".error-summary")
    assert "Enter the PAs' current hourly rate." in summary.inner_text()
    assert page.locator("#id_current_hourly_rate").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "option form with errors")


def test_a_year_is_entered_without_javascript(nojs_context, sign_in, society, treasurer):
    sign_in(nojs_context, treasurer)
    page = nojs_context.new_page()
    visit(page, f"/s/{society.slug}/surplus/years/new/")
    page.get_by_label("Start date").fill("2025-04-01")
    page.get_by_label("End date").fill("2026-03-31")
    page.get_by_label("Income (£)").fill("250,000")
    page.get_by_label("Expenditure (£)").fill("212000")
    page.get_by_label("The accounts (PDF)").set_input_files(files=[{
        "name": "accounts.pdf", "mimeType": "application/pdf",
        "buffer": PDF}])
    page.get_by_role("button", name="Save the accounts").click()
    assert "The accounts for the year" in page.locator("main").inner_text()
    year = FinancialYear.objects.get(society=society)
    assert year.surplus == Decimal("38000.00") and year.accounts


def test_employment_costs_page_with_errors_and_keyboard(page, sign_in, assert_accessible,
                                                        society, treasurer):
    sign_in(page.context, treasurer)
    visit(page, f"/s/{society.slug}/surplus/employment-costs/")
    assert_accessible(page, "employment costs form")
    page.get_by_label("Employer's National Insurance (%)").fill("150")
    page.get_by_label("Pension: upper limit (£ a year)").fill("100")
    page.get_by_role("button", name="Save the employment costs").click()

    summary = page.locator(".error-summary")
    assert "Enter a percentage from 0 to 100." in summary.inner_text()
    assert "The upper limit must be more than the lower limit." in summary.inner_text()
    assert_accessible(page, "employment costs form with errors")
    summary.get_by_role("link", name="Enter a percentage from 0 to 100.").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_ni_rate"


def test_employment_costs_saved_without_javascript(nojs_context, sign_in, society, treasurer):
    from surplus.models import EmploymentCosts

    sign_in(nojs_context, treasurer)
    page = nojs_context.new_page()
    visit(page, f"/s/{society.slug}/surplus/employment-costs/")
    page.get_by_label("Other on-costs (%)").fill("2.5")
    page.get_by_role("button", name="Save the employment costs").click()
    assert "The employment costs are saved" in page.locator("main").inner_text()
    assert EmploymentCosts.objects.get(society=society).other == Decimal("2.50")


def test_pa_pay_figures_on_the_proposal_page(page, sign_in, assert_accessible, society,
                                            secretary, draft):
    sign_in(page.context, secretary)
    visit(page, f"/s/{society.slug}/surplus/proposals/{draft.pk}/")
    assert "is below the National Living Wage" in page.locator("main").inner_text()
    assert_accessible(page, "proposal page with PA pay after on-costs")
