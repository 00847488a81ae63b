"""Writes for voting: drafting, opening (freezing the roll), casting, closing, certifying and
publishing ballots. Each function validates, writes inside a transaction, records an audit
entry (never for a vote: nothing may log who voted when) and queues email after commit."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from coop import audit
from coop.enums import ConflictPolicy
from coop.notify import emails_are_muted
from coop.services import CoopError
from membership.models import Declaration, InterestTopic, Member, MemberClass

from . import conflicts, hot_path, secrecy
from .conflicts import InterestAnswer
from .enums import (
    ALLOCATION_POINTS,
    RESOLUTION_OPTIONS,
    BallotKind,
    BallotState,
    PaperState,
    ResolutionKind,
    Weighting,
)
from .models import Ballot, BallotOption, BallotPaper, ClassWeight, RollEntry, Vote, VoteMark


class VotingError(CoopError):
    """A voting rule was broken; the message is shown to the person as it is."""


class DeclaredUnderRecusal(VotingError):
    """A voter declared an interest at the prompt of a recuse ballot: `cast_vote` keeps the
    declaration once the vote's transaction has rolled back, and refuses the vote."""

    def __init__(self, details: dict):
        super().__init__("You have declared an interest in what this ballot decides, so under "
                         "the co-op's rules you do not vote in it.", field="interest")
        self.details = details


DRAFT_FIELDS = [
    "title", "summary", "easy_read_summary", "kind", "weighting", "resolution_kind",
    "threshold_percent", "require_class_majority", "seats", "only_class", "allow_vote_changes",
    "live_results", "empty_class_policy", "breakdown_minimum", "record_date", "opens_at",
    "closes_at", "conflict_policy",
]


# --- drafting --------------------------------------------------------------------------------

def _threshold_for(society, resolution_kind, custom) -> Decimal:
    if resolution_kind == ResolutionKind.SPECIAL:
        return society.special_resolution_percent
    if resolution_kind == ResolutionKind.CUSTOM:
        return Decimal(custom)
    return Decimal("50")


def _check_draft_fields(society, fields: dict) -> None:
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
    _check_draft_fields(society, {"kind": kind, **fields})
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
                    weight=Decimal("100") if ballot.only_class_id else c.weight)
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
    BallotOption.objects.bulk_create([
        BallotOption(ballot=ballot, label=label, description=description, position=i)
        for i, (label, description) in enumerate(zip(labels, descriptions, strict=False))
    ])


def _require_draft(ballot: Ballot) -> Ballot:
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if not ballot.is_editable:
        raise VotingError("This ballot has opened, so it can no longer be changed.")
    return ballot


def update_draft(ballot: Ballot, *, by, options: list | None = None, topics=None,
                 **fields) -> Ballot:
    """Change a draft. Changing the kind or the class it is limited to resets the options or
    the weights to match."""
    with transaction.atomic():
        ballot = _require_draft(ballot)
        unknown = set(fields) - set(DRAFT_FIELDS)
        if unknown:
            raise TypeError(f"Not a draft field: {', '.join(sorted(unknown))}")
        merged = {f: getattr(ballot, f) for f in DRAFT_FIELDS} | fields
        if "resolution_kind" in fields or "threshold_percent" in fields:
            merged["threshold_percent"] = _threshold_for(
                ballot.society, merged["resolution_kind"], merged["threshold_percent"])
        _check_draft_fields(ballot.society, merged)
        changed = {f: v for f, v in merged.items() if getattr(ballot, f) != v}
        kind_changed = "kind" in changed
        class_changed = "only_class" in changed
        for name, value in changed.items():
            setattr(ballot, name, value)
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


