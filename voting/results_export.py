"""A counted ballot in words and tables: the one-sentence outcome the results page and the
certificate lead with, the STV stage table, and the CSV export. Everything here reads a
`selectors.Results`; nothing counts again and nothing rounds except for display."""

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.http import HttpResponse

from coop.enums import EmptyClassPolicy

from . import stv
from .disclosure import hidden_text
from .enums import BallotKind, BallotState, ResolutionKind, Weighting
from .selectors import Results, not_cast_label, percent


def pct(share: Fraction | None) -> str:
    """A share as people read it: 52.5%."""
    return f"{percent(share or Fraction(0))}%"


def and_list(words: list[str]) -> str:
    """A, B and C."""
    words = [str(w) for w in words]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def threshold_text(ballot) -> str:
    """What a resolution needs, in words: "more than 50%" or "at least 75%"."""
    figure = f"{Decimal(ballot.threshold_percent).normalize():f}%"
    if ballot.resolution_kind == ResolutionKind.ORDINARY:
        return f"more than {figure}"
    return f"at least {figure}"


def weighted_word(ballot) -> str:
    return "" if ballot.weighting == Weighting.ONE_MEMBER_ONE_VOTE else "weighted "


def parts_texts(weights: list[int]) -> list[str]:
    """Whole-number weights as people read them: "2 parts (50.0%)", "1 part (25.0%)"."""
    total = sum(weights)
    return [f"{w} part{'' if w == 1 else 's'} ({pct(Fraction(w, total) if total else None)})"
            for w in weights]


def rule_text(ballot, results: Results) -> str:
    """How this ballot was counted, in one sentence."""
    if ballot.weighting == Weighting.CLASS_SHARE:
        texts = parts_texts([row.weight for row in results.classes])
        parts = [f"{row.name} {text}" for row, text in zip(results.classes, texts, strict=True)]
        text = f"Each class carries a fixed share of the result: {and_list(parts)}."
        note = weights_note(ballot, results.classes)
        return f"{text} {note}" if note else text
    if ballot.weighting == Weighting.PER_MEMBER:
        return "Each member's vote counts as many times as their class's number of votes."
    return "One member, one vote: every vote counts the same."


def weights_note(ballot, classes) -> str:
    """Why the weights the count used differ from the weights set, when a class counted no
    votes (none, or only abstentions): the society's empty-class policy, in words."""
    empty = [row for row in classes if row.empty]
    if ballot.weighting != Weighting.CLASS_SHARE or not empty:
        return ""
    names = and_list([row.name for row in empty])
    verb = "was" if len(empty) == 1 else "were"
    if ballot.empty_class_policy == EmptyClassPolicy.NOT_CAST:
        share = pct(sum((row.weight_used or Fraction(0) for row in empty), Fraction(0)))
        return (f"Nobody in {names} cast a vote that counts (for an option, not an "
                f"abstention), so under the co-op's rules {'its' if len(empty) == 1 else 'their'}"
                f" share, {share}, {verb} kept as not cast: it counts for no option.")
    used = [f"{row.name} {pct(row.weight_used)}" for row in classes if not row.empty]
    if not used:
        return "Nobody in any class cast a vote that counts, so no weights were used."
    return (f"Nobody in {names} cast a vote that counts (for an option, not an abstention), "
            f"so under the co-op's rules {'its' if len(empty) == 1 else 'their'} share "
            f"{verb} shared among the other classes in proportion to their own. The weights "
            f"used: {and_list(used)}.")


def outcome_sentence(results: Results) -> str:
    """The result in one plain sentence, said first on the page and the certificate."""
    ballot = results.ballot
    sentence = {
        BallotKind.RESOLUTION: _resolution_sentence,
        BallotKind.ALLOCATION: _allocation_sentence,
        BallotKind.RANKED: _election_sentence,
    }.get(ballot.kind, _choice_sentence)(results)
    if ballot.state == BallotState.OPEN:
        return f"Voting is still open. If it ended now: {sentence[0].lower()}{sentence[1:]}"
    return sentence


def _resolution_sentence(results: Results) -> str:
    ballot, outcome = results.ballot, results.outcome
    rules = {o.code: o.pk for o in results.options}
    for_share = outcome.shares.get(rules.get("for"), Fraction(0))
    against_share = outcome.shares.get(rules.get("against"), Fraction(0))
    needed = f"it needed {threshold_text(ballot)}"
    if results.figures_hidden:
        return _hidden_resolution_sentence(ballot, outcome, needed)
    if for_share + against_share == 0:
        return "The resolution did not pass: nobody voted for or against it."
    if for_share == against_share:
        return (f"The resolution did not pass: the {weighted_word(ballot)}votes for and against "
                "were tied, and a tie fails.")
    # Abstentions are left out of the share, so say so rather than "votes for and against".
    figure = (f"{pct(outcome.for_ratio)} of the {weighted_word(ballot)}votes were for it, "
              "counting only votes for or against")
    if outcome.failed_classes:
        names = _class_names(ballot, outcome.failed_classes)
        return (f"The resolution did not pass: {figure}, but it also needed more votes for "
                f"than against in every class, and {and_list(names)} did not give it that.")
    verb = "passed" if outcome.passed else "did not pass"
    return f"The resolution {verb}: {figure}; {needed}."


