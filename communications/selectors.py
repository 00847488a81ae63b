"""Who gets a message and how: the reads that the compose page, the counts, the API and the
sending share, so the counts shown before sending are exactly what sending does."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coop.enums import BOARD_ROLES
from meetings.models import NoticeDelivery
from membership.models import Member
from voting.models import RollEntry

from . import consent
from .enums import Audience, DeliveryStatus, Method, Preference
from .models import AddressProblem, Delivery, Message

PLAN_FIELDS = ("pk", "full_name", "email", "address", "postcode", "contact_by_email",
               "contact_by_post", "large_print", "easy_read")


@dataclass(frozen=True)
class Planned:
    """One copy of a message to be made: a row of `Delivery` before it is written."""

    member_id: int
    method: str
    address: str
    large_print: bool
    easy_read: bool


@dataclass(frozen=True)
class Counts:
    members: int
    email: int
    post: int
    large_print: int
    easy_read: int
    left_out: int  # chosen, but news they have not agreed to get (or no way to reach them)


def audience_members(message: Message) -> QuerySet:
    """The current members the message's audience and saved filter choose."""
    society = message.society
    today = timezone.localdate()
    members = Member.objects.filter(society=society).current()
    if message.audience == Audience.CLASSES:
        members = members.filter(member_class__in=message.classes.all())
    elif message.audience == Audience.NOT_VOTED:
        members = members.filter(pk__in=RollEntry.objects.filter(
            ballot_id=message.ballot_id, has_voted=False, recused=False).values("member_id"))
    elif message.audience == Audience.MEETING:
        members = members.filter(pk__in=NoticeDelivery.objects.filter(
            meeting_id=message.meeting_id).values("member_id"))
    elif message.audience == Audience.BOARD:
        board = (society.officers.filter(role__in=BOARD_ROLES, started_on__lte=today)
                 .exclude(ended_on__lt=today).values("user_id"))
        members = members.filter(user__in=board)
    if message.joined_since:
        members = members.filter(admitted_on__gte=message.joined_since)
    if message.preference == Preference.EMAIL:
        members = members.filter(contact_by_email=True)
    elif message.preference:
        members = members.filter(**{
            Preference.POST: {"contact_by_post": True},
            Preference.LARGE_PRINT: {"large_print": True},
            Preference.EASY_READ: {"easy_read": True}}[message.preference])
    return members


def bad_addresses(addresses) -> set[str]:
    """Which of these email addresses the provider reported as bouncing or complaining."""
    wanted = {a.lower() for a in addresses if a}
    found = set()
    chunk = list(wanted)
    for start in range(0, len(chunk), 500):  # SQLite's limit on query parameters
        found |= set(AddressProblem.objects.filter(address__in=chunk[start:start + 500])
                     .values_list("address", flat=True))
    return found


def methods_for(row: dict, *, notice: bool, bad: set[str]) -> list[str]:
    """How one member gets the message. Email if they take it and the address works; post if
    they asked for post. A statutory notice that cannot go by email goes by post (the law
    needs it to reach them); news that cannot goes nowhere."""
    methods = []
    if row["contact_by_email"] and row["email"] and row["email"].lower() not in bad:
        methods.append(Method.EMAIL)
    if row["contact_by_post"] or (notice and not methods):
        methods.append(Method.POST)
    return methods


def plan(message: Message) -> tuple[list[Planned], int]:
    """Every copy to make, and how many chosen members get none (news without consent)."""
    chosen = audience_members(message)
    members = consent.consenting(chosen) if message.is_news else chosen
    rows = list(members.order_by("full_name", "pk").values(*PLAN_FIELDS))
    bad = bad_addresses(r["email"] for r in rows)
    planned, reached = [], 0
    for row in rows:
        methods = methods_for(row, notice=not message.is_news, bad=bad)
        reached += bool(methods)
        for method in methods:
            address = row["email"] if method == Method.EMAIL else \
                f"{row['address']}\n{row['postcode']}".strip()
            planned.append(Planned(row["pk"], method, address, row["large_print"],
                                   row["easy_read"]))
    return planned, chosen.count() - reached


def counts(message: Message) -> Counts:
    """How many get the message, by email, by post, in large print and in easy read."""
    if message.queued_at:
        return sent_counts(message)
    planned, left_out = plan(message)
    return Counts(
        members=len({p.member_id for p in planned}),
        email=sum(p.method == Method.EMAIL for p in planned),
        post=sum(p.method == Method.POST for p in planned),
        large_print=sum(p.method == Method.POST and p.large_print for p in planned),
        easy_read=len({p.member_id for p in planned if p.easy_read}),
        left_out=left_out)


def sent_counts(message: Message) -> Counts:
    rows = Delivery.objects.filter(message=message).aggregate(
        members=Count("member", distinct=True),
        email=Count("pk", filter=Q(method=Method.EMAIL)),
        post=Count("pk", filter=Q(method=Method.POST)),
        large_print=Count("pk", filter=Q(method=Method.POST, large_print=True)),
        easy_read=Count("member", distinct=True, filter=Q(easy_read=True)))
    return Counts(**rows, left_out=0)


def progress(message: Message) -> dict[str, dict[str, int]]:
    """{method: {status: number}} for the delivery report."""
    found = {m: {s: 0 for s in DeliveryStatus.values} for m in Method.values}
    for row in (Delivery.objects.filter(message=message).values("method", "status")
                .annotate(n=Count("pk")).order_by()):
        found[row["method"]][row["status"]] = row["n"]
    return found


def failures(message: Message, limit: int = 200):
    return (Delivery.objects.filter(message=message, status=DeliveryStatus.FAILED)
            .select_related("member").order_by("member__full_name")[:limit])


def officer_messages(society) -> QuerySet:
    return Message.objects.filter(society=society).select_related("created_by")


def member_messages(member: Member) -> QuerySet:
    """The messages sent to this member, newest first (one row per message)."""
    return (Message.objects.filter(deliveries__member=member, queued_at__isnull=False)
            .distinct().order_by("-queued_at", "-id"))


def due_messages() -> QuerySet:
    """Scheduled messages whose time has come and that have not gone yet."""
    return Message.objects.filter(send_at__lte=timezone.now(), queued_at__isnull=True)
