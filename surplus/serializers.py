"""Serializers for the surplus API (surplus/api.py). Input serializers only check the shape of
what was sent (dates, pounds and pence, ids of this society's years and topics); the services
check the surplus rules, write and audit. Money goes out as decimal strings ("1234.56");
shares as percentages with 6 decimal places beside the exact fraction. `outcome_payload`
turns services.outcome into what ProposalOutcomeSerializer shows."""

from decimal import Decimal
from fractions import Fraction

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coop.api_fields import line_field, text_field
from coop.enums import NotCastMoney
from coop.text import NOTE, TEXT
from membership.interests.serializers import SocietyTopicField, TopicRefSerializer
from membership.models import InterestTopic
from membership.serializers import EnumField
from voting.api_results import (
    ONE_MEMBER_NOTE,
    WITHOUT_INTEREST_NOTE,
    ResultsSerializer,
    fraction_field,
    percent_field,
    results_payload,
)
from voting.selectors import percent
from voting.serializers import BallotStateField

from . import outcomes
from .enums import OptionType, PayRiseKind, ProposalBallotKind
from .models import Allocation, FinancialYear, Proposal, ProposalOption
from .serializers_pay import PayRiseSerializer, pay_payload
from .services import working_for

AMOUNT_ERRORS = {
    "min_value": "Enter an amount of £0 or more.",
    "invalid": "Enter an amount in pounds, like 1234.56.",
    "max_digits": "Enter an amount under £10,000,000,000.",
    "max_whole_digits": "Enter an amount under £10,000,000,000.",
    "max_decimal_places": "Enter pounds and pence: at most 2 digits after the point.",
    "required": "Enter an amount in pounds, like 1234.56.",
    "null": "Enter an amount in pounds, like 1234.56.",
}
DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD, like 2026-03-31.",
               "required": "Enter a date as YYYY-MM-DD, like 2026-03-31."}


def money_in(*, required=True, allow_null=False, help_text=""):
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0),
                                    required=required, allow_null=allow_null,
                                    error_messages=AMOUNT_ERRORS, help_text=help_text)


def money_out(help_text="", **kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                    help_text=help_text, **kwargs)


def text(message, *, required=True, max_length=None):
    """A required text field whose missing and blank answers say what to write: one line when
    it has a `max_length`, else text of several lines up to coop.text.TEXT characters."""
    errors = {"required": message, "blank": message}
    if max_length is None:
        return text_field(TEXT, required=required, error_messages=errors)
    return line_field(max_length, required=required, error_messages=errors)


class OptionTypeField(EnumField):
    enum = OptionType


class PayRiseKindField(EnumField):
    enum = PayRiseKind


class ProposalBallotKindField(EnumField):
    enum = ProposalBallotKind


# --- financial years ----------------------------------------------------------------------------

class ReserveWorkingSerializer(serializers.Serializer):
    """How the amount available was worked out under the society's reserve rule."""

    surplus = money_out("Income less expenditure (negative for a deficit).")
    rule = serializers.CharField(help_text="`percent` or `fixed`: the society's reserve rule.")
    to_reserves = money_out("What the rules put into reserves first.")
    available = money_out("What is left to reinvest.")
    rule_text = serializers.CharField(help_text="The rule in plain English.")


