"""The board's election pages for a meeting: opening nominations, each class's candidates
and their status, starting each class's election and appointing the elected trustees. The
rules are in `elections`; refusals show beside the form that caused them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from coop.decorators import society_view

from . import elections, permissions, services
from .enums import MeetingKind, MeetingState
from .models import Contest
from .officer_forms import ConfirmForm, NominationsForm, StartElectionForm
from .views_officer import meeting_for, page, problems


def _contests(meeting):
    return list(meeting.contests.select_related("member_class", "ballot").prefetch_related(
        "nominations__candidate", "nominations__proposer", "nominations__seconder"))


def nomination_status(nomination) -> str:
    if nomination.withdrawn_at:
        return "Withdrawn"
    if nomination.elected:
        return "Elected"
    if nomination.is_valid:
        return "Standing"
    if not nomination.seconded_at:
        return "Waiting for a seconder"
    return "Waiting for the candidate to accept"


def _render_elections(request, society, meeting, bound=None, open_form=None):
    bound = bound or {}
    now = timezone.now()
    contests = []
    for contest in _contests(meeting):
        nominations = sorted(contest.nominations.all(), key=lambda n: n.candidate.full_name)
        contests.append({
            "contest": contest, "closed": now >= contest.nominations_close_at,
            "nominations": [(n, nomination_status(n)) for n in nominations],
            "start_form": bound.get(("start", contest.pk)) or StartElectionForm(
                prefix=f"start-{contest.pk}"),
            "appoint_form": bound.get(("appoint", contest.pk)) or ConfirmForm(
                prefix=f"appoint-{contest.pk}"),
            "can_appoint": not contest.appointed_at and meeting.state in (
                MeetingState.LIVE, MeetingState.ENDED) and bool(
                contest.unopposed_at or (contest.ballot and contest.ballot.certified_at)),
        })
    open_form = open_form or NominationsForm(prefix="nominations")
    forms = [open_form, *bound.values()]
    return page(request, society, "elections.html", meeting=meeting, contests=contests,
                open_form=open_form, retiring=list(elections.retiring_trustees(meeting)),
                can_open=meeting.kind != MeetingKind.BOARD and meeting.state in (
                    MeetingState.DRAFT, MeetingState.CALLED),
                problems=problems(*forms))


@society_view(permissions.can_manage_meetings)
def meeting_elections(request, society, pk):
    meeting = meeting_for(society, pk)
    if request.method != "POST":
        return _render_elections(request, society, meeting)
    form = NominationsForm(request.POST, prefix="nominations")
    if form.is_valid():
        try:
            contests = elections.open_nominations(meeting, by=request.user,
                                                  close_at=form.close_at)
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Nominations are open for {len(contests)} class"
                                      f"{'es' if len(contests) != 1 else ''}.")
            return redirect("meeting_elections", society.slug, meeting.pk)
    return _render_elections(request, society, meeting, open_form=form)


def _contest_action(request, society, pk, key, form, perform):
    contest = get_object_or_404(Contest.objects.select_related("meeting__society",
                                                               "member_class"),
                                pk=pk, meeting__society=society)
    meeting = contest.meeting
    if form.is_valid():
        try:
            message = perform(contest, form)
        except services.MeetingError as error:
            form.add_service_error(error)
        else:
            messages.success(request, message)
            return redirect("meeting_elections", society.slug, meeting.pk)
    return _render_elections(request, society, meeting, bound={(key, contest.pk): form})


@society_view(permissions.can_manage_meetings)
@require_POST
def contest_start(request, society, pk):
    def perform(contest, form):
        ballot = elections.start_election(contest, by=request.user, closes_at=form.closes_at)
        if ballot is None:
            return (f"No more candidates than seats: the {contest.member_class} candidates "
                    "are elected unopposed.")
        return (f"The election of {contest.member_class} trustees is open. Its members can "
                "vote now.")

    form = StartElectionForm(request.POST, prefix=f"start-{pk}")
    return _contest_action(request, society, pk, "start", form, perform)


@society_view(permissions.can_manage_meetings)
@require_POST
def contest_appoint(request, society, pk):
    def perform(contest, form):
        officers = elections.appoint_elected(contest, by=request.user)
        names = ", ".join(str(o.user) for o in officers) or "nobody"
        return f"Appointed as trustees: {names}. The register of officers is updated."

    form = ConfirmForm(request.POST, prefix=f"appoint-{pk}")
    return _contest_action(request, society, pk, "appoint", form, perform)

