"""Pounds that follow the shares shown (issue 15): under the "not cast" policy the share of a
class in which nobody voted takes its own pounds, which go where the society's rule says
(reserves by default), instead of being spread over the options; and a choice ballot's
outcome reports the real weighted shares beside the money."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from coop.enums import EmptyClassPolicy, NotCastMoney
from coop.models import AuditEntry
from surplus import services
from surplus.models import Allocation
from tests.factories import OfficerFactory
from tests.pages import PageCheckingClient, text

from .test_services import (
    IN_A_WEEK,
    cast,
    close_and_certify,
    make_year,
    members,
    option,
    pa_pay,
)

D = Decimal


@pytest.fixture
def scrutineer(society):
    return OfficerFactory(society=society, role="scrutineer").user


@pytest.fixture
def not_cast_allocation(society, secretary):
    """£1,000 to split. Users (50%) put all their points on the garden; the carer (25%)
    10 on the garden and 90 on PA pay; no PA votes. Garden 52.5%, PA pay 22.5%, 25% not
    cast: £525, £225 and £250, where the old count gave £700 and £300."""
    society.empty_class_policy = EmptyClassPolicy.NOT_CAST
    society.save()
    voters = members(society, [2, 1, 1])
    year = make_year(society, secretary, income="1250", expenditure="0")
    proposal = services.create_proposal(year, by=secretary, title="Reinvest", summary="How?")
    assert proposal.amount_available == D("1000.00")
    option(proposal, secretary, "Garden", "user_service")
    pa_pay(proposal, secretary, pa_hours_per_year=D("100"), pa_count=1)
    proposal = services.put_to_vote(proposal, by=secretary, closes_at=timezone.now() + IN_A_WEEK)
    (u1, u2), (carer,), _ = voters
    for member in (u1, u2):
        cast(proposal.ballot, member, {"Garden": 100, "PA pay rise": 0})
    cast(proposal.ballot, carer, {"Garden": 10, "PA pay rise": 90})
    return proposal


def test_not_cast_share_takes_its_own_pounds_to_reserves(not_cast_allocation, secretary,
                                                         scrutineer):
    close_and_certify(not_cast_allocation, secretary, scrutineer)

    result = services.outcome(not_cast_allocation)

    assert {r.option.title: (str(r.share), r.amount) for r in result.rows} == {
        "Garden": ("21/40", D("525.00")), "PA pay rise": ("9/40", D("225.00"))}
    assert (str(result.not_cast_share), result.not_cast_amount) == ("1/4", D("250.00"))
    assert result.not_cast_money == NotCastMoney.RESERVES
    assert result.total == D("1000.00")
    pay = result.rows[1].pay
    # £225, not £300: one PA, 100 hours at £12.60 is £1,260 + £152.08 holiday pay, under the
    # NI and pension thresholds, so each penny an hour costs 100 × 1p × 1.1207 ≈ £1.12.
    # £2.00 costs £1,460 + £176.22 − £1,412.08 = £224.14; £2.01 would cost £225.26.
    assert (pay.rise_per_hour, pay.yearly_cost) == (D("2.00"), D("224.14"))


def test_the_decision_records_the_not_cast_pounds_and_where_they_went(
        not_cast_allocation, society, secretary, scrutineer):
    society.not_cast_money = NotCastMoney.UNALLOCATED
    society.save()
    close_and_certify(not_cast_allocation, secretary, scrutineer)

    services.record_decision(not_cast_allocation, by=secretary, resolution_reference="AGM 4",
                             decided_on=timezone.localdate())

    not_cast_allocation.refresh_from_db()
    assert (not_cast_allocation.not_cast_amount, not_cast_allocation.not_cast_money) == (
        D("250.00"), NotCastMoney.UNALLOCATED)
    assert {a.option.title: a.amount for a in Allocation.objects.all()} == {
        "Garden": D("525.00"), "PA pay rise": D("225.00")}
    entry = AuditEntry.objects.get(action="surplus.proposal.decided")
    assert entry.data["not_cast"] == {"amount": "250.00", "to": "unallocated"}


def test_the_outcome_page_shows_pounds_that_follow_the_shares(not_cast_allocation, secretary,
                                                              scrutineer):
    close_and_certify(not_cast_allocation, secretary, scrutineer)
    client = PageCheckingClient()
    client.force_login(secretary)

    page = text(client.get(reverse("proposal_outcome", args=["mutual",
                                                             not_cast_allocation.pk])))

    assert "Garden 52.5% £525.00" in page
    assert "PA pay rise 22.5% £225.00" in page
    assert "Not cast: goes to the co-op's reserves 25.0% £250.00" in page
    assert "Total 100.0% £1,000.00" in page
    assert ("25.0% of the weight was not cast, because nobody in a class voted. Under the "
            "co-op's rules, that share of the money, £250.00, goes to the co-op's reserves."
            ) in page


def test_the_api_outcome_gives_the_not_cast_pounds(not_cast_allocation, secretary,
                                                   scrutineer):
    close_and_certify(not_cast_allocation, secretary, scrutineer)
    client = APIClient()
    client.force_authenticate(secretary)

    body = client.get(f"/api/v1/societies/mutual/surplus/proposals/{not_cast_allocation.pk}"
                      "/outcome/").json()

    assert [(o["title"], o["share_fraction"], o["amount"]) for o in body["options"]] == [
        ("Garden", "21/40", "525.00"), ("PA pay rise", "9/40", "225.00")]
    assert (body["not_cast_fraction"], body["not_cast_amount"], body["not_cast_money"]) == (
        "1/4", "250.00", "reserves")


def test_a_choice_outcome_reports_the_real_weighted_shares_and_the_money_apart(
        society, secretary, scrutineer):
    """Users (50%) split one each way, the carer (25%) picks respite, no PAs: rescaled,
    garden 1/3 and respite 2/3 of the weighted result; respite wins all the money."""
    (u1, u2), (carer,), _ = members(society, [2, 1, 0])
    year = make_year(society, secretary)
    proposal = services.create_proposal(year, by=secretary, title="Pick one", summary="Which?",
                                        ballot_kind="choice")
    option(proposal, secretary, "Garden", "user_service")
    option(proposal, secretary, "Respite", "carer_service")
    proposal = services.put_to_vote(proposal, by=secretary, closes_at=timezone.now() + IN_A_WEEK)
    for member, pick in ((u1, "Garden"), (u2, "Respite"), (carer, "Respite")):
        cast(proposal.ballot, member, {pick: 1})
    close_and_certify(proposal, secretary, scrutineer)
    client = APIClient()
    client.force_authenticate(secretary)

    body = client.get(f"/api/v1/societies/mutual/surplus/proposals/{proposal.pk}/outcome/"
                      ).json()

    assert [(o["title"], o["share_fraction"], o["won"], o["amount"])
            for o in body["options"]] == [("Garden", "1/3", False, "0.00"),
                                          ("Respite", "2/3", True, "30400.00")]
    assert body["not_cast_amount"] == "0.00"
