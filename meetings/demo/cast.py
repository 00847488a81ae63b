"""The demo's people (officers by role, members by login, the rest by class) and the
steps every demo meeting takes through the services: calling it, standing, ranking,
voting in the room and checking in."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from membership.models import MemberClass
from voting import services as voting
from voting.models import Ballot

from .. import elections, selectors, services
from ..models import (
    AgendaItem,
    Contest,
    Meeting,
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


class Cast:
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


def set_seats(society, seats_by_position=SEATS) -> None:
    # Shortcut: the demo classes get their seats directly, as the classes page would set them.
    for position, seats in enumerate(seats_by_position):
        MemberClass.objects.filter(society=society, position=position).update(board_seats=seats)


def at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def call_meeting(cast: Cast, *, kind: str, title: str, starts_at=None, place: bool = True,
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


def stand(cast: Cast, contest: Contest, candidates: list, *, unseconded: int = 0,
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


def close_nominations(meeting: Meeting) -> list[Contest]:
    # Shortcut: nominations must close in the future when they open, and an election
    # starts only once they have closed; the demo closes them now instead of waiting.
    Contest.objects.filter(meeting=meeting).update(
        nominations_close_at=timezone.now() - timedelta(seconds=1))
    return list(Contest.objects.filter(meeting=meeting).select_related("member_class")
                .order_by("member_class__position"))


def rank_votes(cast: Cast, ballot: Ballot, voters: list, favourites: dict) -> None:
    options = list(ballot.options.all())
    for member in voters:
        order = sorted(options, key=lambda o: -favourites.get(o.label, 0) - cast.rng.random())
        voting.cast_vote(ballot, member, {o.pk: rank for rank, o in enumerate(
            order[:cast.rng.randint(2, len(options))], 1)})


def vote_in_room(cast: Cast, item: AgendaItem, on_devices: list, leaning: float) -> None:
    """Members on their devices vote; the tellers count the hands of everyone voting by
    hand (a third of them against)."""
    item = fresh(item)
    options = {o.code: o.pk for o in item.ballot.options.all()}
    for member in on_devices:
        pick = "for" if cast.rng.random() < leaning else cast.rng.choice(["against",
                                                                          "abstain"])
        voting.cast_vote(item.ballot, member, {options[pick]: 1})
    counts = {class_id: {options["for"]: hands - hands // 3, options["against"]: hands // 3}
              for class_id, hands in selectors.room(item).hands_by_class.items()}
    services.enter_teller_counts(item, counts, by=cast.secretary)


def check_in_all(cast: Cast, meeting: Meeting, present: list, by_hand: list) -> None:
    """The secretary marks people present at the door (some vote by a show of hands)."""
    for member in present:
        services.check_in(meeting, member, by=cast.secretary, by_hand=member in by_hand)


def open_nominations(cast: Cast, meeting: Meeting) -> list[Contest]:
    contests = elections.open_nominations(meeting, by=cast.secretary,
                                          close_at=timezone.now() + timedelta(days=1))
    return sorted(contests, key=lambda c: c.member_class.position)
