"""Reads for meetings that pages, the API and the services share: who gets notice, the
quorum, who votes in the room (and how), proxies held, when the AGM is due."""

from dataclasses import dataclass, field, replace

from django.db.models import Count, Q
from django.utils import timezone

from coop.enums import BOARD_ROLES, ProxyDeadlineUnit
from membership.models import Member
from voting.models import RollEntry

from . import rules
from .enums import MeetingKind, MeetingState
from .models import Attendance, Meeting, Proxy, Withdrawal


def current_members(society):
    return Member.objects.filter(society=society, ceased_on__isnull=True)


def notice_recipients(meeting: Meeting) -> list[Member]:
    """Every current member, or for a board meeting the current board members."""
    members = current_members(meeting.society)
    if meeting.kind == MeetingKind.BOARD:
        members = members.filter(user__in=_board_user_ids(meeting.society))
    return list(members.order_by("full_name"))


def sends_post(members) -> bool:
    """Whether any of `members` gets notice by post: they asked for letters, or have no
    email to send to (as `services.notice_methods` decides)."""
    return members.filter(Q(contact_by_post=True) | Q(contact_by_email=False) | Q(email="")
                          ).exists()


def notice_goes_by_post(meeting: Meeting) -> bool:
    members = current_members(meeting.society)
    if meeting.kind == MeetingKind.BOARD:
        members = members.filter(user__in=_board_user_ids(meeting.society))
    return sends_post(members)


def _board_user_ids(society):
    today = timezone.localdate()
    return (society.officers.filter(role__in=BOARD_ROLES, started_on__lte=today)
            .exclude(ended_on__lt=today).values("user_id"))


def visible_meetings(society, *, officer: bool):
    """Members see meetings once notice is sent (board meetings only if on the board);
    officers also see those being prepared."""
    meetings = Meeting.objects.filter(society=society)
    if not officer:
        meetings = meetings.filter(notice_sent_at__isnull=False).exclude(kind=MeetingKind.BOARD)
    return meetings.order_by("-starts_at")


def active_proxies(meeting: Meeting):
    return Proxy.objects.filter(meeting=meeting, revoked_at__isnull=True)


@dataclass
class Quorum:
    required: int
    present: int
    proxies: int  # absent members represented by a proxy who is present
    counts_proxies: bool

    @property
    def counted(self) -> int:
        return self.present + (self.proxies if self.counts_proxies else 0)

    @property
    def is_quorate(self) -> bool:
        return self.counted >= self.required

    def as_dict(self) -> dict:
        return {"quorum_required": self.required, "present": self.present,
                "proxies": self.proxies, "quorate": self.is_quorate}


def quorum(meeting: Meeting) -> Quorum:
    """The quorum from the rules and who is here now. Three queries."""
    society = meeting.society
    present_ids = set(Attendance.objects.filter(meeting=meeting).values_list("member_id",
                                                                             flat=True))
    if meeting.kind == MeetingKind.BOARD:
        board = Member.objects.filter(society=society, user__in=_board_user_ids(society))
        return Quorum(required=rules.board_quorum_required(board.count()),
                      present=len(present_ids), proxies=0, counts_proxies=False)
    represented = {a for a, h in active_proxies(meeting).values_list("appointer_id", "holder_id")
                   if h in present_ids and a not in present_ids}
    members = current_members(society).count()
    return Quorum(required=rules.quorum_required(members, society.quorum_minimum,
                                                 society.quorum_percent),
                  present=len(present_ids), proxies=len(represented),
                  counts_proxies=society.quorum_counts_proxies)


@dataclass
class Room:
    """Who votes on one item at the meeting, and how."""

    on_roll: set = field(default_factory=set)  # member ids
    by_hand: set = field(default_factory=set)  # counted by the tellers
    directed: dict = field(default_factory=dict)  # appointer id -> for/against/abstain
    undirected_by_holder: dict = field(default_factory=dict)  # holder id -> {appointer ids}
    hands_by_class: dict = field(default_factory=dict)  # class id -> most hands possible


