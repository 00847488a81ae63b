"""The members' surplus pages in a real browser: axe-core (WCAG 2.2 A and AA) finds nothing on
the proposal page (plain and easy read, with the easy read opened), the outcome page (two
charts, the comparisons and the class breakdowns) and the history page (three charts)."""

from datetime import date

import pytest
from django.utils import timezone

from surplus import services
from tests.browser.test_accessibility import visit
from tests.factories import MemberFactory
from tests.surplus.test_member_pages import (
    draft,
    locked_year,
    people,
    put_to_vote,
    vote_and_certify,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decided(society, secretary):
    users, pas = people(society)
    year = locked_year(society, secretary, starts=date(2024, 4, 1))
    proposal = vote_and_certify(put_to_vote(draft(year, secretary), secretary), secretary,
                                users, pas)
    services.record_decision(proposal, by=secretary, resolution_reference="AGM 2025 res. 3",
                             decided_on=timezone.localdate(), notes="Garden built by May.")
    proposal.test_member = users[0]
    return proposal


@pytest.fixture
def current(society, secretary):
    year = locked_year(society, secretary, starts=date(2025, 4, 1))
    return put_to_vote(draft(year, secretary), secretary)


def base(proposal):
    return f"/s/{proposal.society.slug}/surplus"


def test_proposal_page_is_accessible(page, sign_in, assert_accessible, current, society):
    sign_in(page.context, MemberFactory(society=society).user)
    visit(page, f"{base(current)}/proposals/{current.pk}/")
    # £10,000 of PA pay buys 37p an hour after on-costs (worked by hand in
    # tests/surplus/test_member_pages.py::test_pa_pay_option_says_what_money_buys).
    assert "by 37p an hour" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Go to the vote on Using our surplus").count() == 1
    page.locator("#easy-read-summary summary").click()
    assert_accessible(page, "surplus proposal page")


def test_proposal_page_in_easy_read_is_accessible(page, sign_in, assert_accessible, current,
                                                  society):
    sign_in(page.context, MemberFactory(society=society, easy_read=True).user)
    visit(page, f"{base(current)}/proposals/{current.pk}/")
    assert page.get_by_role("heading", name="Easy read", level=2).count() == 1
    assert_accessible(page, "surplus proposal page (easy read)")


def test_outcome_page_is_accessible(page, sign_in, assert_accessible, decided):
    sign_in(page.context, decided.test_member.user)
    visit(page, f"{base(decided)}/proposals/{decided.pk}/outcome/")
    assert page.locator("svg[role=img]").count() == 2
    assert page.get_by_role("img", name="Share of the £20,000.00 for each option").count()
    assert "£10,666.67" in page.locator("#pounds-table").inner_text()
    assert_accessible(page, "surplus outcome page")


def test_history_page_is_accessible(page, sign_in, assert_accessible, decided, current):
    sign_in(page.context, decided.test_member.user)
    visit(page, f"{base(decided)}/history/")
    assert page.locator("svg[role=img]").count() == 3
    assert page.get_by_role("img", name="Surplus each year").count() == 1
    assert_accessible(page, "surplus history page")


def test_home_page_is_accessible(page, sign_in, assert_accessible, decided, current):
    sign_in(page.context, decided.test_member.user)
    visit(page, f"{base(decided)}/")
    assert page.get_by_role("link", name="Vote on Using our surplus").count() == 1
    assert_accessible(page, "surplus home page")
