"""Results pages: the result with its chart and tables, the CSV, the scrutineer's certificate
(HTML and PDF) and the anonymised ranked ballots in BLT format.

Who sees what is `selectors.results_visible`: members once the result is published (or while
the ballot is open when it shows live results), the board and the scrutineer once it has
closed. People outside the society get a 404, as if the ballot did not exist."""

from dataclasses import replace
from fractions import Fraction

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from coop import permissions as coop_permissions
from coop.decorators import society_context, society_view
from membership.selectors import member_for

from . import charts, disclosure, easy_read, permissions, results_export, selectors
from .enums import BallotKind, BallotState, ResolutionKind, Weighting

RECEIPTS_ON_PAGE = 1000  # more counted receipts than this are a download, not a list


class Viewer:
    """The person looking, as far as the results care."""

    def __init__(self, user, society):
        self.officer = permissions.can_manage_ballots(user, society)
        self.scrutineer = permissions.can_scrutinise(user, society)
        self.member = member_for(society, user)
        self.insider = bool(self.member or self.officer or self.scrutineer
                            or coop_permissions.is_officer(user, society))

    def published(self, results):
        """The figures this person may see: the full count for the board and the
        scrutineer, who certify it; what `disclosure` publishes for members."""
        return disclosure.publish(results, full=self.officer or self.scrutineer)


def _load(request, society, pk):
    """The ballot, if the person belongs to the society and may see the ballot at all."""
    viewer = Viewer(request.user, society)
    if not viewer.insider:
        raise Http404
    ballots = selectors.visible_ballots(society, request.user,
                                        officer=viewer.officer or viewer.scrutineer)
    ballot = get_object_or_404(ballots.select_related("certified_by", "society"), pk=pk)
    visible = selectors.results_visible(ballot, officer=viewer.officer,
                                        scrutineer=viewer.scrutineer)
    return ballot, viewer, visible


def _not_yet(request, society, ballot, viewer, template="voting/results/not_yet.html"):
    return render(request, template, society_context(
        request, society, ballot=ballot, viewer=viewer, when=_when_visible(ballot, viewer)))


def _when_visible(ballot, viewer) -> str:
    if ballot.scrutineer_seal and ballot.state == BallotState.OPEN:
        return ("Live figures are not available: this ballot is sealed for the scrutineer. "
                "Nobody can see any figures until it closes and the scrutineer opens the "
                "votes with their passphrase.")
    if ballot.scrutineer_seal and ballot.state == BallotState.CLOSED \
            and selectors.still_sealed(ballot):
        return ("The ballot has closed. Waiting for the scrutineer to open the sealed votes "
                "with their passphrase; until then nobody can see the result.")
    if ballot.state == BallotState.OPEN:
        return ("Voting is still open. The result will be shown here once the ballot has "
                "closed and the scrutineer has certified the count.")
    if viewer.officer or viewer.scrutineer:
        return "The ballot has not closed yet."
    return ("The result will be shown here once the scrutineer has certified the count and "
            "the board has published it.")


# --- the results page --------------------------------------------------------------------------

@society_view()
def ballot_results(request, society, pk):
    ballot, viewer, visible = _load(request, society, pk)
    if not visible:
        return _not_yet(request, society, ballot, viewer)
    results = selectors.results(ballot)
    # Votes, or marks where a vote has several: either way no more receipts than this.
    most = max(results.voted, sum(results.head_counts.values()))
    listed = ballot.has_closed and most <= RECEIPTS_ON_PAGE
    shown = viewer.published(results)
    context = results_context(shown)
    return render(request, "voting/results/results.html", society_context(
        request, society, **context, viewer=viewer,
        easy_outcome=easy_read.outcome_point(shown),
        easy_points=easy_read.result_points(shown, context["rows"]),
        receipts_closed=ballot.has_closed,
        receipts=selectors.counted_receipts(ballot) if listed else None))