def room(item) -> Room:
    """Members present vote themselves; an absent member whose proxy holder is present is
    voted for by the holder (at once, if directed). Anyone who withdrew from the item does
    not vote. People voting by hand, and their undirected proxies, are counted by tellers.
    Once the item's vote has opened, only those on its roll count."""
    meeting = item.meeting
    withdrawn = set(Withdrawal.objects.filter(item=item).values_list("member_id", flat=True))
    # A member who voted ahead of the meeting has voted: not again in the room, nor by proxy
    # (the vote cast ahead stands); present, they may still vote the proxies they hold.
    ahead = voted_ahead(item)
    present = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)
               .select_related("member")}
    result = Room()
    holders = set()
    for member_id, attendance in present.items():
        if member_id in withdrawn or not attendance.member.is_current:
            continue
        holders.add(member_id)
        if member_id in ahead:
            continue
        result.on_roll.add(member_id)
        if attendance.votes_by_hand:
            result.by_hand.add(member_id)
    directions = _directions(item)
    proxies = active_proxies(meeting).select_related("appointer")
    for proxy in proxies:
        appointer = proxy.appointer
        if proxy.holder_id not in holders or appointer.pk in present \
                or appointer.pk in withdrawn | ahead or not appointer.is_current:
            continue
        result.on_roll.add(appointer.pk)
        direction = directions.get(proxy.pk)
        if direction:
            result.directed[appointer.pk] = direction
        elif proxy.holder_id in result.by_hand:
            result.by_hand.add(appointer.pk)
        else:
            result.undirected_by_holder.setdefault(proxy.holder_id, set()).add(appointer.pk)
    ballot = item.ballot
    if ballot is not None and ballot.opened_at:
        # Once the vote is open its roll is frozen: people who arrive later do not vote on it.
        frozen = set(ballot.roll.values_list("member_id", flat=True))
        result.on_roll &= frozen
        result.by_hand &= frozen
        result.directed = {m: d for m, d in result.directed.items() if m in frozen}
        result.undirected_by_holder = {h: held & frozen for h, held in
                                       result.undirected_by_holder.items() if held & frozen}
    classes = dict(Member.objects.filter(pk__in=result.by_hand)
                   .values_list("pk", "member_class_id"))
    for member_id in result.by_hand:
        class_id = classes[member_id]
        result.hands_by_class[class_id] = result.hands_by_class.get(class_id, 0) + 1
    return result


def voted_ahead(item) -> set:
    """Members who voted on this item's resolution ahead of the meeting."""
    if item.ballot_id is None:
        return set()
    return set(RollEntry.objects.filter(ballot__adds_to_id=item.ballot_id, has_voted=True)
               .values_list("member_id", flat=True))


def _directions(item) -> dict:
    from .models import ProxyInstruction

    return dict(ProxyInstruction.objects.filter(item=item).values_list("proxy_id", "direction"))


def proxy_deadline_at(meeting: Meeting) -> rules.ProxyDeadline:
    """The exact deadline under the society's rule: clear days, or hours before the start."""
    society = meeting.society
    in_hours = society.proxy_deadline_unit == ProxyDeadlineUnit.HOURS
    return rules.proxy_deadline_at(timezone.localtime(meeting.starts_at),
                                   clear_days=society.proxy_deadline_clear_days,
                                   hours=society.proxy_deadline_hours if in_hours else None)


def proxy_deadline(meeting: Meeting):
    """The last day a proxy can be appointed for this meeting (the deadline's date)."""
    return proxy_deadline_at(meeting).day


def proxies_held(meeting: Meeting, holder: Member):
    return active_proxies(meeting).filter(holder=holder).select_related("appointer")


def proxy_of(meeting: Meeting, appointer: Member) -> Proxy | None:
    return (active_proxies(meeting).filter(appointer=appointer)
            .select_related("holder").prefetch_related("instructions__item").first())


def last_agm_date(society):
    held = (Meeting.objects.filter(society=society, kind=MeetingKind.AGM,
                                   ended_at__isnull=False)
            .order_by("-starts_at").values_list("starts_at", flat=True).first())
    return timezone.localdate(held) if held else None


