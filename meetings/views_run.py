"""The chair's panel for the meeting itself: start and end, the live quorum, approving the last
meeting's minutes, and for each item the interests declared by people in the room, who
withdrew, and the vote (opened, hands counted by the tellers, closed, declared). Also the
minutes of this meeting, drafted from the record and edited by the secretary.

An action that fails shows the panel again with the reason next to its button."""

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST, require_safe

from coop.decorators import society_view
from membership.models import Member, MemberClass

from . import minutes as minutes_service
from . import permissions, selectors, services
from .enums import AgendaItemKind, MeetingState
from .models import Attendance, Minutes, Withdrawal
from .officer_forms import ConfirmForm, MinutesForm, TellersForm, WithdrawalForm
from .views import posted
from .views_officer import item_for, meeting_for, page, problems

# Items nobody withdraws from: the chair records interests on the business itself.
PROCEDURAL = {AgendaItemKind.APOLOGIES, AgendaItemKind.DECLARATIONS, AgendaItemKind.MINUTES}


def to_run(meeting):
    return redirect("meeting_run", meeting.society.slug, meeting.pk)


def members_present(meeting):
    """The members checked in, for the withdrawal form's choices."""
    return Member.objects.filter(
        pk__in=Attendance.objects.filter(meeting=meeting).values("member_id")
    ).order_by("full_name")


# --- the panel ---------------------------------------------------------------------------------

def _interests(society, present: dict, item) -> list[tuple]:
    """(member, matches) for each person in the room with an interest in the item's topics."""
    from membership.interests.selectors import matching_interests_for_people

    topic_ids = [t.pk for t in item.topics.all()]
    if not topic_ids or not present:
        return []
    found = matching_interests_for_people(society, list(present), topic_ids)
    return sorted(((present[user_id], matches) for user_id, matches in found.items()),
                  key=lambda row: row[0].full_name)


def tellers_form(item, data=None, *, prefix=None):
    """One box per voting class and option, with the class's hands-up limit as a hint."""
    from voting.models import RoomCount

    ballot = item.ballot
    classes = list(MemberClass.objects.filter(
        pk__in=ballot.class_weights.values("member_class_id")).order_by("position", "id"))
    counts = {(c, o): n for c, o, n in RoomCount.objects.filter(ballot=ballot)
              .values_list("member_class_id", "option_id", "count")}
    return TellersForm(data, prefix=prefix or f"tellers-{item.pk}", classes=classes,
                       options=list(ballot.options.all()),
                       limits=selectors.room(item).hands_by_class, counts=counts)


def _progress(item) -> dict:
    """The roll, who votes by hand, who has voted on a device (or by proxy), the hands
    counted. People voting by hand are marked as voted when the vote opens, so that they
    cannot also vote on a device."""
    from voting.models import RoomCount

    ballot = item.ballot
    by_hand = selectors.room(item).by_hand
    roll = ballot.roll.filter(recused=False).aggregate(
        on_roll=Count("id"), by_hand=Count("id", filter=Q(member_id__in=by_hand)),
        voted=Count("id", filter=Q(has_voted=True) & ~Q(member_id__in=by_hand)))
    hands = RoomCount.objects.filter(ballot=ballot).aggregate(n=Sum("count"))["n"]
    return {**roll, "hands": hands or 0}


def _result(ballot) -> dict:
    from voting.selectors import percent, results

    result = results(ballot)
    rows = [{**row, "percent": percent(row["share"])} for row in result.rows()]
    return {"result": result, "rows": rows, "for_percent": percent(result.outcome.for_ratio)}


