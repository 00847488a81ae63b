"""axe-core finds no WCAG 2.2 A/AA violation on a ballot's results page (with its SVG chart,
tables and receipts list) and on the scrutineer's certificate, also for an election whose
count drew lots."""

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


def test_results_page_with_chart_is_accessible(page, sign_in, assert_accessible, certified,
                                               secretary):
    # The board sees the full count; members get no figures here (two carers voted).
    sign_in(page.context, secretary)
    visit(page, f"/s/{certified.society.slug}/ballots/{certified.pk}/results/")
    chart = page.locator("svg[role=img]")
    assert chart.count() == 1
    assert page.get_by_role("img", name="Share of the weighted result for each option").count()
    assert "The resolution passed" in page.locator("#outcome").inner_text()
    page.locator("#receipts summary").click()  # open the receipts list, then check again
    assert page.locator("#receipts li").count() == 9
    assert_accessible(page, "ballot results page")


def test_results_page_with_the_figures_hidden_is_accessible(page, sign_in, assert_accessible,
                                                           certified):
    sign_in(page.context, certified.test_member.user)
    visit(page, f"/s/{certified.society.slug}/ballots/{certified.pk}/results/")
    assert "Hidden to keep a small group's votes secret" in \
        page.locator("#figures-hidden").inner_text()
    assert page.locator("svg[role=img]").count() == 0
    assert "The resolution passed" in page.locator("#outcome").inner_text()
    assert_accessible(page, "ballot results page with the figures hidden")


def test_certificate_page_is_accessible(page, sign_in, assert_accessible, certified):
    sign_in(page.context, certified.test_member.user)
    visit(page, f"/s/{certified.society.slug}/ballots/{certified.pk}/certificate/")
    assert "All in order." in page.locator("#certificate-note").inner_text()
    assert_accessible(page, "ballot certificate page")


@pytest.fixture
def drawn(society, secretary, officer_for):
    """A published one-seat election whose count drew lots: Ann 3, Bob 2, Cat 2 first
    preferences, so a lot excludes Bob or Cat."""
    users = society.member_classes.order_by("position")[0]
    people = [MemberFactory(society=society, member_class=users) for _ in range(7)]
    ballot = services.create_ballot(society, by=secretary, title="Elect a treasurer",
                                    summary="One seat.", kind="ranked", seats=1,
                                    options=["Ann", "Bob", "Cat"])
    ballot = services.open_ballot(ballot, by=secretary,
                                  closes_at=timezone.now() + timedelta(days=3))
    ids = {o.label: o.pk for o in ballot.options.all()}
    for person, first in zip(people, ["Ann"] * 3 + ["Bob"] * 2 + ["Cat"] * 2, strict=True):
        services.cast_vote(ballot, person, {ids[first]: 1})
    services.close_ballot(ballot, by=secretary, reason="Everyone has voted.")
    services.certify_ballot(ballot, by=officer_for("scrutineer"), note="Lot drawn as shown.")
    services.publish_ballot(ballot, by=secretary)
    ballot.test_member = people[0]
    return ballot


@pytest.mark.parametrize("page_name", ["results", "certificate"])
def test_election_pages_that_show_a_lot_are_accessible(page, sign_in, assert_accessible,
                                                       drawn, page_name):
    sign_in(page.context, drawn.test_member.user)
    visit(page, f"/s/{drawn.society.slug}/ballots/{drawn.pk}/{page_name}/")
    assert "were tied with the fewest votes, and the lot excluded" in page.inner_text("main")
    assert_accessible(page, f"election {page_name} page with a lot")


def test_pages_after_the_marked_roll_is_reduced_are_accessible(page, sign_in,
                                                               assert_accessible, certified):
    """After the challenge period the roll is counts only: the member's ballot page, list and
    receipt page say so, and still pass axe."""
    from voting import marked_roll

    marked_roll.reduce_marked_roll(certified, today=timezone.localdate() + timedelta(days=29))
    sign_in(page.context, certified.test_member.user)
    base = f"/s/{certified.society.slug}/ballots"
    visit(page, f"{base}/{certified.pk}/")
    assert "record of who voted" in page.locator("#roll-reduced").inner_text()
    assert_accessible(page, "ballot page after the marked roll was reduced")
    visit(page, f"{base}/{certified.pk}/receipt/")
    assert "cannot say whether you voted" in page.locator("#roll-reduced").inner_text()
    assert_accessible(page, "receipt page after the marked roll was reduced")
    visit(page, f"{base}/")
    assert "who voted is no longer kept" in page.locator("main").inner_text()
    assert_accessible(page, "ballot list after the marked roll was reduced")
