"""Demo general meetings, made through the meeting and voting services so the record is real:

- last year's AGM: held, with attendance, apologies, a proxy, the accounts approved (votes
  cast on devices and hands counted by tellers), each class's trustees elected (service users
  by STV with a certified count, the others unopposed) and appointed with terms, and minutes
  drafted and waiting for approval;
- this year's AGM, happening now: notice sent 16 days ago, people checked in in the room and
  online, apologies, a directed and an undirected proxy, a special resolution being voted on,
  an ordinary resolution not yet opened, the service users' STV election open, the carers
  elected unopposed and the personal assistants' election still to start;
- a general meeting called for next month, open for proxies;
- a requisition gathering support, below its threshold.

The demo logins are left free to act: user@ and pa@ have not checked in, carer@ holds an
undirected proxy, nobody with a login has voted in this year's ballots, and nobody with a
login has a proxy for next month's meeting.

The services refuse times in the past (a meeting must start in the future, nominations close
in the future, notice needs its clear days), so meetings are called for a valid future date
and their timestamps are then moved with queryset .update(). Each such move is marked
"Shortcut:" below; nothing else is written around the services."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from membership.models import InterestTopic, MemberClass
from voting import services as voting
from voting.models import Ballot, RoomCount, Vote

from . import elections, minutes, selectors, services
from .enums import MeetingKind
from .models import (
    AgendaItem,
    Apology,
    Attendance,
    Contest,
    Meeting,
    Minutes,
    Nomination,
    NoticeDelivery,
    Proxy,
    Requisition,
    RequisitionSupport,
)

CHAIR, SECRETARY, SCRUTINEER = ("trustee1@demo.coop", "secretary@demo.coop",
                                "scrutineer@demo.coop")
TRUSTEE, CARER = "trustee2@demo.coop", "carer@demo.coop"
SEATS = [3, 2, 2]  # trustee seats of the classes in order: service users, carers, PAs
# Since last year's AGM the rules doubled the board, so this year half the seats are up (the
# other half are held by last year's trustees, whose terms continue).
SEATS_NOW = [6, 4, 4]
LAST_AGM_DAYS_AGO = 345  # about 11 months
PLACE = "Mill Lane Community Centre, 1 Mill Lane, Sheffield S1 2AB"
ONLINE = "https://video.example.org/mutual-support-agm"
ACCESS = ("Step-free entrance from the car park. Hearing loop in the main hall. A BSL "
          "interpreter and live captions online. Accessible toilets on the ground floor. Ask "
          "Ruth Hughes (secretary@demo.coop) about transport or a personal assistant's costs.")
STATEMENTS = [
    "I use the co-op's support every day. I want members to have more say in who works "
    "with them and when.",
    "I have been a member for years and sat on the services group. I would like to help the "
    "board keep our promises on choice and control.",
    "I care for my son. I know how hard it is to get a break, and I want carers' voices "
    "heard at every board meeting.",
    "I have worked as a PA for six years. I want the board to hear what makes a good job "
    "for the people we employ.",
    "I am good with numbers and I would like to help the board read the accounts and plan "
    "for hard years.",
    "I want our meetings to be easy for everyone to join, in the room or online.",
]


def seed(society, *, users: dict) -> bool:
    """Create the demo meetings once. `users` maps the demo logins' emails to their users;
    those people are kept free for a visitor to act as. Returns False when the society
    already has meetings (nothing changes)."""
    if Meeting.objects.filter(society=society).exists():
        return False
    cast = _Cast(society, users)
    _set_seats(society)
    _last_agm(cast)
    _this_agm(cast)
    _next_meeting(cast)
    _requisition(cast)
    return True


class _Cast:
    """The people the demo uses: officers by role, members by login, and the members with
    no login (who do the demo's voting, standing and proxies), by class."""

    def __init__(self, society, users: dict):
        self.society, self.rng = society, random.Random(7)
        self.secretary, self.chair = users[SECRETARY], users[CHAIR]
        self.scrutineer = users[SCRUTINEER]
        members = list(society.members.current().select_related("user", "member_class")
                       .order_by("admitted_on", "pk"))
        self.login = {m.user.email: m for m in members if m.user.email in users}
        self.others = [m for m in members if m.user.email not in users]
        self.classes = list(society.member_classes.order_by("position"))

    def others_in(self, position: int, *, by=None) -> list:
        """Members with no login in one class, longest-standing first (admitted by `by`)."""
        class_id = self.classes[position].pk
        return [m for m in self.others if m.member_class_id == class_id
                and (by is None or m.admitted_on <= by)]

    def members_by(self, day) -> list:
        return [m for m in self.others if m.admitted_on <= day]


def _set_seats(society, seats_by_position=SEATS) -> None:
    # Shortcut: the demo classes get their seats directly, as the classes page would set them.
    for position, seats in enumerate(seats_by_position):
        MemberClass.objects.filter(society=society, position=position).update(board_seats=seats)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _call(cast: _Cast, *, kind: str, title: str, starts_at=None, place: bool = True,
          online: bool = False, resolutions=()) -> tuple[Meeting, list[AgendaItem]]:
    """Call a meeting with its resolutions, by default for a valid date 20 days ahead (the
    caller then moves it to its real date once the services have made their checks)."""
    meeting = services.create_meeting(
        cast.society, by=cast.secretary, kind=kind, title=title,
        starts_at=starts_at or timezone.now() + timedelta(days=20),
        place=PLACE if place else "", online_link=ONLINE if online else "",
        access_notes=ACCESS)
    items = [services.add_item(meeting, by=cast.secretary, **fields) for fields in resolutions]
    return meeting, items


def _stand(cast: _Cast, contest: Contest, candidates: list, *, unseconded: int = 0,
           by=None) -> None:
    """Nominate each candidate: every other one nominates themself, the rest are proposed by
    a member of another class (admitted by `by`) and accept. All are seconded except the
    last `unseconded`."""
    backers = [m for m in cast.members_by(by or timezone.localdate())
               if m.member_class_id != contest.member_class_id]
    for i, candidate in enumerate(candidates):
        proposer, seconder = cast.rng.sample(backers, 2)
        statement = STATEMENTS[(i + contest.member_class.position) % len(STATEMENTS)]
        if i % 2 == 0:
            nomination = elections.nominate(contest, proposer=candidate, candidate=candidate,
                                            statement=statement)
        else:
            nomination = elections.nominate(contest, proposer=proposer, candidate=candidate)
            elections.accept(nomination, candidate, statement=statement)
        if i < len(candidates) - unseconded:
            elections.second(nomination, seconder)


def _close_nominations(meeting: Meeting) -> list[Contest]:
    # Shortcut: nominations must close in the future when they open, and an election
    # starts only once they have closed; the demo closes them now instead of waiting.
    Contest.objects.filter(meeting=meeting).update(
        nominations_close_at=timezone.now() - timedelta(seconds=1))
    return list(Contest.objects.filter(meeting=meeting).select_related("member_class")
                .order_by("member_class__position"))


def _rank(cast: _Cast, ballot: Ballot, voters: list, favourites: dict) -> None:
    options = list(ballot.options.all())
    for member in voters:
        order = sorted(options, key=lambda o: -favourites.get(o.label, 0) - cast.rng.random())
        voting.cast_vote(ballot, member, {o.pk: rank for rank, o in enumerate(
            order[:cast.rng.randint(2, len(options))], 1)})


def _vote_in_room(cast: _Cast, item: AgendaItem, on_devices: list, leaning: float) -> None:
    """Members on their devices vote; the tellers count the hands of everyone voting by
    hand (a third of them against)."""
    item = _fresh(item)
    options = {o.code: o.pk for o in item.ballot.options.all()}
    for member in on_devices:
        pick = "for" if cast.rng.random() < leaning else cast.rng.choice(["against",
                                                                          "abstain"])
        voting.cast_vote(item.ballot, member, {options[pick]: 1})
    counts = {class_id: {options["for"]: hands - hands // 3, options["against"]: hands // 3}
              for class_id, hands in selectors.room(item).hands_by_class.items()}
    services.enter_teller_counts(item, counts, by=cast.secretary)


def _check_in(cast: _Cast, meeting: Meeting, present: list, by_hand: list) -> None:
    """The secretary marks people present at the door (some vote by a show of hands)."""
    for member in present:
        services.check_in(meeting, member, by=cast.secretary, by_hand=member in by_hand)


# --- last year's AGM --------------------------------------------------------------------------

def _last_agm(cast: _Cast) -> Meeting:
    """Held about 11 months ago on a Tuesday evening, in the room only."""
    day = timezone.localdate() - timedelta(days=LAST_AGM_DAYS_AGO)
    day -= timedelta(days=(day.weekday() - 1) % 7)
    held = _at(day, 18, 30)
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
           for c in _close_nominations(meeting)][0]
    voters = [m for m in cast.others_in(0, by=day) if cast.rng.random() < 0.8]
    _rank(cast, stv, voters + [chair], favourites={chair.full_name: 0.8})

    # Shortcut: called for a valid future date, the meeting moves to the day it was held
    # before it starts, so everything from here on happens "at" it (the new trustees' terms
    # start on that day).
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=held)
    _check_in(cast, _fresh(meeting), present, by_hand)
    meeting = services.start_meeting(_fresh(meeting), by=cast.chair)
    services.open_item_vote(_fresh(accounts), by=cast.chair)
    _vote_in_room(cast, accounts, [m for m in present if m not in by_hand], leaning=0.85)
    services.close_item_vote(_fresh(accounts), by=cast.chair)
    services.declare_result(_fresh(accounts), by=cast.chair)
    _count_and_appoint(cast, meeting, stv)
    meeting = services.end_meeting(meeting, by=cast.chair)
    drafted = minutes.draft_minutes(meeting, by=cast.secretary)
    minutes.edit_minutes(drafted, by=cast.secretary, text=drafted.text + (
        "\nAny other business\nThe chair thanked Pat Reid for acting as scrutineer and the "
        "tellers for counting the hands. The meeting closed at 8:15 pm.\n"))
    _backdate_last(meeting, held, _fresh(accounts).ballot, stv)
    return _fresh(meeting)


