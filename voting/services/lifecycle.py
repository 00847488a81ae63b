"""A ballot's life after drafting: opening (freezing the roll, paper ballots, telling members),
scheduled work, closing, certifying and publishing."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from coop import audit
from coop.enums import ConflictPolicy
from membership.models import Declaration, InterestTopic, Member, MemberClass

from .. import frozen, scheduling, secrecy
from ..enums import (
    BallotKind,
    BallotState,
    Weighting,
)
from ..errors import VotingError
from ..models import Ballot, BallotPaper, ClassWeight, RollEntry, RoomCount
from ..selectors import results
from .box import open_box
from .drafting import check_draft_fields, require_draft
from .sealing import waiting_for_scrutineer

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
    if not ballot.seal_ready:
        raise VotingError("The votes are to be sealed for the scrutineer, who has not yet "
                          "set the passphrase. Ask them to set it, then open the ballot.",
                          field="scrutineer_seal")
    weights = list(ballot.class_weights.all())
    if not weights:
        raise VotingError("No class of members can vote in this ballot.")
    if ballot.weighting == Weighting.CLASS_SHARE and not sum(w.weight for w in weights):
        raise VotingError("Give at least one class a weight of 1 part or more before the "
                          "ballot opens.", field="weight")


def schedule_ballot(ballot: Ballot, *, by, opens_at, closes_at) -> Ballot:
    """Set the ballot to open by itself at `opens_at` (a background task does it)."""
    now = timezone.now()
    if opens_at <= now:
        raise VotingError("The opening time has passed. Open it now instead, or choose a "
                          "later time.", field="opens_at")
    with transaction.atomic():
        ballot = require_draft(ballot)
        if ballot.taken_at_meeting:
            raise VotingError("This resolution is voted on at its meeting: the chair opens "
                              "the vote there.")
        ballot.opens_at, ballot.closes_at = opens_at, closes_at
        check_draft_fields(ballot.society, {"opens_at": opens_at, "closes_at": closes_at})
        _check_ready(ballot, now)
        ballot.save(update_fields=["opens_at", "closes_at"])
        audit.record("voting.ballot.scheduled", society=ballot.society, actor=by, obj=ballot,
                     data={"opens_at": opens_at, "closes_at": closes_at})
        scheduling.defer(scheduling.OPEN_WHEN_DUE, ballot.pk, opens_at)
    return ballot


def open_ballot(ballot: Ballot, *, by=None, closes_at=None, room=None) -> Ballot:
    """Open now: freeze the roll, issue paper ballots to members who asked for post, and tell
    everyone on the roll. Side effects: roll and papers written; emails queued; reminder and
    closing tasks queued; audit entry.

    `room` (a `Room`) opens a vote taken at a meeting instead: the roll is the people in the
    room (and those they hold proxies for); nobody gets a paper or an email."""
    now = timezone.now()
    with transaction.atomic():
        ballot = require_draft(ballot)
        if ballot.taken_at_meeting and room is None:
            raise VotingError("This resolution is voted on at its meeting: the chair opens "
                              "the vote there.")
        if closes_at is not None:
            ballot.closes_at = closes_at
        _check_ready(ballot, now)
        ballot.opened_at = ballot.opens_at = now
        ballot.record_date = ballot.record_date or timezone.localdate(now)
        ballot.save(update_fields=["opened_at", "opens_at", "record_date", "closes_at"])
        frozen.forget(ballot.pk)
        on_roll = freeze_roll(ballot, only=room.member_ids if room else None)
        recused = recuse_interested(ballot)
        if room is not None:
            by_hand = RollEntry.objects.filter(ballot=ballot, member_id__in=room.by_hand,
                                               recused=False).update(has_voted=True)
            audit.record("voting.ballot.opened", society=ballot.society, actor=by, obj=ballot,
                         data={"roll": on_roll, "recused": recused, "in_room": True,
                               "by_hand": by_hand, "closes_at": ballot.closes_at})
            scheduling.defer(scheduling.CLOSE_WHEN_DUE, ballot.pk, ballot.closes_at)
            return ballot
        papers = issue_post_papers(ballot)
        audit.record("voting.ballot.opened", society=ballot.society, actor=by, obj=ballot,
                     data={"roll": on_roll, "recused": recused, "paper_ballots": papers,
                           "closes_at": ballot.closes_at})
        scheduling.email_after_commit(scheduling.ANNOUNCE, ballot.pk)
        scheduling.defer(scheduling.REMIND_WHEN_DUE, ballot.pk,
                         ballot.closes_at - timedelta(hours=24))
        scheduling.defer(scheduling.CLOSE_WHEN_DUE, ballot.pk, ballot.closes_at)
    return ballot


@dataclass(frozen=True)
class Room:
    """Who votes in a vote taken at a meeting: `member_ids` go on the roll (people present and
    the absent members whose proxy is present); `by_hand` are counted by the tellers, so they
    are marked as voted and cannot also vote on a device."""

    member_ids: frozenset
    by_hand: frozenset = frozenset()


def enter_room_counts(ballot: Ballot, counts: dict, *, by, limits: dict) -> None:
    """The tellers' count of hands: `counts` maps class id to {option id: hands}. `limits`
    maps class id to how many in that class vote by hand, which no class's count may pass.
    Entering again replaces the earlier count (a recount)."""
    ballot = Ballot.objects.get(pk=ballot.pk)
    if ballot.opened_at is None or ballot.certified_at is not None:
        raise VotingError("Hands can be counted only between opening and the declared result.")
    options = {o.pk for o in ballot.options.all()}
    classes = set(ballot.class_weights.values_list("member_class_id", flat=True))
    rows = []
    for class_id, per_option in counts.items():
        if class_id not in classes:
            raise VotingError("That class does not vote in this ballot.", field="counts")
        total = 0
        for option_id, hands in per_option.items():
            if option_id not in options:
                raise VotingError("That option is not on this ballot.", field="counts")
            if hands is None or hands < 0:
                raise VotingError("Counts cannot be negative.", field="counts")
            total += hands
            rows.append(RoomCount(ballot=ballot, member_class_id=class_id, option_id=option_id,
                                  count=hands, entered_by=by))
        limit = limits.get(class_id, 0)
        if total > limit:
            raise VotingError(f"The hands counted in one class ({total}) are more than the "
                              f"people voting by hand in it ({limit}). Count again.",
                              field="counts")
    with transaction.atomic():
        # Two tellers entering at once take turns: the later count replaces the earlier.
        Ballot.objects.select_for_update().filter(pk=ballot.pk).first()
        RoomCount.objects.filter(ballot=ballot, member_class_id__in=list(counts)).delete()
        RoomCount.objects.bulk_create(rows)
        audit.record("voting.room.counted", society=ballot.society, actor=by, obj=ballot,
                     data={"hands": sum(r.count for r in rows)})


def freeze_roll(ballot: Ballot, only=None) -> int:
    """Copy the members on the register on the record date, in a class that votes (and in
    the ballot's class, if limited), onto the roll in one INSERT ... SELECT. `only` (member
    ids) limits it to the people in the room at a meeting."""
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
    if only is not None:
        if not only:
            return 0
        ids = sorted(int(pk) for pk in only)
        sql += f" AND m.id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
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
        scheduling.email_after_commit(scheduling.REMIND, ballot.pk)
    return count


# --- closing, certifying, publishing ----------------------------------------------------------

def record_closing(ballot: Ballot, now=None) -> Ballot:
    """Stamp the closing of a ballot whose time has come (it already accepts nothing), and
    open the box (see `box.open_box`)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Ballot.objects.filter(pk=ballot.pk, closed_at__isnull=True,
                                        opened_at__isnull=False, closes_at__lte=now
                                        ).update(closed_at=F("closes_at"))
        if updated:
            frozen.forget(ballot.pk)
            ballot.refresh_from_db()
            audit.record("voting.ballot.closed", society=ballot.society, obj=ballot,
                         data={"at": ballot.closed_at, "early": False})
        if ballot.closed_at is not None:
            open_box(ballot)
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
        frozen.forget(ballot.pk)
        audit.record("voting.ballot.closed", society=ballot.society, actor=by, obj=ballot,
                     data={"early": True, "reason": reason})
        open_box(ballot, by=by)
    return ballot


