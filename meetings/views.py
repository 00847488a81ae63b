"""The member's meeting pages: the list, the notice with the member's own actions, check-in,
apologies, proxies (appointing, cancelling, voting as a proxy), the live results screen for
the room, nominations for the board, minutes and requisitions.

Current members of the society act for themselves; officers may also read the list, the
notice, the screen and the minutes. A meeting of another society, or one still being prepared
(for anyone who cannot manage meetings), is not found. The services decide every rule; their
refusals are shown on the page, next to the field they concern when there is one."""

import json

from django.conf import settings
from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coop import permissions as coop_permissions
from coop.decorators import society_context, society_view
from membership.models import Member

from . import permissions, selectors, services
from .enums import MeetingState, ProxyDirection
from .forms import (
    CheckInForm,
    ProxyForm,
    ProxyVotesForm,
    proxy_directions,
)
from .models import Apology, Attendance, Minutes, Proxy
from .permissions import acting_member, can_see_meetings, can_take_part
from .services import MeetingError

UPCOMING = {MeetingState.DRAFT, MeetingState.CALLED, MeetingState.LIVE}
RECEIPTS_COOKIE = "coop_proxy_receipts_{}"
RECEIPTS_AGE = 600


# --- who may do what ----------------------------------------------------------------------------

def visible_meeting(request, society, pk):
    """Another society's meeting, or one being prepared for someone who cannot manage
    meetings, is not found."""
    officer = permissions.can_manage_meetings(request.user, society)
    return get_object_or_404(selectors.visible_meetings(society, officer=officer)
                             .select_related("society"), pk=pk)


def posted(request):
    """The submitted form data on a POST (even an empty one, as a form of one button is),
    else None."""
    return request.POST if request.method == "POST" else None


def _to_detail(meeting):
    return redirect("meeting_detail", meeting.society.slug, meeting.pk)


# --- the list -----------------------------------------------------------------------------------

def _statuses(meetings, member) -> dict[int, list[str]]:
    """The member's own standing at each meeting, in three queries."""
    if member is None or not meetings:
        return {}
    ids = [m.pk for m in meetings]
    found: dict[int, list[str]] = {}
    for meeting_id in Attendance.objects.filter(meeting__in=ids, member=member) \
            .values_list("meeting_id", flat=True):
        found.setdefault(meeting_id, []).append("You checked in")
    for meeting_id in Apology.objects.filter(meeting__in=ids, member=member) \
            .values_list("meeting_id", flat=True):
        found.setdefault(meeting_id, []).append("You sent apologies")
    for meeting_id, name in Proxy.objects.filter(meeting__in=ids, appointer=member,
                                                 revoked_at__isnull=True) \
            .values_list("meeting_id", "holder__full_name"):
        found.setdefault(meeting_id, []).append(f"Your proxy: {name}")
    return found


@society_view(can_see_meetings)
def meetings_list(request, society):
    user = request.user
    manager = permissions.can_manage_meetings(user, society)
    meetings = list(selectors.visible_meetings(society, officer=manager))
    statuses = _statuses(meetings, acting_member(user, society))
    rows = [{"meeting": m, "state": m.state, "status": statuses.get(m.pk, [])}
            for m in meetings]
    upcoming = sorted((r for r in rows if r["state"] in UPCOMING),
                      key=lambda r: r["meeting"].starts_at)
    past = [r for r in rows if r["state"] not in UPCOMING]
    officer = coop_permissions.is_officer(user, society)
    return render(request, "meetings/member/list.html", society_context(
        request, society, upcoming=upcoming, past=past, manager=manager,
        agm_warning=selectors.agm_warning(society) if officer else None,
        can_act=can_take_part(user, society)))


# --- the notice and the member's actions --------------------------------------------------------

def _directions(proxy, items) -> list[dict]:
    """How the member told their proxy to vote on each resolution."""
    if proxy is None:
        return []
    given = proxy_directions(proxy)
    return [{"item": i, "direction": ProxyDirection(given[i.pk]).label if given.get(i.pk)
             else "your proxy decides"} for i in items if i.ballot_id]


def _your_votes(meeting, member, attendance, items) -> list[dict]:
    """Open votes at a live meeting for a member who is present: whether they vote on their
    device (not by hand), and how many absent members left this vote to them as proxy."""
    if attendance is None or not meeting.is_live:
        return []
    votes = []
    for item in items:
        if item.ballot_id and item.ballot.is_open:
            held = selectors.room(item).undirected_by_holder.get(member.pk, set())
            votes.append({"item": item, "undirected": len(held),
                          "on_device": not attendance.votes_by_hand,
                          "voted_ahead": member.pk in selectors.voted_ahead(item)})
    return votes


