"""Paper ballots: the printed papers (a real PDF, one A4 page each, with the one-time code, the
right instructions, large print and easy read where asked), and the scrutineer entering the
returned papers by code (counted, rejected because an online vote came first, a used code, a
wrong code, marks that break the rules), on a page that never names a member."""

import re
import zlib

import pytest
from django.urls import reverse
from weasyprint.formatting_structure import boxes

from coop.models import AuditEntry
from tests.pages import PageCheckingClient, assert_field_error, text
from voting import papers, secrecy, selectors, services
from voting.enums import PaperState
from voting.models import BallotPaper

PT = 4 / 3  # WeasyPrint measures in CSS pixels


@pytest.fixture
def client():
    return PageCheckingClient()


@pytest.fixture
def scrutineer(officer_for):
    return officer_for("scrutineer")


@pytest.fixture
def postal(society, classes, make_members):
    """Three members who asked for post: one plain, one large print, one easy read."""
    users, carers, _ = classes
    plain = make_members(users, 1, full_name="Pat Plain", contact_by_post=True)[0]
    large = make_members(users, 1, full_name="Lee Large", contact_by_post=True,
                         large_print=True)[0]
    easy = make_members(carers, 1, full_name="Eve Easy", contact_by_post=True,
                        easy_read=True)[0]
    online = make_members(carers, 2)
    return {"plain": plain, "large": large, "easy": easy, "online": online}


@pytest.fixture
def make_ballot(open_ballot, postal):
    def make(kind="choice", options=("Garden", "Minibus"), **fields):
        fields.setdefault("easy_read_summary", "We have some money. What should we buy?")
        if kind == "ranked":
            fields.setdefault("weighting", "one_member")
        return open_ballot(kind=kind, options=list(options), title="Spend the surplus",
                           summary="Choose how to spend the 2026 surplus.", **fields)

    return make


def url(name, ballot, query=""):
    return reverse(name, args=[ballot.society.slug, ballot.pk]) + query


def code_for(ballot, member) -> str:
    return secrecy.paper_code(ballot.pk, member.pk)


def pages_text(document) -> list[list[tuple[str, float]]]:
    """Each laid-out page's words with their sizes, read from WeasyPrint before writing."""
    return [[(box.text, box.style["font_size"]) for box in page._page_box.descendants()
             if isinstance(box, boxes.TextBox)] for page in document.pages]


def joined(words) -> str:
    return re.sub(r"\s+", " ", " ".join(t for t, _ in words))


def size_of(words, fragment) -> float:
    """The size of the first text box starting with fragment (not any box containing it: a
    generated address such as "Rosie Gardens" must not stand in for the option "Garden")."""
    return next(size for t, size in words if t.strip().startswith(fragment))


def pdf_page_count(pdf: bytes) -> int:
    """The /Count of the PDF's page tree, reading inside its compressed object streams."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    for chunk in chunks:
        tree = re.search(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>", chunk)
        if tree:
            return int(re.search(rb"/Count\s+(\d+)", tree.group(0)).group(1))
    raise AssertionError("no page tree found: not a PDF WeasyPrint wrote")


def pdf_words(pdf: bytes) -> str | None:
    """The PDF's text by pypdf where it is installed (it is not a dependency)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    import io

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# --- printing ----------------------------------------------------------------------------------

def test_papers_pdf_one_page_per_paper_with_codes(client, secretary, make_ballot, postal):
    ballot = make_ballot()
    client.force_login(secretary)

    response = client.get(url("ballot_papers_pdf", ballot))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="mutual-ballot-{ballot.pk}-papers.pdf"')
    assert response.content.startswith(b"%PDF-")
    assert pdf_page_count(response.content) == 3
    words = pdf_words(response.content)
    if words is not None:
        assert code_for(ballot, postal["plain"]) in words
    document = papers.papers_document(ballot, papers.papers_to_print(ballot))
    pages = [joined(page) for page in pages_text(document)]
    assert len(pages) == 3
    for page, who in zip(pages, ["plain", "large", "easy"], strict=True):
        member = postal[who]
        assert f"Your code: {code_for(ballot, member)}" in page
        assert member.full_name in page and member.postcode in page
        assert "Spend the surplus" in page and "Choose how to spend the 2026 surplus." in page
        assert "Put a cross (X) in the box next to the one option you choose." in page
        assert "Garden" in page and "Minibus" in page
        assert "Voting closes at" in page and "Mutual Support" in page


