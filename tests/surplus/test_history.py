"""The surplus history: the figures year by year, turnout by class across published ballots,
the charts with their tables, the CSV and XLSX downloads, and the number of queries."""

import io
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import timezone

from surplus import selectors, services
from tests.pages import elements, text
from tests.surplus.test_member_pages import (
    client_for,
    draft,
    locked_year,
    people,
    put_to_vote,
    url,
    vote_and_certify,
)


def decide(society, secretary, year, users, pas):
    proposal = vote_and_certify(put_to_vote(draft(year, secretary), secretary), secretary,
                                users, pas)
    return services.record_decision(proposal, by=secretary, decided_on=timezone.localdate(),
                                    resolution_reference=f"AGM {year.ends_on.year}")


@pytest.fixture
def history(society, secretary):
    """2024-25 decided (£20,000 available: £10,666.67 garden, £9,333.33 PA pay), and
    2025-26 entered but not yet decided (£30,000 surplus, £6,000 to reserves)."""
    users, pas = people(society)
    decided_year = locked_year(society, secretary, starts=date(2024, 4, 1))
    decide(society, secretary, decided_year, users, pas)
    locked_year(society, secretary, starts=date(2025, 4, 1), income="130000",
                expenditure="100000")
    return users


def test_history_rows_give_the_figures_year_by_year(society, history):
    first, second = selectors.history_rows(society)
    assert (first.year.starts_on, first.surplus, first.to_reserves, first.available) == (
        date(2024, 4, 1), Decimal("25000.00"), Decimal("5000.00"), Decimal("20000.00"))
    assert first.decided
    assert first.by_type["user_service"] == Decimal("10666.67")
    assert first.by_type["pa_pay"] == Decimal("9333.33")
    assert sum(first.by_type.values()) == first.available
    assert (second.surplus, second.to_reserves, second.available, second.decided) == (
        Decimal("30000.00"), Decimal("6000.00"), Decimal("24000.00"), False)
    assert set(second.by_type.values()) == {Decimal("0.00")}


def test_turnout_by_class_counts_published_ballots_only(society, secretary, history):
    undecided = put_to_vote(draft(society.financial_years.get(starts_on=date(2025, 4, 1)),
                                  secretary), secretary)
    [ballot] = selectors.turnout_by_class(society)
    assert ballot.ballot_id != undecided.ballot_id
    assert {name: (c.on_roll, c.voted) for name, c in ballot.classes.items()} == {
        "Service user": (6, 6), "Personal assistant": (5, 5)}
    assert (ballot.on_roll, ballot.voted) == (11, 11)


def test_history_page_shows_charts_and_tables(society, history):
    response = client_for(history[0].user).get(url("surplus_history", society=society))
    assert response.status_code == 200
    page = text(response)
    assert ("1 Apr 2024 to 31 Mar 2025 £125,000.00 £100,000.00 £25,000.00 £5,000.00 "
            "£20,000.00 £10,666.67 £9,333.33") in page
    assert ("1 Apr 2025 to 31 Mar 2026 £130,000.00 £100,000.00 £30,000.00 £6,000.00 "
            "£24,000.00 Not decided yet Not decided yet") in page
    assert "A new service for users A pay rise for personal assistants" in page  # columns
    found = elements(response)
    for chart in ("surplus-chart", "allocation-chart", "turnout-chart"):
        assert found[chart]["tag"] == "svg" and found[chart]["role"] == "img", chart
    assert "Surplus each year" in page
    assert "Service user Personal assistant All classes" in page
    closed = timezone.localdate().strftime("%-d %b %Y")
    assert (f"Using our surplus {closed} 100.0% (6 of 6) 100.0% (5 of 5) 100.0% (11 of 11)"
            in page)
    html = response.content.decode()
    assert url("surplus_history_csv", society=society) in html
    assert url("surplus_history_xlsx", society=society) in html


def test_history_page_with_nothing_yet(society, member):
    page = text(client_for(member.user).get(url("surplus_history", society=society)))
    assert "No financial years have been entered yet." in page
    assert "No ballot results have been published yet." in page


def test_history_csv_reads_back(society, history):
    response = client_for(history[0].user).get(url("surplus_history_csv", society=society))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="mutual-surplus-history.csv"' in response["Content-Disposition"]
    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype=str)
    assert list(frame.columns) == [
        "Year starts", "Year ends", "Decided", "Income (£)", "Expenditure (£)",
        "Surplus (£)", "To reserves (£)", "Available to reinvest (£)",
        "A new service for users (£)", "A pay rise for personal assistants (£)"]
    assert frame.iloc[0].tolist() == ["2024-04-01", "2025-03-31", "Yes", "125000.00",
                                      "100000.00", "25000.00", "5000.00", "20000.00",
                                      "10666.67", "9333.33"]
    assert frame.iloc[1]["Decided"] == "Not yet"
    assert frame.iloc[1]["Available to reinvest (£)"] == "24000.00"


def test_history_csv_writes_a_deficit_as_a_plain_number(society, secretary, member):
    locked_year(society, secretary, income="90000", expenditure="91000.50")
    response = client_for(member.user).get(url("surplus_history_csv", society=society))
    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig", dtype=str)
    assert frame.iloc[0]["Surplus (£)"] == "-1000.50"
    assert frame.iloc[0]["Available to reinvest (£)"] == "0.00"


def test_history_xlsx_reads_back(society, history):
    response = client_for(history[0].user).get(url("surplus_history_xlsx", society=society))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    frame = pd.read_excel(io.BytesIO(response.content), sheet_name="Surplus history")
    assert frame["Available to reinvest (£)"].tolist() == [20000.0, 24000.0]
    assert frame["A pay rise for personal assistants (£)"].tolist() == [9333.33, 0.0]
    assert pd.Timestamp(frame["Year starts"][0]).date() == date(2024, 4, 1)
    assert frame["Decided"].tolist() == ["Yes", "Not yet"]


# --- queries -----------------------------------------------------------------------------------

def test_history_rows_is_one_query_at_one_and_many_years(society, secretary, history,
                                                         django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert len(selectors.history_rows(society)) == 2
    for start in range(2015, 2024):
        locked_year(society, secretary, starts=date(start, 4, 1))
    with django_assert_max_num_queries(1):
        rows = selectors.history_rows(society)
    assert len(rows) == 11


def test_turnout_by_class_is_two_queries(society, history, django_assert_max_num_queries):
    # One over the rolls, one over the counts kept for rolls reduced after the challenge period.
    with django_assert_max_num_queries(2):
        assert len(selectors.turnout_by_class(society)) == 1


def test_history_page_queries_do_not_grow_with_years(society, secretary, history,
                                                     django_assert_max_num_queries):
    client = client_for(history[0].user)
    with django_assert_max_num_queries(14) as few:
        client.get(url("surplus_history", society=society))
    for start in range(2015, 2024):
        locked_year(society, secretary, starts=date(start, 4, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("surplus_history", society=society))
    assert "1 Apr 2015 to 31 Mar 2016" in text(response)
