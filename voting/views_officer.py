"""The board's and the scrutineer's ballot pages: drafting, the manage page and its actions,
the post list and printed papers (board), entering returned papers and certifying (scrutineer).

Each view is: permission, form, one service call, a domain error shown next to its field. The
scrutineer's pages show counts and codes, never a member's name."""

from fractions import Fraction

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from coop import audit_names
from coop.decorators import society_context, society_view
from coop.models import AuditEntry
from membership.models import Member, MemberClass

from . import marked_roll, papers, permissions, secrecy, selectors, services
from .enums import BallotKind, BallotState, PaperState
from .models import Ballot, BallotPaper
from .officer_forms import (
    BallotForm,
    CertifyForm,
    CloseForm,
    IssuePaperForm,
    OpenForm,
    PaperEntryForm,
    PublishForm,
    ScheduleForm,
    option_formset,
    option_rows,
    plain,
    weight_forms,
)
from .results_export import parts_texts


def _ballot(society, pk) -> Ballot:
    return get_object_or_404(
        Ballot.objects.select_related("society", "only_class", "created_by", "closed_early_by",
                                      "certified_by", "published_by"),
        pk=pk, society=society)


def _manage(society, ballot):
    return redirect("ballot_manage", society.slug, ballot.pk)


def problems(*forms) -> list[tuple[str, str]]:
    """(link, message) for every error on the page, for one error summary over several forms.
    A radio group links to its first radio, as the shared summary does."""
    found = []
    for form in forms:
        found += [("", error) for error in form.non_field_errors()]
        for bound in form:
            anchor = bound.id_for_label or f"{bound.auto_id}_0"
            found += [(f"#{anchor}", error) for error in bound.errors]
    return found


# --- drafting ----------------------------------------------------------------------------------

def _society_weights(society):
    return [(c, c.weight, c.votes_per_member)
            for c in MemberClass.objects.filter(society=society, votes=True)]


def _ballot_weights(ballot):
    return [(w.member_class, w.weight, w.votes_per_member)
            for w in ballot.class_weights.select_related("member_class")]


def _save_weights(ballot, forms, *, by) -> None:
    """Change the ballot's weights where the form differs from them. A ballot limited to one
    class gives it the whole result, so the weight rows do not apply."""
    if ballot.only_class_id:
        return
    current = {w.member_class_id: (w.weight, w.votes_per_member)
               for w in ballot.class_weights.all()}
    rows = [{"member_class": f.member_class.pk, "weight": f.cleaned_data["weight"],
             "votes_per_member": f.cleaned_data["votes_per_member"]}
            for f in forms if f.member_class.pk in current]
    if any(current[r["member_class"]] != (r["weight"], r["votes_per_member"]) for r in rows):
        services.set_weights(ballot, rows, by=by)


def _place_error(error, form, options, weights) -> None:
    """Put a service error next to the field it concerns, wherever that field is."""
    if error.field == "options" and options.forms:
        error.field = "label"
        options.forms[0].add_service_error(error)
    elif error.field == "weight" and weights:
        weights[0].add_service_error(error)
    else:
        form.add_service_error(error)


def _all_valid(form, options, weights) -> bool:
    results = [form.is_valid(), options.is_valid(), *[w.is_valid() for w in weights]]
    return all(results)


def _form_page(request, society, *, form, options, weights, ballot=None):
    return render(request, "voting/officer/ballot_form.html", society_context(
        request, society, form=form, options=options, weights=weights, ballot=ballot,
        problems=problems(form, *options.forms, *weights)))


