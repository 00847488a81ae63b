"""From a year's accounts to a recorded decision, through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from surplus import services
from surplus.models import Allocation
from tests.factories import MemberFactory, OfficerFactory
from voting import services as voting
from voting.conflicts import InterestAnswer


@pytest.fixture
def locked_year(society, secretary):
    year = services.create_year(society, by=secretary, starts_on=date(2025, 4, 1),
                                ends_on=date(2026, 3, 31), income=Decimal("250000"),
                                expenditure=Decimal("212000"))
    return services.lock_year(year, by=secretary)


def test_a_year_becomes_a_decision_in_pounds(society, secretary, locked_year):
    users, carers, pas = society.member_classes.order_by("position")
    voters = ([MemberFactory(society=society, member_class=users) for _ in range(6)]
              + [MemberFactory(society=society, member_class=pas) for _ in range(5)])
    proposal = services.create_proposal(locked_year, by=secretary, title="Reinvest 2025-26",
                                        summary="How should we use the surplus?")
    assert proposal.amount_available == Decimal("30400.00")  # 38,000 less 20% to reserves
    services.add_option(proposal, by=secretary, option_type="user_service",
                                 title="Sensory garden", description="A garden.")
    pay = services.add_option(proposal, by=secretary, option_type="pa_pay", title="PA pay",
                              description="A rise.", current_hourly_rate=Decimal("12.60"),
                              pa_hours_per_year=Decimal("20000"), pa_count=16,
                              pay_rise_kind="permanent")
    assert pay.topic.name == "PA pay and conditions"
    proposal = services.put_to_vote(proposal, by=secretary,
                                     closes_at=timezone.now() + timedelta(days=7))
    ballot = proposal.ballot
    by_label = {o.label: o.pk for o in ballot.options.all()}
    for member in voters:
        prompt_pa = member.member_class == pas
        services_answer = InterestAnswer(confirmed=prompt_pa, none_to_declare=not prompt_pa)
        split = {by_label["Sensory garden"]: 70, by_label["PA pay"]: 30} if not prompt_pa else \
            {by_label["Sensory garden"]: 20, by_label["PA pay"]: 80}
        voting.cast_vote(ballot, member, split, interest=services_answer)
    voting.close_ballot(ballot, by=secretary, reason="Everyone has voted")
    voting.certify_ballot(ballot, by=OfficerFactory(society=society, role="scrutineer").user)

    result = services.outcome(proposal)
    amounts = {row.option.title: row.amount for row in result.rows}
    # Users 50% (70/30) and PAs 25% (20/80); carers cast nothing, so rescaled: 2/3 and 1/3.
    assert amounts == {"Sensory garden": Decimal("16213.33"), "PA pay": Decimal("14186.67")}
    assert sum(amounts.values()) == Decimal("30400.00")
    [pay_row] = [r for r in result.rows if r.option == pay]
    # With holiday pay, NI and pensions for 16 PAs of 1,250 hours (£19,891.01 each now),
    # 53p an hour costs 16 × (£20,767.11 − £19,891.01) = £14,017.60; 54p would cost more.
    assert pay_row.pay.rise_per_hour == Decimal("0.53")
    assert pay_row.pay.new_rate == Decimal("13.13")
    assert pay_row.pay.yearly_cost == Decimal("14017.60")

    services.record_decision(proposal, by=secretary, resolution_reference="AGM 2026 res. 4",
                             decided_on=timezone.localdate())
    assert Allocation.objects.filter(proposal=proposal).count() == 2
