"""axe-core finds no WCAG 2.2 A/AA violation on a ballot's results page (with its SVG chart,
tables and receipts list) and on the scrutineer's certificate."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MemberFactory
from voting import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def certified(society, secretary, officer_for):
    """A published resolution: five users for, one against and one abstaining; two carers
    (too few for their own breakdown) split."""
    users, carers, _ = society.member_classes.order_by("position")
    people = ([MemberFactory(society=society, member_class=users) for _ in range(7)]
              + [MemberFactory(society=society, member_class=carers) for _ in range(2)])
    ballot = services.create_ballot(society, by=secretary, title="Adopt the new rules",
                                    summary="Whether to adopt the rules the board proposed.")
    ballot = services.open_ballot(ballot, by=secretary,
                                  closes_at=timezone.now() + timedelta(days=3))
    options = {o.code: o.pk for o in ballot.options.all()}
    for person, code in zip(people, ["for"] * 5 + ["against", "abstain", "for", "against"],
                            strict=True):
        services.cast_vote(ballot, person, {options[code]: 1})
    services.close_ballot(ballot, by=secretary, reason="Everyone has voted.")
    services.certify_ballot(ballot, by=officer_for("scrutineer"), note="All in order.")
    services.publish_ballot(ballot, by=secretary)
    ballot.test_member = people[0]
    return ballot


def visit(page, path):
    response = page.goto(path)
    assert response is not None and response.status == 200, f"GET {path}"
    return response


def test_results_page_with_chart_is_accessible(page, sign_in, assert_accessible, certified):
    sign_in(page.context, certified.test_member.user)
    visit(page, f"/s/{certified.society.slug}/ballots/{certified.pk}/results/")
    chart = page.locator("svg[role=img]")
    assert chart.count() == 1
    assert page.get_by_role("img", name="Share of the weighted result for each option").count()
    assert "The resolution passed" in page.locator("#outcome").inner_text()
    page.locator("#receipts summary").click()  # open the receipts list, then check again
    assert page.locator("#receipts li").count() == 9
    assert_accessible(page, "ballot results page")


def test_certificate_page_is_accessible(page, sign_in, assert_accessible, certified):
    sign_in(page.context, certified.test_member.user)
    visit(page, f"/s/{certified.society.slug}/ballots/{certified.pk}/certificate/")
    assert "All in order." in page.locator("#certificate-note").inner_text()
    assert_accessible(page, "ballot certificate page")
