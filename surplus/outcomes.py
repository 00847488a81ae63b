"""The result of a surplus vote in pounds: each option's share of the amount available (an
allocation) or the whole amount to the winning package (a choice), with what PA pay the pounds
buy after on-costs."""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from . import employment, money, oncosts
from .enums import OptionType, ProposalBallotKind
from .models import Proposal, ProposalOption


@dataclass
class OutcomeRow:
    option: ProposalOption
    share: Fraction | None  # the weighted result (a choice's too), 0..1; None: hidden
    amount: Decimal
    pay: oncosts.PayRise | None = None
    won: bool = False  # choice ballots: the package that gets the money


@dataclass
class Outcome:
    proposal: Proposal
    rows: list[OutcomeRow] = field(default_factory=list)
    tie: bool = False
    ready: bool = False  # certified, so the pounds can be worked out
    results: object = None
    not_cast_share: Fraction = Fraction(0)  # allocation, policy "not cast"
    not_cast_amount: Decimal = Decimal("0.00")
    not_cast_money: str = ""  # the society's rule for those pounds (NotCastMoney)

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), self.not_cast_amount)


def pounds_for(proposal: Proposal, options: list, tally_outcome) -> money.Split:
    """Pounds per proposal option under a count of its ballot: a choice ballot gives it all
    to the one winning package (a tie gives nobody anything); an allocation follows the
    weighted shares, with the share kept as not cast taking its own part."""
    order = [o.pk for o in options]
    if proposal.ballot_kind == ProposalBallotKind.CHOICE:
        winners = tally_outcome.winners
        shares = {o.pk: Fraction(int(len(winners) == 1 and o.ballot_option_id in winners))
                  for o in options}
        return money.split_with_not_cast(proposal.amount_available, shares, Fraction(0), order)
    shares = {o.pk: tally_outcome.shares.get(o.ballot_option_id, Fraction(0)) for o in options}
    return money.split_with_not_cast(proposal.amount_available, shares,
                                     tally_outcome.not_cast, order)


def outcome(proposal: Proposal, *, full: bool = True) -> Outcome:
    """The result in pounds: each option's weighted share of the amount available, to the
    penny (allocation), or the whole amount to the winning package (choice). Not `full`: with
    the figures members may see (`voting.disclosure`); the pounds are the same."""
    from voting import disclosure
    from voting import selectors as voting

    options = list(proposal.options.all())
    if proposal.ballot_id is None:
        return Outcome(proposal)
    ballot = proposal.ballot
    results = disclosure.publish(voting.results(ballot), full=full)
    tally_outcome, gone = results.outcome, None if results.figures_hidden else Fraction(0)
    split = pounds_for(proposal, options, tally_outcome)
    done = Outcome(proposal, ready=ballot.certified_at is not None, results=results,
                   not_cast_share=tally_outcome.not_cast, not_cast_amount=split.not_cast,
                   not_cast_money=proposal.not_cast_money or proposal.society.not_cast_money)
    if proposal.ballot_kind == ProposalBallotKind.CHOICE:
        done.tie = len(tally_outcome.winners) > 1
        done.not_cast_share = Fraction(0)  # the winner takes it all whatever was not cast
    rules = employment.rules_for(proposal.society)
    for option in options:
        amount = split.pounds[option.pk]
        pay = None
        if option.option_type == OptionType.PA_PAY:
            pay = employment.pay_for(option, amount, rules)
        done.rows.append(OutcomeRow(
            option, tally_outcome.shares.get(option.ballot_option_id, gone), amount,
            pay, won=not done.tie and option.ballot_option_id in tally_outcome.winners))
    return done


