"""What the meetings API reads to answer: a meeting's detail, the state of its notice and
the person's own part in it. Reads only; the rules are the services' and `rules`'."""

from django.db.models import Count, Q
from django.utils import timezone

from .. import rules, selectors, services
from ..enums import NoticeMethod
from ..models import Apology, Attendance, Meeting, NoticeDelivery


def with_detail(meeting: Meeting, viewer) -> Meeting:
    """The meeting with what its detail shows: the agenda, the notice, the quorum now and
    the person's own attendance, apology and proxy. A fixed number of queries."""
    meeting.agenda_items = list(meeting.items.select_related("ballot")
                                .prefetch_related("topics").order_by("position"))
    meeting.notice = notice_summary(meeting)
    meeting.quorum = selectors.quorum(meeting)
    meeting.viewer = viewer_summary(meeting, viewer)
    return meeting


def notice_summary(meeting: Meeting) -> dict:
    sent = meeting.notice_sent_at
    return {"sent_at": sent,
            "clear_days_given": (rules.clear_days(timezone.localdate(sent), meeting.date)
                                 if sent else None),
            "required": meeting.required_clear_days,
            "proxy_deadline": (selectors.proxy_deadline(meeting) if meeting.takes_proxies
                               else None),
            "proxy_deadline_at": (selectors.proxy_deadline_at(meeting).at
                                  if meeting.takes_proxies else None)}


def viewer_summary(meeting: Meeting, member) -> dict:
    if member is None:
        return {"member": None, "present": False, "online": None, "votes_by_hand": None,
                "apology": None, "proxy": None, "proxies_held": 0}
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    return {
        "member": member.pk,
        "present": attendance is not None,
        "online": attendance.online if attendance else None,
        "votes_by_hand": attendance.votes_by_hand if attendance else None,
        "apology": Apology.objects.filter(meeting=meeting, member=member)
                   .values_list("recorded_at", flat=True).first(),
        "proxy": selectors.proxy_of(meeting, member),
        "proxies_held": selectors.proxies_held(meeting, member).count(),
    }


def notice_status(meeting: Meeting, *, board: bool) -> dict:
    """Whether notice can be sent today and, for the board, how it went out."""
    timing = services.notice_timing(meeting)
    summary = notice_summary(meeting)
    return {
        "sent_at": summary["sent_at"],
        "clear_days_given": summary["clear_days_given"],
        "clear_days_today": timing.clear_days,
        "required": timing.required,
        "earliest_valid_date": timing.earliest,
        "latest_notice_date": timing.latest_notice,
        "can_send": not (reason := cannot_send_because(meeting)),
        "cannot_send_because": reason,
        "deliveries": delivery_counts(meeting) if board else None,
    }


def cannot_send_because(meeting: Meeting) -> str:
    """Why `services.send_notice` would refuse now, or "" when it would not."""
    try:
        services.check_can_send_notice(meeting)
    except services.MeetingError as error:
        return error.message
    return ""


def delivery_counts(meeting: Meeting) -> dict:
    return NoticeDelivery.objects.filter(meeting=meeting).aggregate(
        members=Count("member", distinct=True),
        email=Count("pk", filter=Q(method=NoticeMethod.EMAIL)),
        post=Count("pk", filter=Q(method=NoticeMethod.POST)),
        large_print=Count("pk", filter=Q(method=NoticeMethod.POST, large_print=True)),
        easy_read=Count("member", distinct=True, filter=Q(easy_read=True)))