def agm_status(society, today=None) -> rules.AgmDue:
    """When the next AGM is due by the rules."""
    today = today or timezone.localdate()
    return rules.agm_due(
        today, year_end=rules.last_year_end(today, society.financial_year_end_month,
                                            society.financial_year_end_day),
        last_agm=last_agm_date(society),
        months_after_year_end=society.agm_months_after_year_end,
        max_months_between=society.agm_max_months_between)


AGM_WARNING_DAYS = 90


def next_agm(society) -> Meeting | None:
    """The soonest AGM whose notice has gone out and that has not ended or been cancelled."""
    return (Meeting.objects.filter(society=society, kind=MeetingKind.AGM,
                                   notice_sent_at__isnull=False, cancelled_at__isnull=True,
                                   ended_at__isnull=True).order_by("starts_at").first())


def agm_warning(society, today=None) -> rules.AgmDue | None:
    """The AGM-due warning for the secretary: within 90 days of the date, or past it, and no
    AGM already called for before then. An AGM called for a later date is named in it."""
    status = agm_status(society, today)
    if status.days_left > AGM_WARNING_DAYS:
        return None
    called = next_agm(society)
    if called is None:
        return status
    return None if called.date <= status.due_by else replace(status, called_for=called.date)


def meeting_counts(meetings) -> dict:
    """For lists: attendance and proxy numbers per meeting, in one query each."""
    ids = [m.pk for m in meetings]
    present = dict(Attendance.objects.filter(meeting__in=ids).values_list("meeting_id")
                   .annotate(n=Count("id")).order_by())
    proxies = dict(Proxy.objects.filter(meeting__in=ids, revoked_at__isnull=True)
                   .values_list("meeting_id").annotate(n=Count("id")).order_by())
    return {pk: {"present": present.get(pk, 0), "proxies": proxies.get(pk, 0)} for pk in ids}


def open_requisitions(society):
    from .models import Requisition

    return (Requisition.objects.filter(society=society)
            .filter(Q(meeting__isnull=True))
            .annotate(support=Count("supporters")).order_by("-started_at"))


def live_meetings(society):
    return Meeting.objects.filter(society=society, started_at__isnull=False,
                                  ended_at__isnull=True)


def is_upcoming(meeting: Meeting) -> bool:
    return meeting.state in (MeetingState.CALLED, MeetingState.LIVE)


def upcoming_meetings_for(members) -> dict[int, list[Meeting]]:
    """For the home page: each society's called or live general meetings, soonest first.
    One query whatever the number of societies."""
    society_ids = [m.society_id for m in members if m is not None]
    if not society_ids:
        return {}
    meetings = (Meeting.objects.filter(society__in=society_ids, notice_sent_at__isnull=False,
                                       ended_at__isnull=True, cancelled_at__isnull=True)
                .exclude(kind=MeetingKind.BOARD).order_by("starts_at"))
    by_society: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_society.setdefault(meeting.society_id, []).append(meeting)
    return by_society


@dataclass
class VoteAhead:
    """A resolution of the meeting members can vote on now, ahead of it."""

    item: object
    ballot: object
    voted: bool  # this member has voted ahead on it


def votes_ahead(meeting, member) -> list[VoteAhead]:
    """The meeting's resolutions open for voting ahead on which `member` is on the roll.
    Two queries, however many resolutions."""
    from voting.enums import BallotState
    from voting.models import Ballot

    if member is None:
        return []
    ballots = [b for b in Ballot.objects.filter(
        adds_to__agenda_item__meeting=meeting, adds_to__agenda_item__withdrawn_at__isnull=True)
        .select_related("adds_to__agenda_item").order_by("adds_to__agenda_item__position")
        if b.state == BallotState.OPEN]
    roll = dict(RollEntry.objects.filter(ballot__in=ballots, member=member, recused=False)
                .values_list("ballot_id", "has_voted"))
    return [VoteAhead(item=b.adds_to.agenda_item, ballot=b, voted=roll[b.pk])
            for b in ballots if b.pk in roll]