def _detail_context(request, society, meeting) -> dict:
    user = request.user
    member = acting_member(user, society)
    items = list(meeting.items.filter(withdrawn_at__isnull=True).select_related("ballot"))
    deadline = selectors.proxy_deadline_at(meeting)
    proxy = selectors.proxy_of(meeting, member) if member else None
    minutes = Minutes.objects.filter(meeting=meeting).first()
    manager = permissions.can_manage_meetings(user, society)
    state = meeting.state
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first() \
        if member else None
    return society_context(
        request, society, meeting=meeting, state=state, member=member, manager=manager,
        items=items,
        proxies_allowed=meeting.takes_proxies,
        proxy_deadline=deadline.day, proxy_deadline_text=deadline.text,
        proxy_open=state == MeetingState.CALLED and timezone.now() <= deadline.at,
        proxy=proxy, directions=_directions(proxy, items),
        held=list(selectors.proxies_held(meeting, member)) if member else [],
        attendance=attendance,
        apology=Apology.objects.filter(meeting=meeting, member=member).exists()
        if member else False,
        votes=_your_votes(meeting, member, attendance, items),
        ahead=selectors.votes_ahead(meeting, member) if state == MeetingState.CALLED else [],
        has_contests=meeting.contests.exists(),
        minutes=minutes if minutes and (minutes.is_locked or manager) else None)


@society_view(can_see_meetings)
def meeting_detail(request, society, pk):
    meeting = visible_meeting(request, society, pk)
    return render(request, "meetings/member/detail.html",
                  _detail_context(request, society, meeting))


@society_view(can_see_meetings)
def meeting_ics(request, society, pk):
    from . import notice

    meeting = visible_meeting(request, society, pk)
    response = HttpResponse(notice.ics_for(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{society.slug}-meeting-' \
                                      f'{meeting.pk}.ics"'
    return response


@society_view(can_take_part)
def meeting_check_in(request, society, pk):
    meeting = visible_meeting(request, society, pk)
    member = acting_member(request.user, society)
    form = CheckInForm(posted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in(meeting, member, online=form.cleaned_data["where"] == "online",
                              by_hand=form.cleaned_data["how"] == "hand")
        except MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "You are checked in. Welcome to the meeting.")
            return _to_detail(meeting)
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    return render(request, "meetings/member/check_in.html", society_context(
        request, society, meeting=meeting, form=form, attendance=attendance))


@require_POST
@society_view(can_take_part)
def meeting_apologies(request, society, pk):
    meeting = visible_meeting(request, society, pk)
    try:
        services.record_apology(meeting, acting_member(request.user, society))
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your apologies have been sent. They will be recorded in "
                                  "the minutes.")
    return _to_detail(meeting)


# --- proxies ------------------------------------------------------------------------------------

@society_view(can_take_part)
def meeting_proxy(request, society, pk):
    meeting = visible_meeting(request, society, pk)
    member = acting_member(request.user, society)
    proxy = selectors.proxy_of(meeting, member)
    items = meeting.items.filter(ballot__isnull=False, withdrawn_at__isnull=True)
    form = ProxyForm(posted(request), meeting=meeting, appointer=member, items=items,
                     proxy=proxy)
    if request.method == "POST" and form.is_valid():
        try:
            appointed = services.appoint_proxy(meeting, member, form.cleaned_data["holder"],
                                               instructions=form.instructions())
        except MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{appointed.holder.full_name} is now your proxy for "
                                      f"this meeting.")
            return _to_detail(meeting)
    deadline = selectors.proxy_deadline_at(meeting)
    return render(request, "meetings/member/proxy.html", society_context(
        request, society, meeting=meeting, form=form, proxy=proxy, deadline=deadline,
        closed=meeting.state != MeetingState.CALLED or timezone.now() > deadline.at))


@require_POST
@society_view(can_take_part)
def meeting_proxy_revoke(request, society, pk):
    meeting = visible_meeting(request, society, pk)
    member = acting_member(request.user, society)
    proxy = selectors.proxy_of(meeting, member)
    if proxy is None:
        messages.error(request, "You have not appointed a proxy for this meeting.")
        return _to_detail(meeting)
    try:
        services.revoke_proxy(proxy, member=member)
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Your proxy ({proxy.holder.full_name}) is cancelled. You "
                                  "can appoint someone else before the deadline.")
    return _to_detail(meeting)


def _receipts_cookie(request, item) -> tuple[str, dict]:
    return RECEIPTS_COOKIE.format(item.pk), {"salt": f"meetings.proxy.{item.pk}."
                                                     f"{request.user.pk}"}


