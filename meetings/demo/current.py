"""This year's AGM happening now, next month's general meeting, and a requisition
gathering support."""

from datetime import datetime, timedelta

from django.utils import timezone

from membership.models import InterestTopic
from voting.models import Ballot

from .. import elections, services
from ..enums import MeetingKind
from ..models import (
    Apology,
    Attendance,
    Contest,
    Meeting,
    Nomination,
    NoticeDelivery,
    Proxy,
    Requisition,
    RequisitionSupport,
)
from .cast import (
    CARER,
    CHAIR,
    SEATS_NOW,
    SECRETARY,
    TRUSTEE,
    Cast,
    at,
    call_meeting,
    check_in_all,
    close_nominations,
    fresh,
    open_nominations,
    rank_votes,
    set_seats,
    stand,
    vote_in_room,
)

# --- this year's AGM, happening now -----------------------------------------------------------

def this_agm(cast: Cast) -> Meeting:
    """Started about 20 minutes ago, in the room and online."""
    now = timezone.localtime()
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=20 + now.minute % 5)
    meeting, special, contract, candidates = _call_this(cast, start)
    pool = [m for m in cast.others if m not in candidates]
    cast.rng.shuffle(pool)
    present = [cast.login[e] for e in (CHAIR, SECRETARY, TRUSTEE, CARER)] + pool[:7]
    by_hand, online, absent = pool[:2], pool[7:10], pool[10:]
    for member in absent[:3]:
        services.record_apology(meeting, member)
    services.appoint_proxy(meeting, absent[3], pool[2], instructions={special.pk: "for"})
    services.appoint_proxy(meeting, absent[4], cast.login[CARER])  # undirected
    users, carers, _pas = close_nominations(meeting)  # the PAs' election is still to start
    stv = elections.start_election(users, by=cast.secretary,
                                   closes_at=timezone.now() + timedelta(days=2))
    elections.start_election(carers, by=cast.secretary, closes_at=None)  # unopposed
    rank_votes(cast, stv, cast.rng.sample(cast.others_in(0), 9),
          favourites={candidates[1].full_name: 0.6})

    # Shortcut: moved from its valid future date to a few minutes ago, so it can start now.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start)
    check_in_all(cast, fresh(meeting), present, by_hand)
    meeting = services.start_meeting(fresh(meeting), by=cast.chair)
    for member in online:
        services.check_in(meeting, member, online=True)  # themselves, from home
    services.record_withdrawal(fresh(contract), cast.login[CHAIR], by=cast.chair,
                               reason="Family link to Caring Hands Ltd (on the register of "
                                      "interests).")
    services.open_item_vote(fresh(special), by=cast.chair)
    vote_in_room(cast, special, [m for m in pool[:10] if m not in by_hand], leaning=0.8)
    _backdate_this(meeting, start, [special.ballot_id, contract.ballot_id])
    return fresh(meeting)


def _call_this(cast: Cast, start: datetime):
    """The notice: a special and an ordinary resolution, and the candidates: five service
    users for three seats, two carers for two, and three valid PAs for two (a fourth was
    never seconded)."""
    contracts = InterestTopic.objects.get(society=cast.society, name="Contracts and suppliers")
    meeting, [special, contract] = call_meeting(
        cast, kind=MeetingKind.AGM, title=f"Annual general meeting {start:%-d %B %Y}",
        online=True, resolutions=[
            {"title": "Change the rules to allow hybrid board meetings",
             "resolution_kind": "special",
             "description": "That rule 52 is replaced by: ‘The board may meet in a room, "
                            "online, or with some trustees in the room and others online. A "
                            "trustee who takes part online counts towards the quorum and may "
                            "vote.’"},
            {"title": "Renew the out-of-hours cover contract", "resolution_kind": "ordinary",
             "topics": [contracts],
             "description": "That the co-op renews its contract with Caring Hands Ltd for "
                            "out-of-hours cover for two more years, at no more than £38,000 a "
                            "year."}])
    set_seats(meeting.society, SEATS_NOW)
    users, carers, pas = open_nominations(cast, meeting)
    candidates = cast.others_in(0)[3:8]  # not those who stood last year
    stand(cast, users, candidates)
    stand(cast, carers, cast.others_in(1)[1:3])
    stand(cast, pas, cast.others_in(2)[2:6], unseconded=1)
    services.send_notice(meeting, by=cast.secretary)
    return meeting, special, contract, candidates