def set_weights(ballot: Ballot, rows: list[dict], *, by) -> None:
    """rows: {member_class (id), weight, votes_per_member}. Class shares must total 100%."""
    total = sum(Decimal(r["weight"]) for r in rows)
    if ballot.weighting == Weighting.CLASS_SHARE and rows and total != 100:
        raise VotingError(f"The class weights add up to {total.normalize():f}%. They must add "
                          "up to 100%.", field="weight")
    with transaction.atomic():
        ballot = _require_draft(ballot)
        for row in rows:
            if Decimal(row["weight"]) < 0 or int(row.get("votes_per_member", 1)) < 1:
                raise VotingError("Weights cannot be negative and each member has at least "
                                  "one vote.", field="weight")
            ClassWeight.objects.filter(ballot=ballot, member_class_id=row["member_class"]).update(
                weight=row["weight"], votes_per_member=row.get("votes_per_member", 1))
        audit.record("voting.ballot.weights_set", society=ballot.society, actor=by, obj=ballot,
                     data={"weights": {str(r["member_class"]): str(r["weight"]) for r in rows}})


# --- opening -----------------------------------------------------------------------------------

def _check_ready(ballot: Ballot, now) -> None:
    if not ballot.closes_at:
        raise VotingError("Set a closing time before opening the ballot.", field="closes_at")
    if ballot.closes_at <= now:
        raise VotingError("The closing time has already passed. Choose a later one.",
                          field="closes_at")
    options = list(ballot.options.all())
    if len(options) < 2:
        raise VotingError("A ballot needs at least two options.", field="options")
    if ballot.kind == BallotKind.RANKED and len(options) < ballot.seats:
        raise VotingError(f"There are fewer candidates ({len(options)}) than seats "
                          f"({ballot.seats}).", field="seats")
    weights = list(ballot.class_weights.all())
    if not weights:
        raise VotingError("No class of members can vote in this ballot.")
    if ballot.weighting == Weighting.CLASS_SHARE and sum(w.weight for w in weights) != 100:
        raise VotingError("The class weights must add up to 100% before the ballot opens.",
                          field="weight")


def schedule_ballot(ballot: Ballot, *, by, opens_at, closes_at) -> Ballot:
    """Set the ballot to open by itself at `opens_at` (a background task does it)."""
    now = timezone.now()
    if opens_at <= now:
        raise VotingError("The opening time has passed. Open it now instead, or choose a "
                          "later time.", field="opens_at")
    with transaction.atomic():
        ballot = _require_draft(ballot)
        ballot.opens_at, ballot.closes_at = opens_at, closes_at
        _check_draft_fields(ballot.society, {"opens_at": opens_at, "closes_at": closes_at})
        _check_ready(ballot, now)
        ballot.save(update_fields=["opens_at", "closes_at"])
        audit.record("voting.ballot.scheduled", society=ballot.society, actor=by, obj=ballot,
                     data={"opens_at": opens_at, "closes_at": closes_at})
        _defer("open_ballot_when_due", ballot, opens_at)
    return ballot


def open_ballot(ballot: Ballot, *, by=None, closes_at=None) -> Ballot:
    """Open now: freeze the roll, issue paper ballots to members who asked for post, and tell
    everyone on the roll. Side effects: roll and papers written; emails queued; reminder and
    closing tasks queued; audit entry."""
    now = timezone.now()
    with transaction.atomic():
        ballot = _require_draft(ballot)
        if closes_at is not None:
            ballot.closes_at = closes_at
        _check_ready(ballot, now)
        ballot.opened_at = ballot.opens_at = now
        ballot.record_date = ballot.record_date or timezone.localdate(now)
        ballot.save(update_fields=["opened_at", "opens_at", "record_date", "closes_at"])
        on_roll = freeze_roll(ballot)
        recused = recuse_interested(ballot)
        papers = issue_post_papers(ballot)
        audit.record("voting.ballot.opened", society=ballot.society, actor=by, obj=ballot,
                     data={"roll": on_roll, "recused": recused, "paper_ballots": papers,
                           "closes_at": ballot.closes_at})
        transaction.on_commit(lambda: _announce(ballot))
        _defer("send_reminders_when_due", ballot, ballot.closes_at - timedelta(hours=24))
        _defer("close_ballot_when_due", ballot, ballot.closes_at)
    return ballot


