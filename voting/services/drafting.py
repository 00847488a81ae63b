"""Drafting a ballot: its words, kind, options, weights and topics, until it opens."""

from decimal import Decimal

from django.db import transaction

from coop import audit
from membership.models import MemberClass

from ..enums import (
    RESOLUTION_OPTIONS,
    BallotKind,
    ResolutionKind,
    Weighting,
)
from ..errors import VotingError
from ..models import Ballot, BallotOption, ClassWeight, OptionPicture

DRAFT_FIELDS = [
    "title", "summary", "easy_read_summary", "kind", "weighting", "resolution_kind",
    "threshold_percent", "require_class_majority", "seats", "only_class", "allow_vote_changes",
    "live_results", "empty_class_policy", "breakdown_minimum", "record_date", "opens_at",
    "closes_at", "conflict_policy", "scrutineer_seal",
]


# --- drafting --------------------------------------------------------------------------------

def _threshold_for(society, resolution_kind, custom) -> Decimal:
    if resolution_kind == ResolutionKind.SPECIAL:
        return society.special_resolution_percent
    if resolution_kind == ResolutionKind.CUSTOM:
        return Decimal(custom)
    return Decimal("50")


def check_draft_fields(society, fields: dict) -> None:
    """The checks a draft's fields must pass, shared by drafting and scheduling."""
    kind = fields.get("kind")
    only_class = fields.get("only_class")
    if only_class is not None and only_class.society_id != society.pk:
        raise VotingError("Choose one of this society's classes.", field="only_class")
    if only_class is not None and not only_class.votes:
        raise VotingError(f"Members of “{only_class}” do not vote.", field="only_class")
    if kind == BallotKind.RANKED and fields.get("weighting") != Weighting.ONE_MEMBER_ONE_VOTE:
        raise VotingError("An election counts one member, one vote. To give each class its "
                          "own seats, limit the election to one class.", field="weighting")
    threshold = fields.get("threshold_percent")
    if threshold is not None and not Decimal("50") <= Decimal(threshold) <= Decimal("100"):
        raise VotingError("The threshold must be between 50% and 100%.",
                          field="threshold_percent")
    if fields.get("scrutineer_seal") and fields.get("live_results"):
        raise VotingError("Results cannot be shown while the ballot is open when its votes "
                          "are sealed for the scrutineer: nobody can open them before the "
                          "scrutineer does.", field="live_results")
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if opens and closes and closes <= opens:
        raise VotingError("The closing time must be after the opening time.",
                          field="closes_at")


def create_ballot(society, *, by, title: str, summary: str, kind: str = BallotKind.RESOLUTION,
                  options: list[str] | None = None, topics=(), **fields) -> Ballot:
    """Draft a ballot. Weights are copied from the society's classes (or 100% for the one
    class it is limited to); a resolution gets For, Against and Abstain."""
    fields.setdefault("weighting", Weighting.ONE_MEMBER_ONE_VOTE if kind == BallotKind.RANKED
                      else Weighting.CLASS_SHARE)
    fields.setdefault("empty_class_policy", society.empty_class_policy)
    fields.setdefault("breakdown_minimum", society.class_breakdown_minimum)
    fields.setdefault("conflict_policy", society.conflict_policy)
    topics = _own_topics(society, topics)
    resolution_kind = fields.get("resolution_kind", ResolutionKind.ORDINARY)
    fields["threshold_percent"] = _threshold_for(
        society, resolution_kind, fields.get("threshold_percent") or 50)
    check_draft_fields(society, {"kind": kind, **fields})
    with transaction.atomic():
        ballot = Ballot.objects.create(society=society, title=title, summary=summary, kind=kind,
                                       created_by=by, **fields)
        _prefill_weights(ballot)
        ballot.topics.set(topics)
        if kind == BallotKind.RESOLUTION:
            _resolution_options(ballot)
        elif options:
            _replace_options(ballot, options)
        audit.record("voting.ballot.drafted", society=society, actor=by, obj=ballot,
                     data={"kind": kind, "weighting": ballot.weighting,
                           "topics": [t.name for t in topics],
                           "conflict_policy": ballot.conflict_policy})
    return ballot


def _own_topics(society, topics) -> list:
    topics = list(topics or [])
    if any(t.society_id != society.pk for t in topics):
        raise VotingError("Choose this society's topics.", field="topics")
    return topics


def _prefill_weights(ballot: Ballot) -> None:
    classes = MemberClass.objects.filter(society=ballot.society, votes=True)
    if ballot.only_class_id:
        classes = classes.filter(pk=ballot.only_class_id)
    ClassWeight.objects.bulk_create([
        ClassWeight(ballot=ballot, member_class=c, votes_per_member=c.votes_per_member,
                    weight=1 if ballot.only_class_id else c.weight)
        for c in classes
    ])


