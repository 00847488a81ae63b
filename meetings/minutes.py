"""Minutes: a draft built from the meeting's record, which the secretary edits; approved at
a later meeting and then locked."""

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from coop import audit

from . import selectors
from .enums import AgendaItemKind, MeetingState
from .models import Apology, Attendance, Meeting, Minutes, Withdrawal
from .services import MeetingError


def _count(n: int, word: str) -> str:
    plural = "proxies" if word == "proxy" else f"{word}s"
    return f"{n} {word if n == 1 else plural}"


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def _result_line(ballot) -> str:
    from voting.disclosure import publish
    from voting.selectors import percent, results

    from .notice import percent_text

    if ballot is None or ballot.opened_at is None:
        return "No vote was taken."
    if ballot.certified_at is None:
        return "The vote was taken; the result has not been declared."
    result = publish(results(ballot))  # minutes go to every member: `voting.disclosure`
    if ballot.kind == "ranked" and result.stv:
        names = ", ".join(result.stv.names[pk] for pk in result.stv.elected)
        return f"Elected: {names}. {result.voted} voted."
    counts = {o.code: result.head_counts.get(o.pk, 0) for o in result.options}
    share = percent(result.outcome.for_ratio)
    verdict = "carried" if result.outcome.passed else "not carried"
    ordinary = ballot.resolution_kind == "ordinary"
    threshold = percent_text(ballot.threshold_percent)  # 50.00 -> "50", 66.50 -> "66.5"
    needed = f"more than {threshold}" if ordinary else f"at least {threshold}"
    ahead = _ahead_line(result)
    if result.figures_hidden:
        return (f"The {'ordinary' if ordinary else 'special'} resolution was {verdict} (it "
                f"needed {needed}% of the votes for and against, weighted by class). The "
                "figures are not given, to keep a small group's votes secret." + ahead)
    where = "in the room, by proxy and ahead of the meeting" if ahead else \
        "in the room and by proxy"
    return (f"The {'ordinary' if ordinary else 'special'} resolution was {verdict}: {share}% "
            f"for, weighted by class (it needed {needed}%). For {counts.get('for', 0)}, "
            f"against {counts.get('against', 0)}, abstained {counts.get('abstain', 0)}, "
            f"{where}." + ahead)


def _ahead_line(result) -> str:
    """How many voted ahead of the meeting: a total only, never by class."""
    n = result.ahead
    if not n:
        return ""
    return f" {n} {'vote' if n == 1 else 'votes'} {_were(n)} cast ahead of the meeting."


def draft_text(meeting: Meeting) -> str:
    """The minutes as the record has them: attendance and quorum, apologies, declarations
    and withdrawals, each resolution with its result, the election results."""
    local = timezone.localtime(meeting.starts_at)
    present = list(Attendance.objects.filter(meeting=meeting).select_related("member")
                   .order_by("member__full_name"))
    present_ids = {a.member_id for a in present}
    apologies = [a.member.full_name for a in Apology.objects.filter(meeting=meeting)
                 .select_related("member").order_by("member__full_name")
                 if a.member_id not in present_ids]
    quorum = selectors.quorum(meeting)
    proxies = selectors.active_proxies(meeting).count()
    lines = [
        f"Minutes of the {meeting.get_kind_display().lower()} of {meeting.society.name}",
        f"Held on {date_format(local, 'l j F Y')} at {date_format(local, 'g:i a')}"
        + (f" at {meeting.place.strip()}" if meeting.place else "")
        + (" and online" if meeting.online_link else "") + ".",
        "",
        "Attendance and quorum",
        f"{_count(quorum.present, 'member')} {_were(quorum.present)} present"
        + (f" ({sum(1 for a in present if a.online)} online)" if meeting.online_link else "")
        + f", and {quorum.proxies} more {_were(quorum.proxies)} represented by proxy "
          f"({_count(proxies, 'proxy')} appointed). The quorum was {quorum.required}; the "
          "meeting was "
        + ("quorate." if quorum.is_quorate else "not quorate."),
        "Present: " + (", ".join(a.member.full_name for a in present) or "none recorded") + ".",
        "",
        "Apologies",
        (", ".join(apologies) + ".") if apologies else "None.",
    ]
    items = list(meeting.items.filter(withdrawn_at__isnull=True).select_related("ballot")
                 .order_by("position"))
    withdrawals = {}
    for w in Withdrawal.objects.filter(item__meeting=meeting).select_related("member", "item"):
        withdrawals.setdefault(w.item_id, []).append(w)
    for item in items:
        lines += ["", f"{item.position}. {item.title}"]
        if item.kind == AgendaItemKind.DECLARATIONS:
            declared = [f"{w.member.full_name} ({w.item.title}" + (f": {w.reason})" if w.reason
                                                                   else ")")
                        for ws in withdrawals.values() for w in ws]
            lines.append("Declared and withdrew: " + "; ".join(declared) + "."
                         if declared else "No interests were declared that needed anyone to "
                                          "withdraw.")
            continue
        if item.description and item.kind != AgendaItemKind.RESOLUTION:
            lines.append(item.description)
        if item.kind == AgendaItemKind.RESOLUTION and item.ballot_id:
            lines.append(f"Resolution: {item.description}")
            for w in withdrawals.get(item.pk, []):
                lines.append(f"{w.member.full_name} declared an interest and withdrew"
                             + (f" ({w.reason})." if w.reason else "."))
            lines.append(_result_line(item.ballot))
        if item.kind == AgendaItemKind.ELECTION:
            lines += _election_lines(meeting)
    return "\n".join(lines) + "\n"