def freeze_roll(ballot: Ballot) -> int:
    """Copy the members on the register on the record date, in a class that votes (and in
    the ballot's class, if limited), onto the roll in one INSERT ... SELECT."""
    roll, member, cls = (RollEntry._meta.db_table, Member._meta.db_table,
                         MemberClass._meta.db_table)
    weights = ClassWeight._meta.db_table
    sql = (
        f"INSERT INTO {roll} (ballot_id, member_id, member_class_id, has_voted, recused) "
        f"SELECT %s, m.id, m.member_class_id, %s, %s FROM {member} m "
        f"JOIN {cls} c ON c.id = m.member_class_id "
        f"JOIN {weights} w ON w.member_class_id = m.member_class_id AND w.ballot_id = %s "
        "WHERE m.society_id = %s AND c.votes = %s AND m.admitted_on <= %s "
        "AND (m.ceased_on IS NULL OR m.ceased_on > %s)"
    )
    params = [ballot.pk, False, False, ballot.pk, ballot.society_id, True, ballot.record_date,
              ballot.record_date]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def recuse_interested(ballot: Ballot) -> int:
    """Under the recuse policy, mark members with a declared or deemed interest in the
    ballot's topics as recused: they stay on the roll (so they can be told why) but cannot
    vote."""
    if ballot.conflict_policy != ConflictPolicy.RECUSE:
        return 0
    topic_ids = list(ballot.topics.values_list("pk", flat=True))
    if not topic_ids:
        return 0
    declared = Declaration.objects.current(ballot.record_date).filter(
        society=ballot.society, topics__in=topic_ids).values("person_id")
    deemed = InterestTopic.deemed_classes.through.objects.filter(
        interesttopic_id__in=topic_ids).values("memberclass_id")
    return RollEntry.objects.filter(ballot=ballot).filter(
        Q(member__user_id__in=declared) | Q(member_class_id__in=deemed)).update(recused=True)


def issue_post_papers(ballot: Ballot) -> int:
    entries = RollEntry.objects.filter(ballot=ballot, member__contact_by_post=True,
                                       recused=False).values_list("pk", "member_id")
    papers = [BallotPaper(ballot=ballot, roll_entry_id=pk,
                          code_hash=secrecy.code_hash(secrecy.paper_code(ballot.pk, member_id)))
              for pk, member_id in entries]
    BallotPaper.objects.bulk_create(papers, batch_size=2000)
    return len(papers)


def issue_paper(ballot: Ballot, member: Member, *, by) -> BallotPaper:
    """Issue a paper ballot to one member on the roll who asks for one while it is open."""
    entry = RollEntry.objects.filter(ballot=ballot, member=member).first()
    if entry is None:
        raise VotingError(f"{member.full_name} is not on this ballot's roll.")
    if entry.recused:
        raise VotingError(f"{member.full_name} has an interest in this ballot's topics and "
                          "does not vote in it.")
    if ballot.state != BallotState.OPEN:
        raise VotingError("Paper ballots can only be issued while the ballot is open.")
    with transaction.atomic():
        paper, created = BallotPaper.objects.get_or_create(
            roll_entry=entry, defaults={"ballot": ballot, "code_hash": secrecy.code_hash(
                secrecy.paper_code(ballot.pk, member.pk))})
        if created:
            audit.record("voting.paper.issued", society=ballot.society, actor=by, obj=ballot,
                         data={"membership_number": member.membership_number})
    return paper


def _defer(task_name: str, ballot: Ballot, when) -> None:
    """Queue a task to run at `when`, where the task backend can wait. The tasks check the
    ballot again when they run, so a stale one does nothing; `run_due` covers backends that
    cannot wait."""
    from . import tasks

    task = getattr(tasks, task_name)
    if not task.get_backend().supports_defer:
        return
    transaction.on_commit(lambda: task.using(run_after=when).enqueue(ballot.pk))


def _announce(ballot: Ballot) -> None:
    from . import tasks

    if not emails_are_muted():
        tasks.announce_ballot.enqueue(ballot.pk)


def open_if_due(ballot: Ballot, now=None) -> Ballot:
    """Open a scheduled ballot whose opening time has come (called by the task and by pages,
    so a ballot opens on time even when the worker is late)."""
    now = now or timezone.now()
    if ballot.opened_at is None and ballot.opens_at and ballot.opens_at <= now:
        try:
            return open_ballot(ballot)
        except VotingError:
            return ballot
    return ballot