@never_cache
@society_view(can_take_part)
def meeting_proxy_votes(request, society, pk, item_pk):
    """A proxy holder at the meeting votes for the absent members who left it to them. The
    receipt codes are shown once: they reach the page in a short-lived signed cookie that is
    deleted as it is shown, never stored on the server."""
    meeting = visible_meeting(request, society, pk)
    item = get_object_or_404(meeting.items.select_related("ballot", "meeting__society"),
                             pk=item_pk, ballot__isnull=False)
    member = acting_member(request.user, society)
    name, salt = _receipts_cookie(request, item)
    shown = request.get_signed_cookie(name, default=None, max_age=RECEIPTS_AGE, **salt)
    held = selectors.room(item).undirected_by_holder.get(member.pk, set()) \
        if item.ballot.is_open else set()
    voted = set(item.ballot.roll.filter(member__in=held, has_voted=True)
                .values_list("member_id", flat=True)) if held else set()
    appointers = list(Member.objects.filter(pk__in=held - voted).order_by("full_name"))
    form = ProxyVotesForm(posted(request), appointers=appointers,
                          options=item.ballot.options.all())
    if request.method == "POST" and form.is_valid():
        receipts = []
        for appointer, choices in form.votes():
            try:
                receipts.append([appointer.full_name,
                                 services.cast_proxy_vote(item, member, appointer, choices)])
            except MeetingError as error:
                messages.error(request, f"{appointer.full_name}: {error.message}")
        response = redirect(request.path)
        if receipts:
            messages.success(request, f"Votes cast for {len(receipts)} "
                                      f"member{'s' if len(receipts) != 1 else ''}.")
            response.set_signed_cookie(name, json.dumps(receipts), max_age=RECEIPTS_AGE,
                                       httponly=True, samesite="Lax", path=request.path,
                                       secure=settings.SESSION_COOKIE_SECURE, **salt)
        return response
    response = render(request, "meetings/member/proxy_votes.html", society_context(
        request, society, meeting=meeting, item=item, form=form, voted=Member.objects.filter(
            pk__in=voted).order_by("full_name"),
        receipts=json.loads(shown) if shown else []))
    if name in request.COOKIES:
        response.delete_cookie(name, path=request.path, samesite="Lax")
    return response


# --- the screen in the room ---------------------------------------------------------------------

def _screen(item, officer: bool) -> dict | None:
    from voting import disclosure
    from voting import selectors as voting
    from voting.models import RoomCount

    if item is None:
        return None
    ballot = item.ballot
    screen = {"item": item, "ballot": ballot,
              "visible": voting.results_visible(ballot, officer=officer)}
    if not screen["visible"]:
        return screen
    # Members in the room see what `disclosure` publishes; the officers running it, the count.
    result = disclosure.publish(voting.results(ballot), full=officer)
    screen["hidden"] = disclosure.hidden_text(result) if result.figures_hidden else ""
    hands = dict(RoomCount.objects.filter(ballot=ballot).values_list("option_id")
                 .annotate(n=Sum("count")).order_by())
    screen["rows"] = [{"option": o, "heads": result.head_counts.get(o.pk),
                       "hands": hands.get(o.pk, 0),
                       "share": voting.percent(result.outcome.shares.get(o.pk))
                       if o.code != "abstain" else None} for o in result.options]
    screen["voted"], screen["on_roll"] = result.voted, result.on_roll
    screen["passed"] = result.outcome.passed if ballot.certified_at else None
    return screen


@society_view(can_see_meetings)
def meeting_screen(request, society, pk):
    """The current (or most recent) vote's results, large, for the room."""
    from voting.permissions import can_see_closed_results

    meeting = visible_meeting(request, society, pk)
    item = (meeting.items.filter(ballot__opened_at__isnull=False).select_related("ballot")
            .order_by("-ballot__opened_at", "-position").first())
    return render(request, "meetings/member/screen.html", society_context(
        request, society, meeting=meeting, quorum=selectors.quorum(meeting),
        screen=_screen(item, can_see_closed_results(request.user, society)),
        updated=timezone.now()))


# --- minutes ------------------------------------------------------------------------------------

def _minutes(request, society, pk):
    """Approved minutes; a draft too for those who manage meetings; None if there is none
    this person may see."""
    meeting = visible_meeting(request, society, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not (minutes.is_locked or
                               permissions.can_manage_meetings(request.user, society)):
        return meeting, None
    return meeting, minutes


@society_view(can_see_meetings)
def meeting_minutes(request, society, pk):
    meeting, minutes = _minutes(request, society, pk)
    return render(request, "meetings/member/minutes.html", society_context(
        request, society, meeting=meeting, minutes=minutes))


@society_view(can_see_meetings)
def meeting_minutes_pdf(request, society, pk):
    from . import notice

    meeting, minutes = _minutes(request, society, pk)
    if minutes is None:
        raise Http404
    response = HttpResponse(notice.minutes_pdf(minutes), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{society.slug}-minutes-' \
                                      f'{meeting.pk}.pdf"'
    return response