def _resolution_options(ballot: Ballot) -> None:
    BallotOption.objects.bulk_create([
        BallotOption(ballot=ballot, code=code, label=label, position=i)
        for i, (code, label) in enumerate(RESOLUTION_OPTIONS)
    ])


def _replace_options(ballot: Ballot, options: list) -> None:
    labels = [(o["label"] if isinstance(o, dict) else o).strip() for o in options]
    labels = [label for label in labels if label]
    if len({label.lower() for label in labels}) != len(labels):
        raise VotingError("Two options cannot have the same name.", field="options")
    descriptions = [o.get("description", "") if isinstance(o, dict) else "" for o in options]
    BallotOption.objects.filter(ballot=ballot).delete()
    created = BallotOption.objects.bulk_create([
        BallotOption(ballot=ballot, label=label, description=description, position=i)
        for i, (label, description) in enumerate(zip(labels, descriptions, strict=False))
    ])
    for option in created:  # an officer's picture follows its option (matched by name)
        OptionPicture.objects.filter(ballot=ballot, label=option.label).update(option=option)


def require_draft(ballot: Ballot) -> Ballot:
    """The ballot, locked for the transaction, if it can still be changed."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if not ballot.is_editable:
        raise VotingError("This ballot has opened, so it can no longer be changed.")
    return ballot


def update_draft(ballot: Ballot, *, by, options: list | None = None, topics=None,
                 **fields) -> Ballot:
    """Change a draft. Changing the kind or the class it is limited to resets the options or
    the weights to match."""
    with transaction.atomic():
        ballot = require_draft(ballot)
        unknown = set(fields) - set(DRAFT_FIELDS)
        if unknown:
            raise TypeError(f"Not a draft field: {', '.join(sorted(unknown))}")
        merged = {f: getattr(ballot, f) for f in DRAFT_FIELDS} | fields
        if "resolution_kind" in fields or "threshold_percent" in fields:
            merged["threshold_percent"] = _threshold_for(
                ballot.society, merged["resolution_kind"], merged["threshold_percent"])
        check_draft_fields(ballot.society, merged)
        changed = {f: v for f, v in merged.items() if getattr(ballot, f) != v}
        kind_changed = "kind" in changed
        class_changed = "only_class" in changed
        for name, value in changed.items():
            setattr(ballot, name, value)
        if not ballot.scrutineer_seal:  # a passphrase set for a seal no longer wanted goes
            ballot.seal_public_key = ballot.seal_salt = None
            ballot.seal_kdf = ""
        ballot.save()
        if class_changed:
            ClassWeight.objects.filter(ballot=ballot).delete()
            _prefill_weights(ballot)
        if kind_changed and ballot.kind == BallotKind.RESOLUTION:
            BallotOption.objects.filter(ballot=ballot).delete()
            _resolution_options(ballot)
        elif options is not None and ballot.kind != BallotKind.RESOLUTION:
            _replace_options(ballot, options)
        elif kind_changed and ballot.options.filter(code__gt="").exists():
            BallotOption.objects.filter(ballot=ballot).delete()
        if topics is not None:
            topics = _own_topics(ballot.society, topics)
            ballot.topics.set(topics)
            changed["topics"] = [t.name for t in topics]
        audit.record("voting.ballot.updated", society=ballot.society, actor=by, obj=ballot,
                     data={"changed": sorted(changed) + (["options"] if options else [])})
    return ballot


def whole_parts(weight) -> int:
    """A weight as whole-number parts ("2", 2, Decimal("2.0")), or a VotingError."""
    try:
        value = Decimal(str(weight))
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise VotingError("Give each weight in whole-number parts, like 1 or 2 (0 for "
                          "none).", field="weight")
    return int(value)


def set_weights(ballot: Ballot, rows: list[dict], *, by) -> None:
    """rows: {member_class (id), weight, votes_per_member}. Weights are whole-number parts
    (a class's share is its parts over the total, counted exactly); a class-share ballot
    needs some weight."""
    rows = [{**row, "weight": whole_parts(row["weight"])} for row in rows]
    if ballot.weighting == Weighting.CLASS_SHARE and rows and not sum(
            int(r["weight"]) for r in rows):
        raise VotingError("Give at least one class a weight of 1 part or more.",
                          field="weight")
    with transaction.atomic():
        ballot = require_draft(ballot)
        for row in rows:
            if int(row.get("votes_per_member", 1)) < 1:
                raise VotingError("Each member has at least one vote.", field="weight")
            ClassWeight.objects.filter(ballot=ballot, member_class_id=row["member_class"]).update(
                weight=int(row["weight"]), votes_per_member=row.get("votes_per_member", 1))
        audit.record("voting.ballot.weights_set", society=ballot.society, actor=by, obj=ballot,
                     data={"weights": {str(r["member_class"]): int(r["weight"]) for r in rows}})
