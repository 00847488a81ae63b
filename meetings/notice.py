"""The notice of a meeting in its three forms, and the minutes as a PDF.

`notice_context` is what every notice says (the notice page, the email and the letter all use
it): who is meeting, when (in the site's time zone), where or how to join, access, the business
with each resolution's exact words and the share of the vote it needs, the right to appoint a
proxy and its deadline, how to send apologies, and the link to the meeting page.

Email goes out in batches over one mail connection, each message with an `.ics` invitation;
members who asked for easy read get a short easy-read version first. Letters are one A4 letter
per member on the post list, addressed for a window envelope, with a proxy form to post back;
large print (18pt) for those who asked or for everyone. PDFs are built with WeasyPrint like the
ballot papers (`voting/papers.py`): their own small templates and stylesheets, and every URL
WeasyPrint meets is refused, so text an officer typed cannot make the server fetch anything."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .enums import AgendaItemKind, AttendanceMode, MeetingKind, NoticeMethod
from .models import Meeting, Minutes
from .rules import date_text, time_text  # noqa: F401 (read from here too)
from .selectors import proxy_deadline_at

BATCH = 200  # emails sent over one connection
DURATION = timedelta(hours=2)  # how long the calendar invitation blocks out


@dataclass(frozen=True)
class Resolution:
    text: str
    kind: str  # ordinary, special (or custom)
    kind_label: str  # "ordinary resolution"
    threshold_percent: Decimal
    needs: str  # "more than half (50%) of the votes for and against"


@dataclass(frozen=True)
class NoticeItem:
    position: int
    title: str
    description: str
    kind: str
    resolution: Resolution | None
    seats: tuple[str, ...] = ()  # an election: "Service users: 2 seats", one per class


# --- what the notice says ----------------------------------------------------------------------

def _site_url(name: str, *args) -> str:
    """The full address of a page, or "" while that page does not exist."""
    try:
        return settings.SITE_URL + reverse(name, args=args)
    except NoReverseMatch:
        return ""


def local(moment: datetime) -> datetime:
    """A moment in the site's time zone (Europe/London), whatever zone is active."""
    return timezone.localtime(moment, timezone.get_default_timezone())