class YearSerializer(serializers.ModelSerializer):
    surplus = money_out("Income less expenditure (negative for a deficit).")
    working = serializers.SerializerMethodField()
    locked = serializers.BooleanField(source="is_locked", read_only=True,
                                      help_text="Locked accounts can no longer be changed.")
    accounts_url = serializers.SerializerMethodField(
        help_text="Where to download the accounts (PDF) on the website, or null when none "
                  "was uploaded. The PDF is uploaded on the website, not through the API.")

    class Meta:
        model = FinancialYear
        fields = ["id", "starts_on", "ends_on", "income", "expenditure", "surplus", "working",
                  "notes", "accounts_url", "locked", "locked_at", "created_at"]
        read_only_fields = fields

    @extend_schema_field(ReserveWorkingSerializer)
    def get_working(self, year) -> dict:
        return ReserveWorkingSerializer(working_for(year)).data

    def get_accounts_url(self, year) -> str | None:
        if not year.accounts:
            return None
        url = reverse("year_accounts", kwargs={"slug": year.society.slug, "pk": year.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class YearInputSerializer(serializers.Serializer):
    """A year's figures. On PATCH, send only what changes."""

    starts_on = serializers.DateField(error_messages=DATE_ERRORS)
    ends_on = serializers.DateField(error_messages=DATE_ERRORS)
    income = money_in(help_text="The year's income in pounds, e.g. \"250000.00\".")
    expenditure = money_in(help_text="The year's expenditure in pounds.")
    notes = text_field(TEXT, required=False, allow_blank=True)


class SocietyYearField(serializers.PrimaryKeyRelatedField):
    """One of the society's financial years, by id; any other is refused."""

    default_error_messages = {
        "does_not_exist": "Choose one of this co-op's financial years.",
        "incorrect_type": "Give the financial year as its number (id).",
        "required": "Choose the financial year whose surplus this is about.",
    }

    def get_queryset(self):
        society = self.context.get("society")
        if society is None:
            return FinancialYear.objects.none()
        return FinancialYear.objects.filter(society=society).select_related("society")


# --- proposals and options ------------------------------------------------------------------------

class ProposalOptionSerializer(serializers.ModelSerializer):
    option_type = OptionTypeField(read_only=True)
    topic = TopicRefSerializer(read_only=True, allow_null=True, help_text=(
        "The interest topic it touches, so voting asks about interests in it."))
    pay_rise_kind = PayRiseKindField(read_only=True, allow_null=True,
                                     help_text="PA pay options only; null otherwise.")
    ballot_option = serializers.IntegerField(
        source="ballot_option_id", read_only=True, allow_null=True,
        help_text="The ballot option's id once the proposal is put to the vote (the id to "
                  "vote with).")

    class Meta:
        model = ProposalOption
        fields = ["id", "option_type", "title", "description", "easy_read", "topic",
                  "cost_note", "pays_members", "current_hourly_rate", "pa_hours_per_year",
                  "pa_count", "pay_rise_kind", "position", "ballot_option"]
        read_only_fields = fields


class ProposalOptionInputSerializer(serializers.Serializer):
    """An option. A PA pay rise needs the current hourly rate, the PA hours worked in a year,
    the number of PAs and whether it is a one-off bonus or a permanent rise. On PATCH, send
    only what changes."""

    option_type = OptionTypeField(required=False)
    title = text("Give the option a title.", max_length=200)
    description = text("Describe the option in plain English.")
    easy_read = text_field(TEXT, required=False, allow_blank=True)
    topic = SocietyTopicField(queryset=InterestTopic.objects.all(), required=False,
                              allow_null=True, help_text=(
                                  "The interest topic's id. Left out, a PA pay option or a "
                                  "new service takes its usual topic."))
    cost_note = text_field(NOTE, required=False, allow_blank=True)
    pays_members = serializers.BooleanField(required=False, help_text=(
        "Pays money out to members (a dividend or rebate). Refused under an asset lock."))
    current_hourly_rate = money_in(required=False, allow_null=True,
                                help_text="PA pay: the current hourly rate in pounds.")
    pa_hours_per_year = serializers.DecimalField(
        max_digits=12, decimal_places=1, min_value=Decimal(0), required=False, allow_null=True,
        help_text="PA pay: the PA hours paid in a year.",
        error_messages={**AMOUNT_ERRORS, "min_value": "Enter a number of hours, 0 or more.",
                        "invalid": "Enter a number of hours, like 20000.",
                        "max_decimal_places": "Enter hours to at most one decimal place."})
    pa_count = serializers.IntegerField(
        min_value=1, max_value=100_000, required=False, allow_null=True,
        help_text="PA pay: how many PAs share the hours (NI and pensions are per PA).",
        error_messages={"invalid": "Enter a whole number of PAs, like 12.",
                        "min_value": "Enter at least 1 PA.",
                        "max_value": "Enter a smaller number of PAs."})
    pay_rise_kind = PayRiseKindField(required=False, allow_blank=True)


class AllocationSerializer(serializers.ModelSerializer):
    option = serializers.IntegerField(source="option_id", read_only=True)
    title = serializers.CharField(source="option.title", read_only=True)

    class Meta:
        model = Allocation
        fields = ["option", "title", "amount"]
        read_only_fields = fields


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal with its options and, once put to the vote, its ballot; once decided, the
    decision and the pounds each option receives."""

    year = serializers.IntegerField(source="year_id", read_only=True)
    ballot_kind = ProposalBallotKindField(read_only=True)
    ballot = serializers.IntegerField(source="ballot_id", read_only=True, allow_null=True,
                                      help_text="The ballot's id (see ballots/), or null while "
                                                "a draft.")
    ballot_state = BallotStateField(source="ballot.state", allow_null=True,
                                    help_text="Null while the proposal is a draft.")
    closes_at = serializers.DateTimeField(source="ballot.closes_at", read_only=True,
                                          allow_null=True)
    decided = serializers.BooleanField(source="is_decided", read_only=True)
    options = ProposalOptionSerializer(many=True, read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True, help_text=(
        "The pounds per option, written when the decision is recorded; empty before."))

    class Meta:
        model = Proposal
        fields = ["id", "year", "title", "summary", "easy_read_summary", "amount_available",
                  "ballot_kind", "ballot", "ballot_state", "closes_at", "options", "decided",
                  "resolution_reference", "decided_on", "decision_notes", "decided_at",
                  "allocations", "created_at"]
        read_only_fields = fields


class ProposalChangeSerializer(serializers.Serializer):
    title = text("Give the proposal a title.", max_length=200)
    summary = text("Say in plain English what members are deciding.")
    easy_read_summary = text_field(TEXT, required=False, allow_blank=True)
    ballot_kind = ProposalBallotKindField(required=False)


class ProposalDraftSerializer(ProposalChangeSerializer):
    """A new proposal for a locked year; the amount available is worked out from it."""

    year = SocietyYearField(queryset=FinancialYear.objects.all(),
                            help_text="The financial year's id. Its accounts must be locked.")


class PutToVoteSerializer(serializers.Serializer):
    closes_at = serializers.DateTimeField(help_text="When voting ends.", error_messages={
        "required": "Say when voting ends.", "null": "Say when voting ends."})

    def validate_closes_at(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError("The closing time has already passed. Choose a "
                                              "later one.")
        return value


class DecisionSerializer(serializers.Serializer):
    resolution_reference = text("Give the resolution's reference, e.g. “AGM 2026 resolution "
                                "4”.", max_length=100)
    decided_on = serializers.DateField(error_messages=DATE_ERRORS)
    notes = text_field(TEXT, required=False, allow_blank=True, default="",
                       help_text="Notes on carrying the decision out.")


# --- the outcome ----------------------------------------------------------------------------------

class OptionOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The proposal option's id.")
    ballot_option = serializers.IntegerField(allow_null=True,
                                             help_text="Its ballot option's id (in `results`).")
    title = serializers.CharField()
    option_type = OptionTypeField()
    share = percent_field("The weighted result for this option (a choice ballot's too). "
                          "Percent, 6 decimal places; null when hidden.", allow_null=True)
    share_fraction = fraction_field(allow_null=True)
    won = serializers.BooleanField(help_text="Choice ballots: this package won and gets the "
                                             "whole amount (never true in a tie).")
    amount = money_out("Its pounds: an allocation follows the weighted shares (with the share "
                       "kept as not cast taking its own part, see `not_cast_amount`), rounded "
                       "to the penny by the largest-remainder method so the parts add up "
                       "exactly; a choice ballot gives the whole amount to the winner.")
    pay = PayRiseSerializer(allow_null=True, help_text="PA pay options only.")
    one_member_share = percent_field("The share under one member, one vote (comparison only); "
                                     "null when hidden.", allow_null=True)
    one_member_amount = money_out("The pounds under one member, one vote (comparison only).",
                                  allow_null=True)
    without_interest_share = percent_field(
        "The share without the votes cast with an interest (comparison only); null when not "
        "shown.", allow_null=True)
    without_interest_amount = money_out("The pounds without the votes cast with an interest "
                                        "(comparison only).", allow_null=True)


class OutcomeComparisonSerializer(serializers.Serializer):
    note = serializers.CharField()
    tie = serializers.BooleanField()


class ProposalOutcomeSerializer(serializers.Serializer):
    """The result in pounds. Until `ready` (the scrutineer has certified the count) the pounds
    are provisional. A tie between packages gives no pounds: the members decide again."""

    proposal = serializers.IntegerField()
    amount_available = money_out()
    ballot_kind = ProposalBallotKindField()
    ballot = serializers.IntegerField()
    ballot_state = BallotStateField()
    ready = serializers.BooleanField(help_text="The result is certified: the decision can be "
                                               "recorded.")
    decided = serializers.BooleanField()
    tie = serializers.BooleanField(help_text="Choice ballots: the vote was a tie.")
    not_cast_share = percent_field("Allocations under the “not cast” policy: the share of the "
                                   "weight of classes in which nobody voted.")
    not_cast_fraction = fraction_field()
    not_cast_amount = money_out("The pounds of that share. With the options' amounts they add "
                                "up exactly to `amount_available`.")
    not_cast_money = serializers.ChoiceField(
        choices=NotCastMoney.choices, allow_blank=True,
        help_text="The society's rule for those pounds: `reserves` or `unallocated`.")
    options = OptionOutcomeSerializer(many=True)
    one_member_one_vote = OutcomeComparisonSerializer(allow_null=True, help_text=(
        "Null when hidden to keep a small class's votes secret (see `results`)."))
    without_interest = OutcomeComparisonSerializer(allow_null=True, help_text=(
        "Null when the ballot has no result without interested votes to show."))
    without_interest_hidden = serializers.BooleanField(help_text=(
        "Too few votes were cast with an interest to show the result without them safely."))
    results = ResultsSerializer(help_text="The ballot's full result, with turnout by class.")


# --- the outcome's figures ------------------------------------------------------------------------

def _pct(share) -> str | None:
    value = percent(share, 6)
    return None if value is None else f"{value:f}"


def _pounds(proposal, options, tally_outcome) -> dict:
    """Pounds per option (by proposal option id) under another count of the same ballot, the
    way the real outcome is worked out."""
    return outcomes.pounds_for(proposal, options, tally_outcome).pounds


def _comparison(note, tally_outcome) -> dict | None:
    if tally_outcome is None:
        return None
    return {"note": note, "tie": len(tally_outcome.winners) > 1}


def outcome_payload(result) -> dict:
    """services.outcome for ProposalOutcomeSerializer: the pounds, PA pay, and the same
    ballot counted one member one vote and without interested votes."""
    proposal, results = result.proposal, result.results
    options = [row.option for row in result.rows]
    one = results.one_member_outcome
    without = results.without_interest
    hidden = results.figures_hidden  # then no comparison: `voting.disclosure`
    one_pounds = {} if hidden else _pounds(proposal, options, one)
    without_pounds = _pounds(proposal, options, without) if without else {}
    rows = []
    for row in result.rows:
        option, ballot_option = row.option, row.option.ballot_option_id
        rows.append({
            "id": option.pk, "ballot_option": ballot_option, "title": option.title,
            "option_type": option.option_type, "share": _pct(row.share),
            "share_fraction": None if row.share is None else str(row.share),
            "amount": row.amount, "won": row.won,
            "pay": pay_payload(row.pay),
            "one_member_share": None if hidden else _pct(one.shares.get(ballot_option,
                                                                        Fraction(0))),
            "one_member_amount": one_pounds.get(option.pk),
            "without_interest_share": (_pct(without.shares.get(ballot_option, Fraction(0)))
                                       if without else None),
            "without_interest_amount": without_pounds.get(option.pk),
        })
    ballot = proposal.ballot
    return {
        "proposal": proposal.pk, "amount_available": proposal.amount_available,
        "ballot_kind": proposal.ballot_kind, "ballot": ballot.pk, "ballot_state": ballot.state,
        "ready": result.ready, "decided": proposal.is_decided, "tie": result.tie,
        "not_cast_share": _pct(result.not_cast_share),
        "not_cast_fraction": str(result.not_cast_share),
        "not_cast_amount": result.not_cast_amount,
        "not_cast_money": result.not_cast_money,
        "options": rows,
        "one_member_one_vote": None if hidden else _comparison(ONE_MEMBER_NOTE, one),
        "without_interest": _comparison(WITHOUT_INTEREST_NOTE, without),
        "without_interest_hidden": results.without_interest_hidden,
        "results": results_payload(results),
    }