def run_due(now=None) -> dict:
    """Everything time has made due: open scheduled ballots, record closings, send reminders.
    Safe to run at any time and as often as you like."""
    now = now or timezone.now()
    opened = [open_if_due(b, now) for b in Ballot.objects.filter(
        opened_at__isnull=True, opens_at__lte=now)]
    closed = [record_closing(b, now) for b in Ballot.objects.filter(
        opened_at__isnull=False, closed_at__isnull=True, closes_at__lte=now)]
    reminded = [send_reminders(b, now) for b in Ballot.objects.filter(
        opened_at__isnull=False, closed_at__isnull=True, reminder_sent_at__isnull=True,
        closes_at__gt=now, closes_at__lte=now + timedelta(hours=24))]
    return {"opened": len(opened), "closed": len(closed), "reminded": sum(reminded)}


def send_reminders(ballot: Ballot, now=None) -> int:
    """Remind members on the roll who have not voted, once, in the last 24 hours."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Ballot.objects.filter(
            pk=ballot.pk, reminder_sent_at__isnull=True, opened_at__isnull=False,
            closed_at__isnull=True, closes_at__gt=now,
            closes_at__lte=now + timedelta(hours=24)).update(reminder_sent_at=now)
        if not claimed:
            return 0
        count = RollEntry.objects.filter(ballot=ballot, has_voted=False).count()
        audit.record("voting.ballot.reminded", society=ballot.society, obj=ballot,
                     data={"not_yet_voted": count})
        transaction.on_commit(lambda: _remind(ballot))
    return count


def _remind(ballot: Ballot) -> None:
    from . import tasks

    if not emails_are_muted():
        tasks.remind_non_voters.enqueue(ballot.pk)


# --- closing, certifying, publishing ----------------------------------------------------------

def record_closing(ballot: Ballot, now=None) -> Ballot:
    """Stamp the closing of a ballot whose time has come (it already accepts nothing)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Ballot.objects.filter(pk=ballot.pk, closed_at__isnull=True,
                                        opened_at__isnull=False, closes_at__lte=now
                                        ).update(closed_at=F("closes_at"))
        if updated:
            ballot.refresh_from_db()
            audit.record("voting.ballot.closed", society=ballot.society, obj=ballot,
                         data={"at": ballot.closed_at, "early": False})
    return ballot


def close_ballot(ballot: Ballot, *, by, reason: str) -> Ballot:
    """Close an open ballot early, with a recorded reason."""
    reason = (reason or "").strip()
    if not reason:
        raise VotingError("Say why the ballot is closing early.", field="reason")
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.state != BallotState.OPEN:
            raise VotingError("Only an open ballot can be closed early.")
        ballot.closed_at, ballot.close_reason, ballot.closed_early_by = (
            timezone.now(), reason, by)
        ballot.save(update_fields=["closed_at", "close_reason", "closed_early_by"])
        audit.record("voting.ballot.closed", society=ballot.society, actor=by, obj=ballot,
                     data={"early": True, "reason": reason})
    return ballot