@society_view(permissions.can_manage_ballots)
def ballot_new(request, society):
    data = request.POST if request.method == "POST" else None
    form = BallotForm(data, society=society)
    options = option_formset(data)
    weights = weight_forms(data, rows=_society_weights(society))
    if data is not None and _all_valid(form, options, weights):
        try:
            # One transaction: a weight error must not leave a half-made draft behind.
            with transaction.atomic():
                ballot = services.create_ballot(society, by=request.user,
                                                options=option_rows(options),
                                                **form.service_fields())
                _save_weights(ballot, weights, by=request.user)
        except services.VotingError as error:
            _place_error(error, form, options, weights)
        else:
            messages.success(request, f"The draft ballot “{ballot.title}” has been saved. "
                                      "Members cannot see it until it opens.")
            return _manage(society, ballot)
    return _form_page(request, society, form=form, options=options, weights=weights)


@society_view(permissions.can_manage_ballots)
def ballot_edit(request, society, pk):
    ballot = _ballot(society, pk)
    if not ballot.is_editable:
        messages.error(request, "This ballot has opened, so it can no longer be changed.")
        return _manage(society, ballot)
    data = request.POST if request.method == "POST" else None
    form = BallotForm(data, society=society, instance=ballot)
    existing = [] if ballot.kind == BallotKind.RESOLUTION else ballot.options.all()
    options = option_formset(data, options=existing)
    weights = weight_forms(data, rows=_ballot_weights(ballot))
    if data is not None and _all_valid(form, options, weights):
        fields = form.service_fields()
        rows = None if fields["kind"] == BallotKind.RESOLUTION else option_rows(options)
        try:
            with transaction.atomic():
                updated = services.update_draft(ballot, by=request.user, options=rows, **fields)
                if updated.only_class_id == ballot.only_class_id:
                    _save_weights(updated, weights, by=request.user)
        except services.VotingError as error:
            _place_error(error, form, options, weights)
        else:
            messages.success(request, "The draft has been saved.")
            return _manage(society, ballot)
    return _form_page(request, society, form=form, options=options, weights=weights,
                      ballot=ballot)


# --- the manage page ---------------------------------------------------------------------------

def _turnout(ballot) -> list[dict]:
    return [{"name": name, "on_roll": on_roll, "voted": voted,
             "turnout": selectors.percent(Fraction(voted, on_roll))}
            for name, on_roll, voted in marked_roll.turnout_by_name(ballot)]


def _opened_by(ballot) -> str:
    label = (AuditEntry.objects.filter(action="voting.ballot.opened", object_type="voting.Ballot",
                                       object_id=str(ballot.pk))
             .values_list("actor_label", flat=True).first())
    if label in (None, "", "system"):
        return "automatically, as scheduled"
    return audit_names.readable(label, audit_names.labels([label]))


def _timeline(ballot) -> list[dict]:
    """What has happened to the ballot, when and by whom (officers only, never voters)."""
    steps = [{"label": "Drafted", "at": ballot.created_at, "by": ballot.created_by}]
    if ballot.opens_at and not ballot.opened_at:
        steps.append({"label": "Opens", "at": ballot.opens_at, "by": "automatically"})
    if ballot.opened_at:
        steps.append({"label": "Opened", "at": ballot.opened_at, "by": _opened_by(ballot)})
    if ballot.closed_at and ballot.closed_early_by:
        steps.append({"label": "Closed early", "at": ballot.closed_at,
                      "by": ballot.closed_early_by, "note": ballot.close_reason})
    elif ballot.closed_at or ballot.has_closed:
        steps.append({"label": "Closed", "at": ballot.closed_at or ballot.closes_at,
                      "by": "at its closing time"})
    elif ballot.closes_at:
        steps.append({"label": "Closes", "at": ballot.closes_at, "by": ""})
    if ballot.certified_at:
        steps.append({"label": "Certified", "at": ballot.certified_at,
                      "by": ballot.certified_by, "note": ballot.certificate_note})
    if ballot.published_at:
        steps.append({"label": "Published", "at": ballot.published_at,
                      "by": ballot.published_by})
    return steps


