"""The surplus rules, through the services: years, proposals and options, putting a proposal
to the members, the outcome in pounds and recording the decision."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from coop.enums import ReserveRule
from coop.models import AuditEntry
from coop.services import CoopError
from membership.models import InterestTopic
from surplus import services
from surplus.models import Allocation, FinancialYear, Proposal, ProposalOption
from surplus.services import SurplusError
from tests.factories import MemberFactory, OfficerFactory
from voting import conflicts
from voting import services as voting
from voting.enums import BallotKind, BallotState, Weighting
from voting.models import Ballot

D = Decimal
APRIL_2025, MARCH_2026 = date(2025, 4, 1), date(2026, 3, 31)
IN_A_WEEK = timedelta(days=7)


def refused(match: str, field: str | None = None, error=SurplusError):
    """Context: the call is refused with this message, on this field."""

    class Check:
        def __enter__(self):
            self.raises = pytest.raises(error, match=match)
            self.info = self.raises.__enter__()

        def __exit__(self, *exc):
            handled = self.raises.__exit__(*exc)
            assert self.info.value.field == field
            return handled

    return Check()


def make_year(society, by, *, income="250000", expenditure="212000", starts=APRIL_2025,
              ends=MARCH_2026, lock=True):
    year = services.create_year(society, by=by, starts_on=starts, ends_on=ends,
                                income=D(income), expenditure=D(expenditure))
    return services.lock_year(year, by=by) if lock else year


@pytest.fixture
def year(society, secretary):
    return make_year(society, secretary)


@pytest.fixture
def proposal(year, secretary):
    return services.create_proposal(year, by=secretary, title="Reinvest 2025-26",
                                    summary="How should we use the surplus?")


@pytest.fixture
def scrutineer(society):
    return OfficerFactory(society=society, role="scrutineer").user


def pa_pay(proposal, by, **extra):
    fields = {"option_type": "pa_pay", "title": "PA pay rise", "description": "A rise.",
              "current_hourly_rate": D("12.60"), "pa_hours_per_year": D("20000"),
              "pa_count": 16, "pay_rise_kind": "permanent"} | extra
    return services.add_option(proposal, by=by, **fields)


def option(proposal, by, title, option_type="other", **extra):
    return services.add_option(proposal, by=by, option_type=option_type, title=title,
                               description=f"About {title}.", **extra)


def audit(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


# --- financial years -------------------------------------------------------------------------

def test_year_is_created_with_its_surplus_and_audited(society, secretary):
    year = make_year(society, secretary, lock=False)
    assert year.surplus == D("38000")
    assert not year.is_locked
    [entry] = audit("surplus.year.created")
    assert entry.data["surplus"] == "38000"
    assert entry.object_id == str(year.pk)


def test_overlapping_years_are_refused(society, secretary, other_society):
    make_year(society, secretary, lock=False)
    with refused("overlaps another financial year", "starts_on"):
        make_year(society, secretary, starts=date(2026, 1, 1), ends=date(2026, 12, 31))
    with refused("overlaps", "starts_on"):
        make_year(society, secretary, starts=date(2024, 4, 1), ends=date(2025, 4, 1))
    # the next year, and the same year in another society, are fine
    make_year(society, secretary, starts=date(2026, 4, 1), ends=date(2027, 3, 31))
    make_year(other_society, secretary)
    assert FinancialYear.objects.filter(society=society).count() == 2


@pytest.mark.parametrize("ends", [date(2025, 3, 31), APRIL_2025])
def test_year_ending_before_it_starts_is_refused(society, secretary, ends):
    with refused("must end after it starts", "ends_on"):
        make_year(society, secretary, ends=ends)
    assert not FinancialYear.objects.exists()


def test_year_longer_than_a_year_is_refused(society, secretary):
    with refused("at most about a year", "ends_on"):
        make_year(society, secretary, ends=date(2026, 12, 31))


@pytest.mark.parametrize("name", ["income", "expenditure"])
def test_negative_money_is_refused(society, secretary, name):
    with refused("£0 or more", name):
        make_year(society, secretary, **{name: "-0.01"})
    assert not FinancialYear.objects.exists()


def test_update_is_audited_from_and_to(society, secretary):
    year = make_year(society, secretary, lock=False)
    services.update_year(year, by=secretary, income=D("260000.00"), expenditure=D("212000"),
                         notes="Corrected after the audit.")
    year.refresh_from_db()
    assert year.surplus == D("48000.00")
    [entry] = audit("surplus.year.changed")
    assert entry.data == {"income": {"from": "250000.00", "to": "260000.00"},
                          "notes": {"from": "", "to": "Corrected after the audit."}}
    assert entry.actor == secretary


def test_update_refused_leaves_the_year_as_it_was(society, secretary):
    year = make_year(society, secretary, lock=False)
    with refused("£0 or more", "expenditure"):
        services.update_year(year, by=secretary, income=D("1"), expenditure=D("-5"))
    year.refresh_from_db()
    assert (year.income, year.expenditure) == (D("250000.00"), D("212000.00"))
    assert not audit("surplus.year.changed")


def test_locked_year_refuses_changes(society, secretary, year):
    with refused("locked and cannot be changed"):
        services.update_year(year, by=secretary, income=D("1"))
    with refused("already locked"):
        services.lock_year(year, by=secretary)
    year.refresh_from_db()
    assert year.income == D("250000.00")
    [entry] = audit("surplus.year.locked")
    assert entry.data["surplus"] == "38000.00"


# --- proposals -------------------------------------------------------------------------------

def test_proposal_for_an_unlocked_year_is_refused(society, secretary):
    year = make_year(society, secretary, lock=False)
    with refused("Lock the year's accounts"):
        services.create_proposal(year, by=secretary, title="T", summary="S")
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(("income", "rule", "percent"), [
    ("200000", ReserveRule.PERCENT, "20"),  # a deficit
    ("212000", ReserveRule.PERCENT, "20"),  # broke even
    ("250000", ReserveRule.PERCENT, "100"),  # all of it to reserves
    ("214000", ReserveRule.FIXED, "20"),  # £2,000 surplus, the first £5,000 to reserves
])
def test_proposal_with_nothing_available_is_refused(society, secretary, income, rule,
                                                    percent):
    society.reserve_rule, society.reserve_percent = rule, D(percent)
    society.reserve_fixed = D("5000")
    society.save()
    year = make_year(society, secretary, income=income)
    with refused("nothing to reinvest"):
        services.create_proposal(year, by=secretary, title="T", summary="S")


@pytest.mark.parametrize(("rule", "available"), [
    (ReserveRule.PERCENT, D("30400.00")), (ReserveRule.FIXED, D("33000.00"))])
def test_proposal_amount_comes_from_the_working(society, secretary, rule, available):
    society.reserve_rule, society.reserve_fixed = rule, D("5000")
    society.save()
    proposal = services.create_proposal(make_year(society, secretary), by=secretary,
                                        title=" Reinvest ", summary="What to do?")
    assert proposal.amount_available == available
    assert proposal.title == "Reinvest"
    assert proposal.is_draft
    [entry] = audit("surplus.proposal.drafted")
    assert entry.data["amount_available"] == str(available)


def test_proposal_needs_a_title_and_summary(secretary, year):
    with refused("title", "title"):
        services.create_proposal(year, by=secretary, title=" ", summary="S")
    with refused("plain English", "summary"):
        services.create_proposal(year, by=secretary, title="T", summary="")


# --- options ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("missing", "field", "message"), [
    ({"current_hourly_rate": None}, "current_hourly_rate", "current hourly rate"),
    ({"current_hourly_rate": D("0")}, "current_hourly_rate", "current hourly rate"),
    ({"pa_hours_per_year": None}, "pa_hours_per_year", "PA hours"),
    ({"pa_hours_per_year": D("-10")}, "pa_hours_per_year", "PA hours"),
    ({"pa_count": None}, "pa_count", "how many PAs"),
    ({"pa_count": 0}, "pa_count", "how many PAs"),
    ({"pay_rise_kind": ""}, "pay_rise_kind", "one-off bonus or a permanent"),
    ({"pay_rise_kind": "sometimes"}, "pay_rise_kind", "one-off bonus or a permanent"),
])
def test_pa_pay_needs_rate_hours_and_kind(proposal, secretary, missing, field, message):
    with refused(message, field):
        pa_pay(proposal, secretary, **missing)
    assert not proposal.options.exists()


def test_pa_pay_option_keeps_its_figures_and_topic(proposal, secretary):
    pay = pa_pay(proposal, secretary)
    assert (pay.current_hourly_rate, pay.pa_hours_per_year, pay.pay_rise_kind) == (
        D("12.60"), D("20000"), "permanent")
    assert pay.topic.name == "PA pay and conditions"


def test_other_types_have_pa_fields_cleared(proposal, secretary):
    garden = option(proposal, secretary, "Garden", "user_service",
                    current_hourly_rate=D("12"), pa_hours_per_year=D("100"),
                    pay_rise_kind="one_off")
    garden.refresh_from_db()
    assert (garden.current_hourly_rate, garden.pa_hours_per_year, garden.pay_rise_kind) == (
        None, None, "")
    pay = pa_pay(proposal, secretary)
    pay = services.update_option(pay, by=secretary, option_type="other")
    pay.refresh_from_db()
    assert (pay.current_hourly_rate, pay.pa_hours_per_year, pay.pay_rise_kind) == (
        None, None, "")


@pytest.mark.parametrize(("option_type", "topic"), [
    ("user_service", "New services for users"), ("carer_service", "New services for carers"),
    ("pa_pay", "PA pay and conditions"), ("reserves", None), ("other", None)])
def test_default_topic_comes_from_the_type(proposal, secretary, option_type, topic):
    extra = {"current_hourly_rate": D("12"), "pa_hours_per_year": D("100"), "pa_count": 1,
             "pay_rise_kind": "one_off"} if option_type == "pa_pay" else {}
    made = option(proposal, secretary, "Choice", option_type, **extra)
    assert (made.topic.name if made.topic else None) == topic


def test_a_chosen_topic_is_kept(society, proposal, secretary):
    suppliers = InterestTopic.objects.get(society=society, name="Contracts and suppliers")
    made = option(proposal, secretary, "Garden", "user_service", topic=suppliers)
    assert made.topic == suppliers


def test_another_societys_topic_is_refused(other_society, proposal, secretary):
    theirs = InterestTopic.objects.filter(society=other_society).first()
    with refused("this society's topics", "topic"):
        option(proposal, secretary, "Garden", "user_service", topic=theirs)
    assert not proposal.options.exists()


def test_option_titles_are_unique_within_a_proposal(proposal, secretary):
    option(proposal, secretary, "Garden")
    with refused("already an option called", "title"):
        option(proposal, secretary, "garden")
    with refused("title", "title"):
        option(proposal, secretary, "  ")


def test_paying_members_is_refused_under_an_asset_lock(society, proposal, secretary):
    society.asset_lock = True
    society.save()
    with refused("assets are locked", "pays_members"):
        option(proposal, secretary, "Dividend", pays_members=True)
    assert not proposal.options.exists()


def test_put_to_vote_refuses_paying_members_if_the_lock_came_later(society, proposal,
                                                                    secretary):
    option(proposal, secretary, "Dividend", pays_members=True)
    option(proposal, secretary, "Reserves", "reserves")
    society.asset_lock = True
    society.save()
    with refused("assets are locked", "options"):
        services.put_to_vote(proposal, by=secretary, closes_at=timezone.now() + IN_A_WEEK)
    proposal.refresh_from_db()
    assert proposal.is_draft
    assert not Ballot.objects.exists()


# --- putting it to the vote ------------------------------------------------------------------

@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_options_is_refused(proposal, secretary, count):
    for i in range(count):
        option(proposal, secretary, f"Option {i}")
    with refused("at least two options", "options"):
        services.put_to_vote(proposal, by=secretary, closes_at=timezone.now() + IN_A_WEEK)
    assert not Ballot.objects.exists()


def test_a_closing_time_in_the_past_is_refused_and_nothing_is_written(proposal, secretary):
    option(proposal, secretary, "A")
    option(proposal, secretary, "B")
    with pytest.raises(CoopError):
        services.put_to_vote(proposal, by=secretary, closes_at=timezone.now() - IN_A_WEEK)
    proposal.refresh_from_db()
    assert proposal.is_draft
    assert not Ballot.objects.exists()
    assert not audit("voting.ballot.drafted")


@pytest.mark.parametrize("kind", ["allocation", "choice"])
def test_put_to_vote_opens_a_ballot_with_the_options_in_order(society, secretary, year, kind):
    proposal = services.create_proposal(year, by=secretary, title="Reinvest", summary="How?",
                                        ballot_kind=kind)
    garden = option(proposal, secretary, "Sensory garden", "user_service")
    pay = pa_pay(proposal, secretary)
    reserves = option(proposal, secretary, "Reserves", "reserves")
    closes = timezone.now() + IN_A_WEEK

    proposal = services.put_to_vote(proposal, by=secretary, closes_at=closes)

    ballot = proposal.ballot
    assert ballot.state == BallotState.OPEN
    assert ballot.kind == kind
    assert ballot.weighting == Weighting.CLASS_SHARE
    assert ballot.title == "Reinvest"
    assert "£30,400.00 to reinvest" in ballot.summary
    assert [(o.label, o.description) for o in ballot.options.order_by("position")] == [
        ("Sensory garden", "About Sensory garden."), ("PA pay rise", "A rise."),
        ("Reserves", "About Reserves.")]
    assert {t.name for t in ballot.topics.all()} == {"New services for users",
                                                     "PA pay and conditions"}
    for made in (garden, pay, reserves):
        made.refresh_from_db()
        assert made.ballot_option.label == made.title
    assert audit("surplus.proposal.put_to_vote")[0].data["ballot"] == ballot.pk


def test_put_to_vote_can_use_another_weighting(proposal, secretary):
    option(proposal, secretary, "A")
    option(proposal, secretary, "B")
    proposal = services.put_to_vote(proposal, by=secretary,
                                    closes_at=timezone.now() + IN_A_WEEK,
                                    weighting=Weighting.ONE_MEMBER_ONE_VOTE)
    assert proposal.ballot.weighting == Weighting.ONE_MEMBER_ONE_VOTE


def test_the_proposal_cannot_change_once_put_to_vote(proposal, secretary):
    a = option(proposal, secretary, "A")
    option(proposal, secretary, "B")
    services.put_to_vote(proposal, by=secretary, closes_at=timezone.now() + IN_A_WEEK)
    message = "put to the members"
    with refused(message):
        option(proposal, secretary, "C")
    with refused(message):
        services.update_option(a, by=secretary, title="A2")
    with refused(message):
        services.remove_option(a, by=secretary)
    with refused(message):
        services.put_to_vote(proposal, by=secretary, closes_at=timezone.now() + IN_A_WEEK)
    assert [o.title for o in proposal.options.all()] == ["A", "B"]
    assert Ballot.objects.count() == 1


def test_a_draft_option_can_be_changed_and_removed(proposal, secretary):
    a = option(proposal, secretary, "A")
    option(proposal, secretary, "B")
    services.update_option(a, by=secretary, title="Garden", cost_note="About £5,000.")
    a.refresh_from_db()
    assert (a.title, a.cost_note) == ("Garden", "About £5,000.")
    services.remove_option(a, by=secretary)
    assert [o.title for o in proposal.options.all()] == ["B"]
    assert audit("surplus.option.removed")[0].data == {"title": "Garden"}


# --- the outcome and the decision ------------------------------------------------------------

def members(society, counts):
    classes = list(society.member_classes.order_by("position"))
    return [[MemberFactory(society=society, member_class=c) for _ in range(n)]
            for c, n in zip(classes, counts, strict=True)]


def cast(ballot, member, marks: dict):
    ids = {o.label: o.pk for o in ballot.options.all()}
    prompt = conflicts.prompt_for(ballot, member)
    answer = conflicts.InterestAnswer(confirmed=prompt.has_interest,
                                      none_to_declare=not prompt.has_interest)
    voting.cast_vote(ballot, member, {ids[k]: v for k, v in marks.items()}, interest=answer)


def close_and_certify(proposal, secretary, scrutineer):
    voting.close_ballot(proposal.ballot, by=secretary, reason="Everyone has voted")
    voting.certify_ballot(proposal.ballot, by=scrutineer)
    proposal.refresh_from_db()


@pytest.fixture
def allocation(society, secretary):
    """£1,000.01 to split (a £1,250.01 surplus less 20%): users vote 60/30/10 and 40/40/20,
    the carer 100/0/0 and the PA 0/100/0. Weighted (50/25/25): garden 0.5, pay 0.425 and
    reserves 0.075, which is £500.005, £425.00425 and £75.00075."""
    voters = members(society, [2, 1, 1])
    year = make_year(society, secretary, income="1250.01", expenditure="0")
    proposal = services.create_proposal(year, by=secretary, title="Reinvest", summary="How?")
    assert proposal.amount_available == D("1000.01")
    option(proposal, secretary, "Garden", "user_service")
    pa_pay(proposal, secretary, pa_hours_per_year=D("100"), pa_count=1)
    option(proposal, secretary, "Reserves", "reserves")
    proposal = services.put_to_vote(proposal, by=secretary,
                                    closes_at=timezone.now() + IN_A_WEEK)
    (u1, u2), (carer,), (pa,) = voters
    for member, (g, p, r) in ((u1, (60, 30, 10)), (u2, (40, 40, 20)), (carer, (100, 0, 0)),
                              (pa, (0, 100, 0))):
        cast(proposal.ballot, member, {"Garden": g, "PA pay rise": p, "Reserves": r})
    return proposal


def test_outcome_is_not_ready_before_certification(allocation, secretary, scrutineer):
    assert not services.outcome(allocation).ready
    with refused("after the scrutineer has certified"):
        services.record_decision(allocation, by=secretary, resolution_reference="AGM 1",
                                 decided_on=timezone.localdate())
    voting.close_ballot(allocation.ballot, by=secretary, reason="Everyone has voted")
    assert not services.outcome(allocation).ready
    with refused("after the scrutineer has certified"):
        services.record_decision(allocation, by=secretary, resolution_reference="AGM 1",
                                 decided_on=timezone.localdate())
    assert not Allocation.objects.exists()


def test_a_draft_proposal_has_no_outcome(proposal):
    result = services.outcome(proposal)
    assert (result.rows, result.ready, result.tie) == ([], False, False)
    assert result.results is None


def test_allocation_outcome_in_pounds_by_weighted_shares(allocation, secretary, scrutineer):
    close_and_certify(allocation, secretary, scrutineer)
    result = services.outcome(allocation)
    assert result.ready and not result.tie
    rows = {row.option.title: row for row in result.rows}
    assert [row.option.title for row in result.rows] == ["Garden", "PA pay rise", "Reserves"]
    # the spare penny goes to the largest remainder (garden's half a penny)
    assert {t: r.amount for t, r in rows.items()} == {
        "Garden": D("500.01"), "PA pay rise": D("425.00"), "Reserves": D("75.00")}
    assert sum(r.amount for r in result.rows) == D("1000.01")
    assert str(rows["Garden"].share) == "1/2"
    pay = rows["PA pay rise"].pay
    # One PA, 100 hours at £12.60: £1,260 + 12.07% holiday pay £152.08, under the NI and
    # pension thresholds. £3.79 more: £1,639 + £197.83, £424.75 more; £3.80: £425.87.
    assert (pay.rise_per_hour, pay.new_rate, pay.permanent) == (D("3.79"), D("16.39"), True)
    assert (pay.yearly_cost, pay.remainder) == (D("424.75"), D("0.25"))
    assert rows["Garden"].pay is None


@pytest.fixture
def voters(society):
    """Two users and a carer, on the roll of the ballot opened after them."""
    return members(society, [2, 1, 0])


@pytest.fixture
def choice(society, secretary, voters):
    year = make_year(society, secretary)
    proposal = services.create_proposal(year, by=secretary, title="Pick one", summary="Which?",
                                        ballot_kind="choice")
    option(proposal, secretary, "Garden", "user_service")
    option(proposal, secretary, "Respite", "carer_service")
    return services.put_to_vote(proposal, by=secretary, closes_at=timezone.now() + IN_A_WEEK)


def test_choice_outcome_gives_the_whole_amount_to_the_winner(choice, voters, secretary,
                                                             scrutineer):
    assert choice.ballot.kind == BallotKind.CHOICE
    (u1, u2), (carer,), _ = voters
    for member, pick in ((u1, "Garden"), (u2, "Respite"), (carer, "Respite")):
        cast(choice.ballot, member, {pick: 1})
    close_and_certify(choice, secretary, scrutineer)
    result = services.outcome(choice)
    assert not result.tie
    # users (50%) split between the two, carers (25%) all for respite: respite wins
    assert {r.option.title: r.amount for r in result.rows} == {
        "Garden": D("0.00"), "Respite": D("30400.00")}


def test_a_tied_choice_is_flagged_and_cannot_be_recorded(choice, voters, secretary,
                                                         scrutineer):
    (u1, u2), _, _ = voters
    cast(choice.ballot, u1, {"Garden": 1})
    cast(choice.ballot, u2, {"Respite": 1})
    close_and_certify(choice, secretary, scrutineer)
    result = services.outcome(choice)
    assert result.tie and result.ready
    assert all(r.amount == 0 for r in result.rows)
    with refused("tie between packages"):
        services.record_decision(choice, by=secretary, resolution_reference="AGM 1",
                                 decided_on=timezone.localdate())
    assert not Allocation.objects.exists()
    choice.refresh_from_db()
    assert not choice.is_decided


def test_nothing_is_recorded_when_nobody_voted(choice, secretary, scrutineer):
    close_and_certify(choice, secretary, scrutineer)
    with refused("No votes were counted"):
        services.record_decision(choice, by=secretary, resolution_reference="AGM 1",
                                 decided_on=timezone.localdate())
    assert not Allocation.objects.exists()


def test_record_decision_checks_reference_and_date(allocation, secretary, scrutineer):
    close_and_certify(allocation, secretary, scrutineer)
    with refused("resolution's reference", "resolution_reference"):
        services.record_decision(allocation, by=secretary, resolution_reference="  ",
                                 decided_on=timezone.localdate())
    with refused("cannot be in the future", "decided_on"):
        services.record_decision(allocation, by=secretary, resolution_reference="AGM 1",
                                 decided_on=timezone.localdate() + timedelta(days=1))
    assert not Allocation.objects.exists()
    assert not audit("surplus.proposal.decided")


def test_record_decision_writes_the_allocations_once(allocation, secretary, scrutineer):
    close_and_certify(allocation, secretary, scrutineer)
    yesterday = timezone.localdate() - timedelta(days=1)
    services.record_decision(allocation, by=secretary, resolution_reference=" AGM 2026 res. 4 ",
                             decided_on=yesterday, notes="Start in May.")

    allocation.refresh_from_db()
    assert allocation.is_decided
    assert (allocation.resolution_reference, allocation.decided_on,
            allocation.decision_notes, allocation.decided_by) == (
        "AGM 2026 res. 4", yesterday, "Start in May.", secretary)
    amounts = {a.option.title: a.amount for a in Allocation.objects.filter(proposal=allocation)}
    assert amounts == {"Garden": D("500.01"), "PA pay rise": D("425.00"),
                       "Reserves": D("75.00")}
    [entry] = audit("surplus.proposal.decided")
    assert entry.data == {"reference": "AGM 2026 res. 4",
                          "allocations": {"Garden": "500.01", "PA pay rise": "425.00",
                                          "Reserves": "75.00"}}

    with refused("already been recorded"):
        services.record_decision(allocation, by=secretary, resolution_reference="AGM 2",
                                 decided_on=yesterday)
    assert Allocation.objects.count() == 3
    with pytest.raises(PermissionError):
        Allocation.objects.first().delete()
    assert ProposalOption.objects.filter(proposal=allocation).count() == 3


# --- the demo --------------------------------------------------------------------------------

def test_demo_holds_a_decided_year_and_an_open_proposal(society, secretary, scrutineer):
    from surplus import demo

    voters = [m for group in members(society, [4, 3, 3]) for m in group]
    spare = voters[0]
    demo.seed(society, treasurer_or_secretary=secretary, scrutineer=scrutineer,
              spare_emails={spare.user.email})

    current, past = Proposal.objects.filter(society=society).order_by("-year__starts_on")
    assert past.year.is_locked and current.year.is_locked
    assert past.year.ends_on < current.year.ends_on < timezone.localdate()
    assert past.ballot.state == BallotState.PUBLISHED
    assert past.is_decided and past.decided_on <= timezone.localdate()
    assert sum(a.amount for a in past.allocations.all()) == past.amount_available
    assert {o.option_type for o in past.options.all()} == {
        "user_service", "carer_service", "pa_pay", "reserves"}
    assert past.options.get(option_type="pa_pay").pay_rise_kind == "permanent"
    # The demo treasurer's own rule on top of the UK defaults, and pay priced with it.
    assert society.employment_costs.other == D("1.50")
    [pay_row] = [r for r in services.outcome(past).rows if r.pay]
    assert pay_row.pay.pa_count == 14 and pay_row.pay.rules.other == D("1.50")
    assert 0 < pay_row.pay.yearly_cost <= pay_row.amount

    assert current.ballot.state == BallotState.OPEN
    assert not current.is_decided
    entry = voting.roll_entry_for(current.ballot, spare)
    assert entry is not None and not entry.has_voted
    assert services.outcome(current).results.voted > 0