@society_view()
def receipts_txt(request, society, pk):
    """The counted receipt hashes as a text file, one a line: the page lists them only when
    there are few (a million would not make a usable page)."""
    ballot, _viewer, visible = _load(request, society, pk)
    if not visible or not ballot.has_closed:
        raise Http404
    response = HttpResponse("".join(f"{h}\n" for h in selectors.counted_receipts(ballot)),
                            content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipts-{ballot.pk}.txt"'
    return response


def results_context(results) -> dict:
    """What the results page and the certificate both show."""
    ballot = results.ballot
    rows = [{**row, "share_text": _hidden_or(row["share"]),
             "one_member_text": _hidden_or(row["one_member_share"])}
            for row in results.rows()]
    counted = [r for r in rows if r["counted"]]
    return {
        "ballot": ballot,
        "results": results,
        "rows": rows,
        "sentence": results_export.outcome_sentence(results),
        "rule": results_export.rule_text(ballot, results),
        "needed": results_export.threshold_text(ballot),
        "is_resolution": ballot.kind == BallotKind.RESOLUTION,
        "is_ranked": ballot.kind == BallotKind.RANKED,
        "is_allocation": ballot.kind == BallotKind.ALLOCATION,
        "weighted": ballot.weighting != Weighting.ONE_MEMBER_ONE_VOTE,
        "is_special": ballot.resolution_kind != ResolutionKind.ORDINARY,
        "has_abstain": any(not r["counted"] for r in rows),
        "not_cast": results_export.pct(results.outcome.not_cast)
        if selectors.not_cast_label(ballot) else None,
        "not_cast_label": selectors.not_cast_label(ballot),
        "chart": None if ballot.kind == BallotKind.RANKED or any(
            r["share"] is None for r in counted) else _chart(results, counted),
        "hidden_reason": disclosure.hidden_text(results) if results.figures_hidden else "",
        "stv": results_export.stv_table(results.stv),
        "classes": [_class_view(cls, results.options) for cls in results.classes],
        "turnout": _turnout_text(results.turnout),
        "paper_total": sum(results.papers.values()),
        "helped_note": results_export.helped_note(results),
        "live": ballot.state == BallotState.OPEN,
        **_interest_context(results),
    }


def _hidden_or(share) -> str:
    return disclosure.HIDDEN_REASON if share is None else results_export.pct(share)


def _interest_context(results) -> dict:
    """Members with an interest in the ballot's topics: how many were left off the vote
    (recuse), and the result without the votes cast with an interest (declare)."""
    without = results.without_interest
    context = {"recused": results.recused, "with_interest": results.with_interest,
               "without_interest_hidden": results.without_interest_hidden,
               "minimum": results.ballot.breakdown_minimum}
    if without is not None:
        context["without_interest_classes"] = [
            _class_view(cls, results.options) for cls in results.without_interest_classes]
        context["without_interest_sentence"] = results_export.outcome_sentence(
            replace(results, outcome=without))
        context["without_interest_rows"] = [
            {"label": o.label, "share": results_export.pct(without.shares.get(o.pk))}
            for o in results.options if o.code != "abstain"]
    return context


def _turnout_text(turnout) -> str:
    return "No one on the roll" if turnout is None else results_export.pct(turnout)


def _class_view(cls, options) -> dict:
    """A class's turnout and, when enough of its members voted, how they voted."""
    return {
        "name": cls.name, "weight": cls.weight, "on_roll": cls.on_roll, "voted": cls.voted,
        "turnout": _turnout_text(cls.turnout), "shown": cls.shown,
        "rows": [{"label": o.label, "count": cls.counts.get(o.pk, 0),
                  "share": results_export.pct(cls.shares.get(o.pk))
                  if o.code != "abstain" else None} for o in options] if cls.shown else [],
    }


def _chart(results, counted_rows):
    ballot = results.ballot
    bars = [charts.Bar(r["option"].label, r["share"]) for r in counted_rows]
    if results.outcome.not_cast and selectors.not_cast_label(ballot):
        bars.append(charts.Bar("Not cast", results.outcome.not_cast))
    marker = label = None
    if ballot.kind == BallotKind.RESOLUTION:
        marker = Fraction(ballot.threshold_percent) / 100
        label = f"Needed: {results_export.threshold_text(ballot)}"
    title = ("Share of the weighted result for each option" if
             ballot.weighting != Weighting.ONE_MEMBER_ONE_VOTE
             else "Share of the votes for each option")
    return charts.bar_chart(f"chart-{ballot.pk}", title, bars, marker=marker,
                            marker_label=label or "")


# --- downloads ---------------------------------------------------------------------------------

@society_view()
def results_csv(request, society, pk):
    ballot, viewer, visible = _load(request, society, pk)
    if not visible:
        raise Http404
    return results_export.csv_response(viewer.published(selectors.results(ballot)))


def _certified(request, society, pk):
    ballot, viewer, visible = _load(request, society, pk)
    if not visible:
        raise Http404
    return ballot, viewer


@society_view()
def certificate(request, society, pk):
    ballot, viewer = _certified(request, society, pk)
    if ballot.certified_at is None:
        return render(request, "voting/results/not_certified.html", society_context(
            request, society, ballot=ballot, viewer=viewer))
    results = viewer.published(selectors.results(ballot))
    return render(request, "voting/results/certificate.html", society_context(
        request, society, **results_context(results), viewer=viewer))


def _refuse(url, *args, **kwargs):
    raise ValueError(f"The certificate fetches nothing ({url})")


def certificate_pdf_bytes(results) -> bytes:
    """The certificate as a PDF. Like the share certificate, WeasyPrint may fetch nothing, so
    text an officer typed cannot make the server fetch anything."""
    from weasyprint import CSS, HTML  # heavy; only the PDF needs it

    context = {**results_context(results), "society": results.ballot.society, "pdf": True}
    html = render_to_string("voting/results/certificate_pdf.html", context)
    css = render_to_string("voting/results/certificate_pdf.css", context)
    return HTML(string=html, url_fetcher=_refuse).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=_refuse)])


@society_view()
def certificate_pdf(request, society, pk):
    ballot, viewer = _certified(request, society, pk)
    if ballot.certified_at is None:
        raise Http404
    response = HttpResponse(certificate_pdf_bytes(viewer.published(selectors.results(ballot))),
                            content_type="application/pdf")
    filename = f"{society.slug}-ballot-{ballot.pk}-certificate.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@society_view()
def ballots_blt(request, society, pk):
    ballot, _viewer, visible = _load(request, society, pk)
    if not visible or ballot.kind != BallotKind.RANKED or not ballot.has_closed:
        raise Http404
    from .blt import write_blt  # written alongside; imported here so the pages load without it

    response = HttpResponse(write_blt(ballot), content_type="text/plain; charset=utf-8")
    filename = f"{society.slug}-ballot-{ballot.pk}.blt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
