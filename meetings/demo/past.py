"""Last year's AGM: held, counted, its trustees appointed, its minutes waiting."""

from datetime import datetime, timedelta

from django.utils import timezone

from voting import services as voting
from voting.models import Ballot, RoomCount, Vote

from .. import elections, minutes, services
from ..enums import MeetingKind
from ..models import (
    AgendaItem,
    Apology,
    Attendance,
    Contest,
    Meeting,
    Minutes,
    Nomination,
    NoticeDelivery,
    Proxy,
)
from .cast import (
    CHAIR,
    LAST_AGM_DAYS_AGO,
    SECRETARY,
    Cast,
    at,
    call_meeting,
    check_in_all,
    close_nominations,
    fresh,
    open_nominations,
    rank_votes,
    stand,
    vote_in_room,
)

# --- last year's AGM --------------------------------------------------------------------------

def last_agm(cast: Cast) -> Meeting:
    """Held about 11 months ago on a Tuesday evening, in the room only."""
    day = timezone.localdate() - timedelta(days=LAST_AGM_DAYS_AGO)
    day -= timedelta(days=(day.weekday() - 1) % 7)
    held = at(day, 18, 30)
    meeting, accounts = _call_last(cast, day)
    pool = cast.members_by(day)
    cast.rng.shuffle(pool)
    chair = cast.login[CHAIR]
    present, by_hand, absent = [chair, cast.login[SECRETARY]] + pool[:11], pool[2:5], pool[11:]
    for member in absent[:2]:
        services.record_apology(meeting, member, by=cast.secretary)
    services.appoint_proxy(meeting, absent[2], present[3], instructions={accounts.pk: "for"})
    stv = [elections.start_election(c, by=cast.secretary,
                                    closes_at=timezone.now() + timedelta(hours=2))
           for c in close_nominations(meeting)][0]
    voters = [m for m in cast.others_in(0, by=day) if cast.rng.random() < 0.8]
    rank_votes(cast, stv, voters + [chair], favourites={chair.full_name: 0.8})

    # Shortcut: called for a valid future date, the meeting moves to the day it was held
    # before it starts, so everything from here on happens "at" it (the new trustees' terms
    # start on that day).
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=held)
    check_in_all(cast, fresh(meeting), present, by_hand)
    meeting = services.start_meeting(fresh(meeting), by=cast.chair)
    services.open_item_vote(fresh(accounts), by=cast.chair)
    vote_in_room(cast, accounts, [m for m in present if m not in by_hand], leaning=0.85)
    services.close_item_vote(fresh(accounts), by=cast.chair)
    services.declare_result(fresh(accounts), by=cast.chair)
    _count_and_appoint(cast, meeting, stv)
    meeting = services.end_meeting(meeting, by=cast.chair)
    drafted = minutes.draft_minutes(meeting, by=cast.secretary)
    minutes.edit_minutes(drafted, by=cast.secretary, text=drafted.text + (
        "\nAny other business\nThe chair thanked Pat Reid for acting as scrutineer and the "
        "tellers for counting the hands. The meeting closed at 8:15 pm.\n"))
    _backdate_last(meeting, held, fresh(accounts).ballot, stv)
    return fresh(meeting)


def _call_last(cast: Cast, day) -> tuple[Meeting, AgendaItem]:
    """The notice: the accounts to approve, and each class's candidates (the service users
    contested, the others unopposed)."""
    year_end = day.year if day.month > 3 else day.year - 1
    meeting, [accounts] = call_meeting(
        cast, kind=MeetingKind.AGM, title=f"Annual general meeting {day:%-d %B %Y}",
        resolutions=[{"title": "Approve the accounts", "resolution_kind": "ordinary",
                      "description": f"That the accounts for the year to 31 March "
                                     f"{year_end}, as presented by the treasurer, are "
                                     f"approved."}])
    services.move_item(accounts, by=cast.secretary, up=True)  # straight after the accounts
    contests = open_nominations(cast, meeting)
    standing = [[cast.login[CHAIR]] + cast.others_in(0, by=day)[:3],  # 4 for 3 seats: STV
                cast.others_in(1, by=day)[:1] + [cast.login[SECRETARY]],  # 2 for 2
                cast.others_in(2, by=day)[:2]]  # 2 for 2
    for contest, candidates in zip(contests, standing, strict=True):
        stand(cast, contest, candidates, by=day)
    services.send_notice(meeting, by=cast.secretary)
    return meeting, accounts


def _count_and_appoint(cast: Cast, meeting: Meeting, stv: Ballot) -> None:
    """Voting in the service users' election closes at the meeting; the scrutineer certifies
    the count and the chair appoints every class's elected trustees."""
    voting.close_ballot(stv, by=cast.secretary,
                        reason="Voting closed when the count began at the meeting.")
    voting.certify_ballot(stv, by=cast.scrutineer,
                          note="Counted by STV at the meeting: online and paper votes.")
    voting.publish_ballot(stv, by=cast.secretary)
    for contest in Contest.objects.filter(meeting=meeting).order_by("member_class__position"):
        elections.appoint_elected(contest, by=cast.chair)


def _backdate_last(meeting: Meeting, held: datetime, accounts: Ballot, stv: Ballot) -> None:
    """Shortcut: each step above happened just now; move it to its place around the day the
    meeting was held (the audit log keeps the real times)."""
    days, minutes_ = (lambda n: held - timedelta(days=n)), (lambda n: held + timedelta(minutes=n))
    Meeting.objects.filter(pk=meeting.pk).update(
        created_at=days(35), notice_sent_at=days(20), started_at=minutes_(3),
        ended_at=minutes_(105))
    NoticeDelivery.objects.filter(meeting=meeting).update(sent_at=days(20))
    Nomination.objects.filter(contest__meeting=meeting).update(
        nominated_at=days(18), seconded_at=days(17), accepted_at=days(17))
    Contest.objects.filter(meeting=meeting).update(nominations_close_at=days(7),
                                                   appointed_at=minutes_(95))
    Contest.objects.filter(meeting=meeting, unopposed_at__isnull=False).update(
        unopposed_at=days(6))
    Proxy.objects.filter(meeting=meeting).update(appointed_at=days(5))
    Apology.objects.filter(meeting=meeting).update(recorded_at=days(2))
    Attendance.objects.filter(meeting=meeting).update(arrived_at=minutes_(-10))
    _backdate_ballot(accounts, created=days(35), opened=minutes_(40), closed=minutes_(50))
    RoomCount.objects.filter(ballot=accounts).update(entered_at=minutes_(48))
    _backdate_ballot(stv, created=days(6), opened=days(6), closed=minutes_(60))
    Minutes.objects.filter(meeting=meeting).update(drafted_at=days(-3), edited_at=days(-10))


def _backdate_ballot(ballot: Ballot, *, created, opened, closed) -> None:
    Ballot.objects.filter(pk=ballot.pk).update(
        created_at=created, opens_at=opened, opened_at=opened,
        record_date=timezone.localdate(opened), closes_at=closed, closed_at=closed,
        certified_at=closed + timedelta(minutes=2), published_at=closed + timedelta(minutes=3))
    Vote.objects.filter(ballot=ballot).update(cast_on=timezone.localdate(closed))  # a day only