def _hidden_resolution_sentence(ballot, outcome, needed) -> str:
    """The outcome without the figures `disclosure` hides."""
    if outcome.failed_classes:
        names = _class_names(ballot, outcome.failed_classes)
        return ("The resolution did not pass: it needed more votes for than against in every "
                f"class, and {and_list(names)} did not give it that.")
    verb = "passed" if outcome.passed else "did not pass"
    return (f"The resolution {verb}: {needed} of the {weighted_word(ballot)}votes for and "
            "against.")


def _class_names(ballot, class_ids) -> list[str]:
    names = dict(ballot.class_weights.values_list("member_class_id", "member_class__name"))
    return [names.get(pk, "a class") for pk in class_ids]


def _choice_sentence(results: Results) -> str:
    winners = results.winners
    if not winners:
        return "Nobody voted." if results.ballot.has_closed else "Nobody has voted yet."
    if results.figures_hidden:
        return (f"Tie between {and_list([w.label for w in winners])}: the rules do not break "
                "ties." if len(winners) > 1 else f"{winners[0].label} won.")
    share = pct(results.outcome.shares[winners[0].pk])
    if len(winners) > 1:
        return (f"Tie between {and_list([w.label for w in winners])}, with {share} each: "
                "the rules do not break ties.")
    if results.ballot.kind == BallotKind.APPROVAL:
        return (f"{winners[0].label} won: it was approved on {share} of the "
                f"{weighted_word(results.ballot)}ballots.")
    return f"{winners[0].label} won with {share}."


def _allocation_sentence(results: Results) -> str:
    if not results.voted:
        return "Nobody has shared out any points yet."
    parts = [f"{row['option'].label} {pct(row['share'])}" for row in results.rows()]
    sentence = f"The points were shared: {and_list(parts)}"
    if results.outcome.not_cast:
        sentence += f", with {pct(results.outcome.not_cast)} not cast"
    return sentence + ". Together the exact shares make 100%."


def _election_sentence(results: Results) -> str:
    count = results.stv
    elected = [count.names[pk] for pk in count.elected] if count else []
    if not elected:
        return "Nobody was elected."
    seats = results.ballot.seats
    place = "the seat" if seats == 1 else f"the {seats} seats"
    return f"Elected to {place}: {and_list(elected)}."


# --- the STV count, stage by stage -------------------------------------------------------------

