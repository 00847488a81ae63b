"""The board's meeting pages: calling a meeting, its agenda, the notice and the record of
who was sent it, the letters for the post and attendance. Elections are in `views_elections`,
the chair's live panel and the minutes in `views_run`.

Each view is: permission, form, one service call, a domain error shown next to its field.
Every object is looked up within the society in the address, so another co-op's is a 404."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST, require_safe

from coop import audit
from coop.decorators import society_context, society_view

from . import permissions, rules, selectors, services
from .enums import MeetingKind, MeetingState, NoticeMethod
from .models import AgendaItem, Apology, Attendance, Meeting, NoticeDelivery, Requisition
from .officer_forms import (
    AttendanceForm,
    CancelForm,
    ConfirmForm,
    ItemForm,
    MeetingForm,
)
from .views import posted

OVER = (MeetingState.ENDED, MeetingState.CANCELLED)


def meeting_for(society, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("society", "created_by", "notice_sent_by",
                                       "requisition"), pk=pk, society=society)


def item_for(society, pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting__society", "ballot"),
                             pk=pk, meeting__society=society)


def to_manage(meeting):
    return redirect("meeting_manage", meeting.society.slug, meeting.pk)


def problems(*forms) -> list[tuple[str, str]]:
    """(link, message) for every error on a page with several forms, for one summary."""
    found = []
    for form in forms:
        found += [("", error) for error in form.non_field_errors()]
        for bound in form.visible_fields():
            anchor = bound.id_for_label or f"{bound.auto_id}_0"
            found += [(f"#{anchor}", error) for error in bound.errors]
    return found


def page(request, society, template, **context):
    return render(request, f"meetings/officer/{template}", society_context(
        request, society, can_manage=permissions.can_manage_meetings(request.user, society),
        can_chair=permissions.can_chair(request.user, society),
        can_keep_minutes=permissions.can_keep_minutes(request.user, society), **context))


# --- calling a meeting -------------------------------------------------------------------------

def _requisition(request, society) -> Requisition | None:
    pk = request.POST.get("requisition") or request.GET.get("requisition")
    if not pk or not str(pk).isdigit():
        return None
    return get_object_or_404(Requisition, pk=pk, society=society, reached_at__isnull=False)


@society_view(permissions.can_manage_meetings)
def meeting_new(request, society):
    requisition = _requisition(request, society)
    initial = {"kind": MeetingKind.GENERAL if requisition else MeetingKind.AGM}
    if requisition:
        initial["title"] = "General meeting requisitioned by members"
    form = MeetingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(society, by=request.user,
                                              kind=form.cleaned_data["kind"],
                                              requisition=requisition, **form.service_fields())
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"“{meeting.title}” has been set up. Add to the agenda, "
                                      "then send the notice.")
            return to_manage(meeting)
    return page(request, society, "meeting_form.html", form=form, requisition=requisition,
                required_days=society.notice_clear_days,
                earliest=rules.earliest_meeting_date(
                    timezone.localdate() + timedelta(days=_post_delay(society)),
                    society.notice_clear_days))


def _post_delay(society) -> int:
    """Days until letters posted today count as delivered, when any member gets post."""
    if not selectors.sends_post(selectors.current_members(society)):
        return 0
    return rules.deemed_delivery_days(society.post_deemed_delivery_hours)


@society_view(permissions.can_manage_meetings)
def meeting_edit(request, society, pk):
    meeting = meeting_for(society, pk)
    form = MeetingForm(posted(request), editing=True,
                       initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(meeting, by=request.user, **form.service_fields())
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The meeting's details have been saved.")
            return to_manage(meeting)
    return page(request, society, "meeting_form.html", form=form, meeting=meeting,
                locked=meeting.state != MeetingState.DRAFT)


@society_view(permissions.can_manage_meetings)
def meeting_cancel(request, society, pk):
    meeting = meeting_for(society, pk)
    form = CancelForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(meeting, by=request.user, reason=form.cleaned_data["reason"])
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"“{meeting.title}” has been cancelled.")
            return to_manage(meeting)
    return page(request, society, "meeting_cancel.html", form=form, meeting=meeting,
                can_cancel=meeting.state in (MeetingState.DRAFT, MeetingState.CALLED))


# --- the overview and the agenda ---------------------------------------------------------------

def notice_counts(meeting) -> dict:
    """How many members were sent notice, and how many by each way."""
    rows = dict(NoticeDelivery.objects.filter(meeting=meeting).values_list("method")
                .annotate(n=Count("id")).order_by())
    members = (NoticeDelivery.objects.filter(meeting=meeting)
               .aggregate(n=Count("member", distinct=True))["n"])
    return {"members": members, "email": rows.get(NoticeMethod.EMAIL, 0),
            "post": rows.get(NoticeMethod.POST, 0)}


def _agenda(meeting) -> list[AgendaItem]:
    return list(meeting.items.select_related("ballot__advance").prefetch_related("topics")
                .order_by("position"))


@society_view(permissions.can_manage_meetings)
@require_safe
def meeting_manage(request, society, pk):
    meeting = meeting_for(society, pk)
    state = meeting.state
    items = _agenda(meeting)
    on_agenda = [i for i in items if not i.withdrawn_at]
    return page(request, society, "manage.html", meeting=meeting, state=state, items=items,
                first_id=on_agenda[0].pk if on_agenda else None,
                last_id=on_agenda[-1].pk if on_agenda else None,
                can_change_agenda=state not in OVER,
                notice=notice_counts(meeting) if meeting.notice_sent_at else None,
                quorum=selectors.quorum(meeting) if state in (MeetingState.CALLED,
                                                              MeetingState.LIVE) else None,
                can_count=permissions.can_count_hands(request.user, society),
                has_elections=meeting.kind != MeetingKind.BOARD,
                ahead_allowed=society.allow_advance_votes and state == MeetingState.CALLED
                and meeting.kind != MeetingKind.BOARD,
                ahead_closes_at=services.advance_closes_at(meeting))


@society_view(permissions.can_manage_meetings)
def item_new(request, society, pk):
    meeting = meeting_for(society, pk)
    form = ItemForm(posted(request), society=society)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(meeting, by=request.user, **form.service_fields())
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"“{item.title}” has been added to the agenda as item "
                                      f"{item.position}.")
            return to_manage(meeting)
    return page(request, society, "item_form.html", form=form, meeting=meeting,
                closed=meeting.state in OVER, notice_sent=bool(meeting.notice_sent_at))


@society_view(permissions.can_manage_meetings)
@require_POST
def item_move(request, society, pk):
    item = item_for(society, pk)
    up = request.POST.get("direction") != "down"
    try:
        services.move_item(item, by=request.user, up=up)
    except services.MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{item.title}” has moved {'up' if up else 'down'}.")
    return to_manage(item.meeting)


@society_view(permissions.can_manage_meetings)
@require_POST
def item_withdraw(request, society, pk):
    item = item_for(society, pk)
    try:
        services.withdraw_item(item, by=request.user)
    except services.MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{item.title}” has been taken off the agenda.")
    return to_manage(item.meeting)


@society_view(permissions.can_manage_meetings)
@require_POST
def item_open_ahead(request, society, pk):
    item = item_for(society, pk)
    try:
        ballot = services.open_advance_voting(item, by=request.user)
    except services.MeetingError as error:
        messages.error(request, error.message)
    else:
        closes = date_format(timezone.localtime(ballot.closes_at), "g:i a, l j F Y")
        messages.success(request, f"Members can now vote ahead on “{item.title}”, until "
                                  f"{closes}.")
    return to_manage(item.meeting)


# --- notice ------------------------------------------------------------------------------------

def _notice_plan(meeting) -> dict:
    """What sending notice today would do: who gets it how, and the clear days it gives."""
    members = selectors.notice_recipients(meeting)
    email = post = 0
    for member in members:
        methods = services.notice_methods(member)
        email += NoticeMethod.EMAIL in methods
        post += NoticeMethod.POST in methods
    timing = services.notice_timing(meeting)
    have = timing.clear_days
    return {"members": len(members), "email": email, "post": post, "today": timing.sent_on,
            "clear_days": max(have, 0), "required": timing.required,
            "enough": have >= timing.required, "earliest": timing.earliest,
            "latest_notice": timing.latest_notice, "post_delivered_on": timing.delivered_on
            if timing.by_post else None, "post_hours": timing.post_hours}


@society_view(permissions.can_manage_meetings)
def meeting_send_notice(request, society, pk):
    from . import notice

    meeting = meeting_for(society, pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.send_notice(meeting, by=request.user)
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Notice has been sent to {sent} member"
                                      f"{'s' if sent != 1 else ''}. Print the letters for "
                                      "those who get it by post.")
            return redirect("meeting_deliveries", society.slug, meeting.pk)
    return page(request, society, "send_notice.html", form=form, meeting=meeting,
                plan=_notice_plan(meeting) if meeting.state == MeetingState.DRAFT else None,
                preview=notice.notice_context(meeting), problems=problems(form))


@society_view(permissions.can_manage_meetings)
@require_safe
def meeting_deliveries(request, society, pk):
    meeting = meeting_for(society, pk)
    deliveries = list(NoticeDelivery.objects.filter(meeting=meeting).select_related("member")
                      .order_by("member__full_name", "method"))
    return page(request, society, "deliveries.html", meeting=meeting, deliveries=deliveries,
                post=[d for d in deliveries if d.method == NoticeMethod.POST],
                counts=notice_counts(meeting))


@society_view(permissions.can_manage_meetings)
def meeting_proxy_from_post(request, society, pk):
    """A proxy form a member sent back by post: an officer enters it for them, under the
    same rules as a member appointing online (the deadline, the holder's limit)."""
    from .forms import ProxyForm

    meeting = meeting_for(society, pk)
    items = meeting.items.filter(ballot__isnull=False, withdrawn_at__isnull=True)
    form = ProxyForm(posted(request), meeting=meeting, appointer=None, by_post=True,
                     items=items.order_by("position"))
    if request.method == "POST" and form.is_valid():
        try:
            proxy = services.appoint_proxy(
                meeting, form.cleaned_data["appointer"], form.cleaned_data["holder"],
                instructions=form.instructions(), by=request.user)
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Entered: {proxy.appointer.full_name} appointed "
                                      f"{proxy.holder.full_name} as their proxy.")
            return redirect("meeting_proxy_from_post", society.slug, meeting.pk)
    proxies = (selectors.active_proxies(meeting).select_related("appointer", "holder")
               .prefetch_related("instructions").order_by("appointer__full_name"))
    return page(request, society, "proxy_from_post.html", meeting=meeting, form=form,
                proxies=proxies, deadline=selectors.proxy_deadline_at(meeting))