def _election_lines(meeting: Meeting) -> list[str]:
    from .elections import retiring_trustees

    lines = []
    for contest in meeting.contests.select_related("member_class", "ballot"):
        elected = [n.candidate.full_name for n in contest.nominations.filter(elected=True)
                   .select_related("candidate").order_by("candidate__full_name")]
        if contest.unopposed_at:
            lines.append(f"{contest.member_class} ({_count(contest.seats, 'seat')}): elected "
                         "unopposed: "
                         + ", ".join(elected) + ".")
        elif contest.ballot_id:
            lines.append(f"{contest.member_class} ({_count(contest.seats, 'seat')}), by STV: "
                         + _result_line(contest.ballot))
        else:
            lines.append(f"{contest.member_class} ({_count(contest.seats, 'seat')}): no election "
                         "held.")
    retiring = [o.user.display_name or o.user.email for o in retiring_trustees(meeting)]
    if retiring:
        lines.append("Retiring at this meeting: " + ", ".join(retiring) + ".")
    return lines or ["No election was held."]


def draft_minutes(meeting: Meeting, *, by) -> Minutes:
    """Build the draft from the record once the meeting has ended."""
    if meeting.state != MeetingState.ENDED:
        raise MeetingError("Minutes are drafted once the meeting has ended.")
    with transaction.atomic():
        if Minutes.objects.filter(meeting=meeting).exists():
            raise MeetingError("This meeting's minutes have already been drafted.")
        minutes = Minutes.objects.create(meeting=meeting, text=draft_text(meeting))
        audit.record("meetings.minutes.drafted", society=meeting.society, actor=by,
                     obj=meeting)
    return minutes


def edit_minutes(minutes: Minutes, *, by, text: str) -> Minutes:
    text = (text or "").strip()
    if not text:
        raise MeetingError("The minutes cannot be empty.", field="text")
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if minutes.is_locked:
            raise MeetingError("These minutes were approved and are locked.")
        old = minutes.text
        minutes.text, minutes.edited_at, minutes.edited_by = text + "\n", timezone.now(), by
        minutes.save(update_fields=["text", "edited_at", "edited_by"])
        audit.record("meetings.minutes.edited", society=minutes.meeting.society, actor=by,
                     obj=minutes.meeting, data={"from": old, "to": minutes.text})
    return minutes


def approve_minutes(minutes: Minutes, *, at_meeting: Meeting, by) -> Minutes:
    """Approved at a later meeting of the society while it is happening; locked after."""
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().select_related("meeting").get(
            pk=minutes.pk)
        if minutes.is_locked:
            raise MeetingError("These minutes have already been approved.")
        if at_meeting.society_id != minutes.meeting.society_id \
                or at_meeting.starts_at <= minutes.meeting.starts_at:
            raise MeetingError("Minutes are approved at a later meeting of the co-op.",
                               field="at_meeting")
        if at_meeting.state != MeetingState.LIVE:
            raise MeetingError("Minutes are approved while that meeting is happening.",
                               field="at_meeting")
        minutes.approved_at, minutes.approved_at_meeting, minutes.approved_by = (
            timezone.now(), at_meeting, by)
        minutes.save(update_fields=["approved_at", "approved_at_meeting", "approved_by"])
        audit.record("meetings.minutes.approved", society=minutes.meeting.society, actor=by,
                     obj=minutes.meeting, data={"at": at_meeting.title})
    return minutes


def minutes_to_approve(meeting: Meeting) -> Minutes | None:
    """At a live meeting: the earlier meeting's minutes waiting for approval, if any."""
    return (Minutes.objects.filter(meeting__society=meeting.society, approved_at__isnull=True,
                                   meeting__starts_at__lt=meeting.starts_at)
            .select_related("meeting").order_by("meeting__starts_at").first())