def _backdate_this(meeting: Meeting, start: datetime, ballot_ids: list) -> None:
    """Shortcut: notice went out 16 days ago (15 clear days), nominations closed a week
    before the meeting, proxies came in before their deadline, and the people marked present
    at the door arrived before it started."""
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        created_at=now - timedelta(days=24), notice_sent_at=now - timedelta(days=16),
        started_at=start + timedelta(minutes=2))
    NoticeDelivery.objects.filter(meeting=meeting).update(sent_at=now - timedelta(days=16))
    Ballot.objects.filter(pk__in=ballot_ids).update(created_at=now - timedelta(days=24))
    Nomination.objects.filter(contest__meeting=meeting).update(
        nominated_at=now - timedelta(days=22), accepted_at=now - timedelta(days=21))
    Nomination.objects.filter(contest__meeting=meeting, seconded_at__isnull=False).update(
        seconded_at=now - timedelta(days=20))
    Contest.objects.filter(meeting=meeting).update(
        nominations_close_at=start - timedelta(days=7))
    for days, proxy in zip((9, 6), Proxy.objects.filter(meeting=meeting).order_by("pk"),
                           strict=True):
        Proxy.objects.filter(pk=proxy.pk).update(appointed_at=now - timedelta(days=days))
    Apology.objects.filter(meeting=meeting).update(recorded_at=now - timedelta(days=3))
    Attendance.objects.filter(meeting=meeting, marked_by__isnull=False).update(
        arrived_at=start - timedelta(minutes=8))


# --- next month's general meeting and a requisition ------------------------------------------

def next_meeting(cast: Cast) -> Meeting:
    """Called today for about 30 days ahead (a Monday to Thursday evening), online only:
    members can appoint proxies."""
    day = timezone.localdate() + timedelta(days=30)
    day += timedelta(days=(1 - day.weekday()) % 7 if day.weekday() > 3 else 0)
    meeting, [federation] = call_meeting(
        cast, kind=MeetingKind.GENERAL, title=f"General meeting {day:%-d %B %Y}",
        starts_at=at(day, 18, 30), place=False, online=True, resolutions=[
            {"title": "Join the Northern Federation of User-Led Organisations",
             "resolution_kind": "ordinary",
             "description": "That the co-op joins the Northern Federation of User-Led "
                            "Organisations, at a yearly fee of £250, and the board appoints "
                            "one trustee to its members' council."}])
    services.add_item(meeting, by=cast.secretary, title="The Saturday activity club",
                      description="An update on the club's first months, with questions.")
    services.send_notice(meeting, by=cast.secretary)
    pool = list(cast.others)
    cast.rng.shuffle(pool)
    services.appoint_proxy(meeting, pool[0], pool[1], instructions={federation.pk: "against"})
    services.appoint_proxy(meeting, pool[2], pool[3])
    services.record_apology(meeting, pool[4])
    return meeting


def requisition_gathering_support(cast: Cast) -> Requisition:
    """Started six days ago; a few more have supported it, not yet enough."""
    pool = list(reversed(cast.others))
    requisition = services.start_requisition(
        cast.society, pool[0], purpose="Call a general meeting to decide whether the co-op "
                                       "moves its office to the step-free ground floor of the "
                                       "Mill Lane Community Centre.")
    for member in pool[1:min(3, requisition.supporters_needed - 1)]:
        services.support_requisition(requisition, member)
    # Shortcut: started six days ago, supported since.
    now = timezone.now()
    Requisition.objects.filter(pk=requisition.pk).update(started_at=now - timedelta(days=6))
    for days, support in enumerate(requisition.supporters.order_by("pk")):
        RequisitionSupport.objects.filter(pk=support.pk).update(
            supported_at=now - timedelta(days=6 - 2 * days))
    return requisition
