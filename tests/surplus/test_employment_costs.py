"""A society's employment costs rules: the treasurer sees the UK defaults, changes them on a
page or through the API (refused on the field when out of range, nothing saved), every change
is in the audit log, and a PA pay option's figures follow the society's own rules."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coop.models import AuditEntry
from surplus import employment, services
from surplus.models import EmploymentCosts
from tests.pages import PageCheckingClient, assert_field_error, text

D = Decimal
API = "/api/v1/societies/{}/surplus/employment-costs/"
FORM = {"tax_year": "2026/27", "ni_rate": "15", "ni_threshold": "5,000", "holiday_pay": "12.07",
        "pension_rate": "3", "pension_lower": "6240", "pension_upper": "£50,270",
        "other": "0", "national_living_wage": "12.71", "real_living_wage": "13.45"}


@pytest.fixture
def treasurer(officer_for):
    return officer_for("treasurer")


def page_client(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def costs_url(society):
    return reverse("employment_costs", args=[society.slug])


def changes():
    return list(AuditEntry.objects.filter(action="surplus.employment_costs.changed")
                .order_by("id").values_list("data", flat=True))


def test_the_page_shows_the_uk_defaults_until_saved(society, treasurer):
    response = page_client(treasurer).get(costs_url(society))
    page = text(response)
    assert response.status_code == 200
    assert "These are the UK rates for the 2026/27 tax year" in page
    assert "Rates and thresholds for employers 2026 to 2027" in page
    assert 'value="12.07"' in response.content.decode()
    assert "Update it when the Foundation announces the new rate" in page
    assert not EmploymentCosts.objects.exists()  # reading never writes


def test_the_treasurer_changes_a_rule_and_it_is_audited(society, treasurer):
    client = page_client(treasurer)
    response = client.post(costs_url(society), FORM | {"other": "1.5", "pension_rate": "4"})
    assert response.status_code == 302
    costs = EmploymentCosts.objects.get(society=society)
    assert (costs.other, costs.pension_rate, costs.updated_by) == (D("1.50"), D("4.00"),
                                                                   treasurer)
    [data] = changes()
    assert data == {"other": {"from": "0.00", "to": "1.5"},
                    "pension_rate": {"from": "3.00", "to": "4"}}
    assert "Last changed on" in text(client.get(costs_url(society)))


@pytest.mark.parametrize("field, value, message", [
    ("ni_rate", "115", "Enter a percentage from 0 to 100."),
    ("holiday_pay", "-1", "Enter a percentage from 0 to 100."),
    ("other", "lots", "Enter a percentage as a number, like 12.07."),
    ("ni_threshold", "", "Enter the national insurance threshold."),
    ("pension_upper", "6000", "The upper limit must be more than the lower limit."),
    ("national_living_wage", "0", "Enter an hourly rate of more than £0."),
    ("real_living_wage", "13.455", "Use no more than 2 decimal places."),
    ("tax_year", "", "Enter the tax year these rates are for"),
])
def test_bad_rules_are_refused_next_to_the_field(society, treasurer, field, value, message):
    response = page_client(treasurer).post(costs_url(society), FORM | {field: value})
    assert response.status_code == 200
    assert_field_error(response, field, message)
    assert not EmploymentCosts.objects.exists() and changes() == []


@pytest.mark.parametrize("role, status", [("member", 403), ("outsider", 403),
                                          ("treasurer", 200), ("secretary", 200)])
def test_only_the_treasurer_and_the_board_open_the_page(society, other_society, officer_for,
                                                        member, role, status):
    from tests.factories import OfficerFactory
    user = {"member": member.user, "treasurer": officer_for("treasurer"),
            "secretary": officer_for("secretary"),
            "outsider": OfficerFactory(society=other_society, role="treasurer").user}[role]
    response = page_client(user).get(costs_url(society))
    assert response.status_code in ((404, 403) if status == 403 else (status,))


def test_the_api_reads_and_changes_the_rules(society, treasurer, member):
    url = API.format(society.slug)
    read = api_client(member.user).get(url)
    assert read.status_code == 200
    assert read.json() | {"updated_at": None} == {
        "tax_year": "2026/27", "ni_rate": "15.00", "ni_threshold": "5000.00",
        "holiday_pay": "12.07", "pension_rate": "3.00", "pension_lower": "6240.00",
        "pension_upper": "50270.00", "other": "0.00", "national_living_wage": "12.71",
        "real_living_wage": "13.45", "updated_at": None}
    assert api_client(member.user).patch(url, {"other": "2"}, format="json").status_code == 403
    changed = api_client(treasurer).patch(url, {"real_living_wage": "14.80"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["real_living_wage"] == "14.80" and changed.json()["updated_at"]
    assert changes() == [{"real_living_wage": {"from": "13.45", "to": "14.80"}}]


@pytest.mark.parametrize("body, field", [
    ({"ni_rate": "101"}, "ni_rate"), ({"holiday_pay": "x"}, "holiday_pay"),
    ({"pension_lower": "-5"}, "pension_lower"), ({"pension_upper": "100"}, "pension_upper"),
    ({"national_living_wage": "0"}, "national_living_wage"), ({"tax_year": " "}, "tax_year"),
])
def test_the_api_refuses_bad_rules_on_the_field(society, treasurer, body, field):
    response = api_client(treasurer).patch(API.format(society.slug), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not EmploymentCosts.objects.exists() and changes() == []


def test_another_societys_rules_are_not_found(society, other_society, treasurer):
    response = api_client(treasurer).get(API.format(other_society.slug))
    assert response.status_code == 404


def test_a_pa_pay_option_follows_the_societys_own_rules(society, treasurer, secretary):
    year = services.lock_year(services.create_year(
        society, by=treasurer, starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31),
        income=D("11250"), expenditure=D("10000")), by=treasurer)
    proposal = services.create_proposal(year, by=secretary, title="Reinvest", summary="How?")
    services.add_option(proposal, by=secretary, option_type="reserves", title="Reserves",
                        description="Keep it.")
    services.add_option(proposal, by=secretary, option_type="pa_pay", title="PA pay",
                        description="A rise.", current_hourly_rate=D("12.00"),
                        pa_hours_per_year=D("10000"), pa_count=10, pay_rise_kind="one_off")
    assert proposal.amount_available == D("1000.00")  # after 20% to reserves
    detail = reverse("proposal_detail", args=[society.slug, proposal.pk])
    # Default rules (worked in test_oncosts.py, A-1000): 7p an hour for £925.80.
    assert "All of it £1,000.00 £0.07 £12.07 £925.80 £74.20" in text(
        page_client(secretary).get(detail))
    # Regular hours, 13.8% NI over £9,100, 5% pension, 2% other (B-1000): 8p for £966.40.
    employment.update_costs(society, by=treasurer, tax_year="2024/25", ni_rate=D("13.8"),
                            ni_threshold=D("9100"), holiday_pay=D("0"),
                            pension_rate=D("5"), other=D("2"))
    page = text(page_client(secretary).get(detail))
    assert "All of it £1,000.00 £0.08 £12.08 £966.40 £33.60" in page
    assert "This is a one-off bonus." in page and "using the co-op’s rules for 2024/25" in page