def certify_ballot(ballot: Ballot, *, by, note: str = "") -> Ballot:
    """The scrutineer certifies the count of a closed ballot. Any envelope still sealed
    (a paper entered after close) is opened first, mixed with all the counted votes."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.state != BallotState.CLOSED:
            raise VotingError("Only a closed ballot that has not been certified can be "
                              "certified.")
        if waiting_for_scrutineer(ballot):
            raise VotingError("The votes are still sealed: open the box with the "
                              "scrutineer's passphrase before certifying.")
        open_box(ballot, by=by)
        if ballot.closed_at is None:
            ballot.closed_at = ballot.closes_at
        ballot.certified_at, ballot.certified_by, ballot.certificate_note = (
            timezone.now(), by, note.strip())
        ballot.save(update_fields=["closed_at", "certified_at", "certified_by",
                                   "certificate_note"])
        frozen.forget(ballot.pk)
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
        if ballot.adds_to_id:  # on its own it would show the room's split by subtraction
            raise VotingError("Votes cast ahead of a meeting are published only within the "
                              "meeting's result.")
        ballot.published_at, ballot.published_by = timezone.now(), by
        ballot.save(update_fields=["published_at", "published_by"])
        frozen.forget(ballot.pk)
        audit.record("voting.ballot.published", society=ballot.society, actor=by, obj=ballot)
    return ballot
