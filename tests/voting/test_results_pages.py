"""The results page, the CSV, the certificate (HTML and PDF) and the BLT download: who may see
them when, and what they say. Ballots are built and voted through the real services."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coop.enums import EmptyClassPolicy
from tests.factories import MemberFactory
from tests.pages import PageCheckingClient, text
from voting import secrecy, services

from .conftest import option


def url(name, ballot):
    return reverse(name, args=[ballot.society.slug, ballot.pk])


def client_for(user):
    client = PageCheckingClient()
    client.force_login(user)
    return client


def vote(ballot, members, label, value=1):
    return [services.cast_vote(ballot, m, {option(ballot, label).pk: value}) for m in members]


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


@pytest.fixture
def resolution(classes, make_members, open_ballot):
    """Users 5 for, 1 against; carers 1 for, 1 against (too few to show); PAs 1 for,
    3 against, 1 abstains. Weighted for = .5×5/6 + .25×1/2 + .25×1/4 = 60.4%;
    one member one vote: 7 of 12 = 58.3%."""
    users, carers, pas = classes
    u, c, p = make_members(users, 6), make_members(carers, 2), make_members(pas, 5)
    ballot = open_ballot(title="Adopt the new rules")
    receipts = vote(ballot, u[:5], "For") + vote(ballot, u[5:], "Against")
    receipts += vote(ballot, c[:1], "For") + vote(ballot, c[1:], "Against")
    receipts += vote(ballot, p[:1], "For") + vote(ballot, p[1:4], "Against")
    receipts += vote(ballot, p[4:], "Abstain")
    ballot.test_receipts = receipts
    ballot.test_member = u[0]
    return ballot


def close(ballot, by):
    return services.close_ballot(ballot, by=by, reason="Everyone on the roll has voted.")


def certify(ballot, scrutineer, note="Counted and checked against the paper returns."):
    return services.certify_ballot(ballot, by=scrutineer, note=note)


# --- who sees the result when ------------------------------------------------------------------

def test_visibility_through_the_lifecycle(resolution, secretary, scrutineer, other_society):
    member = client_for(resolution.test_member.user)
    board, scrut = client_for(secretary), client_for(scrutineer)
    outsider = client_for(MemberFactory(society=other_society).user)
    page = url("ballot_results", resolution)

    def shows(client):
        response = client.get(page)
        assert response.status_code == 200
        return "The resolution passed" in text(response)

    # Open, no live results: nobody sees figures; outsiders are told nothing exists.
    assert not shows(member) and not shows(board) and not shows(scrut)
    assert "not available yet" in text(member.get(page))
    assert outsider.get(page).status_code == 404
    assert member.get(url("ballot_results_csv", resolution)).status_code == 404

    close(resolution, secretary)
    assert shows(board) and shows(scrut) and not shows(member)
    assert "has not certified this count yet" in text(board.get(page))
    assert member.get(url("ballot_results_csv", resolution)).status_code == 404
    assert board.get(url("ballot_results_csv", resolution)).status_code == 200

    certify(resolution, scrutineer)
    assert not shows(member)
    publish = services.publish_ballot(resolution, by=secretary)
    assert shows(member) and publish.published_at
    assert outsider.get(page).status_code == 404
    assert outsider.get(url("ballot_certificate", resolution)).status_code == 404


def test_a_signed_in_stranger_gets_404_and_anonymous_visitors_sign_in(resolution, user,
                                                                     secretary):
    close(resolution, secretary)
    assert client_for(user).get(url("ballot_results", resolution)).status_code == 404
    response = PageCheckingClient().get(url("ballot_results", resolution))
    assert response.status_code == 302 and "login" in response["Location"]


def test_live_results_show_while_open_and_say_so(classes, make_members, open_ballot):
    users = make_members(classes[0], 5)
    ballot = open_ballot(kind="choice", options=["Red", "Blue"], live_results=True)
    vote(ballot, users[:3], "Red")
    vote(ballot, users[3:], "Blue")
    page = text(client_for(users[0].user).get(url("ballot_results", ballot)))
    assert "Voting is still open. If it ended now: red won with 60.0%." in page
    assert "these figures will change" in page
    assert "Show the" not in page  # receipts are listed only after close


# --- what the page says, for each kind ---------------------------------------------------------

def test_resolution_page_gives_the_outcome_first_then_the_figures(resolution, secretary,
                                                                  scrutineer):
    close(resolution, secretary)
    certify(resolution, scrutineer)
    services.publish_ballot(resolution, by=secretary)
    # The board sees the full count it published (the scrutineer certified it).
    response = client_for(secretary).get(url("ballot_results", resolution))
    page = text(response)
    html = response.content.decode()

    sentence = ("The resolution passed: 60.4% of the weighted votes were for it, counting only "
                "votes for or against; it needed more than 50%.")
    assert sentence in page
    assert page.index(sentence) < page.index("Votes for each option")
    assert "for comparison only — not the rule this ballot used" in page
    assert "For 60.4% 7 58.3%" in page and "Against 39.6% 5 41.7%" in page
    assert "Abstain Not counted in the shares 1" in page
    assert "Abstentions count towards turnout but not towards the shares" in page
    # Turnout overall and per class.
    assert "14 of the 13" not in page and "13 of the 13 members on the electoral roll voted" \
        in page
    assert "Carer 25% 2 2 100.0%" in page
    # Carers: only two voted, below the minimum of five, so their breakdown is hidden.
    assert "Hidden: only 2 members of the class “Carer” voted, fewer than 5" in page
    assert "“Service user” voted Option Votes Share within the class For 5 83.3% " \
           "Against 1 16.7%" in page
    assert "For 1 25.0% Against 3 75.0% Abstain 1" in page
    # Certified and published, with the scrutineer's name.
    assert f"Certified by the scrutineer, {scrutineer}" in page
    assert "Published to members on" in page
    # The chart is an image with a name, and its figures are in the table after it.
    assert 'role="img"' in html and "<title id=" in html
    assert html.index("<svg") < html.index('id="results-table"')
    # Receipts: every counted receipt's hash is listed, with the way to check one.
    for code in resolution.test_receipts:
        assert secrecy.code_hash(code) in html
    assert url("receipt_check", resolution) in html
    assert url("ballot_results_csv", resolution) in html
    assert url("ballot_certificate", resolution) in html


def test_members_cannot_subtract_a_small_class_out_of_the_totals(resolution, secretary,
                                                                scrutineer):
    """Two carers voted (fewer than 5). Publishing the totals (7 for, 5 against) beside the
    other classes' tables (users 5 and 1, PAs 1 and 3) gave the carers' split away as
    7 − 5 − 1 = 1 for and 5 − 1 − 3 = 1 against. Members now get the outcome and turnout."""
    close(resolution, secretary)
    certify(resolution, scrutineer)
    services.publish_ballot(resolution, by=secretary)
    member = client_for(resolution.test_member.user)
    response = member.get(url("ballot_results", resolution))
    page = text(response)
    assert ("The resolution passed: it needed more than 50% of the weighted votes for and "
            "against.") in page
    assert ("Hidden to keep a small group's votes secret: fewer than 5 voted in Carer, so only "
            "the outcome and the turnout are shown.") in page
    assert "Carer 25% 2 2 100.0%" in page  # turnout stays
    for figure in ("60.4%", "58.3%", "83.3%", "For 5", "Against 1", "For 1"):
        assert figure not in page
    assert "<svg" not in response.content.decode()
    rows = list(csv.DictReader(io.StringIO(
        member.get(url("ballot_results_csv", resolution)).content.decode())))
    assert {r["row"] for r in rows} == {"figures hidden", "result", "turnout",
                                        "paper ballots issued", "paper ballots counted",
                                        "paper ballots rejected"}
    assert all(r["votes"] == "" and r["weighted_share_percent"] == ""
               for r in rows if r["row"] == "result")
    certificate = text(member.get(url("ballot_certificate", resolution)))
    assert "it needed more than 50%" in certificate and "60.4%" not in certificate


def test_class_majority_failure_is_explained(classes, make_members, open_ballot, secretary):
    users, carers, _ = classes
    u, c = make_members(users, 5), make_members(carers, 5)
    ballot = open_ballot(require_class_majority=True)
    vote(ballot, u, "For")
    vote(ballot, c[:2], "For")
    vote(ballot, c[2:], "Against")
    close(ballot, secretary)
    page = text(client_for(secretary).get(url("ballot_results", ballot)))
    assert "The resolution did not pass: 80.0% of the weighted votes were for it, counting " \
           "only votes for or against, but it also needed more votes for than against in " \
           "every class, and Carer did not give it that." in page


def test_special_resolution_exactly_at_the_threshold_passes(classes, make_members,
                                                            open_ballot, secretary):
    u = make_members(classes[0], 4)
    ballot = open_ballot(resolution_kind="special", weighting="one_member")
    vote(ballot, u[:3], "For")
    vote(ballot, u[3:], "Against")
    close(ballot, secretary)
    page = text(client_for(secretary).get(url("ballot_results", ballot)))
    assert ("The resolution passed: 75.0% of the votes were for it, counting only votes for "
            "or against; it needed at least 75%.") in page
    assert "for comparison only" not in page  # the rule is one member one vote already


def test_worked_example_choice(classes, make_members, open_ballot, secretary):
    users, carers, pas = classes
    groups = [(make_members(cls, n), for_a)
              for cls, n, for_a in ((users, 40, 30), (carers, 12, 6), (pas, 40, 4))]
    ballot = open_ballot(kind="choice", options=["A", "B"])
    for people, for_a in groups:
        vote(ballot, people[:for_a], "A")
        vote(ballot, people[for_a:], "B")
    close(ballot, secretary)
    page = text(client_for(secretary).get(url("ballot_results", ballot)))
    assert "A won with 52.5%." in page
    assert "A 52.5% 40 43.5%" in page and "B 47.5% 52 56.5%" in page
    assert ("Each class carries a fixed share of the result: Service user 50 parts (50.0%), "
            "Carer 25 parts (25.0%) and Personal assistant 25 parts (25.0%).") in page


def test_a_tie_is_reported_as_a_tie(classes, make_members, open_ballot, secretary):
    u = make_members(classes[0], 6)
    ballot = open_ballot(kind="choice", options=["A", "B", "C"])
    vote(ballot, u[:3], "A")
    vote(ballot, u[3:], "B")
    close(ballot, secretary)
    page = text(client_for(secretary).get(url("ballot_results", ballot)))
    assert "Tie between A and B, with 50.0% each: the rules do not break ties." in page


def test_approval_shares_are_of_the_voters(classes, make_members, open_ballot, secretary):
    u = make_members(classes[0], 5)
    ballot = open_ballot(kind="approval", options=["Garden", "Minibus"])
    g, m = option(ballot, "Garden"), option(ballot, "Minibus")
    for member in u[:4]:
        services.cast_vote(ballot, member, {g.pk: 1, m.pk: 1})
    services.cast_vote(ballot, u[4], {m.pk: 1})
    close(ballot, secretary)
    page = text(client_for(secretary).get(url("ballot_results", ballot)))
    assert "Minibus won: it was approved on 100.0% of the weighted ballots." in page
    assert "add up to more than 100%" in page


def test_allocation_shares_sum_to_100(classes, make_members, open_ballot, secretary):
    u = make_members(classes[0], 3)
    ballot = open_ballot(kind="allocation", options=["Training", "Garden", "Reserve"])
    t, g, r = (option(ballot, x).pk for x in ("Training", "Garden", "Reserve"))
    for points in ({t: 34, g: 33, r: 33}, {t: 34, g: 33, r: 33}, {t: 33, g: 34, r: 33}):
        services.cast_vote(ballot, u.pop(), points)
    close(ballot, secretary)
    response = client_for(secretary).get(url("ballot_results", ballot))
    page = text(response)
    assert ("The points were shared: Training 33.7%, Garden 33.3% and Reserve 33.0%. "
            "Together the exact shares make 100%.") in page
    rows = list(csv.reader(io.StringIO(
        client_for(secretary).get(url("ballot_results_csv", ballot)).content.decode())))
    shares = [row[3] for row in rows if row[0] == "result"]
    assert shares == ["33.666667", "33.333333", "33.000000"]


def test_not_cast_share_is_shown_when_a_class_is_empty(society, classes, make_members,
                                                      open_ballot, secretary):
    users, carers, pas = classes
    make_members(pas, 2)  # on the roll, never vote
    u, c = make_members(users, 5), make_members(carers, 5)
    ballot = open_ballot(kind="choice", options=["A", "B"],
                         empty_class_policy=EmptyClassPolicy.NOT_CAST)
    vote(ballot, u, "A")
    vote(ballot, c, "B")
    close(ballot, secretary)
    page = text(client_for(secretary).get(url("ballot_results", ballot)))
    assert "A won with 50.0%." in page
    assert "Not cast (a class in which nobody voted) 25.0%" in page
    assert "Hidden: no members of the class “Personal assistant” voted" in page


def test_paper_ballots_first_received_counts(classes, make_members, open_ballot, secretary,
                                             scrutineer):
    u = make_members(classes[0], 5)
    ballot = open_ballot(kind="choice", options=["A", "B"])
    for member in u[:3]:
        services.issue_paper(ballot, member, by=secretary)
    vote(ballot, u[:1], "A")  # votes online first, then posts the paper back
    for member in u[:2]:
        services.enter_paper_vote(ballot, code=secrecy.paper_code(ballot.pk, member.pk),
                                  choices={option(ballot, "B").pk: 1}, by=scrutineer)
    close(ballot, secretary)
    page = text(client_for(scrutineer).get(url("ballot_results", ballot)))
    assert "Issued 3 Returned and counted 1" in page
    assert "Returned but not counted because an online vote came first 1" in page
    assert "Not returned yet 1" in page
    assert "the vote received first counts" in page
    assert "Tie between A and B" in page


def test_ranked_election_shows_who_was_elected_and_each_stage(classes, make_members,
                                                             open_ballot, secretary):
    u = make_members(classes[0], 9)
    ballot = open_ballot(kind="ranked", options=["Ann", "Bob", "Cat", "Dan"], seats=2)
    ann, bob, cat, dan = (option(ballot, x).pk for x in ("Ann", "Bob", "Cat", "Dan"))
    rankings = ([{ann: 1, bob: 2}] * 3 + [{ann: 1, cat: 2}] * 2 + [{bob: 1}]
                + [{cat: 1}] * 2 + [{dan: 1, cat: 2}])
    for member, ranks in zip(u, rankings, strict=True):
        services.cast_vote(ballot, member, ranks)
    close(ballot, secretary)
    client = client_for(secretary)
    response = client.get(url("ballot_results", ballot))
    page = text(response)
    assert "Elected to the 2 seats: Ann and Cat." in page
    assert "Quota (the number of votes a candidate needs to be elected) 4" in page
    assert "Stage Ann Bob Cat Dan Non-transferable What happened" in page
    assert "1 5 1 2 1 0 First preferences counted. Elected: Ann" in page
    assert "2 4 1.60 2.40 1 0 Surplus of Ann transferred" in page
    assert "4 4 0 3.40 0 1.60 Bob excluded, with the fewest votes. Elected: Cat" in page
    rows = list(csv.DictReader(io.StringIO(
        client.get(url("ballot_results_csv", ballot)).content.decode())))
    assert [(r["row"], r["option"], r["votes"]) for r in rows if "candidate" in r["row"]] == [
        ("candidate elected", "Ann", "5"), ("candidate", "Bob", "1"),
        ("candidate elected", "Cat", "2"), ("candidate", "Dan", "1")]
    blt = client.get(url("ballot_blt", ballot))
    assert blt.status_code == 200
    assert blt["Content-Disposition"].startswith("attachment")
    assert blt.content.decode().startswith("4 2\n")


def test_blt_is_only_for_closed_ranked_ballots(resolution, secretary):
    close(resolution, secretary)
    assert client_for(secretary).get(url("ballot_blt", resolution)).status_code == 404


# --- CSV ----------------------------------------------------------------------------------------

def test_csv_has_exact_shares_per_option_and_shown_class_and_turnout(resolution, secretary):
    close(resolution, secretary)
    response = client_for(secretary).get(url("ballot_results_csv", resolution))
    assert response["Content-Type"].startswith("text/csv")
    assert f"mutual-ballot-{resolution.pk}-results.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    overall = {r["option"]: r for r in rows if r["row"] == "result"}
    assert overall["For"]["weighted_share_percent"] == "60.416667"
    assert overall["For"]["one_member_one_vote_share_percent"] == "58.333333"
    assert overall["Against"]["votes"] == "5"
    assert overall["Abstain"]["weighted_share_percent"] == ""
    by_class = {(r["class"], r["option"]): r for r in rows if r["row"] == "class result"}
    assert by_class[("Service user", "For")]["weighted_share_percent"] == "83.333333"
    assert not any(cls == "Carer" for cls, _ in by_class)  # hidden below the minimum
    turnout = {r["class"]: r for r in rows if r["row"] == "turnout"}
    assert turnout["Carer"]["on_roll"] == "2" and turnout["Carer"]["voted"] == "2"
    assert turnout["All classes"]["turnout_percent"] == "100.000000"


# --- the certificate -------------------------------------------------------------------------

def test_certificate_before_and_after_certification(resolution, secretary, scrutineer):
    close(resolution, secretary)
    client = client_for(secretary)
    response = client.get(url("ballot_certificate", resolution))
    assert "has not certified this result yet" in text(response)
    assert client.get(url("ballot_certificate_pdf", resolution)).status_code == 404

    certify(resolution, scrutineer, note="Two papers arrived late and were set aside.")
    page = text(client.get(url("ballot_certificate", resolution)))
    assert "The resolution passed: 60.4%" in page
    assert "Ordinary (more than half): “for” needed more than 50%" in page
    assert "Members on the electoral roll 13" in page and "Votes cast 13" in page
    assert "Turnout 100.0%" in page
    assert "Two papers arrived late and were set aside." in page
    assert f"Certified by {scrutineer}, scrutineer, on" in page

    pdf = client.get(url("ballot_certificate_pdf", resolution))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert len(pdf.content) > 2000


def test_members_see_the_certificate_only_once_published(resolution, secretary, scrutineer):
    close(resolution, secretary)
    certify(resolution, scrutineer)
    member = client_for(resolution.test_member.user)
    assert member.get(url("ballot_certificate", resolution)).status_code == 404
    services.publish_ballot(resolution, by=secretary)
    assert member.get(url("ballot_certificate", resolution)).status_code == 200


# --- cost ---------------------------------------------------------------------------------------

def test_results_page_queries_do_not_grow_with_votes(classes, make_members, open_ballot,
                                                     secretary):
    def queries_for(n):
        members = make_members(classes[0], n)
        ballot = open_ballot(kind="choice", options=["A", "B"])
        vote(ballot, members, "A")
        close(ballot, secretary)
        client = client_for(secretary)
        client.get(url("ballot_results", ballot))  # warm caches (session, roles)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("ballot_results", ballot)).status_code == 200
        return len(queries)

    assert queries_for(3) == queries_for(12)


def test_chart_escapes_labels_and_names_itself():
    from fractions import Fraction

    from voting.charts import Bar, bar_chart

    svg = str(bar_chart("c1", "Votes <b>", [Bar('<script>alert("x")</script>', Fraction(1, 3)),
                                            Bar("Garden & trees", Fraction(2, 3))],
                        marker=Fraction(1, 2), marker_label="Needed: more than 50%"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Garden &amp; trees" in svg and "Votes &lt;b&gt;" in svg
    assert 'role="img" aria-labelledby="c1-title c1-desc"' in svg
    assert "33.3%" in svg and "66.7%" in svg and "Needed: more than 50%" in svg
    assert "style=" not in svg
