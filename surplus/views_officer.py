"""The treasurer's and the board's surplus pages: a year's accounts and the working for the
amount available (treasurer and board), then the proposal, its options, putting it to the vote
and recording the decision (board).

Each view is: permission, form, one service call, a domain error shown next to its field. A
refused change leaves nothing half-written: the services work inside one transaction."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from coop.decorators import society_context, society_view
from coop.permissions import is_officer
from coop.services import CoopError
from membership.models import Member
from voting.enums import BallotState
from voting.selectors import percent

from . import services
from .enums import TOPIC_FOR_TYPE, OptionType, PayRiseKind
from .forms import DecideForm, OptionForm, ProposalForm, PutToVoteForm, YearForm
from .models import FinancialYear, Proposal, ProposalOption
from .permissions import can_manage_accounts, can_manage_proposals

T = "surplus/officer/"


def can_read_accounts(user, society) -> bool:
    """The accounts are every member's business: officers and current members read them."""
    return is_officer(user, society) or (
        user.is_authenticated
        and Member.objects.filter(society=society, user=user).current().exists())


def problems(*forms) -> list[tuple[str, str]]:
    """(link, message) for every error on the page, for one error summary over its forms."""
    found = []
    for form in forms:
        if form is None:
            continue
        found += [("", error) for error in form.non_field_errors()]
        for bound in form:
            anchor = bound.id_for_label or f"{bound.auto_id}_0"
            found += [(f"#{anchor}", error) for error in bound.errors]
    return found


def _page(request, society, template, *, forms=(), status=200, **context):
    return render(request, T + template, society_context(
        request, society, problems=problems(*forms), **context), status=status)


def _year(society, pk) -> FinancialYear:
    return get_object_or_404(FinancialYear, pk=pk, society=society)


def _proposal(society, pk) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("year", "ballot"),
                             pk=pk, society=society)


def proposal_status(proposal) -> str:
    """Where a proposal is, in words, for the officers' lists."""
    if proposal.is_decided:
        return "Decision recorded"
    if proposal.is_draft:
        return "Draft"
    state = proposal.ballot.state
    if state in (BallotState.CERTIFIED, BallotState.PUBLISHED):
        return "Result certified: record the decision"
    return BallotState(state).label


# --- financial years ---------------------------------------------------------------------------

@society_view(can_manage_accounts)
def year_list(request, society):
    years = (FinancialYear.objects.filter(society=society)
             .prefetch_related("proposals__ballot").order_by("-starts_on"))
    rows = [(year, [(p, proposal_status(p)) for p in year.proposals.all()]) for year in years]
    return _page(request, society, "year_list.html", rows=rows,
                 board=can_manage_proposals(request.user, society))


@society_view(can_manage_accounts)
def year_new(request, society):
    form = YearForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            year = services.create_year(society, by=request.user, **form.service_fields())
        except services.SurplusError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The accounts for the {year_label(year)} are saved. "
                                      "Check the figures, then lock them.")
            return redirect("year_detail", society.slug, year.pk)
    return _page(request, society, "year_form.html", forms=[form], form=form)


def year_label(year) -> str:
    return f"year {year.starts_on:%-d %B %Y} to {year.ends_on:%-d %B %Y}"


@society_view(can_manage_accounts)
def year_edit(request, society, pk):
    year = _year(society, pk)
    if year.is_locked:
        messages.error(request, "These accounts are locked, so they can no longer be changed.")
        return redirect("year_detail", society.slug, year.pk)
    form = YearForm(request.POST or None, request.FILES or None, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_year(year, by=request.user, **form.service_fields())
        except services.SurplusError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The corrected figures are saved.")
            return redirect("year_detail", society.slug, year.pk)
    return _page(request, society, "year_form.html", forms=[form], form=form, year=year)


@society_view(can_manage_accounts)
def year_detail(request, society, pk):
    year = _year(society, pk)
    proposals = [(p, proposal_status(p)) for p in year.proposals.select_related("ballot")]
    return _page(request, society, "year_detail.html", year=year,
                 working=services.working_for(year), proposals=proposals,
                 board=can_manage_proposals(request.user, society))


@society_view(can_manage_accounts)
@require_POST
def year_lock(request, society, pk):
    year = _year(society, pk)
    try:
        services.lock_year(year, by=request.user)
    except services.SurplusError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The accounts are locked. The board can now propose how "
                                  "to use the surplus.")
    return redirect("year_detail", society.slug, year.pk)


@society_view(can_read_accounts)
@require_safe
def year_accounts(request, society, pk):
    year = _year(society, pk)
    if not year.accounts:
        raise Http404("No accounts have been uploaded for this year.")
    try:
        handle = year.accounts.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The accounts file is missing.") from missing
    return FileResponse(handle, content_type="application/pdf",
                        filename=f"accounts-{year.ends_on:%Y-%m-%d}.pdf")


# --- proposals ---------------------------------------------------------------------------------

@society_view(can_manage_proposals)
def proposal_new(request, society, pk):
    year = _year(society, pk)
    if not year.is_locked:
        messages.error(request, "Lock the year's accounts before proposing how to use its "
                                "surplus.")
        return redirect("year_detail", society.slug, year.pk)
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.create_proposal(year, by=request.user, **form.cleaned_data)
        except services.SurplusError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The draft proposal is saved. Now add the options "
                                      "members choose between.")
            return redirect("proposal_edit", society.slug, proposal.pk)
    return _page(request, society, "proposal_form.html", forms=[form], form=form, year=year,
                 working=services.working_for(year))