def percent_text(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"  # 75, 66.67


def _resolution(ballot) -> Resolution:
    kind = ballot.resolution_kind
    percent = percent_text(ballot.threshold_percent)
    if kind == "ordinary":
        needs = "more than half (50%) of the votes for and against"
    else:
        needs = f"at least {percent}% of the votes for and against"
    label = {"ordinary": "ordinary resolution", "special": "special resolution"}.get(
        kind, "resolution")
    return Resolution(text=ballot.summary, kind=kind, kind_label=label,
                      threshold_percent=ballot.threshold_percent, needs=needs)


def _items(meeting: Meeting) -> list[NoticeItem]:
    seats = tuple(f"{c.member_class.name}: {c.seats} seat{'s' if c.seats != 1 else ''}"
                  for c in meeting.contests.select_related("member_class"))
    items = meeting.items.filter(withdrawn_at__isnull=True).select_related("ballot")
    return [NoticeItem(
        position=item.position, title=item.title, kind=item.kind,
        description=item.description if item.ballot_id is None else "",
        resolution=_resolution(item.ballot) if item.ballot_id else None,
        seats=seats if item.kind == AgendaItemKind.ELECTION else ())
        for item in items.order_by("position", "id")]


def notice_context(meeting: Meeting) -> dict:
    """Everything the notice says, for the notice page, the email and the letter."""
    society = meeting.society
    starts = local(meeting.starts_at)
    kind_label = MeetingKind(meeting.kind).label
    items = _items(meeting)
    proxies = meeting.takes_proxies
    deadline = proxy_deadline_at(meeting) if proxies else None
    args = (society.slug, meeting.pk)
    return {
        "society": society, "society_name": society.name,
        "society_address": society.address.strip(), "contact_email": society.contact_email,
        "meeting": meeting, "kind": meeting.kind, "kind_label": kind_label,
        "kind_lower": kind_label.lower(), "title": meeting.title,
        "starts_at": starts, "date": starts.date(), "date_text": date_text(starts.date()),
        "time_text": time_text(starts), "place": meeting.place.strip(),
        "place_line": _one_line(meeting.place),
        "online_link": meeting.online_link, "mode": meeting.mode,
        "mode_label": AttendanceMode(meeting.mode).label,
        "access_notes": meeting.access_notes.strip(),
        "items": items, "resolutions": [i for i in items if i.resolution],
        "proxies_allowed": proxies, "proxy_deadline": deadline.day if deadline else None,
        "proxy_deadline_text": deadline.text if deadline else "",
        "proxy_deadline_exact": deadline.exact if deadline else "",
        "max_proxies": society.max_proxies_per_holder,
        "cancelled": bool(meeting.cancelled_at), "cancel_reason": meeting.cancel_reason,
        "link": _site_url("meeting_detail", *args),
        "apologies_link": _site_url("meeting_apologies", *args),
        "proxy_link": _site_url("meeting_proxy", *args) if proxies else "",
        "ics_link": _site_url("meeting_ics", *args),
    }


def subject_for(context: dict) -> str:
    return (f"{context['society_name']}: notice of the {context['kind_lower']} on "
            f"{context['date_text']}")


# --- the calendar invitation -------------------------------------------------------------------

def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _one_line(text: str) -> str:
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def _description(context: dict) -> str:
    lines = [f"{context['kind_label']} of {context['society_name']}."]
    if context["place"] and context["online_link"]:
        lines.append(f"Join online: {context['online_link']}")
    if context["access_notes"]:
        lines.append(f"Access: {context['access_notes']}")
    lines += ["", "Business:"]
    for item in context["items"]:
        lines.append(f"{item.position}. {item.title}")
        if item.resolution:
            lines.append(f"   {item.resolution.kind_label.capitalize()}, needs "
                         f"{item.resolution.needs}: {item.resolution.text}")
    if context["proxies_allowed"]:
        lines += ["", f"Cannot come? You can appoint a proxy until "
                      f"{context['proxy_deadline_text']}."]
    if context["link"]:
        lines += ["", f"Details: {context['link']}"]
    return "\n".join(lines)


def ics_for(meeting: Meeting) -> bytes:
    """An iCalendar file with one event for the meeting. Its UID is the same every time, so
    a calendar updates the event rather than adding another; a cancelled meeting says so."""
    from icalendar import Calendar, Event, vCalAddress

    context = notice_context(meeting)
    uid = f"meeting-{meeting.pk}@{_host()}"
    organizer = vCalAddress(f"mailto:{_organizer_email(meeting)}")
    organizer.params["CN"] = meeting.society.name
    event = Event.new(
        uid=uid, stamp=timezone.now(), start=meeting.starts_at,
        summary=f"{meeting.title} ({meeting.society.name})",
        location=_one_line(meeting.place) or meeting.online_link,
        url=context["link"] or meeting.online_link or None,
        description=_description(context), organizer=organizer,
        status="CANCELLED" if meeting.cancelled_at else "CONFIRMED",
        sequence=1 if meeting.cancelled_at else 0)
    event.duration = DURATION
    calendar = Calendar.new(prodid=f"-//{_host()}//meetings//EN", method="PUBLISH",
                            uid=f"calendar-{uid}", subcomponents=[event])
    return calendar.to_ical()


def _organizer_email(meeting: Meeting) -> str:
    from email.utils import parseaddr

    return meeting.society.contact_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


# --- email -------------------------------------------------------------------------------------

def _send(messages: list) -> int:
    """One connection for the batch: the default mailer, so no deprecated API is used."""
    from django.core.mail import mailers

    return mailers.default.send_messages(messages) or 0


def email_notice(meeting_id: int) -> int:
    """Email the notice, with its invitation, to each member whose notice goes by email.
    A meeting cancelled before this runs sends nothing. Returns the number sent."""
    from django.core.mail import EmailMessage

    from .models import NoticeDelivery

    meeting = Meeting.objects.select_related("society").get(pk=meeting_id)
    if meeting.cancelled_at:
        return 0
    context = notice_context(meeting)
    subject, invite = subject_for(context), ics_for(meeting)
    # Only those not yet emailed: a task that runs again does not send twice.
    deliveries = (NoticeDelivery.objects.filter(meeting=meeting, method=NoticeMethod.EMAIL,
                                                emailed_at__isnull=True)
                  .exclude(address="").select_related("member").order_by("pk"))
    sent, batch, ids = 0, [], []
    for delivery in deliveries.iterator(chunk_size=BATCH):
        body = render_to_string("meetings/email/notice.txt", {
            **context, "name": delivery.member.full_name, "easy_read": delivery.easy_read})
        message = EmailMessage(subject, body, None, [delivery.address])
        message.attach("invite.ics", invite, "text/calendar")
        batch.append(message)
        ids.append(delivery.pk)
        if len(batch) >= BATCH:
            sent, batch, ids = sent + _send_and_record(batch, ids), [], []
    if batch:
        sent += _send_and_record(batch, ids)
    return sent


def _send_and_record(messages: list, delivery_ids: list) -> int:
    """Send a batch and record, on each delivery, when its email went."""
    from .models import NoticeDelivery

    sent = _send(messages)
    NoticeDelivery.objects.filter(pk__in=delivery_ids).update(emailed_at=timezone.now())
    return sent


# --- letters -----------------------------------------------------------------------------------

def _refuse(url, *args, **kwargs):
    raise ValueError(f"The meeting letters fetch nothing ({url})")


def _render(template: str, stylesheet: str, context: dict):
    from weasyprint import CSS, HTML  # heavy; only the PDFs need it

    html = render_to_string(template, context)
    css = render_to_string(stylesheet, context)
    return HTML(string=html, url_fetcher=_refuse).render(
        stylesheets=[CSS(string=css, url_fetcher=_refuse)])


def letters_context(meeting: Meeting, deliveries, *, large: bool = False) -> dict:
    forms = voting_forms(meeting)
    letters = [{
        "delivery": d, "member": d.member, "name": d.member.full_name,
        "address": d.address.strip(), "large": large or d.large_print,
        "easy_read": d.easy_read, "voting_form": forms.get(d.member_id, []),
    } for d in deliveries if d.method == NoticeMethod.POST]
    return {**notice_context(meeting), "letters": letters,
            "today_text": date_text(timezone.localdate())}


def voting_forms(meeting: Meeting) -> dict[int, list[dict]]:
    """{member id: rows}: for voting ahead, each resolution open for it on which the member
    has a paper not yet returned, with the paper's one-time code (derived again from the vote
    key, as `voting.papers` does). The form carries no name, so the scrutineer who enters it
    never sees whose it is."""
    from voting import secrecy
    from voting.enums import BallotState, PaperState
    from voting.models import BallotPaper

    papers = (BallotPaper.objects.filter(
        ballot__adds_to__agenda_item__meeting=meeting, state=PaperState.ISSUED,
        ballot__adds_to__agenda_item__withdrawn_at__isnull=True)
        .select_related("ballot__adds_to__agenda_item", "roll_entry")
        .order_by("ballot__adds_to__agenda_item__position"))
    forms: dict[int, list[dict]] = {}
    for paper in papers:
        ballot = paper.ballot
        if ballot.state != BallotState.OPEN:
            continue
        member_id = paper.roll_entry.member_id
        forms.setdefault(member_id, []).append({
            "item": ballot.adds_to.agenda_item, "code": secrecy.paper_code(ballot.pk, member_id),
            "closes_text": f"{time_text(local(ballot.closes_at))} on "
                           f"{date_text(local(ballot.closes_at).date())}"})
    return forms


def letters_document(meeting: Meeting, deliveries, *, large: bool = False):
    """The laid-out letters (their `pages` can be read before writing the PDF)."""
    return _render("meetings/letters/pdf.html", "meetings/letters/pdf.css",
                   letters_context(meeting, deliveries, large=large))


def letters_pdf(meeting: Meeting, deliveries, large: bool = False) -> bytes:
    """One A4 letter per post delivery, each starting on a new page: the full notice and a
    proxy form to post back. Large print for those who asked, or for all with `large`."""
    return letters_document(meeting, deliveries, large=large).write_pdf()


# --- minutes -----------------------------------------------------------------------------------

def minutes_context(minutes: Minutes) -> dict:
    meeting = minutes.meeting
    approved_at = minutes.approved_at_meeting
    return {
        "minutes": minutes, "meeting": meeting, "society": meeting.society,
        "kind_label": MeetingKind(meeting.kind).label,
        "date_text": date_text(local(meeting.starts_at).date()),
        "time_text": time_text(local(meeting.starts_at)),
        "locked": minutes.is_locked,
        "approved_meeting": approved_at,
        "approved_date_text": date_text(local(approved_at.starts_at).date())
        if approved_at else "",
    }


def minutes_document(minutes: Minutes):
    return _render("meetings/pdf/minutes.html", "meetings/pdf/minutes.css",
                   minutes_context(minutes))


def minutes_pdf(minutes: Minutes) -> bytes:
    """The minutes as written, line for line; marked DRAFT on every page until approved,
    then "Approved at <meeting> on <date>"."""
    return minutes_document(minutes).write_pdf()