@society_view(permissions.can_manage_meetings)
@require_safe
def meeting_letters_pdf(request, society, pk):
    from . import notice

    meeting = meeting_for(society, pk)
    deliveries = list(NoticeDelivery.objects.filter(meeting=meeting, method=NoticeMethod.POST)
                      .select_related("member").order_by("member__full_name"))
    if not deliveries:
        messages.info(request, "Nobody gets this notice by post, so there are no letters to "
                               "print.")
        return redirect("meeting_deliveries", society.slug, meeting.pk)
    large = request.GET.get("large") == "1"
    pdf = notice.letters_pdf(meeting, deliveries, large=large)
    posted_to = {d.member_id for d in deliveries}
    forms = sum(len(rows) for member_id, rows in notice.voting_forms(meeting).items()
                if member_id in posted_to)
    if forms:  # printing one-time codes is an officer action like any other
        audit.record("meetings.voting_forms.printed", society=society, actor=request.user,
                     obj=meeting, data={"forms": forms, "large_print": large})
    name = f"notice-{meeting.pk}{'-large-print' if large else ''}.pdf"
    return HttpResponse(pdf, content_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})


# --- attendance --------------------------------------------------------------------------------

def _attendance_rows(meeting, q: str):
    members = selectors.current_members(meeting.society).select_related("member_class")
    if q:
        number = q.isdigit() and int(q)
        members = members.filter(Q(full_name__icontains=q) | Q(membership_number=number or -1))
    present = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)
               .select_related("marked_by")}
    sorry = set(Apology.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    return [{"member": m, "attendance": present.get(m.pk), "apologies": m.pk in sorry}
            for m in members.order_by("full_name", "membership_number")]


def _mark(request, meeting, form) -> bool:
    member = form.cleaned_data["member"]
    try:
        if form.cleaned_data["action"] == "apologies":
            services.record_apology(meeting, member, by=request.user)
            messages.success(request, f"Apologies from {member.full_name} are recorded.")
        else:
            services.check_in(meeting, member, by=request.user,
                              online=form.cleaned_data["online"],
                              by_hand=form.cleaned_data["by_hand"])
            messages.success(request, f"{member.full_name} is marked present.")
    except services.MeetingError as error:
        form.add_error(None, error.message)
        return False
    return True


@society_view(permissions.can_manage_meetings)
def meeting_attendance(request, society, pk):
    meeting = meeting_for(society, pk)
    form = AttendanceForm(posted(request), society=society)
    if request.method == "POST" and form.is_valid() and _mark(request, meeting, form):
        return redirect("meeting_attendance", society.slug, meeting.pk)
    q = request.GET.get("q", "").strip()
    return page(request, society, "attendance.html", meeting=meeting, q=q,
                rows=_attendance_rows(meeting, q), quorum=selectors.quorum(meeting),
                can_mark=meeting.state in (MeetingState.CALLED, MeetingState.LIVE),
                # The row's fields are hidden, so the summary lists the errors unlinked.
                problems=[("", e) for errors in form.errors.values() for e in errors])