def certify_ballot(ballot: Ballot, *, by, note: str = "") -> Ballot:
    """The scrutineer certifies the count of a closed ballot."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.state != BallotState.CLOSED:
            raise VotingError("Only a closed ballot that has not been certified can be "
                              "certified.")
        if ballot.closed_at is None:
            ballot.closed_at = ballot.closes_at
        ballot.certified_at, ballot.certified_by, ballot.certificate_note = (
            timezone.now(), by, note.strip())
        ballot.save(update_fields=["closed_at", "certified_at", "certified_by",
                                   "certificate_note"])
        from .selectors import results

        summary = results(ballot).audit_summary()
        audit.record("voting.ballot.certified", society=ballot.society, actor=by, obj=ballot,
                     data=summary)
    return ballot


def publish_ballot(ballot: Ballot, *, by) -> Ballot:
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.state != BallotState.CERTIFIED:
            raise VotingError("A result can be published only after the scrutineer has "
                              "certified it.")
        ballot.published_at, ballot.published_by = timezone.now(), by
        ballot.save(update_fields=["published_at", "published_by"])
        audit.record("voting.ballot.published", society=ballot.society, actor=by, obj=ballot)
    return ballot


# --- casting -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FrozenFacts:
    option_ids: frozenset
    topic_ids: tuple


_FROZEN: dict[tuple, FrozenFacts] = {}


def frozen_facts(ballot: Ballot) -> FrozenFacts:
    """A ballot's option and topic ids. Once it has opened they never change, so each
    process keeps them and the busiest request, a vote, does not read them again."""
    key = (ballot.pk, ballot.opened_at)  # with the opening time, a reused id cannot match
    facts = _FROZEN.get(key) if ballot.opened_at else None
    if facts is None:
        facts = FrozenFacts(frozenset(ballot.options.values_list("pk", flat=True)),
                            tuple(ballot.topics.values_list("pk", flat=True)))
        if ballot.opened_at:
            if len(_FROZEN) > 1000:
                _FROZEN.clear()
            _FROZEN[key] = facts
    return facts


def validate_choices(ballot: Ballot, choices: dict) -> dict[int, int]:
    """Check a member's marks against the ballot's kind. `choices` maps option id to a value:
    1 for a chosen option, points for an allocation, a rank (1 = first) for an election."""
    option_ids = frozen_facts(ballot).option_ids
    try:
        marks = {int(k): int(v) for k, v in (choices or {}).items() if v not in (None, "", 0)}
    except (TypeError, ValueError):
        raise VotingError("Each answer must be a whole number.", field="choices") from None
    if set(marks) - option_ids:
        raise VotingError("That option is not on this ballot.", field="choices")
    if any(v < 0 for v in marks.values()):
        raise VotingError("Answers cannot be negative.", field="choices")
    kind = ballot.kind
    if kind in (BallotKind.RESOLUTION, BallotKind.CHOICE):
        if len(marks) != 1 or set(marks.values()) != {1}:
            raise VotingError("Choose one option.", field="choices")
    elif kind == BallotKind.APPROVAL:
        if not marks or set(marks.values()) != {1}:
            raise VotingError("Tick at least one option.", field="choices")
    elif kind == BallotKind.ALLOCATION:
        total = sum(marks.values())
        if total != ALLOCATION_POINTS:
            raise VotingError(f"Your points add up to {total}. They must add up to exactly "
                              f"{ALLOCATION_POINTS}.", field="choices")
    elif kind == BallotKind.RANKED:
        if not marks:
            raise VotingError("Put the number 1 next to your first choice.", field="choices")
        if sorted(marks.values()) != list(range(1, len(marks) + 1)):
            raise VotingError("Number your choices 1, 2, 3 and so on, using each number once "
                              "and without gaps.", field="choices")
    return marks


def roll_entry_for(ballot: Ballot, member: Member | None) -> RollEntry | None:
    if member is None:
        return None
    return RollEntry.objects.filter(ballot=ballot, member=member).first()


def cast_vote(ballot: Ballot, member: Member, choices: dict, *,
              interest: InterestAnswer | None = None, entry: RollEntry | None = None) -> str:
    """Record a member's vote and return their receipt code (shown once, never stored).
    The roll's has-voted flag and the vote are written together; the vote carries no member
    id. Where the ballot allows it, a later online vote replaces an earlier online one.
    When the ballot has topics, `interest` answers the conflict-of-interest prompt (see
    `conflicts.resolve`); a declaration made there is added to the register. `entry`, the
    member's roll entry, saves a query when the caller has it."""
    marks = validate_choices(ballot, choices)
    token = secrecy.voter_token(ballot.pk, member.pk)
    receipt = secrecy.new_receipt_code()
    try:
        with transaction.atomic():
            _cast(ballot, member, marks, token, receipt, interest, entry)
    except IntegrityError:
        raise VotingError("You have already voted in this ballot.") from None
    except DeclaredUnderRecusal as refusal:
        conflicts.keep_and_recuse(ballot, member, refusal.details)
        raise VotingError(refusal.message, field=refusal.field) from None
    return receipt


