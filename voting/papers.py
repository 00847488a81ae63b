"""Printed ballot papers: one A4 page per paper, each with the member's one-time code, the
question, how to mark it for the ballot's kind, the closing time and the return address, and
the member's name and address placed for a window envelope. Large print (18pt) for members who
asked for it, or for everyone with `large=True`.

The top of each page, with the name and address, is torn off and kept: only the part with the
code goes back, so the scrutineer who enters it never sees whose it is. A paper with a long
summary or many candidates (large print especially) runs onto a second page; each paper starts
on a new page, so the papers are meant to be printed single-sided.

Built with WeasyPrint like the share certificate (`membership/certificate.py`): its own small
template and stylesheet, and every URL WeasyPrint meets is refused, so text an officer typed
cannot make the server fetch anything."""

from django.http import HttpResponse
from django.template.loader import render_to_string

from coop import audit

from . import secrecy
from .enums import BallotKind, PaperState
from .models import Ballot, BallotPaper

HOW_TO_VOTE = {
    BallotKind.RESOLUTION: "Put a cross (X) in one box: For, Against or Abstain.",
    BallotKind.CHOICE: "Put a cross (X) in the box next to the one option you choose.",
    BallotKind.APPROVAL: "Put a cross (X) in the box next to every option you support. You can "
                         "mark as many as you like.",
    BallotKind.ALLOCATION: "Write a number of points in the box next to each option you want "
                           "to give points to. Your points must add up to exactly 100.",
    BallotKind.RANKED: "Write 1 in the box next to your first choice, 2 next to your second "
                       "choice, and so on. Number as many candidates as you like. Use each "
                       "number once.",
}


def papers_to_print(ballot: Ballot, *, membership_number: int | None = None):
    """Papers not yet returned (one member's, when a number is given), in membership order."""
    papers = (BallotPaper.objects.filter(ballot=ballot, state=PaperState.ISSUED)
              .select_related("roll_entry__member").order_by("roll_entry__member__membership_number"))
    if membership_number is not None:
        papers = papers.filter(roll_entry__member__membership_number=membership_number)
    return list(papers)


def record_printing(ballot: Ballot, papers, *, by, large: bool) -> None:
    """Printing codes is an officer action like any other: it goes in the audit log (how
    many, and whose when one member's paper is printed again; never the codes)."""
    data = {"papers": len(papers), "large_print": large}
    if len(papers) == 1:
        data["membership_number"] = papers[0].roll_entry.member.membership_number
    audit.record("voting.papers.printed", society=ballot.society, actor=by, obj=ballot,
                 data=data)


def paper_context(ballot: Ballot, papers, *, large: bool = False) -> dict:
    """What each page says. The code is derived again from the vote key: only its hash is
    stored, so a lost paper can be printed again with the same code."""
    sheets = []
    for paper in papers:
        member = paper.roll_entry.member
        sheets.append({
            "member": member,
            "code": secrecy.paper_code(ballot.pk, member.pk),
            "large": large or member.large_print,
            "easy_read": member.easy_read and bool(ballot.easy_read_summary.strip()),
        })
    return {"ballot": ballot, "society": ballot.society, "sheets": sheets,
            "options": list(ballot.options.all()), "how_to_vote": HOW_TO_VOTE[ballot.kind],
            "numbers": ballot.kind in (BallotKind.ALLOCATION, BallotKind.RANKED)}


def _refuse(url, *args, **kwargs):
    raise ValueError(f"The ballot papers fetch nothing ({url})")


def papers_document(ballot: Ballot, papers, *, large: bool = False):
    """The laid-out document (its `pages` can be counted and read before writing)."""
    from weasyprint import CSS, HTML  # heavy; only the PDF needs it

    context = paper_context(ballot, papers, large=large)
    html = render_to_string("voting/papers/pdf.html", context)
    css = render_to_string("voting/papers/pdf.css", context)
    return HTML(string=html, url_fetcher=_refuse).render(
        stylesheets=[CSS(string=css, url_fetcher=_refuse)])


def pdf_response(ballot: Ballot, papers, *, large: bool = False) -> HttpResponse:
    pdf = papers_document(ballot, papers, large=large).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "-large-print" if large else ""
    filename = f"{ballot.society.slug}-ballot-{ballot.pk}-papers{suffix}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