def _call_last(cast: _Cast, day) -> tuple[Meeting, AgendaItem]:
    """The notice: the accounts to approve, and each class's candidates (the service users
    contested, the others unopposed)."""
    year_end = day.year if day.month > 3 else day.year - 1
    meeting, [accounts] = _call(
        cast, kind=MeetingKind.AGM, title=f"Annual general meeting {day:%-d %B %Y}",
        resolutions=[{"title": "Approve the accounts", "resolution_kind": "ordinary",
                      "description": f"That the accounts for the year to 31 March "
                                     f"{year_end}, as presented by the treasurer, are "
                                     f"approved."}])
    services.move_item(accounts, by=cast.secretary, up=True)  # straight after the accounts
    contests = _open_nominations(cast, meeting)
    standing = [[cast.login[CHAIR]] + cast.others_in(0, by=day)[:3],  # 4 for 3 seats: STV
                cast.others_in(1, by=day)[:1] + [cast.login[SECRETARY]],  # 2 for 2
                cast.others_in(2, by=day)[:2]]  # 2 for 2
    for contest, candidates in zip(contests, standing, strict=True):
        _stand(cast, contest, candidates, by=day)
    services.send_notice(meeting, by=cast.secretary)
    return meeting, accounts


def _open_nominations(cast: _Cast, meeting: Meeting) -> list[Contest]:
    contests = elections.open_nominations(meeting, by=cast.secretary,
                                          close_at=timezone.now() + timedelta(days=1))
    return sorted(contests, key=lambda c: c.member_class.position)