def _cast(ballot, member, marks, token, receipt, interest, entry) -> None:
    now = timezone.now()
    if entry is None or entry.member_id != member.pk or entry.ballot_id != ballot.pk:
        entry = RollEntry.objects.filter(ballot=ballot, member=member).first()
    if entry is None:
        _refuse_if_not_open(ballot, now)
        raise VotingError("You are not on the roll for this ballot.")
    if entry.recused:
        raise VotingError("You have an interest in what this ballot decides, so under the "
                          "co-op's rules you do not vote in it.")
    with_interest = conflicts.resolve(ballot, member, interest)
    if not hot_path.mark_voted_if_open(entry.pk, ballot.pk, now):
        ballot = _refuse_if_not_open(ballot, now)
        _replace_previous(ballot, entry, token)
    hot_path.insert_vote(
        ballot_id=ballot.pk, member_class_id=entry.member_class_id, voter_token=token,
        receipt_hash=secrecy.code_hash(receipt), cast_on=timezone.localdate(now),
        with_interest=with_interest, marks=marks)


def _refuse_if_not_open(ballot, now) -> Ballot:
    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.state_at(now) != BallotState.OPEN:
        raise VotingError("This ballot is not open for voting." if ballot.opened_at is None
                          else "This ballot has closed, so it cannot take any more votes.")
    return ballot


def _replace_previous(ballot, entry, token) -> None:
    """The member has voted before: refuse, or retire their earlier online vote."""
    RollEntry.objects.select_for_update().get(pk=entry.pk)
    if BallotPaper.objects.filter(roll_entry=entry, state=PaperState.COUNTED).exists():
        raise VotingError("Your paper ballot has already been counted, so you cannot vote "
                          "again.")
    previous = Vote.objects.filter(ballot=ballot, voter_token=token, current=True).first()
    if not ballot.allow_vote_changes or previous is None:
        raise VotingError("You have already voted in this ballot.")
    Vote.objects.filter(pk=previous.pk).update(current=False)
    VoteMark.objects.filter(vote=previous).update(current=False)


def enter_paper_vote(ballot: Ballot, *, code: str, choices: dict, by,
                     with_interest: bool = False) -> PaperState:
    """The scrutineer enters a returned paper by its one-time code. First received counts:
    if the member already voted online, the paper is kept as rejected and counted as such.
    Papers received by the closing time may be entered until the result is certified. A
    paper vote is dated the day the ballot opened and the paper keeps no return date, so
    neither says which day's votes a paper voter's is among."""
    marks = validate_choices(ballot, choices)
    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.opened_at is None or ballot.state not in (BallotState.OPEN, BallotState.CLOSED):
        raise VotingError("Papers can be entered only between opening and certification.")
    with transaction.atomic():
        paper = (BallotPaper.objects.select_for_update().select_related("roll_entry")
                 .filter(ballot=ballot, code_hash=secrecy.code_hash(code)).first())
        if paper is None:
            raise VotingError("No ballot paper of this ballot has that code. Check it and try "
                              "again.", field="code")
        if paper.state != PaperState.ISSUED:
            raise VotingError("This paper's code has already been used.", field="code")
        entry = paper.roll_entry
        if entry.recused:
            raise VotingError("This paper's member has an interest in the ballot's topics and "
                              "does not vote in it, so the paper cannot be counted.",
                              field="code")
        first = RollEntry.objects.filter(pk=entry.pk, has_voted=False).update(has_voted=True)
        paper.state = PaperState.COUNTED if first else PaperState.REJECTED
        paper.save(update_fields=["state"])
        if first:
            vote = Vote.objects.create(
                ballot=ballot, member_class_id=entry.member_class_id,
                voter_token=secrecy.voter_token(ballot.pk, entry.member_id),
                receipt_hash=secrecy.code_hash(secrecy.new_receipt_code()),
                cast_on=ballot.opened_at.date(), with_interest=with_interest)
            VoteMark.objects.bulk_create([
                VoteMark(vote=vote, ballot=ballot, member_class_id=entry.member_class_id,
                         option_id=option, value=value, with_interest=with_interest)
                for option, value in marks.items()])
        audit.record("voting.paper.entered", society=ballot.society, actor=by, obj=ballot,
                     data={"counted": bool(first)})
    return paper.state