def _item_panel(meeting, item, present, withdrawals, bound) -> dict:
    ballot = item.ballot
    key = item.pk
    panel = {"item": item, "ballot": ballot, "withdrawals": withdrawals.get(item.pk, []),
             "interests": _interests(meeting.society, present, item)}
    withdrawn_ids = {w.member_id for w in panel["withdrawals"]}
    panel["withdrawal_form"] = bound.get(("withdraw", key)) or WithdrawalForm(
        prefix=f"withdraw-{key}", members=members_present(meeting).exclude(pk__in=withdrawn_ids))
    if ballot is None:
        return panel
    panel["state"] = ballot.state
    for action in ("open", "close", "declare"):
        panel[f"{action}_form"] = bound.get((action, key)) or ConfirmForm(prefix=f"{action}-{key}")
    if ballot.opened_at:
        panel["progress"] = _progress(item)
    if ballot.opened_at and not ballot.certified_at:
        panel["tellers_form"] = bound.get(("tellers", key)) or tellers_form(item)
    if ballot.certified_at:
        panel.update(_result(ballot))
    return panel


def render_run(request, society, meeting, bound=None):
    """The panel, with any form just posted (and its errors) in place of its blank one."""
    bound = bound or {}
    items = list(meeting.items.filter(withdrawn_at__isnull=True).select_related("ballot")
                 .prefetch_related("topics").order_by("position"))
    present = {a.member.user_id: a.member for a in Attendance.objects.filter(meeting=meeting)
               .select_related("member")}
    withdrawals = {}
    for w in Withdrawal.objects.filter(item__meeting=meeting).select_related("member"):
        withdrawals.setdefault(w.item_id, []).append(w)
    panels = [_item_panel(meeting, item, present, withdrawals, bound) for item in items]
    waiting = minutes_service.minutes_to_approve(meeting) if meeting.is_live else None
    return page(request, society, "run.html", meeting=meeting, state=meeting.state,
                procedural=PROCEDURAL,
                quorum=selectors.quorum(meeting), panels=panels, waiting=waiting,
                start_form=bound.get(("start", None)) or ConfirmForm(prefix="start"),
                end_form=bound.get(("end", None)) or ConfirmForm(prefix="end"),
                approve_form=bound.get(("approve", None)) or ConfirmForm(prefix="approve"),
                can_count=permissions.can_count_hands(request.user, society),
                problems=problems(*bound.values()))


@society_view(permissions.can_chair)
@require_safe
def meeting_run(request, society, pk):
    return render_run(request, society, meeting_for(society, pk))


# --- the meeting's actions ---------------------------------------------------------------------

def _meeting_action(request, society, pk, key, perform, success):
    meeting = meeting_for(society, pk)
    form = ConfirmForm(request.POST, prefix=key)
    try:
        perform(meeting)
    except services.MeetingError as error:
        form.is_valid()
        form.add_service_error(error)
        return render_run(request, society, meeting, bound={(key, None): form})
    messages.success(request, success)
    return to_run(meeting)


@society_view(permissions.can_chair)
@require_POST
def meeting_start(request, society, pk):
    return _meeting_action(request, society, pk, "start",
                           lambda m: services.start_meeting(m, by=request.user),
                           "The meeting has started. Members can now check themselves in.")


@society_view(permissions.can_chair)
@require_POST
def meeting_end(request, society, pk):
    return _meeting_action(request, society, pk, "end",
                           lambda m: services.end_meeting(m, by=request.user),
                           "The meeting has ended. The secretary can now draft the minutes.")


@society_view(permissions.can_keep_minutes)
@require_POST
def minutes_approve(request, society, pk):
    def perform(meeting):
        waiting = minutes_service.minutes_to_approve(meeting)
        chosen = request.POST.get("minutes")
        if chosen and chosen.isdigit():
            waiting = get_object_or_404(Minutes, pk=chosen, meeting__society=society)
        if waiting is None:
            raise services.MeetingError("There are no minutes waiting for approval.")
        minutes_service.approve_minutes(waiting, at_meeting=meeting, by=request.user)

    return _meeting_action(request, society, pk, "approve", perform,
                           "The minutes are approved and now locked.")


def _item_action(request, society, item, key, form, perform):
    if form.is_valid():
        try:
            message = perform(item, form)
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, message)
            return to_run(item.meeting)
    return render_run(request, society, item.meeting, bound={(key, item.pk): form})


