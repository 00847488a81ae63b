"""The results part of the ballots API: ResultsSerializer and `results_payload`, which turns
`selectors.results` into it. Shares are percentages with 6 decimal places beside the exact
fraction. Nothing in a result names a voter: counts only, and a class's own breakdown is
hidden when fewer than the ballot's `breakdown_minimum` voted in it. When any class is that
small, members get only the outcome and turnout (`disclosure`): the other figures are null."""

from fractions import Fraction

from rest_framework import serializers

from .disclosure import hidden_text
from .enums import BallotKind
from .results_export import helped_note, weights_note
from .selectors import percent
from .serializers import BallotKindField, BallotStateField, WeightingField
from .stv import StvResult

PERCENT_HELP = "A percentage with 6 decimal places (rounded half up for display only)."
FRACTION_HELP = "The exact share as a fraction of 1, e.g. `21/40`; the percentage is rounded."


def percent_field(help_text=PERCENT_HELP, **kwargs):
    return serializers.CharField(help_text=help_text, **kwargs)


def fraction_field(**kwargs):
    return serializers.CharField(help_text=FRACTION_HELP, **kwargs)


class OptionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    code = serializers.CharField(help_text="`for`, `against` or `abstain` on a resolution.")
    counted = serializers.BooleanField(help_text="False for abstentions: they are reported but "
                                                 "are not part of any share.")
    share = percent_field("The weighted result: this option's share under the ballot's "
                          "weighting. Null when hidden (`figures_hidden`). " + PERCENT_HELP,
                          allow_null=True)
    share_fraction = fraction_field(allow_null=True)
    head_count = serializers.IntegerField(help_text="How many votes marked this option. Null "
                                                    "when hidden.", allow_null=True)
    one_member_share = percent_field("The share it would have had under one member, one vote "
                                     "(for comparison only). Null when hidden. " + PERCENT_HELP,
                                     allow_null=True)
    one_member_fraction = fraction_field(allow_null=True)
    winner = serializers.BooleanField(help_text="Highest weighted result (choice, approval); "
                                                "several winners mean a tie.")
    elected = serializers.BooleanField(help_text="Elected (elections only).")


class ClassOptionSerializer(serializers.Serializer):
    option = serializers.IntegerField(help_text="The option's id.")
    head_count = serializers.IntegerField()
    share = percent_field("The option's share within this class. " + PERCENT_HELP)


class ClassResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.IntegerField(help_text="The class's weight in this ballot, in "
                                                "whole-number parts.")
    weight_share = percent_field("Those parts as a share of all the ballot's parts (the "
                                 "weight set). " + PERCENT_HELP, allow_null=True)
    weight_share_fraction = fraction_field(allow_null=True)
    weight_used = percent_field(
        "The weight the count actually gave the class, after the society's rule for classes "
        "that cast no votes that count (see `weighting_note`); null unless the ballot is "
        "weighted by class share. " + PERCENT_HELP, allow_null=True)
    weight_used_fraction = fraction_field(allow_null=True)
    empty = serializers.BooleanField(help_text="Nobody in the class cast a vote that counts "
                                               "(none, or only abstentions).")
    on_roll = serializers.IntegerField()
    voted = serializers.IntegerField()
    turnout = percent_field(allow_null=True)
    shown = serializers.BooleanField(help_text="False when fewer than the ballot's "
                                               "`breakdown_minimum` voted in the class: its own "
                                               "breakdown is then hidden to protect secrecy.")
    options = ClassOptionSerializer(many=True, allow_null=True,
                                    help_text="Null when the breakdown is hidden.")


class OneMemberOutcomeSerializer(serializers.Serializer):
    note = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True)
    tie = serializers.BooleanField()
    winners = serializers.ListField(child=serializers.IntegerField())


class PapersSerializer(serializers.Serializer):
    issued = serializers.IntegerField(help_text="Sent out and not (yet) returned.")
    counted = serializers.IntegerField()
    rejected = serializers.IntegerField(help_text="Returned from members who had already "
                                                  "voted online: first received counts.")


class HelpCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Votes cast with help.")
    companion = serializers.IntegerField(help_text="Of those, with a companion's help.")
    officer = serializers.IntegerField(help_text="Of those, taken by an officer.")
    note = serializers.CharField(help_text="The same in words, or empty when none.")


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class ElectionSerializer(serializers.Serializer):
    rules = serializers.CharField(help_text="The named STV rule set the count follows.")
    seats = serializers.IntegerField()
    valid_votes = serializers.IntegerField()
    quota = serializers.CharField(help_text="The Droop quota, exact.")
    elected = CandidateSerializer(many=True, help_text="In the order they were elected.")
    ties_broken_by_lot = serializers.IntegerField(
        help_text="How many ties the count broke by lot (see the results page for each).")


class OutcomeOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    code = serializers.CharField(help_text="`for`, `against` or `abstain` on a resolution.")
    counted = serializers.BooleanField(help_text="False for abstentions.")
    share = percent_field()
    share_fraction = fraction_field()
    winner = serializers.BooleanField()


