"""The members' surplus pages: what is being decided and what it costs, the outcome in
pounds, and the history across years with its downloads.

Any current member or officer of the society may look; anyone else gets a 404, as if the
page did not exist. Drafts are for the board only."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from coop import permissions as coop_permissions
from coop.decorators import society_context, society_view
from coop.enums import NotCastMoney
from membership.services import current_membership
from voting import charts as voting_charts
from voting import permissions as voting_permissions
from voting import selectors as voting_selectors
from voting.results_export import pct
from voting.views_results import results_context

from . import employment, exports, money, oncosts, outcomes, selectors, services
from .charts import money_chart, pounds
from .enums import OptionType, ProposalBallotKind
from .permissions import can_manage_accounts, can_manage_proposals

# Where the pounds of a share kept as not cast go, as the outcome page says it.
NOT_CAST_WORDS = {NotCastMoney.RESERVES: "goes to the co-op's reserves",
                  NotCastMoney.UNALLOCATED: "stays unallocated, for the members to decide on "
                                            "later"}

EXAMPLE_PARTS = (Fraction(1, 4), Fraction(1, 2), Fraction(1))


@dataclass
class Viewer:
    member: object
    board: bool
    accounts: bool
    results_officer: bool
    scrutineer: bool


def _viewer(request, society) -> Viewer:
    """Who is looking; a 404 for anyone who is neither a current member nor an officer."""
    user = request.user
    member = current_membership(society, user)
    if member is None and not coop_permissions.is_officer(user, society):
        raise Http404
    return Viewer(member=member, board=can_manage_proposals(user, society),
                  accounts=can_manage_accounts(user, society),
                  results_officer=voting_permissions.can_manage_ballots(user, society),
                  scrutineer=voting_permissions.can_scrutinise(user, society))


def _proposal(society, viewer: Viewer, pk: int):
    return get_object_or_404(selectors.proposals_for(society, officer=viewer.board), pk=pk)


def _render(request, society, template, viewer, **extra):
    return render(request, f"surplus/{template}", society_context(
        request, society, viewer=viewer, **extra))


# --- the home page -----------------------------------------------------------------------------

@society_view()
def surplus_home(request, society):
    viewer = _viewer(request, society)
    groups = selectors.home_proposals(society, officer=viewer.board)
    return _render(request, society, "home.html", viewer, **groups)


# --- a proposal --------------------------------------------------------------------------------

@society_view()
def proposal_detail(request, society, pk):
    viewer = _viewer(request, society)
    proposal = _proposal(society, viewer, pk)
    options = list(proposal.options.select_related("topic", "picture"))
    rules = employment.rules_for(society)
    return _render(
        request, society, "proposal_detail.html", viewer, proposal=proposal,
        working=services.working_for(proposal.year),
        options=[_option_view(proposal, o, rules) for o in options], rules=rules,
        has_pa_pay=any(o.option_type == OptionType.PA_PAY for o in options),
        state=proposal.ballot.state if proposal.ballot_id else None,
        is_choice=proposal.ballot_kind == ProposalBallotKind.CHOICE)


def _option_view(proposal, option, rules) -> dict:
    view = {"option": option, "examples": [], "permanent": False}
    if option.option_type == OptionType.PA_PAY:
        view["examples"] = pay_examples(proposal.amount_available, option, rules)
        view["permanent"] = view["examples"][0].pay.permanent if view["examples"] else False
    return view


@dataclass
class PayExample:
    part: Fraction
    pay: oncosts.PayRise

    @property
    def part_text(self) -> str:
        return "All of it" if self.part == 1 else f"{self.part * 100}%"

    @property
    def sentence(self) -> str:
        return pay_sentence(self.pay)

    @property
    def warnings(self) -> list[str]:
        return wage_warnings(self.pay)


def pay_examples(available: Decimal, option, rules) -> list[PayExample]:
    """What a quarter, a half and all of the money would do to PA pay, after on-costs."""
    examples = []
    for part in EXAMPLE_PARTS:
        amount = (available * part.numerator / part.denominator).quantize(money.PENNY)
        examples.append(PayExample(part, employment.pay_for(option, amount, rules)))
    return examples


def per_hour(amount: Decimal) -> str:
    """50p, or £1.20, as people say a pay rise."""
    if amount < 1:
        return f"{int(amount * 100)}p"
    return f"£{amount:,.2f}"


def pay_sentence(pay: oncosts.PayRise) -> str:
    """The rise, and what it costs once holiday pay, NI and pensions are added."""
    hours = f"{pay.hours:,.1f}".removesuffix(".0")
    pas = "1 PA works" if pay.pa_count == 1 else f"{pay.pa_count:,} PAs work"
    when = "every year from now on" if pay.permanent else "once, for one year"
    return (f"{pounds(pay.amount)} would raise PA pay by {per_hour(pay.rise_per_hour)} an hour "
            f"(from £{pay.current_rate:,.2f} to £{pay.new_rate:,.2f}) for the {hours} hours "
            f"{pas} in a year. With holiday pay, National Insurance and pensions that costs "
            f"{pounds(pay.yearly_cost)} {when}; {pounds(pay.remainder)} is left over because "
            "the rise is rounded down to a whole penny")


def wage_warnings(pay: oncosts.PayRise) -> list[str]:
    """Where the current or new rate falls below the living wage rates in the rules."""
    rules, found = pay.rules, []
    for name, rate in (("National Living Wage", rules.national_living_wage),
                       ("Real Living Wage", rules.real_living_wage)):
        if pay.current_rate < rate:
            found.append(f"The current rate, £{pay.current_rate:,.2f} an hour, is below the "
                         f"{name} of £{rate:,.2f} ({rules.tax_year}).")
        if pay.new_rate < rate:
            found.append(f"The new rate, £{pay.new_rate:,.2f} an hour, is still below the "
                         f"{name} of £{rate:,.2f} ({rules.tax_year}).")
    return found


# --- the outcome -------------------------------------------------------------------------------

@society_view()
def proposal_outcome(request, society, pk):
    viewer = _viewer(request, society)
    proposal = _proposal(society, viewer, pk)
    if proposal.is_draft:
        return _render(request, society, "outcome_not_yet.html", viewer, proposal=proposal)
    # The board and the scrutineer see the full count; members what `voting.disclosure` allows.
    result = services.outcome(proposal, full=viewer.results_officer or viewer.scrutineer)
    visible = voting_selectors.results_visible(
        proposal.ballot, officer=viewer.results_officer, scrutineer=viewer.scrutineer)
    if not (result.ready and visible):
        return _render(request, society, "outcome_not_yet.html", viewer, proposal=proposal)
    return _render(request, society, "outcome.html", viewer, proposal=proposal,
                   **outcome_context(proposal, result))


def outcome_context(proposal, result) -> dict:
    """The voting results page's context, plus the pounds, their chart and the comparisons
    in pounds under one member one vote and without votes cast with an interest."""
    results = result.results
    context = results_context(results)
    options = [row.option for row in result.rows]
    is_choice = proposal.ballot_kind == ProposalBallotKind.CHOICE
    omov = {} if results.figures_hidden else outcomes.pounds_for(
        proposal, options, results.one_member_outcome).pounds
    without = None
    if results.without_interest is not None and not results.without_interest_hidden:
        without = outcomes.pounds_for(proposal, options, results.without_interest).pounds
    rows = [{"option": row.option, "amount": row.amount,
             "share": "Hidden" if row.share is None else pct(row.share),
             "won": row.won,
             "pay": row.pay, "pay_sentence": pay_sentence(row.pay) if row.pay else "",
             "pay_warnings": wage_warnings(row.pay) if row.pay else [],
             "omov": omov.get(row.option.pk), "without": (without or {}).get(row.option.pk)}
            for row in result.rows]
    share_total = sum((row.share or 0 for row in result.rows), result.not_cast_share)
    def part(amount):
        available = Fraction(proposal.amount_available)
        return Fraction(amount) / available if available else Fraction(0)

    bars = [voting_charts.Bar(f"{r.option.title}: {pounds(r.amount)}", part(r.amount))
            for r in result.rows]
    if result.not_cast_amount:
        bars.append(voting_charts.Bar(f"Not cast: {pounds(result.not_cast_amount)}",
                                      part(result.not_cast_amount)))
    return {**context, "outcome": result, "money_rows": rows, "total": result.total,
            "share_total": pct(share_total),
            "not_cast_pounds": result.not_cast_amount if result.not_cast_share else None,
            "not_cast_share": pct(result.not_cast_share),
            "not_cast_to": NOT_CAST_WORDS.get(result.not_cast_money, ""),
            "adds_up": result.total == proposal.amount_available or result.tie,
            "is_choice": is_choice, "winner": _winner(result),
            "has_without": without is not None,
            "money_chart": None if result.tie else voting_charts.bar_chart(
                f"outcome-chart-{proposal.pk}",
                f"Share of the {pounds(proposal.amount_available)} for each option", bars)}


def _winner(result):
    if result.tie:
        return None
    best = [row for row in result.rows if row.won]
    return best[0].option if best else None


# --- history -----------------------------------------------------------------------------------

@society_view()
def history(request, society):
    viewer = _viewer(request, society)
    rows = selectors.history_rows(society)
    types = selectors.used_types(rows)
    turnouts = selectors.turnout_by_class(society)
    names = selectors.class_names(turnouts)
    return _render(
        request, society, "history.html", viewer, rows=rows, types=types,
        table=[_history_view(r, types) for r in rows],
        surplus_chart=money_chart("surplus-chart", "Surplus each year",
                                  [(str(r.year), r.surplus) for r in rows])
        if rows else None,
        allocation_chart=_allocation_chart(rows, types),
        turnouts=[_turnout_view(t, names) for t in turnouts], class_names=names,
        turnout_chart=_turnout_chart(turnouts) if turnouts else None)


def _history_view(row, types) -> dict:
    figures = [row.income, row.expenditure, row.surplus, row.to_reserves, row.available]
    return {"row": row, "figures": [pounds(f) for f in figures],
            "amounts": [pounds(row.by_type[t.value]) if row.decided else "Not decided yet"
                        for t in types]}


def _allocation_chart(rows, types):
    bars = [(f"{row.year}: {t.label}", row.by_type[t.value])
            for row in rows if row.decided for t in types]
    if not bars:
        return None
    return money_chart("allocation-chart", "Where each year's surplus went, by type of option",
                       bars)


def _turnout_view(turnout, names) -> dict:
    cells = []
    for name in names:
        cls = turnout.classes.get(name)
        cells.append(f"{pct(cls.turnout)} ({cls.voted} of {cls.on_roll})"
                     if cls and cls.on_roll else "No one on the roll")
    return {"ballot": turnout, "cells": cells,
            "total": f"{pct(turnout.turnout)} ({turnout.voted} of {turnout.on_roll})"
            if turnout.on_roll else "No one on the roll"}


def _turnout_chart(turnouts):
    bars = [voting_charts.Bar(f"{t.title}: {cls.name}", cls.turnout)
            for t in turnouts for cls in t.classes.values() if cls.turnout is not None]
    return voting_charts.bar_chart("turnout-chart", "Turnout in each class, ballot by ballot",
                                   bars) if bars else None


@society_view()
def history_export(request, society, fmt):
    _viewer(request, society)
    rows = selectors.history_rows(society)
    return exports.history_response(rows, selectors.used_types(rows), fmt=fmt,
                                    slug=society.slug)