def _count_and_appoint(cast: _Cast, meeting: Meeting, stv: Ballot) -> None:
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


# --- this year's AGM, happening now -----------------------------------------------------------

def _this_agm(cast: _Cast) -> Meeting:
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
    users, carers, _pas = _close_nominations(meeting)  # the PAs' election is still to start
    stv = elections.start_election(users, by=cast.secretary,
                                   closes_at=timezone.now() + timedelta(days=2))
    elections.start_election(carers, by=cast.secretary, closes_at=None)  # unopposed
    _rank(cast, stv, cast.rng.sample(cast.others_in(0), 9),
          favourites={candidates[1].full_name: 0.6})

    # Shortcut: moved from its valid future date to a few minutes ago, so it can start now.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start)
    _check_in(cast, _fresh(meeting), present, by_hand)
    meeting = services.start_meeting(_fresh(meeting), by=cast.chair)
    for member in online:
        services.check_in(meeting, member, online=True)  # themselves, from home
    services.record_withdrawal(_fresh(contract), cast.login[CHAIR], by=cast.chair,
                               reason="Family link to Caring Hands Ltd (on the register of "
                                      "interests).")
    services.open_item_vote(_fresh(special), by=cast.chair)
    _vote_in_room(cast, special, [m for m in pool[:10] if m not in by_hand], leaning=0.8)
    _backdate_this(meeting, start, [special.ballot_id, contract.ballot_id])
    return _fresh(meeting)


def _call_this(cast: _Cast, start: datetime):
    """The notice: a special and an ordinary resolution, and the candidates: five service
    users for three seats, two carers for two, and three valid PAs for two (a fourth was
    never seconded)."""
    contracts = InterestTopic.objects.get(society=cast.society, name="Contracts and suppliers")
    meeting, [special, contract] = _call(
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
    _set_seats(meeting.society, SEATS_NOW)
    users, carers, pas = _open_nominations(cast, meeting)
    candidates = cast.others_in(0)[3:8]  # not those who stood last year
    _stand(cast, users, candidates)
    _stand(cast, carers, cast.others_in(1)[1:3])
    _stand(cast, pas, cast.others_in(2)[2:6], unseconded=1)
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

def _next_meeting(cast: _Cast) -> Meeting:
    """Called today for about 30 days ahead (a Monday to Thursday evening), online only:
    members can appoint proxies."""
    day = timezone.localdate() + timedelta(days=30)
    day += timedelta(days=(1 - day.weekday()) % 7 if day.weekday() > 3 else 0)
    meeting, [federation] = _call(
        cast, kind=MeetingKind.GENERAL, title=f"General meeting {day:%-d %B %Y}",
        starts_at=_at(day, 18, 30), place=False, online=True, resolutions=[
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


def _requisition(cast: _Cast) -> Requisition:
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
