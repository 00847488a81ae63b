"""An election whose count drew lots: its published results, CSV and certificate (HTML and
PDF) say which tie the lot broke and how, instead of failing. Once, every such page answered
500, the demo's trustee election among them."""

import csv
import io
import re
import shutil
import subprocess

import pytest
from django.template.loader import render_to_string

from tests.factories import MemberFactory
from tests.pages import text
from voting import selectors, services
from voting.views_results import results_context

from .conftest import option
from .test_results_pages import certify, client_for, close, url

LOT = re.compile(r"at stage 2, Bob and Cat were tied with the fewest votes, and the lot "
                 r"excluded (Bob|Cat)")


@pytest.fixture
def drawn(classes, make_members, open_ballot, secretary, officer_for):
    """One seat, seven voters: Ann 3, Bob 2, Cat 2. Nobody reaches the quota of 4, and Bob
    and Cat are tied for fewest at the only stage there is, so a lot excludes one."""
    voters = make_members(classes[0], 7)
    ballot = open_ballot(kind="ranked", options=["Ann", "Bob", "Cat"], seats=1)
    ann, bob, cat = (option(ballot, x).pk for x in ("Ann", "Bob", "Cat"))
    for member, first in zip(voters, [ann] * 3 + [bob] * 2 + [cat] * 2, strict=True):
        services.cast_vote(ballot, member, {first: 1})
    close(ballot, secretary)
    certify(ballot, officer_for("scrutineer"))
    ballot = services.publish_ballot(ballot, by=secretary)
    ballot.test_member = voters[0]
    return ballot


def excluded_by_lot(ballot) -> str:
    count = selectors.count_election(ballot)
    (tie,) = count.ties_broken_by_lot
    return count.names[tie.chosen]


def pdf_text(pdf: bytes, tmp_path) -> str | None:
    """The PDF's words via pdftotext (poppler-utils), or None where it is not installed."""
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_published_results_page_says_which_tie_the_lot_broke(drawn):
    response = client_for(drawn.test_member.user).get(url("ballot_results", drawn))

    assert response.status_code == 200
    page = text(response)
    assert "Elected to the seat: Ann." in page
    assert "A tie was broken by lot, as the rules say" in page
    assert LOT.search(page).group(1) == excluded_by_lot(drawn)
    assert "(a tie between Bob, Cat, decided by lot)" in page  # in the stage table


def test_results_csv_of_a_count_that_drew_lots_has_a_row_for_the_lot(drawn):
    response = client_for(drawn.test_member.user).get(url("ballot_results_csv", drawn))

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["row"], r["option"], r["votes"]) for r in rows if "candidate" in r["row"]] == [
        ("candidate elected", "Ann", "3"), ("candidate", "Bob", "2"), ("candidate", "Cat", "2")]
    (lot,) = [r["option"] for r in rows if r["row"] == "tie broken by lot"]
    assert LOT.fullmatch(lot).group(1) == excluded_by_lot(drawn)


def test_certificate_of_a_count_that_drew_lots_shows_the_lot(drawn):
    response = client_for(drawn.test_member.user).get(url("ballot_certificate", drawn))

    assert response.status_code == 200
    page = text(response)
    assert "Elected Ann" in page
    assert "Ties broken by lot At stage 2, Bob and Cat were tied" in page
    assert f"and the lot excluded {excluded_by_lot(drawn)}." in page


def test_certificate_pdf_of_a_count_that_drew_lots_shows_the_lot(drawn, tmp_path):
    response = client_for(drawn.test_member.user).get(url("ballot_certificate_pdf", drawn))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    words = pdf_text(response.content, tmp_path)
    if words is None:  # no pdftotext here: read the HTML the PDF is made from instead
        context = {**results_context(selectors.results(drawn)), "society": drawn.society,
                   "pdf": True}
        words = render_to_string("voting/results/certificate_pdf.html", context)
    words = " ".join(words.split())
    assert "Ties broken by lot" in words
    assert f"the lot excluded {excluded_by_lot(drawn)}" in words


def test_api_results_of_a_count_that_drew_lots_count_the_lot(drawn):
    client = client_for(drawn.test_member.user)

    response = client.get(f"/api/v1/societies/{drawn.society.slug}/ballots/{drawn.pk}/results/")

    assert response.status_code == 200
    election = response.json()["election"]
    assert election["ties_broken_by_lot"] == 1
    assert [e["label"] for e in election["elected"]] == ["Ann"]


def test_outsider_gets_404_for_every_page_of_a_count_that_drew_lots(drawn, other_society):
    outsider = client_for(MemberFactory(society=other_society).user)

    for name in ("ballot_results", "ballot_results_csv", "ballot_certificate",
                 "ballot_certificate_pdf"):
        assert outsider.get(url(name, drawn)).status_code == 404
