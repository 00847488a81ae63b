"""Members choosing their board and calling meetings: nominations for the trustee seats
(nominating, seconding, accepting, withdrawing) and requisitions for a general meeting. The
rules are in `elections` and `services`; refusals show on the page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coop.decorators import society_context, society_view

from . import elections, permissions, selectors, services
from .forms import NominationForm, RequisitionForm, StatementForm
from .models import Contest, Nomination, Requisition
from .permissions import acting_member, can_see_meetings, can_take_part
from .services import MeetingError
from .views import posted, visible_meeting

# --- nominations --------------------------------------------------------------------------------

def _nomination(request, society, pk) -> Nomination:
    nomination = get_object_or_404(
        Nomination.objects.select_related("contest__meeting", "candidate", "proposer"),
        pk=pk, contest__meeting__society=society)
    visible_meeting(request, society, nomination.contest.meeting_id)  # not found while a draft
    return nomination


def _to_nominations(nomination):
    meeting = nomination.contest.meeting
    return redirect("meeting_nominations", meeting.society.slug, meeting.pk)


@society_view(can_see_meetings)
def meeting_nominations(request, society, pk):
    meeting = visible_meeting(request, society, pk)
    contests = list(meeting.contests.select_related("member_class"))
    nominations = Nomination.objects.filter(contest__in=contests, withdrawn_at__isnull=True) \
        .select_related("candidate", "proposer", "seconder").order_by("candidate__full_name")
    now = timezone.now()
    for contest in contests:
        mine = [n for n in nominations if n.contest_id == contest.pk]
        contest.valid = [n for n in mine if n.is_valid]
        contest.pending = [n for n in mine if not n.is_valid]
        contest.is_open = now < contest.nominations_close_at
    return render(request, "meetings/member/nominations.html", society_context(
        request, society, meeting=meeting, contests=contests,
        member=acting_member(request.user, society)))


@society_view(can_take_part)
def nomination_new(request, society, pk, contest_pk):
    meeting = visible_meeting(request, society, pk)
    contest = get_object_or_404(Contest.objects.select_related("member_class", "meeting"),
                                pk=contest_pk, meeting=meeting)
    member = acting_member(request.user, society)
    form = NominationForm(posted(request), contest=contest, proposer=member)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = elections.nominate(contest, proposer=member,
                                            candidate=form.candidate(),
                                            statement=form.cleaned_data.get("statement", ""))
        except MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{nomination.candidate.full_name} is nominated. The "
                                      "nomination needs a seconder"
                                      + ("." if nomination.accepted_at else
                                         " and the candidate's acceptance."))
            return _to_nominations(nomination)
    return render(request, "meetings/member/nomination_new.html", society_context(
        request, society, meeting=meeting, contest=contest, form=form))


def _nomination_action(request, society, pk, act, done: str):
    nomination = _nomination(request, society, pk)
    try:
        act(nomination, acting_member(request.user, society))
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(name=nomination.candidate.full_name))
    return _to_nominations(nomination)


@require_POST
@society_view(can_take_part)
def nomination_second(request, society, pk):
    return _nomination_action(request, society, pk, elections.second,
                              "You have seconded the nomination of {name}.")


@require_POST
@society_view(can_take_part)
def nomination_withdraw(request, society, pk):
    return _nomination_action(request, society, pk, elections.withdraw,
                              "The nomination of {name} is withdrawn.")


@society_view(can_take_part)
def nomination_accept(request, society, pk):
    nomination = _nomination(request, society, pk)
    member = acting_member(request.user, society)
    if nomination.candidate_id != member.pk:
        raise PermissionDenied("Only the candidate can accept a nomination.")
    form = StatementForm(posted(request), initial={"statement": nomination.statement})
    if request.method == "POST" and form.is_valid():
        try:
            elections.accept(nomination, member, statement=form.cleaned_data["statement"])
        except MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "You have agreed to stand. Your statement is saved.")
            return _to_nominations(nomination)
    return render(request, "meetings/member/nomination_accept.html", society_context(
        request, society, nomination=nomination, meeting=nomination.contest.meeting, form=form))


# --- requisitions -------------------------------------------------------------------------------

@society_view(can_see_meetings)
def requisitions(request, society):
    from .models import RequisitionSupport

    member = acting_member(request.user, society)
    items = list(selectors.open_requisitions(society))
    supported = set(RequisitionSupport.objects.filter(
        member=member, requisition__in=items).values_list("requisition_id", flat=True)) \
        if member else set()
    return render(request, "meetings/member/requisitions.html", society_context(
        request, society, requisitions=items, supported=supported, member=member,
        manager=permissions.can_manage_meetings(request.user, society)))


@society_view(can_take_part)
def requisition_new(request, society):
    form = RequisitionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            requisition = services.start_requisition(society, acting_member(request.user, society),
                                                     purpose=form.cleaned_data["purpose"])
        except MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Your requisition is started, with your support. It "
                                      f"needs {requisition.supporters_needed} members in all.")
            return redirect("requisitions", society.slug)
    return render(request, "meetings/member/requisition_new.html",
                  society_context(request, society, form=form))


@require_POST
@society_view(can_take_part)
def requisition_support(request, society, pk):
    requisition = get_object_or_404(Requisition, pk=pk, society=society)
    try:
        requisition = services.support_requisition(requisition,
                                                   acting_member(request.user, society))
    except MeetingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Thank you: your support is recorded."
                         + (" Enough members now support it, so the secretary has been told "
                            "to call the meeting." if requisition.reached_at else ""))
    return redirect(reverse("requisitions", args=[society.slug]))