class WithoutInterestSerializer(serializers.Serializer):
    """The result as it would be without the votes cast with an interest (declare policy),
    for openness only: the real result is the one that counts."""

    note = serializers.CharField()
    votes_left_out = serializers.IntegerField(help_text="The votes cast with an interest.")
    options = OutcomeOptionSerializer(many=True)
    passed = serializers.BooleanField(allow_null=True, help_text="Resolutions only.")
    for_share_of_cast = percent_field(allow_null=True)
    for_share_of_cast_fraction = fraction_field(allow_null=True)
    failed_classes = serializers.ListField(child=serializers.IntegerField())
    tie = serializers.BooleanField()
    winners = serializers.ListField(child=serializers.IntegerField())
    not_cast_share = percent_field()
    not_cast_fraction = fraction_field()
    classes = ClassResultSerializer(
        many=True, help_text="Each class as in the real result (`on_roll`, `voted`), with its "
                             "breakdown of the votes cast without an interest, hidden when "
                             "fewer than the ballot's `breakdown_minimum` of them.")


class ResultsSerializer(serializers.Serializer):
    """The count of a ballot. Nothing in it names a voter."""

    ballot = serializers.IntegerField(help_text="The ballot's id.")
    figures_hidden = serializers.BooleanField(help_text=(
        "True when fewer than the ballot's `breakdown_minimum` (but some) voted in a class: "
        "members then see only the outcome and turnout, and every other figure is null or "
        "left out, so that class's votes cannot be worked out. The scrutineer and the board "
        "see the full count."))
    hidden_reason = serializers.CharField(help_text="Why, in words; empty when nothing is "
                                                    "hidden.")
    kind = BallotKindField()
    weighting = WeightingField()
    state = BallotStateField()
    certified = serializers.BooleanField()
    published = serializers.BooleanField()
    options = OptionResultSerializer(many=True)
    passed = serializers.BooleanField(allow_null=True, help_text="Resolutions only: whether "
                                      "it passed. A tie fails.")
    for_share_of_cast = percent_field(
        "Resolutions only: “for” as a share of the weighted votes for and against, the figure "
        "compared with the threshold. " + PERCENT_HELP, allow_null=True)
    for_share_of_cast_fraction = fraction_field(allow_null=True)
    threshold_percent = serializers.DecimalField(max_digits=7, decimal_places=4)
    weighting_note = serializers.CharField(help_text=(
        "Why the weights used differ from the weights set, when a class cast no votes that "
        "count; empty otherwise."))
    failed_classes = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of the classes in which “for” did not beat “against”, when the "
                  "resolution must also win in every class.")
    tie = serializers.BooleanField()
    winners = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="Ids of the winning option(s).")
    not_cast_share = percent_field("The share kept as not cast, for classes in which nobody "
                                   "voted (policy “not cast”); null when hidden. " + PERCENT_HELP,
                                   allow_null=True)
    not_cast_fraction = fraction_field(allow_null=True)
    on_roll = serializers.IntegerField()
    voted = serializers.IntegerField()
    voted_ahead = serializers.IntegerField(help_text=(
        "A resolution voted on at a meeting: how many of `voted` voted ahead of it (online or "
        "on paper); their votes are in the counts. 0 otherwise."))
    turnout = percent_field(allow_null=True)
    recused = serializers.IntegerField(help_text="Members on the roll left out of the vote for "
                                                 "an interest in its topics (policy recuse).")
    votes_with_interest = serializers.IntegerField(help_text="Votes cast by members with an "
                                                             "interest in the ballot's topics.")
    classes = ClassResultSerializer(many=True)
    without_interest = WithoutInterestSerializer(
        allow_null=True, help_text="Ballots with topics under the declare policy (not "
                                   "elections): the result without the votes cast with an "
                                   "interest. Null otherwise.")
    without_interest_hidden = serializers.BooleanField(
        help_text="True when too few votes were cast with an interest to show the result "
                  "without them: beside the real result it would show how they voted.")
    one_member_one_vote = OneMemberOutcomeSerializer()
    papers = PapersSerializer()
    votes_cast_with_help = HelpCountsSerializer(
        allow_null=True, help_text="Once the ballot has closed: how many votes were cast with "
                                   "help, for the whole ballot only. Null while open, and for "
                                   "members when figures are hidden.")
    election = ElectionSerializer(allow_null=True, help_text="Elections only: the STV count "
                                                            "and the candidates elected.")


WITHOUT_INTEREST_NOTE = ("What the result would have been without the votes cast by members "
                        "with an interest. Shown for openness only: their votes count.")
ONE_MEMBER_NOTE = ("What the result would have been under one member, one vote. Shown for "
                   "transparency only: it is not the rule this ballot is decided by.")


def _pct(share) -> str | None:
    value = percent(share, 6)
    return None if value is None else f"{value:f}"


def _fraction(share) -> str | None:
    return None if share is None else str(share)