def test_papers_pdf_large_print_for_those_who_asked(make_ballot, postal):
    ballot = make_ballot()
    pages = pages_text(papers.papers_document(ballot, papers.papers_to_print(ballot)))
    plain, large = pages[0], pages[1]

    assert "(large print)" in joined(large) and "(large print)" not in joined(plain)
    assert size_of(large, "Choose how to spend") >= 18 * PT
    assert size_of(large, "Garden") >= 18 * PT
    assert size_of(plain, "Choose how to spend") == pytest.approx(12 * PT)


def test_papers_pdf_large_for_everyone(client, secretary, make_ballot):
    ballot = make_ballot()
    client.force_login(secretary)

    response = client.get(url("ballot_papers_pdf", ballot, "?large=1"))
    pages = pages_text(papers.papers_document(ballot, papers.papers_to_print(ballot),
                                              large=True))

    assert response.content.startswith(b"%PDF-")
    assert "large-print" in response["Content-Disposition"]
    assert len(pages) == 3
    for page in pages:
        assert size_of(page, "Choose how to spend") >= 16 * PT
        assert size_of(page, "How to vote") >= 16 * PT


def test_papers_pdf_easy_read_only_for_those_who_asked(make_ballot):
    ballot = make_ballot()
    pages = [joined(p) for p in pages_text(
        papers.papers_document(ballot, papers.papers_to_print(ballot)))]

    assert "In easy read" in pages[2] and "What should we buy?" in pages[2]
    assert "In easy read" not in pages[0] and "What should we buy?" not in pages[0]


@pytest.mark.parametrize(("kind", "options", "instruction"), [
    ("resolution", (), "Put a cross (X) in one box: For, Against or Abstain."),
    ("approval", ("Garden", "Minibus"), "every option you support"),
    ("allocation", ("Garden", "Minibus"), "must add up to exactly 100"),
    ("ranked", ("Ann", "Bob", "Cai"), "Write 1 in the box next to your first choice"),
])
def test_papers_pdf_says_how_to_vote_for_each_kind(make_ballot, kind, options, instruction):
    ballot = make_ballot(kind=kind, options=options, **({"seats": 2} if kind == "ranked"
                                                         else {}))
    page = joined(pages_text(papers.papers_document(ballot, papers.papers_to_print(ballot)))[0])

    assert instruction in page
    if kind == "resolution":
        assert "For" in page and "Against" in page and "Abstain" in page
    if kind == "ranked":
        assert "This election fills 2 seats." in page


def test_papers_pdf_one_member(client, secretary, make_ballot, postal):
    ballot = make_ballot()
    client.force_login(secretary)
    number = postal["easy"].membership_number

    response = client.get(url("ballot_papers_pdf", ballot, f"?number={number}"))

    assert pdf_page_count(response.content) == 1
    entry = AuditEntry.objects.filter(action="voting.papers.printed").last()
    assert entry.data == {"papers": 1, "large_print": False, "membership_number": number}
    assert code_for(ballot, postal["easy"]) not in str(entry.data)


def test_papers_pdf_leaves_out_returned_papers(client, secretary, scrutineer, make_ballot,
                                               postal):
    ballot = make_ballot()
    garden = ballot.options.get(label="Garden")
    services.enter_paper_vote(ballot, code=code_for(ballot, postal["plain"]),
                              choices={garden.pk: 1}, by=scrutineer)
    client.force_login(secretary)

    assert pdf_page_count(client.get(url("ballot_papers_pdf", ballot)).content) == 2