def figure(value, places: int = 2) -> str:
    """A vote total (Fraction, Decimal or int) to `places` decimal places."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    exact = Decimal(value)
    if exact == exact.to_integral_value():
        return str(int(exact))
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class StvRow:
    number: int
    note: str  # what happened at the stage, in words
    figures: list[str]  # each candidate's votes, in the order of `StvTable.candidates`
    exhausted: str  # votes that could go no further, so far


@dataclass(frozen=True)
class StvTable:
    """The count as the results page, the certificate and the CSV show it."""

    candidates: list[str]
    elected: list[str]
    quota: str
    valid_votes: int
    rules: str
    lots: list[str]  # one sentence per tie broken by lot
    rows: list[StvRow]

    @property
    def has_exhausted(self) -> bool:
        return any(row.exhausted not in ("", "0") for row in self.rows)


def lot_text(count: stv.StvResult, tie: stv.TieBreak) -> str:
    """A tie broken by lot, in words: who was tied, at which stage, and what the lot chose."""
    tied, chosen = and_list([count.names[c] for c in tie.tied]), count.names[tie.chosen]
    if tie.purpose == stv.SURPLUS:
        return (f"at stage {tie.stage}, {tied} had equal surpluses, and the lot chose "
                f"{chosen}'s to be transferred first")
    return (f"at stage {tie.stage}, {tied} were tied with the fewest votes, and the lot "
            f"excluded {chosen}")


def stv_table(count: stv.StvResult | None) -> StvTable | None:
    """The count as a table: one column per candidate, one row per stage."""
    if count is None:
        return None
    names = count.names
    rows = [StvRow(number=stage.number, note=count.describe(stage),
                   figures=[figure(stage.totals.get(pk)) for pk in count.candidates],
                   exhausted=figure(stage.non_transferable))
            for stage in count.stages]
    return StvTable(
        candidates=[names[pk] for pk in count.candidates],
        elected=[names[pk] for pk in count.elected], quota=figure(count.quota),
        valid_votes=count.valid_votes, rules=count.rules,
        lots=[lot_text(count, tie) for tie in count.ties_broken_by_lot], rows=rows)


# --- CSV ---------------------------------------------------------------------------------------

CSV_HEADER = ["row", "class", "option", "weighted_share_percent", "votes",
              "one_member_one_vote_share_percent", "on_roll", "voted", "turnout_percent"]


def exact(share: Fraction | None) -> str:
    return str(percent(share if share is not None else Fraction(0), 6))


def helped_note(results: Results) -> str:
    """"3 votes cast with help (2 by a companion, 1 taken by an officer)", or "" for none."""
    helped = results.helped or {}
    if not helped.get("total"):
        return ""
    total, companion, officer = helped["total"], helped["companion"], helped["officer"]
    parts = ([f"{companion} by a companion"] if companion else []) + (
        [f"{officer} taken by an officer"] if officer else [])
    return f"{total} vote{'s' if total != 1 else ''} cast with help ({', '.join(parts)})"


def csv_rows(results: Results) -> list[list]:
    """One row per option for all classes and per option for each class whose breakdown is
    shown, then turnout rows, then the paper ballot counts."""
    rows = []
    if results.figures_hidden:
        rows.append(["figures hidden", "All classes", hidden_text(results), "", "", "", "", "",
                     ""])
    if results.ballot.kind == BallotKind.RANKED:
        rows += _candidate_rows(results)
    else:
        for row in results.rows():
            counted = row["counted"]
            rows.append(["result", "All classes", row["option"].label,
                         _figure(row["share"]) if counted else "", _blank(row["head_count"]),
                         _figure(row["one_member_share"]) if counted else "", "", "", ""])
        label = not_cast_label(results.ballot)
        if label and not (results.figures_hidden and results.ballot.kind != BallotKind.ALLOCATION):
            rows.append(["result", "All classes", label, exact(results.outcome.not_cast),
                         "", "", "", "", ""])
        for cls in results.classes:
            if not cls.shown:
                continue
            for option in results.options:
                counted = option.code != "abstain"
                share = exact(cls.shares.get(option.pk)) if counted else ""
                rows.append(["class result", cls.name, option.label, share,
                             cls.counts.get(option.pk, 0), share, "", "", ""])
    if results.ballot.weighting == Weighting.CLASS_SHARE and \
            results.ballot.kind != BallotKind.RANKED:
        for cls in results.classes:
            if cls.weight_used is None:
                continue  # hidden (`disclosure`)
            rows.append(["class weight used", cls.name, _weight_reason(results.ballot, cls),
                         exact(cls.weight_used), "", "", "", "", ""])
    for cls in results.classes:
        rows.append(["turnout", cls.name, "", "", "", "", cls.on_roll, cls.voted,
                     exact(cls.turnout) if cls.turnout is not None else ""])
    rows.append(["turnout", "All classes", "", "", "", "", results.on_roll, results.voted,
                 exact(results.turnout) if results.turnout is not None else ""])
    for state, n in results.papers.items():
        rows.append([f"paper ballots {state}", "All classes", "", "", n, "", "", "", ""])
    if helped_note(results):
        rows.append(["cast with help", "All classes", helped_note(results), "",
                     results.helped["total"], "", "", "", ""])
    return rows


def _figure(share: Fraction | None) -> str:
    return "" if share is None else exact(share)


def _blank(value):
    return "" if value is None else value


def _weight_reason(ballot, cls) -> str:
    """The CSV's word on a class's weight used (it goes in the `option` column)."""
    set_text = f"set at {cls.weight} part{'' if cls.weight == 1 else 's'} ({pct(cls.weight_set)})"
    if not cls.empty:
        return set_text if cls.weight_used == cls.weight_set else \
            f"{set_text}, with the share of classes that cast no votes that count"
    if ballot.empty_class_policy == EmptyClassPolicy.NOT_CAST:
        return f"{set_text}, cast no votes that count: kept as not cast"
    return f"{set_text}, cast no votes that count: shared among the other classes"


def _candidate_rows(results: Results) -> list[list]:
    table = stv_table(results.stv)
    if not table:
        return []
    first = table.rows[0].figures if table.rows else [""] * len(table.candidates)
    rows = [["candidate elected" if name in table.elected else "candidate", "All classes",
             name, "", votes, "", "", "", ""]
            for name, votes in zip(table.candidates, first, strict=True)]
    return rows + [["tie broken by lot", "All classes", lot, "", "", "", "", "", ""]
                   for lot in table.lots]


def csv_response(results: Results) -> HttpResponse:
    ballot = results.ballot
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{ballot.society.slug}-ballot-{ballot.pk}-results.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    writer.writerows([_safe_cell(c) for c in row] for row in csv_rows(results))
    return response


def _safe_cell(value):
    """Keep spreadsheet programs from running a label as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