def _class_row(row, option_ids) -> dict:
    options = None
    if row.shown:
        options = [{"option": pk, "head_count": row.counts.get(pk, 0),
                    "share": _pct(row.shares.get(pk, 0))} for pk in option_ids]
    return {"name": row.name, "weight": row.weight, "weight_share": _pct(row.weight_set),
            "weight_share_fraction": _fraction(row.weight_set),
            "weight_used": _pct(row.weight_used),
            "weight_used_fraction": _fraction(row.weight_used), "empty": row.empty,
            "on_roll": row.on_roll,
            "voted": row.voted, "turnout": _pct(row.turnout), "shown": row.shown,
            "options": options}


def results_payload(results) -> dict:
    """The figures of `selectors.results` for ResultsSerializer, exact fractions alongside the
    rounded percentages. Give it `disclosure.publish(...)`: a figure hidden there is null."""
    ballot, outcome, one = results.ballot, results.outcome, results.one_member_outcome
    elected = results.stv.elected if results.stv else []
    by_id = {o.pk: o for o in results.options}
    options = [{
        "id": row["option"].pk, "label": row["option"].label, "code": row["option"].code,
        "counted": row["counted"], "share": _pct(row["share"]),
        "share_fraction": _fraction(row["share"]), "head_count": row["head_count"],
        "one_member_share": _pct(row["one_member_share"]),
        "one_member_fraction": _fraction(row["one_member_share"]),
        "winner": row["option"].pk in outcome.winners, "elected": row["option"].pk in elected,
    } for row in results.rows()]
    return {
        "ballot": ballot.pk, "figures_hidden": results.figures_hidden,
        "hidden_reason": hidden_text(results) if results.figures_hidden else "",
        "kind": ballot.kind, "weighting": ballot.weighting,
        "state": ballot.state, "certified": ballot.certified_at is not None,
        "published": ballot.published_at is not None, "options": options,
        **_outcome(ballot, outcome), "threshold_percent": ballot.threshold_percent,
        "on_roll": results.on_roll, "voted": results.voted,
        "voted_ahead": results.ahead, "turnout": _pct(results.turnout),
        "recused": results.recused,
        "votes_with_interest": results.with_interest,
        "classes": [_class_row(row, list(by_id)) for row in results.classes],
        "weighting_note": weights_note(ballot, results.classes),
        "without_interest": _without_interest(results),
        "without_interest_hidden": results.without_interest_hidden,
        "one_member_one_vote": {"note": hidden_text(results) if results.figures_hidden
                                else ONE_MEMBER_NOTE, "passed": one.passed,
                                "tie": len(one.winners) > 1, "winners": list(one.winners)},
        **_hidden_not_cast(results),
        "papers": {state: results.papers.get(state, 0)
                   for state in ("issued", "counted", "rejected")},
        "votes_cast_with_help": results.helped and {**results.helped,
                                                    "note": helped_note(results)},
        "election": _election(results.stv, by_id),
    }


def _outcome(ballot, outcome) -> dict:
    """What decides the ballot: pass or fail, winners, the share not cast."""
    ratio = outcome.for_ratio if ballot.kind == BallotKind.RESOLUTION else None
    return {"passed": outcome.passed, "for_share_of_cast": _pct(ratio),
            "for_share_of_cast_fraction": _fraction(ratio),
            "failed_classes": list(outcome.failed_classes), "tie": len(outcome.winners) > 1,
            "winners": list(outcome.winners), "not_cast_share": _pct(outcome.not_cast),
            "not_cast_fraction": _fraction(outcome.not_cast or Fraction(0))}


def _hidden_not_cast(results) -> dict:
    """Outside an allocation the share not cast tells a class that only abstained."""
    if results.figures_hidden and results.ballot.kind != BallotKind.ALLOCATION:
        return {"not_cast_share": None, "not_cast_fraction": None}
    return {}


def _without_interest(results) -> dict | None:
    outcome = results.without_interest
    if outcome is None:
        return None
    option_ids = [o.pk for o in results.options]
    options = [{"id": o.pk, "label": o.label, "code": o.code, "counted": o.code != "abstain",
                "share": _pct(outcome.shares.get(o.pk, Fraction(0))),
                "share_fraction": _fraction(outcome.shares.get(o.pk, Fraction(0))),
                "winner": o.pk in outcome.winners} for o in results.options]
    return {"note": WITHOUT_INTEREST_NOTE, "votes_left_out": results.with_interest,
            "options": options, **_outcome(results.ballot, outcome),
            "classes": [_class_row(row, option_ids)
                        for row in results.without_interest_classes]}


def _election(count: StvResult | None, by_id) -> dict | None:
    if count is None:
        return None
    return {"rules": count.rules, "seats": count.seats, "valid_votes": count.valid_votes,
            "quota": str(count.quota), "ties_broken_by_lot": len(count.ties_broken_by_lot),
            "elected": [{"id": pk, "label": by_id[pk].label} for pk in count.elected]}
