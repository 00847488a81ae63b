"""Who gets a message and how: the reads that the compose page, the counts, the API and the
sending share, so the counts shown before sending are exactly what sending does."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from coop.enums import BOARD_ROLES
from meetings.models import NoticeDelivery
from membership.models import Member
from voting.models import RollEntry

from . import consent
from .enums import Audience, DeliveryStatus, Method, Preference
from .models import AddressProblem, Delivery, Message


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


def by_method(message: Message) -> tuple[QuerySet, dict[str, QuerySet]]:
    """(the members chosen, {method: the members who get a copy that way}).

    Email to those who take it, whose address has not bounced or complained; post to those
    who asked for post. A statutory notice that cannot go by email goes by post (the law
    needs it to reach them); news goes only to members who agreed, and news that cannot go by
    email goes nowhere. Querysets, so that counting and queueing are the same rule, done in
    the database."""
    chosen = audience_members(message)
    members = consent.consenting(chosen) if message.is_news else chosen
    problem = AddressProblem.objects.filter(address=Lower(OuterRef("email")))
    by_email = (members.filter(contact_by_email=True).exclude(email="")
                .exclude(Exists(problem)))
    post_wanted = Q(contact_by_post=True)
    if not message.is_news:
        post_wanted |= ~Q(pk__in=by_email.values("pk"))
    return chosen, {Method.EMAIL: by_email, Method.POST: members.filter(post_wanted)}


def counts(message: Message) -> Counts:
    """How many get the message, by email, by post, in large print and in easy read, and how
    many chosen get nothing; once sent, what was sent."""
    if message.queued_at:
        return sent_counts(message)
    chosen, methods = by_method(message)
    email, post = methods[Method.EMAIL], methods[Method.POST]
    reached = chosen.filter(Q(pk__in=email.values("pk")) | Q(pk__in=post.values("pk")))
    members = reached.count()
    return Counts(members=members, email=email.count(), post=post.count(),
                  large_print=post.filter(large_print=True).count(),
                  easy_read=reached.filter(easy_read=True).count(),
                  left_out=chosen.count() - members)


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