def _not_a_draft(request, society, proposal):
    messages.error(request, "This proposal has been put to the members, so it can no longer "
                            "be changed.")
    return redirect("proposal_detail", society.slug, proposal.pk)


def _edit_page(request, society, proposal, *, form=None, vote_form=None, status=200):
    form = form or ProposalForm(proposal=proposal)
    vote_form = vote_form or PutToVoteForm()
    options = list(proposal.options.select_related("topic", "picture"))
    return _page(request, society, "proposal_edit.html", forms=[form, vote_form],
                 status=status, proposal=proposal, form=form, vote_form=vote_form,
                 options=options, asset_lock=society.asset_lock)


@society_view(can_manage_proposals)
def proposal_edit(request, society, pk):
    proposal = _proposal(society, pk)
    if not proposal.is_draft:
        return _not_a_draft(request, society, proposal)
    form = ProposalForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_proposal(proposal, by=request.user, **form.cleaned_data)
        except services.SurplusError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The proposal is saved.")
            return redirect("proposal_edit", society.slug, proposal.pk)
    return _edit_page(request, society, proposal, form=form)


def _option_page(request, society, proposal, *, option=None):
    form = OptionForm(request.POST or None, society=society, option=option)
    if request.method == "POST" and form.is_valid():
        try:
            if option is None:
                services.add_option(proposal, by=request.user, **form.service_fields())
            else:
                services.update_option(option, by=request.user, **form.service_fields())
        except services.SurplusError as error:
            form.add_service_error(error)
        else:
            title = form.cleaned_data["title"]
            messages.success(request, f"The option “{title}” is saved.")
            return redirect("proposal_edit", society.slug, proposal.pk)
    return _page(request, society, "option_form.html", forms=[form], form=form,
                 proposal=proposal, option=option, pa_pay=OptionType.PA_PAY,
                 default_topics=[(OptionType(t).label, name)
                                 for t, name in TOPIC_FOR_TYPE.items()])


@society_view(can_manage_proposals)
def option_new(request, society, pk):
    proposal = _proposal(society, pk)
    if not proposal.is_draft:
        return _not_a_draft(request, society, proposal)
    return _option_page(request, society, proposal)


def _option(proposal, option_pk) -> ProposalOption:
    return get_object_or_404(ProposalOption, pk=option_pk, proposal=proposal)


@society_view(can_manage_proposals)
def option_edit(request, society, pk, option_pk):
    proposal = _proposal(society, pk)
    option = _option(proposal, option_pk)
    if not proposal.is_draft:
        return _not_a_draft(request, society, proposal)
    return _option_page(request, society, proposal, option=option)


@society_view(can_manage_proposals)
def option_remove(request, society, pk, option_pk):
    """GET asks to confirm; POST removes the option from the draft."""
    proposal = _proposal(society, pk)
    option = _option(proposal, option_pk)
    if not proposal.is_draft:
        return _not_a_draft(request, society, proposal)
    if request.method == "POST":
        try:
            services.remove_option(option, by=request.user)
        except services.SurplusError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The option “{option.title}” has been removed.")
        return redirect("proposal_edit", society.slug, proposal.pk)
    return _page(request, society, "option_remove.html", proposal=proposal, option=option)


@society_view(can_manage_proposals)
@require_POST
def proposal_put_to_vote(request, society, pk):
    proposal = _proposal(society, pk)
    if not proposal.is_draft:
        return _not_a_draft(request, society, proposal)
    vote_form = PutToVoteForm(request.POST)
    if vote_form.is_valid():
        data = vote_form.cleaned_data
        try:
            proposal = services.put_to_vote(proposal, by=request.user,
                                            closes_at=data["closes_at"],
                                            weighting=data["weighting"])
        except CoopError as error:  # the surplus rules, or the ballot's own (a past time)
            vote_form.add_service_error(error)
        else:
            messages.success(request, "The proposal is now open for voting. Every member on "
                                      "the roll is being told how to vote.")
            return redirect("ballot_manage", society.slug, proposal.ballot_id)
    return _edit_page(request, society, proposal, vote_form=vote_form)


# --- the decision ------------------------------------------------------------------------------

def outcome_rows(result) -> list[dict]:
    """The outcome as the page shows it: each option's share, pounds and, for PA pay, the
    new rate and whether it repeats every year."""
    rows = []
    for row in result.rows:
        pay = row.pay
        rows.append({"option": row.option, "share": percent(row.share), "amount": row.amount,
                     "pay": pay, "permanent": row.option.pay_rise_kind == PayRiseKind.PERMANENT})
    return rows


@society_view(can_manage_proposals)
def proposal_decide(request, society, pk):
    proposal = _proposal(society, pk)
    if proposal.is_decided:
        messages.info(request, "The decision has already been recorded.")
        return redirect("proposal_outcome", society.slug, proposal.pk)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(proposal, by=request.user, **form.cleaned_data)
        except services.SurplusError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The decision is recorded. Members can see the outcome "
                                      "in pounds.")
            return redirect("proposal_outcome", society.slug, proposal.pk)
    result = services.outcome(proposal)
    return _page(request, society, "proposal_decide.html", forms=[form], form=form,
                 proposal=proposal, result=result, rows=outcome_rows(result),
                 status_text=proposal_status(proposal))
