"""The surplus API: a year's accounts to a recorded decision in pounds, driven through the API
by the people who would do it (the treasurer enters and locks the year, the board proposes and
puts it to the vote, members vote through the ballots API, the scrutineer certifies, the board
decides); the errors a client meets; who may do what; and what a list costs in queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from surplus import services
from surplus.models import Allocation, FinancialYear, Proposal
from tests.factories import MemberFactory, OfficerFactory, UserFactory
from voting import services as voting
from voting.conflicts import InterestAnswer

SOCIETY = "/api/v1/societies/mutual"
BASE = f"{SOCIETY}/surplus"
YEAR = {"starts_on": "2025-04-01", "ends_on": "2026-03-31", "income": "250000.00",
        "expenditure": "212000.00"}
PA_PAY = {"option_type": "pa_pay", "title": "PA pay", "description": "A rise for our PAs.",
          "current_hourly_rate": "12.60", "pa_hours_per_year": "20000", "pa_count": 16,
          "pay_rise_kind": "permanent"}
GARDEN = {"option_type": "user_service", "title": "Sensory garden",
          "description": "A garden for members."}


def later(**delta):
    return (timezone.now() + timedelta(**(delta or {"days": 7}))).isoformat()


@pytest.fixture
def as_user():
    def make(user):
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def treasurer(officer_for):
    return officer_for("treasurer")


@pytest.fixture
def board(as_user, secretary):
    return as_user(secretary)


def ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def locked_year(society, by, starts=date(2025, 4, 1)):
    year = services.create_year(society, by=by, starts_on=starts,
                                ends_on=starts.replace(year=starts.year + 1) - timedelta(days=1),
                                income=Decimal("250000"), expenditure=Decimal("212000"))
    return services.lock_year(year, by=by)


def draft(society, by, year=None, options=(GARDEN, PA_PAY), title="Reinvest 2025-26"):
    """A draft proposal with its options, through the services."""
    year = year or locked_year(society, by)
    proposal = services.create_proposal(year, by=by, title=title,
                                        summary="How should we use the surplus?")
    for option in options:
        fields = {k: (Decimal(v) if k in ("current_hourly_rate", "pa_hours_per_year") else v)
                  for k, v in option.items()}
        services.add_option(proposal, by=by, **fields)
    return proposal


def certified(society, by, voter, year=None):
    """A proposal put to the vote, voted on by `voter`, closed and certified."""
    proposal = services.put_to_vote(draft(society, by, year), by=by, closes_at=timezone.now()
                                    + timedelta(days=7))
    ballot = proposal.ballot
    garden = ballot.options.get(label="Sensory garden")
    voting.cast_vote(ballot, voter, {garden.pk: 60, ballot.options.get(label="PA pay").pk: 40},
                     interest=InterestAnswer(none_to_declare=True))
    voting.close_ballot(ballot, by=by, reason="Everyone has voted")
    voting.certify_ballot(ballot, by=OfficerFactory(society=society, role="scrutineer").user)
    return proposal


# --- the journey ------------------------------------------------------------------------------

def test_a_year_becomes_a_decision_in_pounds_through_the_api(
        society, treasurer, secretary, as_user, board, officer_for):
    users, _carers, pas = society.member_classes.order_by("position")
    voters = ([MemberFactory(society=society, member_class=users) for _ in range(6)]
              + [MemberFactory(society=society, member_class=pas) for _ in range(5)])
    member = as_user(voters[0].user)
    treasury = as_user(treasurer)

    year = ok(treasury.post(f"{BASE}/years/", {**YEAR, "notes": "Audited."}, format="json"), 201)
    assert (year["surplus"], year["locked"], year["accounts_url"]) == ("38000.00", False, None)
    assert year["working"] == {
        "surplus": "38000.00", "rule": "percent", "to_reserves": "7600.00",
        "available": "30400.00",
        "rule_text": "The rules put 20% of the surplus into reserves."}
    ok(treasury.patch(f"{BASE}/years/{year['id']}/", {"income": "250000.00"}, format="json"))
    year = ok(treasury.post(f"{BASE}/years/{year['id']}/lock/"))
    assert year["locked"] and year["locked_at"]

    proposal = ok(board.post(f"{BASE}/proposals/", {
        "year": year["id"], "title": "Reinvest", "summary": "How should we use the surplus?",
        "ballot_kind": "allocation"}, format="json"), 201)
    assert (proposal["amount_available"], proposal["ballot"], proposal["ballot_state"]) == (
        "30400.00", None, None)
    url = f"{BASE}/proposals/{proposal['id']}"
    ok(board.patch(f"{url}/", {"title": "Reinvest 2025-26"}, format="json"))
    ok(board.post(f"{url}/options/", GARDEN, format="json"), 201)
    pay = ok(board.post(f"{url}/options/", PA_PAY, format="json"), 201)
    assert pay["topic"]["name"] == "PA pay and conditions"
    assert (pay["current_hourly_rate"], pay["pay_rise_kind"]) == ("12.60", "permanent")
    assert ok(member.get(f"{BASE}/proposals/"))["count"] == 0  # drafts are the board's

    proposal = ok(board.post(f"{url}/put-to-vote/", {"closes_at": later()}, format="json"))
    assert proposal["title"] == "Reinvest 2025-26"
    assert proposal["ballot_state"] == "open" and proposal["ballot"]
    ballot_option = {o["title"]: o["ballot_option"] for o in proposal["options"]}
    [seen] = ok(member.get(f"{BASE}/proposals/"))["results"]
    assert (seen["id"], seen["ballot"], len(seen["options"])) == (
        proposal["id"], proposal["ballot"], 2)

    ballots = f"{SOCIETY}/ballots/{proposal['ballot']}"
    for voter in voters:
        is_pa = voter.member_class == pas
        split = (20, 80) if is_pa else (70, 30)
        answer = {"confirmed": True} if is_pa else {"none_to_declare": True}
        ok(as_user(voter.user).post(f"{ballots}/vote/", {
            "choices": {str(ballot_option["Sensory garden"]): split[0],
                        str(ballot_option["PA pay"]): split[1]},
            "interest": answer}, format="json"), 201)
    assert member.get(f"{url}/outcome/").status_code == 403  # not before it is published

    ok(board.post(f"{ballots}/close/", {"reason": "Everyone has voted"}, format="json"))
    early = ok(board.get(f"{url}/outcome/"))
    assert not early["ready"]
    refused = board.post(f"{url}/decide/", {"resolution_reference": "AGM 2026 res. 4",
                                            "decided_on": str(timezone.localdate())},
                         format="json")
    assert refused.status_code == 409
    assert "certified" in refused.json()["detail"]

    ok(as_user(officer_for("scrutineer")).post(f"{ballots}/certify/", {}, format="json"))
    outcome = ok(board.get(f"{url}/outcome/"))
    assert outcome["ready"] and not outcome["tie"] and not outcome["decided"]
    rows = {o["title"]: o for o in outcome["options"]}
    # Users 50% (70/30) and PAs 25% (20/80); carers cast nothing, so rescaled: 2/3 and 1/3.
    assert {t: r["amount"] for t, r in rows.items()} == {
        "Sensory garden": "16213.33", "PA pay": "14186.67"}
    assert rows["Sensory garden"]["share"] == "53.333333"
    # After on-costs for 16 PAs of 1,250 hours (worked by hand in tests/surplus/test_journey.py
    # and test_member_pages.py): each PA costs £19,891.01 a year now and £20,767.11 at £13.13.
    assert rows["PA pay"]["pay"] == {
        "current_hourly_rate": "12.60", "pa_hours_per_year": "20000.0", "pa_count": 16,
        "rise_per_hour": "0.53", "new_rate": "13.13", "permanent": True,
        "extra_pay": "11879.36", "extra_on_costs": "2138.24", "yearly_cost": "14017.60",
        "remainder": "169.07", "total_yearly_cost": "332273.76",
        "current_below_national_living_wage": True, "current_below_real_living_wage": True,
        "new_below_national_living_wage": False, "new_below_real_living_wage": True,
        "tax_year": "2026/27"}
    assert rows["Sensory garden"]["pay"] is None
    # One member one vote: 520 and 580 points of 1,100.
    assert (rows["Sensory garden"]["one_member_share"], rows["Sensory garden"]
            ["one_member_amount"], rows["PA pay"]["one_member_amount"]) == (
        "47.272727", "14370.91", "16029.09")
    # Without the PAs' votes (deemed interested in PA pay): users alone, 70/30.
    assert (rows["Sensory garden"]["without_interest_amount"],
            rows["PA pay"]["without_interest_amount"]) == ("21280.00", "9120.00")
    assert outcome["without_interest"]["note"] and outcome["one_member_one_vote"]["note"]
    assert [c["voted"] for c in outcome["results"]["classes"]] == [6, 0, 5]

    future = board.post(f"{url}/decide/", {"resolution_reference": "AGM 2026 res. 4",
                                           "decided_on": str(date.today() + timedelta(days=3))},
                        format="json")
    assert future.status_code == 400 and "decided_on" in future.json()
    decided = ok(board.post(f"{url}/decide/", {
        "resolution_reference": "AGM 2026 res. 4", "decided_on": str(timezone.localdate()),
        "notes": "Garden from June."}, format="json"), 201)
    assert decided["decided"] and decided["resolution_reference"] == "AGM 2026 res. 4"
    assert {a["title"]: a["amount"] for a in decided["allocations"]} == {
        "Sensory garden": "16213.33", "PA pay": "14186.67"}
    again = board.post(f"{url}/decide/", {"resolution_reference": "again",
                                          "decided_on": str(timezone.localdate())},
                       format="json")
    assert again.status_code == 409
    assert Allocation.objects.count() == 2

    ok(board.post(f"{ballots}/publish/"))
    seen = ok(member.get(f"{url}/outcome/"))
    assert seen["decided"] and seen["options"] == outcome["options"]
    assert ok(member.get(f"{url}/"))["allocations"] == decided["allocations"]


def test_a_choice_ballot_gives_the_winning_package_everything(society, secretary, board):
    voters = [MemberFactory(society=society) for _ in range(2)]
    proposal = draft(society, secretary)
    services.update_proposal(proposal, by=secretary, ballot_kind="choice")
    proposal = services.put_to_vote(proposal, by=secretary, closes_at=timezone.now()
                                    + timedelta(days=7))
    ballot = proposal.ballot
    garden = ballot.options.get(label="Sensory garden")
    for voter in voters:
        voting.cast_vote(ballot, voter, {garden.pk: 1},
                         interest=InterestAnswer(none_to_declare=True))
    voting.close_ballot(ballot, by=secretary, reason="Done")
    voting.certify_ballot(ballot, by=OfficerFactory(society=society, role="scrutineer").user)

    outcome = ok(board.get(f"{BASE}/proposals/{proposal.pk}/outcome/"))

    assert {o["title"]: o["amount"] for o in outcome["options"]} == {
        "Sensory garden": "30400.00", "PA pay": "0.00"}
    pay = next(o for o in outcome["options"] if o["title"] == "PA pay")["pay"]
    assert (pay["rise_per_hour"], pay["new_rate"]) == ("0.00", "12.60")


# --- refused input: 400 on the field ----------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"ends_on": "2025-03-01"}, "ends_on"),
    ({"starts_on": "1 April 2025"}, "starts_on"),
    ({"ends_on": "2027-03-31"}, "ends_on"),  # two years long
    ({"income": "-1.00"}, "income"),
    ({"expenditure": "12.345"}, "expenditure"),
    ({"income": "lots"}, "income"),
    ({"income": None}, "income"),
])
def test_a_year_with_bad_figures_is_refused_on_the_field(society, treasurer, as_user, change,
                                                         field):
    response = as_user(treasurer).post(f"{BASE}/years/", {**YEAR, **change}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert isinstance(response.json()[field][0], str)
    assert not FinancialYear.objects.exists()


def test_an_overlapping_year_is_refused(society, treasurer, as_user):
    locked_year(society, treasurer)

    response = as_user(treasurer).post(f"{BASE}/years/", YEAR, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "starts_on": ["This year overlaps another financial year already entered."]}


@pytest.mark.parametrize("option, field", [
    ({**PA_PAY, "current_hourly_rate": None}, "current_hourly_rate"),
    ({k: v for k, v in PA_PAY.items() if k != "pa_hours_per_year"}, "pa_hours_per_year"),
    ({**PA_PAY, "pay_rise_kind": ""}, "pay_rise_kind"),
    ({**PA_PAY, "current_hourly_rate": "-2.00"}, "current_hourly_rate"),
    ({k: v for k, v in PA_PAY.items() if k != "pa_count"}, "pa_count"),
    ({**PA_PAY, "pa_count": 0}, "pa_count"),
    ({**PA_PAY, "pa_count": "twelve"}, "pa_count"),
    ({**PA_PAY, "pa_count": 2.5}, "pa_count"),
    ({**GARDEN, "title": ""}, "title"),
    ({**GARDEN, "title": "sensory GARDEN"}, "title"),
    ({**GARDEN, "description": "  "}, "description"),
    ({**GARDEN, "option_type": "lottery"}, "option_type"),
])
def test_a_bad_option_is_refused_on_the_field(society, secretary, board, option, field):
    proposal = draft(society, secretary, options=[GARDEN])

    response = board.post(f"{BASE}/proposals/{proposal.pk}/options/", option, format="json")

    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert proposal.options.count() == 1


def test_paying_members_is_refused_under_an_asset_lock(society, secretary, board):
    society.asset_lock = True
    society.save()
    proposal = draft(society, secretary, options=[GARDEN])

    response = board.post(f"{BASE}/proposals/{proposal.pk}/options/", {
        "title": "Dividend", "description": "Pay it out.", "pays_members": True},
        format="json")

    assert response.status_code == 400
    assert response.json() == {"pays_members": [
        "The society's assets are locked, so no option may pay money out to members."]}


def test_another_societys_topic_or_year_is_refused(society, other_society, secretary, board):
    proposal = draft(society, secretary, options=[GARDEN])
    topic = other_society.interest_topics.first()
    elsewhere = locked_year(other_society, OfficerFactory(society=other_society,
                                                           role="secretary").user)

    option = board.post(f"{BASE}/proposals/{proposal.pk}/options/",
                        {**GARDEN, "title": "Other", "topic": topic.pk}, format="json")
    created = board.post(f"{BASE}/proposals/", {"year": elsewhere.pk, "title": "T",
                                                "summary": "S"}, format="json")

    assert option.status_code == 400 and list(option.json()) == ["topic"]
    assert created.status_code == 400
    assert created.json() == {"year": ["Choose one of this co-op's financial years."]}


def test_putting_to_the_vote_needs_two_options_and_a_later_closing_time(
        society, secretary, board):
    proposal = draft(society, secretary, options=[GARDEN])
    url = f"{BASE}/proposals/{proposal.pk}/put-to-vote/"

    few = board.post(url, {"closes_at": later()}, format="json")
    past = board.post(url, {"closes_at": later(days=-1)}, format="json")

    assert few.status_code == 400
    assert few.json() == {"options": ["A proposal needs at least two options to vote on."]}
    assert past.status_code == 400 and list(past.json()) == ["closes_at"]
    proposal.refresh_from_db()
    assert proposal.ballot is None


# --- refused because of the state: 409 --------------------------------------------------------

def test_a_locked_year_cannot_be_changed_or_locked_again(society, treasurer, as_user):
    year = locked_year(society, treasurer)
    client = as_user(treasurer)

    edit = client.patch(f"{BASE}/years/{year.pk}/", {"income": "1.00"}, format="json")
    lock = client.post(f"{BASE}/years/{year.pk}/lock/")

    assert edit.status_code == 409
    assert edit.json() == {"detail": "These accounts are locked and cannot be changed."}
    assert lock.status_code == 409
    year.refresh_from_db()
    assert year.income == Decimal("250000.00")


def test_a_proposal_needs_a_locked_year(society, treasurer, secretary, board):
    year = services.create_year(society, by=treasurer, starts_on=date(2025, 4, 1),
                                ends_on=date(2026, 3, 31), income=Decimal(10),
                                expenditure=Decimal(5))

    response = board.post(f"{BASE}/proposals/", {"year": year.pk, "title": "T",
                                                 "summary": "S"}, format="json")

    assert response.status_code == 409
    assert "Lock the year's accounts" in response.json()["detail"]
    assert not Proposal.objects.exists()


def test_a_proposal_put_to_the_vote_is_frozen(society, secretary, board):
    proposal = services.put_to_vote(draft(society, secretary), by=secretary,
                                    closes_at=timezone.now() + timedelta(days=7))
    url = f"{BASE}/proposals/{proposal.pk}"
    option = proposal.options.first()

    responses = [board.patch(f"{url}/", {"title": "New"}, format="json"),
                 board.post(f"{url}/options/", {**GARDEN, "title": "More"}, format="json"),
                 board.patch(f"{url}/options/{option.pk}/", {"title": "X"}, format="json"),
                 board.delete(f"{url}/options/{option.pk}/"),
                 board.post(f"{url}/put-to-vote/", {"closes_at": later()}, format="json")]

    assert [r.status_code for r in responses] == [409] * 5
    assert "put to the members" in responses[0].json()["detail"]
    assert proposal.options.count() == 2


def test_options_of_a_draft_are_changed_and_removed(society, secretary, board):
    proposal = draft(society, secretary)
    pay = proposal.options.get(title="PA pay")
    url = f"{BASE}/proposals/{proposal.pk}/options/{pay.pk}/"

    changed = ok(board.patch(url, {"pay_rise_kind": "one_off", "cost_note": "Once."},
                             format="json"))
    missing = board.patch(f"{BASE}/proposals/{proposal.pk}/options/999999/", {"title": "X"},
                          format="json")
    removed = board.delete(url)

    assert (changed["pay_rise_kind"], changed["cost_note"]) == ("one_off", "Once.")
    assert missing.status_code == 404
    assert removed.status_code == 204
    assert list(proposal.options.values_list("title", flat=True)) == ["Sensory garden"]


def test_the_outcome_of_a_draft_is_a_conflict(society, secretary, board):
    proposal = draft(society, secretary)

    response = board.get(f"{BASE}/proposals/{proposal.pk}/outcome/")

    assert response.status_code == 409


# --- who may do what --------------------------------------------------------------------------

ENDPOINTS = ["years", "year", "new year", "edit year", "lock", "proposals", "proposal",
             "draft", "new proposal", "edit proposal", "add option", "edit option",
             "put to vote", "outcome", "decide"]
#                  years year new  edit lock props prop draft newp editp addo edito vote outc decide
TABLE = {
    "anonymous":  (401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401),
    "outsider":   (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "other secretary":
                  (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "member":     (200, 200, 403, 403, 403, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403),
    "scrutineer": (200, 200, 403, 403, 403, 200, 200, 404, 403, 403, 403, 403, 403, 200, 403),
    "treasurer":  (200, 200, 201, 200, 200, 200, 200, 404, 403, 403, 403, 403, 403, 403, 403),
    "trustee":    (200, 200, 201, 200, 200, 200, 200, 200, 201, 200, 201, 200, 200, 200, 201),
    "secretary":  (200, 200, 201, 200, 200, 200, 200, 200, 201, 200, 201, 200, 200, 200, 201),
}


def person(who, society, other_society):
    if who == "anonymous":
        return None
    if who == "outsider":
        return UserFactory()
    if who == "other secretary":
        return OfficerFactory(society=other_society, role="secretary").user
    if who == "member":
        return MemberFactory(society=society).user
    return OfficerFactory(society=society, role=who).user


def requests(society, secretary):
    """(method, url, body) for each endpoint, each on objects of its own so that the order
    of the requests does not matter."""
    def open_year(start):
        return services.create_year(society, by=secretary, starts_on=start,
                                    ends_on=start.replace(year=start.year + 1)
                                    - timedelta(days=1), income=Decimal(10),
                                    expenditure=Decimal(5))

    decided_year = locked_year(society, secretary, date(2020, 4, 1))
    done = certified(society, secretary, MemberFactory(society=society), decided_year)
    editable, lockable = open_year(date(2021, 4, 1)), open_year(date(2022, 4, 1))
    for_proposal = locked_year(society, secretary, date(2023, 4, 1))
    editing = draft(society, secretary, for_proposal, title="Editing")
    voting_on = draft(society, secretary, for_proposal, title="To vote on")
    option = editing.options.first()
    proposals = f"{BASE}/proposals"
    return {
        "years": ("get", f"{BASE}/years/", None),
        "year": ("get", f"{BASE}/years/{editable.pk}/", None),
        "new year": ("post", f"{BASE}/years/", YEAR),
        "edit year": ("patch", f"{BASE}/years/{editable.pk}/", {"notes": "Checked."}),
        "lock": ("post", f"{BASE}/years/{lockable.pk}/lock/", None),
        "proposals": ("get", f"{proposals}/", None),
        "proposal": ("get", f"{proposals}/{done.pk}/", None),
        "draft": ("get", f"{proposals}/{editing.pk}/", None),
        "new proposal": ("post", f"{proposals}/", {"year": for_proposal.pk, "title": "New",
                                                   "summary": "Another way."}),
        "edit proposal": ("patch", f"{proposals}/{editing.pk}/", {"summary": "Clearer."}),
        "add option": ("post", f"{proposals}/{editing.pk}/options/",
                       {**GARDEN, "title": "Respite"}),
        "edit option": ("patch", f"{proposals}/{editing.pk}/options/{option.pk}/",
                        {"cost_note": "About £5,000."}),
        "put to vote": ("post", f"{proposals}/{voting_on.pk}/put-to-vote/",
                        {"closes_at": later()}),
        "outcome": ("get", f"{proposals}/{done.pk}/outcome/", None),
        "decide": ("post", f"{proposals}/{done.pk}/decide/", {
            "resolution_reference": "Board minute 12", "decided_on": str(date.today())}),
    }


@pytest.mark.parametrize("who", list(TABLE))
def test_permission_table(who, society, other_society, secretary):
    calls = requests(society, secretary)
    user = person(who, society, other_society)
    client = APIClient()
    if user is not None:
        client.force_login(user)

    got = {}
    for endpoint in ENDPOINTS:
        method, url, body = calls[endpoint]
        got[endpoint] = getattr(client, method)(url, body, format="json").status_code

    assert got == dict(zip(ENDPOINTS, TABLE[who], strict=True))


# --- queries ----------------------------------------------------------------------------------

def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        ok(client.get(url))
    return len(queries)


def test_the_years_list_costs_the_same_at_one_year_or_many(society, treasurer, as_user):
    client = as_user(treasurer)
    locked_year(society, treasurer, date(2010, 4, 1))
    one = count_queries(client, f"{BASE}/years/")
    for start in range(2011, 2021):
        locked_year(society, treasurer, date(start, 4, 1))

    many = count_queries(client, f"{BASE}/years/")

    assert one == many <= 5
    assert ok(client.get(f"{BASE}/years/"))["count"] == 11


def test_the_proposals_list_costs_the_same_at_one_proposal_or_many(society, secretary, board):
    year = locked_year(society, secretary)
    certified(society, secretary, MemberFactory(society=society), year)
    one = count_queries(board, f"{BASE}/proposals/")
    for n in range(5):
        proposal = draft(society, secretary, year, title=f"Proposal {n}")
        if n % 2:
            services.put_to_vote(proposal, by=secretary,
                                 closes_at=timezone.now() + timedelta(days=7))
    decided = Proposal.objects.get(ballot__certified_at__isnull=False)
    services.record_decision(decided, by=secretary, resolution_reference="R1",
                             decided_on=timezone.localdate())

    many = count_queries(board, f"{BASE}/proposals/")

    assert one == many <= 8
    assert ok(board.get(f"{BASE}/proposals/"))["count"] == 6


# --- the accounts and the schema ---------------------------------------------------------------

def test_the_accounts_pdf_is_a_download_link_to_the_website(society, treasurer, as_user):
    pdf = SimpleUploadedFile("accounts.pdf", b"%PDF-1.4 accounts", "application/pdf")
    year = services.create_year(society, by=treasurer, starts_on=date(2025, 4, 1),
                                ends_on=date(2026, 3, 31), income=Decimal(10),
                                expenditure=Decimal(5), accounts=pdf)

    shown = ok(as_user(MemberFactory(society=society).user).get(f"{BASE}/years/{year.pk}/"))

    assert shown["accounts_url"] == (
        f"http://testserver/s/mutual/surplus/years/{year.pk}/accounts.pdf")


def test_the_schema_documents_the_surplus_errors(api, db):
    paths = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "paths"]
    proposal = "/api/v1/societies/{slug}/surplus/proposals/{id}"

    assert set(paths[f"{proposal}/decide/"]["post"]["responses"]) == {
        "201", "400", "401", "403", "404", "409"}
    assert set(paths[f"{proposal}/options/{{option_id}}/"]) == {"patch", "delete"}
    assert "409" in paths[f"{proposal}/outcome/"]["get"]["responses"]
    years = paths["/api/v1/societies/{slug}/surplus/years/"]
    assert "not through the API" in years["post"]["description"]