def _action_forms(ballot) -> dict:
    return {
        "open_form": OpenForm(prefix="open", initial={"closes_at": ballot.closes_at}),
        "schedule_form": ScheduleForm(prefix="schedule", initial={
            "opens_at": ballot.opens_at, "closes_at": ballot.closes_at}),
        "close_form": CloseForm(prefix="close"),
        "publish_form": PublishForm(prefix="publish"),
        "certify_form": CertifyForm(prefix="certify"),
    }


def _render_manage(request, society, ballot, **bound):
    """The manage page, with any form just posted in place of its blank one."""
    forms = _action_forms(ballot) | bound
    state = ballot.state
    board = permissions.can_manage_ballots(request.user, society)
    scrutineer = permissions.can_scrutinise(request.user, society)
    return render(request, "voting/officer/manage.html", society_context(
        request, society, ballot=ballot, state=state, state_label=BallotState(state).label,
        board=board, scrutineer=scrutineer, timeline=_timeline(ballot),
        turnout=_turnout(ballot), papers=selectors.paper_counts(ballot),
        options=list(ballot.options.select_related("picture")),
        threshold=plain(ballot.threshold_percent),
        weights=[(c, text, v) for (c, _, v), text in zip(
            _ballot_weights(ballot), parts_texts([w for _, w, _ in _ballot_weights(ballot)]),
            strict=True)],
        results_ready=selectors.results_visible(ballot, officer=board, scrutineer=scrutineer),
        sealed_waiting=services.waiting_for_scrutineer(ballot),
        small_classes=selectors.small_classes(ballot) if not ballot.has_closed else [],
        problems=problems(*bound.values()), **forms))


@society_view(permissions.can_see_drafts)
@require_safe
def ballot_manage(request, society, pk):
    ballot = services.open_if_due(_ballot(society, pk))
    return _render_manage(request, society, ballot)


def _action(request, society, pk, form_class, prefix, perform, success):
    """Run one manage-page action: check the form, call the service, say what happened."""
    ballot = _ballot(society, pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            ballot = perform(ballot, form.cleaned_data)
        except services.VotingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, success(ballot))
            return _manage(society, ballot)
    return _render_manage(request, society, ballot, **{f"{prefix}_form": form})


@society_view(permissions.can_manage_ballots)
@require_POST
def ballot_open(request, society, pk):
    def perform(ballot, data):
        return services.open_ballot(ballot, by=request.user, closes_at=data["closes_at"])

    return _action(request, society, pk, OpenForm, "open", perform, lambda b: (
        f"The ballot is open. {b.roll.count()} members are on the roll; they are being told."))


@society_view(permissions.can_manage_ballots)
@require_POST
def ballot_schedule(request, society, pk):
    def perform(ballot, data):
        return services.schedule_ballot(ballot, by=request.user, opens_at=data["opens_at"],
                                        closes_at=data["closes_at"])

    return _action(request, society, pk, ScheduleForm, "schedule", perform, lambda b: (
        "The ballot will open by itself at the time you set."))


@society_view(permissions.can_manage_ballots)
@require_POST
def ballot_close(request, society, pk):
    def perform(ballot, data):
        return services.close_ballot(ballot, by=request.user, reason=data["reason"])

    return _action(request, society, pk, CloseForm, "close", perform, lambda b: (
        "The ballot has closed early. The scrutineer can now check and certify the count."))


@society_view(permissions.can_manage_ballots)
@require_POST
def ballot_publish(request, society, pk):
    def perform(ballot, data):
        return services.publish_ballot(ballot, by=request.user)

    return _action(request, society, pk, PublishForm, "publish", perform, lambda b: (
        "The result is published. Members can now see it."))


@society_view(permissions.can_scrutinise)
@require_POST
def ballot_certify(request, society, pk):
    def perform(ballot, data):
        return services.certify_ballot(ballot, by=request.user, note=data["note"])

    return _action(request, society, pk, CertifyForm, "certify", perform, lambda b: (
        "You have certified the result. The board can now publish it."))


