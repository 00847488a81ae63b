"""The members' surplus pages: the home page, what members are choosing (with easy read and
what money buys in PA pay), the outcome in pounds and who may see each page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from surplus import services
from tests.factories import MemberFactory, OfficerFactory, UserFactory
from tests.pages import PageCheckingClient, elements, text
from voting import services as voting
from voting.conflicts import InterestAnswer

# --- builders (the browser tests use them too) ------------------------------------------------


def locked_year(society, by, *, starts=date(2025, 4, 1), income="125000",
                expenditure="100000"):
    """A locked year with a £25,000 surplus: £5,000 to reserves, £20,000 available."""
    year = services.create_year(society, by=by, starts_on=starts,
                                ends_on=starts.replace(year=starts.year + 1) - timedelta(days=1),
                                income=Decimal(income), expenditure=Decimal(expenditure))
    return services.lock_year(year, by=by)


def draft(year, by, *, kind="allocation", pay_kind="permanent"):
    proposal = services.create_proposal(
        year, by=by, title="Using our surplus", ballot_kind=kind,
        summary="We have money left over. How should we use it?",
        easy_read_summary="We have some money left. You help choose what to do with it.")
    services.add_option(proposal, by=by, option_type="user_service", title="Sensory garden",
                        description="A garden at the day centre for users.",
                        easy_read="A garden. It has plants to smell and touch.",
                        cost_note="About £12,000 to build.")
    services.add_option(proposal, by=by, option_type="pa_pay", title="PA pay",
                        description="Raise the hourly pay of our personal assistants.",
                        easy_read="PAs get more money for each hour they work.",
                        current_hourly_rate=Decimal("12.60"),
                        pa_hours_per_year=Decimal("20000"), pa_count=16,
                        pay_rise_kind=pay_kind)
    return proposal


def put_to_vote(proposal, by):
    return services.put_to_vote(proposal, by=by, closes_at=timezone.now() + timedelta(days=7))


def people(society, users=6, pas=5):
    user_class, _carers, pa_class = society.member_classes.order_by("position")
    return ([MemberFactory(society=society, member_class=user_class) for _ in range(users)],
            [MemberFactory(society=society, member_class=pa_class) for _ in range(pas)])


def vote_and_certify(proposal, by, users, pas, *, publish=True, users_split=(70, 30),
                     pas_split=(20, 80)):
    """Users put 70 points on the garden, PAs 80 on their pay, all PAs with an interest."""
    ballot = proposal.ballot
    labels = {o.label: o.pk for o in ballot.options.all()}
    for member, split, pa in [(m, users_split, False) for m in users] + \
            [(m, pas_split, True) for m in pas]:
        if proposal.ballot_kind == "choice":
            choices = {labels["Sensory garden" if split[0] > split[1] else "PA pay"]: 1}
        else:
            choices = {labels["Sensory garden"]: split[0], labels["PA pay"]: split[1]}
        voting.cast_vote(ballot, member, choices,
                         interest=InterestAnswer(confirmed=pa, none_to_declare=not pa))
    voting.close_ballot(ballot, by=by, reason="Everyone has voted")
    voting.certify_ballot(ballot, by=OfficerFactory(society=proposal.society,
                                                    role="scrutineer").user)
    if publish:
        voting.publish_ballot(ballot, by=by)
    proposal.refresh_from_db()
    return proposal


def client_for(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


def url(name, proposal=None, society=None):
    society = society or proposal.society
    args = [society.slug] + ([proposal.pk] if proposal is not None else [])
    return reverse(name, args=args)


# --- fixtures ----------------------------------------------------------------------------------

@pytest.fixture
def year(society, secretary):
    return locked_year(society, secretary)


@pytest.fixture
def open_proposal(year, secretary):
    return put_to_vote(draft(year, secretary), secretary)


@pytest.fixture
def decided(year, secretary, society):
    users, pas = people(society)
    proposal = vote_and_certify(put_to_vote(draft(year, secretary), secretary), secretary,
                                users, pas)
    services.record_decision(proposal, by=secretary, resolution_reference="AGM 2026 res. 4",
                             decided_on=timezone.localdate(), notes="Garden built by May.")
    proposal.refresh_from_db()
    proposal.test_member = users[0]
    return proposal


# --- the home page ----------------------------------------------------------------------------

def test_home_lists_open_and_decided_proposals_with_links(society, secretary, decided, member):
    year2 = locked_year(society, secretary, starts=date(2026, 4, 1))
    current = put_to_vote(draft(year2, secretary), secretary)
    response = client_for(member.user).get(url("surplus_home", society=society))
    assert response.status_code == 200
    page = text(response)
    html = response.content.decode()
    assert reverse("ballot_detail", args=[society.slug, current.ballot_id]) in html
    assert url("proposal_detail", current) in html
    assert "There is £20,000.00 to reinvest from the year to 31 March 2027" in page
    assert "Sensory garden: £10,666.67" in page and "PA pay: £9,333.33" in page
    assert "Decided on" in page and "AGM 2026 res. 4" in page
    assert url("surplus_history", society=society) in html
    assert "For the board and the treasurer" not in page  # members see no officer links


def test_home_shows_the_board_its_drafts_and_management_links(society, secretary, year):
    proposal = draft(year, secretary)
    response = client_for(secretary).get(url("surplus_home", society=society))
    html = response.content.decode()
    assert url("year_list", society=society) in html
    assert url("proposal_edit", proposal) in html


def test_home_hides_drafts_from_members(society, secretary, year, member):
    proposal = draft(year, secretary)
    response = client_for(member.user).get(url("surplus_home", society=society))
    assert proposal.title not in text(response)
    assert client_for(member.user).get(url("proposal_detail", proposal)).status_code == 404


# --- the proposal page -------------------------------------------------------------------------

def test_proposal_shows_the_working_options_and_how_to_vote(open_proposal, member):
    response = client_for(member.user).get(url("proposal_detail", open_proposal))
    assert response.status_code == 200
    page = text(response)
    assert "Left over (the surplus) £25,000.00" in page
    assert "Kept in reserves first £5,000.00. The rules put 20% of the surplus into reserves." \
        in page
    assert "Available to reinvest £20,000.00" in page
    assert "A garden at the day centre for users." in page
    assert "About £12,000 to build." in page
    html = response.content.decode()
    assert reverse("ballot_detail", args=[open_proposal.society.slug,
                                          open_proposal.ballot_id]) in html
    assert "Go to the vote" in page
    assert "If you have an interest in PA pay" in page
    assert "your vote still counts" in page.lower()


def test_pa_pay_option_says_what_money_buys(open_proposal, member):
    page = text(client_for(member.user).get(url("proposal_detail", open_proposal)))
    # 16 PAs, 1,250 hours each at £12.60: £15,750 + £1,901.03 holiday pay = £17,651.03,
    # NI 15% × £12,651.03 = £1,897.65, pension 3% × £11,411.03 = £342.33: £19,891.01 a PA.
    # At £12.97: £16,212.50 + £1,956.85 = £18,169.35, NI £1,975.40, pension £357.88, so
    # £20,502.63; the rise costs 16 × £611.62 = £9,785.92 of the £10,000 (not 50p an hour).
    assert ("£10,000.00 would raise PA pay by 37p an hour (from £12.60 to £12.97) for the "
            "20,000 hours 16 PAs work in a year. With holiday pay, National Insurance and "
            "pensions that costs £9,785.92 every year from now on; £214.08 is left over "
            "because the rise is rounded down to a whole penny") in page
    assert "25% £5,000.00 £0.18 £12.78 £4,760.80 a year £239.20 Below the Real Living Wage" \
        in page
    assert ("50% £10,000.00 £0.37 £12.97 £9,785.92 a year £214.08 Below the Real Living "
            "Wage") in page
    assert ("All of it £20,000.00 £0.75 £13.35 £19,836.32 a year £163.68 Below the Real "
            "Living Wage") in page
    assert "The current rate, £12.60 an hour, is below the National Living Wage of £12.71" \
        in page
    assert "employer’s National Insurance (15% of each PA’s pay above £5,000.00 a year)" in page
    assert "This is a permanent rise. It is a cost every year from now on" in page


def test_one_off_bonus_is_shown_as_spent_once(society, secretary, year, member):
    proposal = put_to_vote(draft(year, secretary, pay_kind="one_off"), secretary)
    page = text(client_for(member.user).get(url("proposal_detail", proposal)))
    assert "This is a one-off bonus. The money is spent once" in page
    assert "Cost (once only)" in page and "a year" not in page.split("Cost (once only)")[1][:80]


def test_easy_read_comes_first_for_a_member_who_asked(open_proposal, society):
    reader = MemberFactory(society=society, easy_read=True)
    response = client_for(reader.user).get(url("proposal_detail", open_proposal))
    html = response.content.decode()
    easy = html.index("A garden. It has plants to smell and touch.")
    plain = html.index("A garden at the day centre for users.")
    assert easy < plain
    assert html.index("You help choose what to do with it.") < html.index(
        "How should we use it?")
    garden = open_proposal.options.get(title="Sensory garden")
    assert elements(response)[f"option-{garden.pk}-easy-read"]["tag"] == "div"


def test_easy_read_is_folded_away_for_other_members(open_proposal, member):
    response = client_for(member.user).get(url("proposal_detail", open_proposal))
    html = response.content.decode()
    assert html.index("A garden at the day centre for users.") < html.index(
        "A garden. It has plants to smell and touch.")
    garden = open_proposal.options.get(title="Sensory garden")
    assert elements(response)[f"option-{garden.pk}-easy-read"]["tag"] == "details"
    assert elements(response)["easy-read-summary"]["tag"] == "details"


# --- the outcome -------------------------------------------------------------------------------

def test_outcome_before_certification_says_not_decided_yet(open_proposal, member):
    response = client_for(member.user).get(url("proposal_outcome", open_proposal))
    assert response.status_code == 200
    assert "This has not been decided yet." in text(response)
    assert "£10,666.67" not in text(response)


def test_outcome_waits_for_publication_for_members(society, secretary, year):
    users, pas = people(society)
    proposal = vote_and_certify(put_to_vote(draft(year, secretary), secretary), secretary,
                                users, pas, publish=False)
    member_page = text(client_for(users[0].user).get(url("proposal_outcome", proposal)))
    assert "This has not been decided yet." in member_page
    board_page = text(client_for(secretary).get(url("proposal_outcome", proposal)))
    assert "Sensory garden £10,666.67" in board_page.replace("53.3% ", "")
    assert "The board has not published this result yet" in board_page


def test_outcome_in_pounds_adds_up_to_the_amount(decided):
    response = client_for(decided.test_member.user).get(url("proposal_outcome", decided))
    assert response.status_code == 200
    page = text(response)
    # Users (50%) split 70/30, PAs (25%) 20/80, carers none: rescaled to 2/3 and 1/3.
    assert "Sensory garden 53.3% £10,666.67" in page
    assert "PA pay 46.7% £9,333.33" in page
    assert "Total 100.0% £20,000.00" in page
    assert "These sums add up exactly to the £20,000.00 available." in page
    # After holiday pay, NI and pensions (see test_pa_pay_option_says_what_money_buys).
    assert ("£9,333.33 would raise PA pay by 35p an hour (from £12.60 to £12.95) for the "
            "20,000 hours 16 PAs work in a year. With holiday pay, National Insurance and "
            "pensions that costs £9,256.96 every year from now on; £76.37 is left over") in page
    assert "The new hourly rate is £12.95" in page
    assert "The new rate, £12.95 an hour, is still below the Real Living Wage of £13.45" in page
    assert ("it costs £9,256.96 every year from now on, including holiday pay, National "
            "Insurance and pensions") in page
    assert "AGM 2026 res. 4" in page and "Garden built by May." in page
    found = elements(response)
    assert found[f"outcome-chart-{decided.pk}"]["role"] == "img"
    assert "pounds-table" in found


def test_outcome_compares_one_member_one_vote_and_without_interests(decided):
    page = text(client_for(decided.test_member.user).get(url("proposal_outcome", decided)))
    # One member one vote: (6x70 + 5x20) / 1,100 = 47.27% for the garden.
    # Without the PAs' votes (all cast with an interest): the users' 70/30 alone.
    assert "Sensory garden £10,666.67 £9,454.55 £14,000.00" in page
    assert "PA pay £9,333.33 £10,545.45 £6,000.00" in page
    assert "Share under one member, one vote" in page  # the voting results table
    assert "Turnout by class" in page


def test_outcome_hides_without_interest_when_too_few_had_one(society, secretary, year):
    users, pas = people(society, pas=2)
    proposal = vote_and_certify(put_to_vote(draft(year, secretary), secretary), secretary,
                                users, pas)
    # The board sees the full count: the comparison without so few interested votes is
    # hidden, and so is the two PAs' own table.
    page = text(client_for(secretary).get(url("proposal_outcome", proposal)))
    assert "The result without votes cast with an interest is not shown" in page
    assert "Without votes cast with an interest" not in page  # no such column
    assert "One member, one vote" in page
    assert "Hidden: only 2 members of the class “Personal assistant” voted" in page
    # Members: two PAs is a small class, so no comparison at all (it would give them away),
    # but the pounds, which are the decision, are shown.
    response = client_for(users[0].user).get(url("proposal_outcome", proposal))
    page = text(response)
    assert "Hidden to keep a small group's votes secret: fewer than 5 voted in Personal " \
           "assistant" in page
    assert 'id="compare-table"' not in response.content.decode()
    assert "One member, one vote" not in page and "£" in page


def test_choice_ballot_outcome_names_the_winning_package(society, secretary, year):
    users, pas = people(society)
    proposal = vote_and_certify(put_to_vote(draft(year, secretary, kind="choice"),
                                            secretary), secretary, users, pas)
    page = text(client_for(users[0].user).get(url("proposal_outcome", proposal)))
    assert "The members chose “Sensory garden”. It gets all £20,000.00." in page
    assert "Sensory garden 66.7% Yes £20,000.00" in page  # the weighted share, then the money
    assert "PA pay 33.3% No £0.00" in page


def test_choice_ballot_tie_says_no_package_won(society, secretary, year):
    users, pas = people(society, users=5, pas=5)  # five for each package, counted equally
    proposal = services.put_to_vote(draft(year, secretary, kind="choice"), by=secretary,
                                    weighting="one_member",
                                    closes_at=timezone.now() + timedelta(days=7))
    proposal = vote_and_certify(proposal, secretary, users, pas)
    page = text(client_for(users[0].user).get(url("proposal_outcome", proposal)))
    assert "The vote was a tie between packages, so no package won." in page


# --- who may look ------------------------------------------------------------------------------

PAGES = ["surplus_home", "proposal_detail", "proposal_outcome", "surplus_history",
         "surplus_history_csv", "surplus_history_xlsx"]


def _url(name, proposal):
    if name in ("proposal_detail", "proposal_outcome"):
        return url(name, proposal)
    return url(name, society=proposal.society)


@pytest.mark.parametrize("name", PAGES)
def test_members_and_officers_may_look(decided, officer_for, name):
    for user in (decided.test_member.user, officer_for("treasurer")):
        assert client_for(user).get(_url(name, decided)).status_code == 200, name


@pytest.mark.parametrize("name", PAGES)
def test_outsiders_get_404(decided, other_society, name):
    stranger = UserFactory()
    elsewhere = MemberFactory(society=other_society).user
    former = MemberFactory(society=decided.society, ceased_on=timezone.localdate(),
                           cessation_reason="resigned").user
    for user in (stranger, elsewhere, former):
        assert client_for(user).get(_url(name, decided)).status_code == 404, name


@pytest.mark.parametrize("name", PAGES)
def test_signed_out_visitors_are_asked_to_sign_in(decided, name):
    response = PageCheckingClient().get(_url(name, decided))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_proposal_of_another_society_is_404(decided, other_society, secretary):
    other = MemberFactory(society=other_society).user
    wrong = reverse("proposal_detail", args=[other_society.slug, decided.pk])
    assert client_for(other).get(wrong).status_code == 404