def test_papers_pdf_none_to_print(client, secretary, open_ballot):
    ballot = open_ballot(kind="choice", options=["A", "B"])
    client.force_login(secretary)

    response = client.get(url("ballot_papers_pdf", ballot), follow=True)

    assert "There are no paper ballots waiting to be printed" in text(response)


# --- entering returned papers ------------------------------------------------------------------

def enter(client, ballot, code, **marks):
    return client.post(url("ballot_paper_entry", ballot), {"code": code, **marks}, follow=True)


def test_paper_counted(client, scrutineer, make_ballot, postal):
    ballot = make_ballot()
    garden = ballot.options.get(label="Garden")
    client.force_login(scrutineer)
    code = code_for(ballot, postal["plain"])

    response = enter(client, ballot, code.lower().replace("-", " "), choices=garden.pk)

    page = text(response)
    assert f"Paper {code} has been counted." in page
    assert "Returned and counted 1" in page and "Issued, not yet returned 2" in page
    assert selectors.results(ballot).head_counts[garden.pk] == 1
    assert BallotPaper.objects.get(roll_entry__member=postal["plain"]).state == "counted"
    entry = AuditEntry.objects.filter(action="voting.paper.entered").last()
    assert entry.actor == scrutineer and entry.data == {"counted": True}


def test_paper_rejected_when_the_member_voted_online_first(client, scrutineer, make_ballot,
                                                           postal):
    ballot = make_ballot()
    garden, minibus = ballot.options.all()
    services.cast_vote(ballot, postal["plain"], {minibus.pk: 1})
    client.force_login(scrutineer)

    page = text(enter(client, ballot, code_for(ballot, postal["plain"]), choices=garden.pk))

    assert "was not counted: this member had already voted online" in page
    assert "Returned but not counted (the member had already voted online) 1" in page
    result = selectors.results(ballot)
    assert result.head_counts == {garden.pk: 0, minibus.pk: 1}
    assert result.papers[PaperState.REJECTED] == 1


def test_used_code_refused(client, scrutineer, make_ballot, postal):
    ballot = make_ballot()
    garden = ballot.options.get(label="Garden")
    client.force_login(scrutineer)
    code = code_for(ballot, postal["plain"])
    enter(client, ballot, code, choices=garden.pk)

    response = client.post(url("ballot_paper_entry", ballot), {"code": code,
                                                               "choices": garden.pk})

    assert_field_error(response, "code", "This paper's code has already been used.")
    assert selectors.results(ballot).head_counts[garden.pk] == 1


def test_wrong_code_refused(client, scrutineer, make_ballot, postal):
    ballot = make_ballot()
    other = make_ballot()
    garden = ballot.options.get(label="Garden")
    client.force_login(scrutineer)

    wrong = client.post(url("ballot_paper_entry", ballot), {"code": "ABCD-EFGH-JKMN",
                                                            "choices": garden.pk})
    # A real code, but for another ballot.
    elsewhere = client.post(url("ballot_paper_entry", ballot),
                            {"code": code_for(other, postal["plain"]), "choices": garden.pk})

    for response in (wrong, elsewhere):
        assert_field_error(response, "code", "No ballot paper of this ballot has that code.")
    assert not BallotPaper.objects.exclude(state=PaperState.ISSUED).exists()


def test_paper_without_a_mark_refused(client, scrutineer, make_ballot, postal):
    ballot = make_ballot()
    client.force_login(scrutineer)

    response = client.post(url("ballot_paper_entry", ballot),
                           {"code": code_for(ballot, postal["plain"])})

    assert_field_error(response, "choices", "Choose the option marked on the paper.")


