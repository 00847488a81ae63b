"""The treasurer's and the board's surplus pages through the Django test client: who may open
what, entering, correcting and locking a year's accounts (with its PDF), the working for the
amount available, drafting a proposal and its options, putting it to the vote and recording
the decision in pounds.

The client is tests.pages.PageCheckingClient: every page is also checked for a Content Security
Policy without 'unsafe-inline', no inline script or style, and no broken aria-describedby."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coop.enums import ReserveRule
from coop.models import AuditEntry
from surplus import services
from surplus.models import Allocation, FinancialYear, Proposal, ProposalOption
from tests.factories import MemberFactory, OfficerFactory
from tests.pages import PageCheckingClient, assert_field_error, text
from tests.pdfs import PDF
from voting import services as voting
from voting.conflicts import InterestAnswer
from voting.enums import BallotState
from voting.models import Ballot

FMT = "%Y-%m-%dT%H:%M"
OK, LOG, NO, NF, BAD, GO = 200, "to sign-in", 403, 404, 405, 302


def url(name, society, *args):
    return reverse(name, args=[society.slug, *args])


def later(**delta) -> str:
    return (timezone.localtime() + timedelta(**delta)).strftime(FMT)


def pdf(name="accounts.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def year_data(**changes) -> dict:
    return {"starts_on": "2025-04-01", "ends_on": "2026-03-31", "income": "£250,000.00",
            "expenditure": "212000", "notes": "Audited by Smith & Co."} | changes


def audit_actions(prefix: str) -> list[str]:
    return list(AuditEntry.objects.filter(action__startswith=prefix).order_by("id")
                .values_list("action", flat=True))


@pytest.fixture
def client():
    return PageCheckingClient()


@pytest.fixture
def as_user(client):
    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture
def treasurer(officer_for):
    return officer_for("treasurer")


@pytest.fixture
def year(society, treasurer):
    return services.create_year(society, by=treasurer, starts_on=date(2025, 4, 1),
                                ends_on=date(2026, 3, 31), income=Decimal("250000"),
                                expenditure=Decimal("212000"))


@pytest.fixture
def locked_year(year, treasurer):
    return services.lock_year(year, by=treasurer)


@pytest.fixture
def proposal(locked_year, secretary):
    return services.create_proposal(locked_year, by=secretary, title="Reinvest 2025-26",
                                    summary="How should we use the surplus?")


def add_two_options(proposal, by):
    garden = services.add_option(proposal, by=by, option_type="user_service",
                                 title="Sensory garden", description="A garden.")
    pay = services.add_option(proposal, by=by, option_type="pa_pay", title="PA pay",
                              description="A rise.", current_hourly_rate=Decimal("12.60"),
                              pa_hours_per_year=Decimal("20000"), pa_count=16,
                              pay_rise_kind="permanent")
    return garden, pay


# --- who may do what ---------------------------------------------------------------------------

ROLES = ["anonymous", "member", "treasurer", "secretary", "trustee", "scrutineer", "out-sec"]

# Row: (method, url name, the object it needs, expected status for each role in ROLES order).
TABLE = [
    #                                            anon mem  treas secr trust scrut osec
    ("GET",  "year_list",             None,     (LOG, NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "year_new",              None,     (LOG, NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "year_detail",           "year",   (LOG, NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "year_edit",             "year",   (LOG, NO,  OK,   OK,  OK,   NO,   NO)),
    ("GET",  "year_lock",             "year",   (LOG, NO,  BAD,  BAD, BAD,  NO,   NO)),
    ("GET",  "year_accounts",         "year",   (LOG, OK,  OK,   OK,  OK,   OK,   NO)),
    ("GET",  "proposal_new",          "locked", (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    ("GET",  "proposal_edit",         "draft",  (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    ("GET",  "option_new",            "draft",  (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    ("GET",  "option_edit",           "option", (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    ("GET",  "option_remove",         "option", (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    ("GET",  "proposal_put_to_vote",  "draft",  (LOG, NO,  NO,   BAD, BAD,  NO,   NO)),
    ("GET",  "proposal_decide",       "draft",  (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    # Writes: enough to act when allowed (GO), or a form with errors (OK).
    ("POST", "year_new",              None,     (LOG, NO,  OK,   OK,  OK,   NO,   NO)),
    ("POST", "year_edit",             "year",   (LOG, NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "year_lock",             "year",   (LOG, NO,  GO,   GO,  GO,   NO,   NO)),
    ("POST", "year_accounts",         "year",   (LOG, BAD, BAD,  BAD, BAD,  BAD,  NO)),
    ("POST", "proposal_new",          "locked", (LOG, NO,  NO,   GO,  GO,   NO,   NO)),
    ("POST", "proposal_edit",         "draft",  (LOG, NO,  NO,   GO,  GO,   NO,   NO)),
    ("POST", "option_new",            "draft",  (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    ("POST", "option_edit",           "option", (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    ("POST", "option_remove",         "option", (LOG, NO,  NO,   GO,  GO,   NO,   NO)),
    ("POST", "proposal_put_to_vote",  "draft",  (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
    ("POST", "proposal_decide",       "draft",  (LOG, NO,  NO,   OK,  OK,   NO,   NO)),
]

POST_DATA = {
    "year_new": {},
    "year_edit": year_data(starts_on="2026-04-01", ends_on="2027-03-31", income="260"),
    "year_lock": {},
    "year_accounts": {},
    "proposal_new": {"title": "Reinvest", "summary": "How to use it.",
                     "ballot_kind": "allocation"},
    "proposal_edit": {"title": "Reinvest it", "summary": "How to use it.",
                      "ballot_kind": "choice"},
    "option_new": {},
    "option_edit": {"title": ""},
    "option_remove": {},
    "proposal_put_to_vote": {},
    "proposal_decide": {},
}

CASES = [
    pytest.param(role, method, name, needs, expected, id=f"{method} {name} as {role}")
    for method, name, needs, row in TABLE
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.fixture
def world(society, other_society, treasurer, secretary):
    """An unlocked year with its PDF, a locked year with a draft proposal and one option, and
    one person in each role."""
    year = services.create_year(society, by=treasurer, starts_on=date(2026, 4, 1),
                                ends_on=date(2027, 3, 31), income=Decimal("100"),
                                expenditure=Decimal("50"), accounts=pdf())
    locked = services.lock_year(services.create_year(
        society, by=treasurer, starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31),
        income=Decimal("250000"), expenditure=Decimal("212000"), accounts=pdf()),
        by=treasurer)
    draft = services.create_proposal(locked, by=secretary, title="Draft", summary="Why.")
    option = services.add_option(draft, by=secretary, option_type="other", title="Minibus",
                                 description="A minibus.")
    people = {"anonymous": None, "member": MemberFactory(society=society).user,
              "treasurer": treasurer, "secretary": secretary,
              "out-sec": OfficerFactory(society=other_society, role="secretary").user}
    for role in ("trustee", "scrutineer"):
        people[role] = OfficerFactory(society=society, role=role).user
    args = {None: [], "year": [year.pk], "locked": [locked.pk], "draft": [draft.pk],
            "option": [draft.pk, option.pk]}
    return people, args


@pytest.mark.parametrize(("role", "method", "name", "needs", "expected"), CASES)
def test_permission_table(client, society, world, role, method, name, needs, expected):
    people, args = world
    if people[role] is not None:
        client.force_login(people[role])
    before = AuditEntry.objects.count()
    address = url(name, society, *args[needs])
    if method == "GET":
        response = client.get(address)
    else:
        response = client.post(address, POST_DATA[name])
    if expected == LOG:
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == expected
    if expected in (LOG, NO, BAD) or method == "GET":
        assert AuditEntry.objects.count() == before  # refused: nothing changed


def test_another_societys_year_is_not_found_here(as_user, society, other_society, treasurer,
                                                  officer_for):
    theirs = services.create_year(other_society, by=officer_for("treasurer", other_society),
                                  starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31),
                                  income=Decimal("10"), expenditure=Decimal("5"))
    client = as_user(treasurer)
    assert client.get(url("year_detail", society, theirs.pk)).status_code == 404
    assert client.get(url("year_detail", other_society, theirs.pk)).status_code == 403


# --- financial years ---------------------------------------------------------------------------

def test_treasurer_enters_and_corrects_a_year_then_locks_it(as_user, society, treasurer):
    client = as_user(treasurer)
    response = client.post(url("year_new", society), year_data(accounts=pdf()))
    year = FinancialYear.objects.get(society=society)
    assert response["Location"] == url("year_detail", society, year.pk)
    assert year.income == Decimal("250000.00") and year.accounts

    response = client.post(url("year_edit", society, year.pk),
                           year_data(expenditure="215,500.50"), follow=True)
    assert "The corrected figures are saved" in text(response)
    assert "£34,499.50" in text(response)
    change = AuditEntry.objects.get(action="surplus.year.changed")
    assert change.data == {"expenditure": {"from": "212000.00", "to": "215500.50"}}

    response = client.post(url("year_lock", society, year.pk), follow=True)
    assert "The accounts are locked" in text(response)
    assert audit_actions("surplus.year") == ["surplus.year.created", "surplus.year.changed",
                                            "surplus.year.locked"]


def test_locked_accounts_cannot_be_corrected(as_user, society, treasurer, locked_year):
    client = as_user(treasurer)
    response = client.get(url("year_edit", society, locked_year.pk), follow=True)
    assert "These accounts are locked, so they can no longer be changed" in text(response)
    assert "Correct the figures" not in text(response)
    response = client.post(url("year_edit", society, locked_year.pk),
                           year_data(income="1"), follow=True)
    assert "locked" in text(response)
    locked_year.refresh_from_db()
    assert locked_year.income == Decimal("250000.00")
    assert not AuditEntry.objects.filter(action="surplus.year.changed").exists()


def test_year_errors_are_shown_next_to_the_field(as_user, society, treasurer, year):
    client = as_user(treasurer)
    response = client.post(url("year_new", society), year_data(income="lots"))
    assert_field_error(response, "income", "Enter a number, like 1234.56.")
    response = client.post(url("year_new", society),
                           year_data(starts_on="2026-01-01", ends_on="2026-12-31"))
    assert_field_error(response, "starts_on", "overlaps another financial year")
    response = client.post(url("year_new", society),
                           year_data(starts_on="2027-04-01", ends_on="2027-03-01"))
    assert_field_error(response, "ends_on", "The year must end after it starts.")
    assert FinancialYear.objects.count() == 1


def test_the_accounts_must_be_a_pdf(as_user, society, treasurer):
    client = as_user(treasurer)
    fake = SimpleUploadedFile("accounts.pdf", b"<html>not a pdf</html>",
                              content_type="application/pdf")
    response = client.post(url("year_new", society), year_data(accounts=fake))
    assert_field_error(response, "accounts", "The file is not a PDF that can be opened.")
    too_big = pdf(content=PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(url("year_new", society), year_data(accounts=too_big))
    assert_field_error(response, "accounts", "The file is bigger than 10 MB.")
    assert not FinancialYear.objects.exists()


def test_the_accounts_download_for_officers_and_members(client, society, treasurer):
    year = services.create_year(society, by=treasurer, starts_on=date(2025, 4, 1),
                                ends_on=date(2026, 3, 31), income=Decimal("10"),
                                expenditure=Decimal("5"), accounts=pdf())
    for user in (treasurer, MemberFactory(society=society).user):
        client.force_login(user)
        response = client.get(url("year_accounts", society, year.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF


def test_a_year_without_accounts_has_no_download(as_user, society, treasurer, year):
    client = as_user(treasurer)
    assert client.get(url("year_accounts", society, year.pk)).status_code == 404
    assert "Not uploaded yet" in text(client.get(url("year_detail", society, year.pk)))


def test_replacing_the_accounts_is_audited(as_user, society, treasurer, year):
    client = as_user(treasurer)
    client.post(url("year_edit", society, year.pk),
                year_data(income="250000", notes="", accounts=pdf("new.pdf")))
    change = AuditEntry.objects.get(action="surplus.year.changed")
    assert change.data == {"accounts": "replaced"}
    year.refresh_from_db()
    assert year.accounts.read() == PDF


# --- the working -------------------------------------------------------------------------------

def test_the_working_for_a_percentage_rule(as_user, society, treasurer, locked_year,
                                           secretary):
    page = text(as_user(treasurer).get(url("year_detail", society, locked_year.pk)))
    assert "Surplus for the year £38,000.00" in page
    assert "The rules put 20% of the surplus into reserves." in page
    assert "To reserves first £7,600.00" in page
    assert "Available to reinvest £30,400.00" in page
    assert "No asset lock applies" in page
    assert "Propose how to use the surplus" not in page  # the treasurer is not the board
    board_page = text(as_user(secretary).get(url("year_detail", society, locked_year.pk)))
    assert "Propose how to use the surplus" in board_page


def test_the_working_for_a_fixed_rule_under_asset_lock(as_user, society, treasurer, year):
    society.reserve_rule, society.reserve_fixed = ReserveRule.FIXED, Decimal("5000")
    society.asset_lock = True
    society.save()
    page = text(as_user(treasurer).get(url("year_detail", society, year.pk)))
    assert "The rules put the first £5,000.00 into reserves." in page
    assert "To reserves first £5,000.00" in page
    assert "Available to reinvest £33,000.00" in page
    assert "An asset lock applies" in page
    assert "Lock these accounts" in page


def test_the_working_for_a_deficit(as_user, society, treasurer, secretary):
    year = services.lock_year(services.create_year(
        society, by=treasurer, starts_on=date(2025, 4, 1), ends_on=date(2026, 3, 31),
        income=Decimal("100000"), expenditure=Decimal("102000.50")), by=treasurer)
    page = text(as_user(secretary).get(url("year_detail", society, year.pk)))
    assert "A deficit of £2,000.50" in page
    assert "To reserves first £0.00" in page
    assert "Available to reinvest £0.00" in page
    assert "there is nothing to propose" in page
    assert "£-" not in page


# --- drafting a proposal -----------------------------------------------------------------------

def test_a_proposal_needs_locked_accounts(as_user, society, secretary, year):
    response = as_user(secretary).get(url("proposal_new", society, year.pk), follow=True)
    assert "Lock the year's accounts before proposing" in text(response)


def test_the_board_drafts_a_proposal_with_options(as_user, society, secretary, locked_year):
    client = as_user(secretary)
    page = text(client.get(url("proposal_new", society, locked_year.pk)))
    assert "There is £30,400.00 to reinvest" in page
    response = client.post(url("proposal_new", society, locked_year.pk),
                           {"title": "Reinvest 2025-26", "summary": "How should we use it?",
                            "easy_read_summary": "We have money left.",
                            "ballot_kind": "allocation"})
    proposal = Proposal.objects.get()
    assert response["Location"] == url("proposal_edit", society, proposal.pk)
    assert proposal.amount_available == Decimal("30400.00")

    client.post(url("option_new", society, proposal.pk),
                {"option_type": "user_service", "title": "Sensory garden",
                 "description": "A garden.", "cost_note": "About £8,000."})
    response = client.post(url("option_new", society, proposal.pk),
                           {"option_type": "pa_pay", "title": "PA pay", "description": "A rise.",
                            "pa_hours_per_year": "20000", "pay_rise_kind": "permanent"})
    assert_field_error(response, "current_hourly_rate", "Enter the PAs' current hourly rate.")
    assert "Only for a PA pay rise" in text(response)
    client.post(url("option_new", society, proposal.pk),
                {"option_type": "pa_pay", "title": "PA pay", "description": "A rise.",
                 "current_hourly_rate": "£12.60", "pa_hours_per_year": "20,000",
                 "pa_count": "16", "pay_rise_kind": "permanent"})
    garden, pay = proposal.options.order_by("position")
    assert garden.topic.name == "New services for users"
    assert pay.topic.name == "PA pay and conditions"
    assert pay.current_hourly_rate == Decimal("12.60")

    page = text(client.get(url("proposal_edit", society, proposal.pk)))
    assert "Sensory garden" in page and "Now £12.60 an hour, 20,000 hours a year" in page
    assert "Change the option “PA pay”" in page and "Remove the option “PA pay”" in page
    assert "Add an option" in page
    assert audit_actions("surplus.") [-3:] == ["surplus.proposal.drafted",
                                               "surplus.option.added", "surplus.option.added"]


def test_every_missing_pa_pay_box_is_named(as_user, society, secretary, proposal):
    response = as_user(secretary).post(url("option_new", society, proposal.pk),
                                       {"option_type": "pa_pay", "title": "PA pay",
                                        "description": "A rise."})
    assert_field_error(response, "current_hourly_rate", "Enter the PAs' current hourly rate.")
    assert_field_error(response, "pa_hours_per_year", "Enter the PA hours worked in a year.")
    assert_field_error(response, "pa_count", "Enter how many PAs share these hours.")
    assert_field_error(response, "pay_rise_kind", "one-off bonus or a permanent rise")
    assert not ProposalOption.objects.exists()


@pytest.mark.parametrize("count, message", [("0", "Enter at least 1 PA."),
                                            ("twelve", "Enter a whole number of PAs, like 12."),
                                            ("2.5", "Enter a whole number of PAs, like 12.")])
def test_a_bad_number_of_pas_is_named(as_user, society, secretary, proposal, count, message):
    response = as_user(secretary).post(url("option_new", society, proposal.pk), {
        "option_type": "pa_pay", "title": "PA pay", "description": "A rise.",
        "current_hourly_rate": "12.60", "pa_hours_per_year": "20000", "pa_count": count,
        "pay_rise_kind": "permanent"})
    assert response.status_code == 200
    assert_field_error(response, "pa_count", message)
    assert not ProposalOption.objects.exists()


def test_an_asset_lock_refuses_paying_members(as_user, society, secretary, proposal):
    society.asset_lock = True
    society.save()
    response = as_user(secretary).post(url("option_new", society, proposal.pk),
                                       {"option_type": "other", "title": "Dividend",
                                        "description": "Money back.", "pays_members": "on"})
    assert_field_error(response, "pays_members", "The society's assets are locked")
    assert not ProposalOption.objects.exists()


def test_a_duplicate_title_is_refused_next_to_it(as_user, society, secretary, proposal):
    garden, _pay = add_two_options(proposal, secretary)
    response = as_user(secretary).post(
        url("option_edit", society, proposal.pk, garden.pk),
        {"option_type": "user_service", "title": "pa pay", "description": "A garden."})
    assert_field_error(response, "title", "There is already an option called “pa pay”.")


def test_an_option_is_changed_and_removed(as_user, society, secretary, proposal):
    garden, pay = add_two_options(proposal, secretary)
    client = as_user(secretary)
    client.post(url("option_edit", society, proposal.pk, pay.pk),
                {"option_type": "other", "title": "Training", "description": "Courses.",
                 "current_hourly_rate": "12.60"})
    pay.refresh_from_db()
    assert (pay.title, pay.current_hourly_rate, pay.pay_rise_kind) == ("Training", None, "")
    page = text(client.get(url("option_remove", society, proposal.pk, garden.pk)))
    assert "Remove the option “Sensory garden”?" in page
    response = client.post(url("option_remove", society, proposal.pk, garden.pk), follow=True)
    assert "The option “Sensory garden” has been removed" in text(response)
    assert list(proposal.options.values_list("title", flat=True)) == ["Training"]


def test_the_proposal_words_are_corrected_and_audited(as_user, society, secretary, proposal):
    response = as_user(secretary).post(url("proposal_edit", society, proposal.pk),
                                       {"title": "Our surplus", "summary": "How to use it.",
                                        "ballot_kind": "choice"})
    assert response.status_code == 302
    change = AuditEntry.objects.get(action="surplus.proposal.changed")
    assert change.data["title"] == {"from": "Reinvest 2025-26", "to": "Our surplus"}
    assert change.data["ballot_kind"] == {"from": "allocation", "to": "choice"}


# --- putting it to the vote --------------------------------------------------------------------

def test_put_to_vote_opens_a_ballot_with_the_options_and_topics(as_user, society, secretary,
                                                                proposal):
    add_two_options(proposal, secretary)
    MemberFactory(society=society)
    response = as_user(secretary).post(url("proposal_put_to_vote", society, proposal.pk),
                                       {"vote-closes_at": later(days=14),
                                        "vote-weighting": "class_share"})
    proposal.refresh_from_db()
    ballot = proposal.ballot
    assert response["Location"] == reverse("ballot_manage", args=[society.slug, ballot.pk])
    assert ballot.state == BallotState.OPEN and ballot.kind == "allocation"
    assert ballot.weighting == "class_share"
    assert sorted(ballot.options.values_list("label", flat=True)) == ["PA pay",
                                                                      "Sensory garden"]
    assert "PA pay and conditions" in {t.name for t in ballot.topics.all()}
    response = as_user(secretary).get(url("proposal_edit", society, proposal.pk), follow=True)
    assert "can no longer be changed" in text(response)


def test_put_to_vote_errors_show_on_the_proposal_page(as_user, society, secretary, proposal):
    client = as_user(secretary)
    services.add_option(proposal, by=secretary, title="Only one", description="Alone.")
    response = client.post(url("proposal_put_to_vote", society, proposal.pk),
                           {"vote-closes_at": later(days=14), "vote-weighting": "class_share"})
    assert "A proposal needs at least two options to vote on." in text(response)
    services.add_option(proposal, by=secretary, title="Another", description="Two.")
    response = client.post(url("proposal_put_to_vote", society, proposal.pk),
                           {"vote-closes_at": later(days=-1), "vote-weighting": "class_share"})
    assert_field_error(response, "vote-closes_at", "The closing time has already passed.")
    assert not Ballot.objects.exists()
    proposal.refresh_from_db()
    assert proposal.is_draft


# --- the decision ------------------------------------------------------------------------------

def vote_and_certify(society, proposal, secretary, *, certify=True):
    """Users split 70/30 for the garden, PAs 20/80 for pay; carers do not vote."""
    users, _carers, pas = society.member_classes.order_by("position")
    by_label = {o.label: o.pk for o in proposal.ballot.options.all()}
    for member in society.members.filter(member_class__in=[users, pas]):
        is_pa = member.member_class == pas
        split = (20, 80) if is_pa else (70, 30)
        voting.cast_vote(proposal.ballot, member, {by_label["Sensory garden"]: split[0],
                                                  by_label["PA pay"]: split[1]},
                         interest=InterestAnswer(confirmed=is_pa, none_to_declare=not is_pa))
    voting.close_ballot(proposal.ballot, by=secretary, reason="Everyone has voted")
    if certify:
        voting.certify_ballot(proposal.ballot,
                              by=OfficerFactory(society=society, role="scrutineer").user)


@pytest.fixture
def voted(society, secretary, proposal):
    users, _carers, pas = society.member_classes.order_by("position")
    for cls in (users, pas):
        for _ in range(3):
            MemberFactory(society=society, member_class=cls)
    add_two_options(proposal, secretary)
    return services.put_to_vote(proposal, by=secretary,
                                closes_at=timezone.now() + timedelta(days=7))


def decision_data(**changes):
    return {"resolution_reference": "AGM 2026 res. 4",
            "decided_on": timezone.localdate().isoformat(), "notes": "Start in May."} | changes


def test_the_decision_waits_for_certification(as_user, society, secretary, voted):
    vote_and_certify(society, voted, secretary, certify=False)
    client = as_user(secretary)
    assert "The scrutineer has not certified the result yet" in text(
        client.get(url("proposal_decide", society, voted.pk)))
    response = client.post(url("proposal_decide", society, voted.pk), decision_data())
    assert response.status_code == 200
    assert "Record the decision after the scrutineer has certified the result." in text(
        response)
    assert not Allocation.objects.exists()
    voted.refresh_from_db()
    assert not voted.is_decided


def test_the_decision_writes_pounds_that_add_up(as_user, society, secretary, voted):
    vote_and_certify(society, voted, secretary)
    client = as_user(secretary)
    page = text(client.get(url("proposal_decide", society, voted.pk)))
    assert "Sensory garden" in page and "£30,400.00" in page
    # After on-costs for 16 PAs (see tests/surplus/test_journey.py): 53p, £14,017.60.
    assert "A rise of £0.53 an hour: from £12.60 to £13.13" in page
    assert ("A permanent rise: with on-costs it costs £14,017.60 every year from now on. "
            "£169.07 is left over by rounding down.") in page
    response = client.post(url("proposal_decide", society, voted.pk),
                           decision_data(resolution_reference=""))
    assert_field_error(response, "resolution_reference", "Give the resolution's reference")
    response = client.post(url("proposal_decide", society, voted.pk),
                           decision_data(decided_on=(timezone.localdate() + timedelta(days=2))
                                         .isoformat()))
    assert_field_error(response, "decided_on", "cannot be in the future")
    assert not Allocation.objects.exists()

    response = client.post(url("proposal_decide", society, voted.pk), decision_data())
    assert response["Location"] == url("proposal_outcome", society, voted.pk)
    amounts = {a.option.title: a.amount for a in Allocation.objects.select_related("option")}
    assert amounts == {"Sensory garden": Decimal("16213.33"), "PA pay": Decimal("14186.67")}
    assert sum(amounts.values()) == voted.amount_available
    assert audit_actions("surplus.proposal.decided") == ["surplus.proposal.decided"]
    again = client.get(url("proposal_decide", society, voted.pk))
    assert again.status_code == 302


def test_the_year_list_shows_each_year_and_its_proposals(as_user, society, treasurer,
                                                         proposal, django_assert_max_num_queries):
    services.create_year(society, by=treasurer, starts_on=date(2026, 4, 1),
                         ends_on=date(2027, 3, 31), income=Decimal("1000"),
                         expenditure=Decimal("1500"))
    client = as_user(treasurer)
    with django_assert_max_num_queries(12):
        page = text(client.get(url("year_list", society)))
    assert ("1 Apr 2026 to 31 Mar 2027 £1,000.00 £1,500.00 A deficit of £500.00 Not locked "
            "None") in page
    assert ("1 Apr 2025 to 31 Mar 2026 £250,000.00 £212,000.00 £38,000.00 Locked "
            "Reinvest 2025-26 (Draft)") in page