@society_view(permissions.can_chair)
@require_POST
def item_withdrawals(request, society, pk):
    item = item_for(society, pk)
    form = WithdrawalForm(request.POST, prefix=f"withdraw-{pk}",
                          members=members_present(item.meeting))

    def perform(item, form):
        member = form.cleaned_data["member"]
        services.record_withdrawal(item, member, by=request.user,
                                   reason=form.cleaned_data["reason"])
        return f"{member.full_name} withdrew from “{item.title}” and will not vote on it."

    return _item_action(request, society, item, "withdraw", form, perform)


@society_view(permissions.can_chair)
@require_POST
def item_open_vote(request, society, pk):
    def perform(item, form):
        ballot = services.open_item_vote(item, by=request.user)
        return (f"The vote on “{item.title}” is open: {ballot.roll.count()} on the roll. "
                "People with a device vote on it now; the tellers count the hands.")

    return _item_action(request, society, item_for(society, pk), "open",
                        ConfirmForm(request.POST, prefix=f"open-{pk}"), perform)


@society_view(permissions.can_chair)
@require_POST
def item_close_vote(request, society, pk):
    def perform(item, form):
        services.close_item_vote(item, by=request.user)
        return f"The vote on “{item.title}” is closed. Declare the result when you are ready."

    return _item_action(request, society, item_for(society, pk), "close",
                        ConfirmForm(request.POST, prefix=f"close-{pk}"), perform)


@society_view(permissions.can_chair)
@require_POST
def item_declare(request, society, pk):
    def perform(item, form):
        services.declare_result(item, by=request.user)
        return f"The result on “{item.title}” is declared and published to members."

    return _item_action(request, society, item_for(society, pk), "declare",
                        ConfirmForm(request.POST, prefix=f"declare-{pk}"), perform)


@society_view(permissions.can_count_hands)
def item_tellers(request, society, pk):
    """The tellers' count on its own page (for tellers who are not the chair); the chair's
    panel posts here too."""
    item = item_for(society, pk)
    if item.ballot_id is None:
        return redirect("meeting_manage", society.slug, item.meeting_id)
    chair = permissions.can_chair(request.user, society)
    form = tellers_form(item, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.enter_teller_counts(item, form.counts(), by=request.user)
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The hands counted on “{item.title}” are recorded.")
            return to_run(item.meeting) if chair else redirect("item_tellers", society.slug,
                                                               item.pk)
    return page(request, society, "tellers.html", item=item, meeting=item.meeting, form=form,
                ballot=item.ballot, progress=_progress(item) if item.ballot.opened_at
                else None, problems=problems(form), back_to_run=chair)


# --- the minutes -------------------------------------------------------------------------------

@society_view(permissions.can_keep_minutes)
def minutes_edit(request, society, pk):
    meeting = meeting_for(society, pk)
    record = (Minutes.objects.select_related("approved_at_meeting", "edited_by")
              .filter(meeting=meeting).first())
    action = request.POST.get("action")
    form = MinutesForm(request.POST if action == "save" else None,
                       initial={"text": record.text if record else ""})
    draft_form = ConfirmForm(request.POST if action == "draft" else None, prefix="draft")
    if action == "draft" and draft_form.is_valid():
        try:
            minutes_service.draft_minutes(meeting, by=request.user)
        except services.MeetingError as error:
            draft_form.add_service_error(error)
        else:
            messages.success(request, "The minutes are drafted from the record. Check and "
                                      "edit them.")
            return redirect("minutes_edit", society.slug, meeting.pk)
    if action == "save" and record and form.is_valid():
        try:
            minutes_service.edit_minutes(record, by=request.user,
                                         text=form.cleaned_data["text"])
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "The minutes have been saved.")
            return redirect("minutes_edit", society.slug, meeting.pk)
    return page(request, society, "minutes_edit.html", meeting=meeting, minutes=record,
                form=form, draft_form=draft_form, can_draft=meeting.state == MeetingState.ENDED,
                problems=problems(form, draft_form))
