"""What general meetings are waiting for from a member, for the home page's "What needs you
now": nominations to accept or to second, proxies they hold for a coming meeting, and (for
the board) minutes not yet approved. A fixed number of queries whatever the number of
societies, meetings or nominations."""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from coop.enums import BOARD_ROLES
from coop.models import Officer

from .enums import MeetingKind
from .models import Minutes, Nomination, Proxy


@dataclass(frozen=True)
class Waiting:
    """One thing to do: what it is, in a sentence, and where to do it."""

    text: str
    url: str
    link_text: str


def waiting_for(members, user) -> dict[int, list[Waiting]]:
    """Each society's waiting items for `user`, whose current memberships are `members`."""
    members = [m for m in members if m is not None]
    found: dict[int, list[Waiting]] = {}
    for society_id, item in [*_to_accept(members), *_to_second(members),
                             *_proxies_held(members), *_minutes_to_approve(user)]:
        found.setdefault(society_id, []).append(item)
    return found


def _open_nominations():
    return Nomination.objects.filter(withdrawn_at__isnull=True,
                                     contest__nominations_close_at__gt=timezone.now(),
                                     contest__meeting__cancelled_at__isnull=True)


def _to_accept(members):
    for n in (_open_nominations().filter(candidate__in=members, accepted_at__isnull=True)
              .select_related("contest__meeting__society", "proposer")):
        society = n.contest.meeting.society
        yield society.pk, Waiting(
            f"{n.proposer.full_name} has nominated you to stand as a trustee at "
            f"{n.contest.meeting.title}. Say whether you agree to stand.",
            reverse("nomination_accept", args=[society.slug, n.pk]), "Agree to stand")


def _to_second(members):
    """Nominations in a member's own society that nobody has seconded yet (a member cannot
    second their own nomination or one they proposed)."""
    rows = (_open_nominations().filter(seconder__isnull=True,
                                       contest__meeting__society__in=[m.society_id
                                                                      for m in members])
            .exclude(candidate__in=members).exclude(proposer__in=members)
            .values("contest__meeting", "contest__meeting__title",
                    "contest__meeting__society", "contest__meeting__society__slug")
            .annotate(n=Count("pk")).order_by("contest__meeting__starts_at"))
    for row in rows:
        count = row["n"]
        yield row["contest__meeting__society"], Waiting(
            f"{count} nomination{'s' if count != 1 else ''} for {row['contest__meeting__title']} "
            f"{'need' if count != 1 else 'needs'} a seconder.",
            reverse("meeting_nominations", args=[row["contest__meeting__society__slug"],
                                                 row["contest__meeting"]]),
            "See the nominations")


def _proxies_held(members):
    proxies = (Proxy.objects.filter(holder__in=members, revoked_at__isnull=True,
                                    meeting__ended_at__isnull=True,
                                    meeting__cancelled_at__isnull=True,
                                    meeting__notice_sent_at__isnull=False)
               .exclude(meeting__kind=MeetingKind.BOARD)
               .select_related("meeting__society", "appointer").order_by("meeting__starts_at"))
    for proxy in proxies:
        meeting = proxy.meeting
        yield meeting.society.pk, Waiting(
            f"You are {proxy.appointer.full_name}'s proxy at {meeting.title} on "
            f"{timezone.localtime(meeting.starts_at):%A %-d %B}: you vote for them there.",
            reverse("meeting_detail", args=[meeting.society.slug, meeting.pk]),
            "About the meeting")


def _minutes_to_approve(user):
    """For the board: minutes drafted and not yet approved."""
    today = timezone.localdate()
    boards = (Officer.objects.filter(user=user, role__in=BOARD_ROLES, started_on__lte=today)
              .exclude(ended_on__lt=today).values("society_id"))
    for minutes in (Minutes.objects.filter(meeting__society__in=boards, approved_at__isnull=True)
                    .select_related("meeting__society").order_by("meeting__starts_at")):
        meeting = minutes.meeting
        yield meeting.society.pk, Waiting(
            f"The minutes of {meeting.title} are waiting to be approved at the next meeting.",
            reverse("minutes_edit", args=[meeting.society.slug, meeting.pk]),
            "Read the minutes")