def test_approval_paper_with_several_crosses(client, scrutineer, make_ballot, postal):
    ballot = make_ballot(kind="approval")
    garden, minibus = ballot.options.all()
    client.force_login(scrutineer)

    page = text(enter(client, ballot, code_for(ballot, postal["plain"]),
                      choices=[garden.pk, minibus.pk]))

    assert "has been counted" in page
    assert selectors.results(ballot).head_counts == {garden.pk: 1, minibus.pk: 1}


def test_allocation_paper_must_add_up_to_100(client, scrutineer, make_ballot, postal):
    ballot = make_ballot(kind="allocation")
    garden, minibus = ballot.options.all()
    client.force_login(scrutineer)
    code = code_for(ballot, postal["plain"])

    response = client.post(url("ballot_paper_entry", ballot), {
        "code": code, f"option_{garden.pk}": "60", f"option_{minibus.pk}": "30"})
    assert_field_error(response, f"option_{garden.pk}",
                       "Your points add up to 90. They must add up to exactly 100.")

    page = text(enter(client, ballot, code, **{f"option_{garden.pk}": "70",
                                               f"option_{minibus.pk}": "30"}))
    assert "has been counted" in page


def test_ranked_paper(client, scrutineer, make_ballot, postal):
    ballot = make_ballot(kind="ranked", options=("Ann", "Bob", "Cai"), seats=1)
    ann, bob, cai = ballot.options.all()
    client.force_login(scrutineer)
    code = code_for(ballot, postal["plain"])

    gap = client.post(url("ballot_paper_entry", ballot), {
        "code": code, f"option_{ann.pk}": "1", f"option_{cai.pk}": "3"})
    assert_field_error(gap, f"option_{ann.pk}", "Number your choices 1, 2, 3 and so on")

    page = text(enter(client, ballot, code, **{f"option_{bob.pk}": "1",
                                               f"option_{ann.pk}": "2"}))
    assert "has been counted" in page
    assert selectors.ranked_ballots(ballot) == [((bob.pk, ann.pk), 1)]


def test_paper_entry_page_names_no_member(client, scrutineer, make_ballot, postal):
    ballot = make_ballot()
    garden = ballot.options.get(label="Garden")
    services.cast_vote(ballot, postal["online"][0], {garden.pk: 1})
    client.force_login(scrutineer)

    pages = [client.get(url("ballot_paper_entry", ballot)),
             enter(client, ballot, code_for(ballot, postal["plain"]), choices=garden.pk),
             client.post(url("ballot_paper_entry", ballot), {"code": "nope"})]

    members = [postal["plain"], postal["large"], postal["easy"], *postal["online"]]
    for response in pages:
        page = text(response)
        for member in members:
            assert member.full_name not in page
            assert member.postcode not in page
            assert member.address.splitlines()[0] not in page


def test_paper_entry_after_certification_refused(client, secretary, scrutineer, make_ballot,
                                                  postal):
    ballot = make_ballot()
    garden = ballot.options.get(label="Garden")
    services.close_ballot(ballot, by=secretary, reason="Testing")
    client.force_login(scrutineer)
    code = code_for(ballot, postal["plain"])
    assert "has been counted" in text(enter(client, ballot, code, choices=garden.pk))
    services.certify_ballot(ballot, by=scrutineer)

    response = client.post(url("ballot_paper_entry", ballot),
                           {"code": code_for(ballot, postal["large"]), "choices": garden.pk})

    page = text(response)
    assert "Papers can be entered only between opening and certification." in page
    assert "Enter this paper" not in page
    assert BallotPaper.objects.get(roll_entry__member=postal["large"]).state == "issued"


def test_paper_entry_on_a_draft_explains(client, society, secretary, scrutineer):
    draft = services.create_ballot(society, by=secretary, title="Later", summary="Soon.")
    client.force_login(scrutineer)

    page = text(client.get(url("ballot_paper_entry", draft)))

    assert "This ballot has not opened yet." in page