# --- paper ballots -----------------------------------------------------------------------------

def _issue(request, ballot, form) -> bool:
    """Issue a paper to the member with the number given; errors go next to the number."""
    number = form.cleaned_data["membership_number"]
    member = Member.objects.filter(society=ballot.society, membership_number=number).first()
    if member is None:
        form.add_service_error(services.VotingError(
            "No member of this society has that number.", field="membership_number"))
        return False
    had_one = BallotPaper.objects.filter(ballot=ballot, roll_entry__member=member).exists()
    try:
        services.issue_paper(ballot, member, by=request.user)
    except services.VotingError as error:
        error.field = error.field or "membership_number"
        form.add_service_error(error)
        return False
    link = reverse("ballot_papers_pdf", args=[ballot.society.slug, ballot.pk])
    messages.success(request, format_html(
        "{} {} (number {}). <a href=\"{}?number={}\">Print their ballot paper</a>.",
        "There was already a paper ballot for" if had_one else "A paper ballot was issued to",
        member.full_name, number, link, number))
    return True


@society_view(permissions.can_manage_ballots)
def post_list(request, society, pk):
    """Members on the roll who get a paper ballot: names and addresses, for the board only."""
    ballot = _ballot(society, pk)
    form = IssuePaperForm(request.POST if request.method == "POST" else None, prefix="issue")
    if request.method == "POST" and form.is_valid() and _issue(request, ballot, form):
        return redirect("ballot_post_list", society.slug, ballot.pk)
    rows = (BallotPaper.objects.filter(ballot=ballot).select_related("roll_entry__member")
            .order_by("roll_entry__member__membership_number"))
    return render(request, "voting/officer/post_list.html", society_context(
        request, society, ballot=ballot, rows=rows, form=form, problems=problems(form),
        papers=selectors.paper_counts(ballot), can_issue=ballot.state == BallotState.OPEN))


@society_view(permissions.can_manage_ballots)
@require_safe
def papers_pdf(request, society, pk):
    ballot = _ballot(society, pk)
    number = request.GET.get("number") or None
    if number is not None and not number.isdigit():
        raise Http404("A membership number is a whole number.")
    to_print = papers.papers_to_print(ballot, membership_number=number and int(number))
    if not to_print:
        messages.info(request, "There are no paper ballots waiting to be printed: none have "
                               "been issued, or all have been returned.")
        return redirect("ballot_post_list", society.slug, ballot.pk)
    large = request.GET.get("large") == "1"
    papers.record_printing(ballot, to_print, by=request.user, large=large)
    return papers.pdf_response(ballot, to_print, large=large)


def _paper_message(request, state, code) -> None:
    if state == PaperState.COUNTED:
        messages.success(request, f"Paper {code} has been counted.")
    else:
        messages.warning(request, f"Paper {code} was not counted: this member had already "
                                  "voted online, and the vote received first counts. It is "
                                  "recorded as a rejected paper.")


@society_view(permissions.can_scrutinise)
def paper_entry(request, society, pk):
    """Returned papers, entered by code. The page names nobody."""
    ballot = _ballot(society, pk)
    form = PaperEntryForm(request.POST if request.method == "POST" else None, ballot=ballot)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            state = services.enter_paper_vote(ballot, code=code, choices=form.marks(),
                                              by=request.user)
        except services.VotingError as error:
            form.add_service_error(error)
        else:
            _paper_message(request, state, secrecy.normalise_code(code))
            return redirect("ballot_paper_entry", society.slug, ballot.pk)
    accepting = ballot.opened_at is not None and ballot.state in (BallotState.OPEN,
                                                                  BallotState.CLOSED)
    return render(request, "voting/officer/paper_entry.html", society_context(
        request, society, ballot=ballot, form=form, problems=problems(form),
        accepting=accepting, papers=selectors.paper_counts(ballot)))
