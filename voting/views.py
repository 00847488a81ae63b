"""The member's voting pages: the list of ballots, a ballot with its vote form, the check-your-
answer page, casting, the receipt shown once, and checking a receipt after close.

When a ballot has topics, the interest prompt (`interest_forms.InterestForm`, `conflicts`)
comes before the choices and is carried with them to the cast.

Secrecy: nothing here logs or records who voted when. The receipt code is never stored on the
server: between casting and the receipt page it travels in a short-lived signed cookie, sent
only to that ballot's receipt address, which deletes it as it shows it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from coop import permissions as coop_permissions
from coop.decorators import society_context, society_view
from coop.enums import ConflictPolicy
from membership.selectors import member_for

from . import conflicts, explain, permissions, selectors, services, views_help, vote_reads
from .enums import BallotState, PaperState
from .forms import ReceiptCheckForm, vote_form
from .interest_forms import InterestForm
from .models import Ballot, BallotPaper, ClassWeight, RollEntry

# The code itself; sent only to the receipt page. "secret" in the name keeps it out of error
# reports (Django hides cookies named like secrets).
RECEIPT_COOKIE = "coop_receipt_secret_{}"
CAST_COOKIE = "coop_cast_{}"  # no code: tells a second press of "Cast my vote" to go there
COOKIE_AGE = 600
OPEN_STATES = {BallotState.OPEN}
COMING_STATES = {BallotState.DRAFT, BallotState.SCHEDULED}
RECUSED = ("You have an interest in what this ballot decides, so under the co-op's rules you "
           "do not vote in it.")
ALREADY = "You have already voted in this ballot."
ALREADY_VOTED = (f"{ALREADY} This ballot does not allow changes. If you pressed “Cast my vote” "
                 "twice, your first press cast your vote and your receipt code was shown "
                 "after it. It is shown only once.")
POLICY_TEXT = {
    ConflictPolicy.DECLARE: "Your vote counts. The results will also show the result without "
                            "votes from members with an interest.",
    ConflictPolicy.RECORD: "Your vote counts as normal. Your interest is kept in the register.",
}


def _member(user, society):
    """The person's register entry here, looked up once per request (cached on the user, as
    `coop.permissions.current_roles` caches roles)."""
    cache = user.__dict__.setdefault("_voting_member", {})
    if society.pk not in cache:
        cache[society.pk] = member_for(society, user)
    return cache[society.pk]


def _can_view(user, society) -> bool:
    """Anyone on the register (current or former) and any officer may look; only members on
    a ballot's roll may vote."""
    return _member(user, society) is not None or coop_permissions.is_officer(user, society)


# --- the list -----------------------------------------------------------------------------------

def _open_due_ballots(society) -> None:
    """Open scheduled ballots whose time has come, so the list is right even when the task
    worker is late (one cheap query when nothing is due)."""
    for ballot in Ballot.objects.filter(society=society, opened_at__isnull=True,
                                        opens_at__lte=timezone.now()):
        services.open_if_due(ballot)


def _roll_states(member, society) -> dict[int, bool | None]:
    """{ballot id: has voted} for every ballot of the society whose roll the member is on, in
    one query; None where the marked roll has been reduced to counts."""
    if member is None:
        return {}
    return {pk: None if reduced else voted for pk, voted, reduced in RollEntry.objects.filter(
        member=member, ballot__society=society).values_list(
        "ballot_id", "has_voted", "ballot__roll_reduced_at")}


def _vote_status(ballot, roll: dict) -> str:
    if ballot.pk not in roll:
        return "Not on the roll"
    if roll[ballot.pk] is None:
        return "On the roll (who voted is no longer kept)"
    if roll[ballot.pk]:
        return "You have voted" if ballot.is_open else "You voted"
    return "Not voted yet" if ballot.is_open else "You did not vote"


@society_view(_can_view)
def ballot_list(request, society):
    user = request.user
    officer = permissions.can_see_drafts(user, society)
    _open_due_ballots(society)
    member = _member(user, society)
    roll = _roll_states(member, society)
    sees_closed = permissions.can_see_closed_results(user, society)
    groups = {"open": [], "coming": [], "closed": []}
    now = timezone.now()
    ballots = selectors.visible_ballots(society, user, officer=officer).defer(
        "summary", "easy_read_summary", "close_reason", "certificate_note")
    for ballot in ballots:
        state = ballot.state_at(now)
        row = {"ballot": ballot, "state": state, "state_label": BallotState(state).label,
               "status": _vote_status(ballot, roll) if ballot.opened_at else "",
               "results_visible": selectors.results_visible(ballot, officer=sees_closed)}
        key = "open" if state in OPEN_STATES else "coming" if state in COMING_STATES \
            else "closed"
        groups[key].append(row)
    groups["open"].sort(key=lambda row: row["ballot"].closes_at)
    return render(request, "voting/ballot_list.html", society_context(
        request, society, groups=groups, is_member=member is not None, officer=officer,
        can_manage=permissions.can_manage_ballots(user, society)))


# --- one ballot ---------------------------------------------------------------------------------

def _ballot(request, society, pk) -> Ballot:
    """The ballot, opened if its time has come; another society's ballot, or a draft for
    someone who may not see drafts, is not found."""
    ballot = get_object_or_404(Ballot.objects.select_related("only_class"), pk=pk,
                               society=society)
    ballot.society = society  # already read: the cookie paths and links need its slug
    ballot = services.open_if_due(ballot)
    if ballot.opened_at is None and not permissions.can_see_drafts(request.user, society):
        raise Http404
    return ballot


def _prompt(ballot, member, entry):
    """The interest prompt for a member on the roll, or None when the ballot has no topics."""
    if entry is None or entry.recused:
        return None
    prompt = conflicts.prompt_for(ballot, member)
    return prompt if prompt.needed else None


def _recused_by(prompt) -> bool:
    """Under the recuse policy, an interest declared after the roll was frozen also bars."""
    return bool(prompt and prompt.has_interest and prompt.policy == ConflictPolicy.RECUSE)


def _detail_context(request, society, ballot, *, form=None, interest_form=None,
                    **extra) -> dict:
    member = _member(request.user, society)
    entry = RollEntry.objects.filter(ballot=ballot, member=member).first() if member else None
    state = ballot.state
    paper_counted = bool(entry and entry.has_voted and BallotPaper.objects.filter(
        roll_entry=entry, state=PaperState.COUNTED).exists())
    may_vote = (state == BallotState.OPEN and entry is not None and not paper_counted
                and (not entry.has_voted or ballot.allow_vote_changes))
    prompt = _prompt(ballot, member, entry) if may_vote else None
    recused = bool(entry and entry.recused) or _recused_by(prompt)
    can_vote = may_vote and not recused
    options = list(ballot.options.select_related("picture"))
    if can_vote and form is None:
        form = vote_form(ballot, options)
    if can_vote and prompt and interest_form is None:
        interest_form = InterestForm(prompt=prompt)
    interest_form = interest_form if can_vote else None
    form = form if can_vote else None
    problems = ((interest_form.summary_errors() if interest_form else [])
                + (form.summary_errors() if form else []))
    weights = ClassWeight.objects.filter(ballot=ballot).select_related("member_class")
    user = request.user
    small = [c for c in selectors.small_classes(ballot)
             if entry is not None and c.class_id == entry.member_class_id] if can_vote else []
    return society_context(
        request, society, ballot=ballot, state=state, member=member, entry=entry,
        options=options, form=form, interest_form=interest_form, problems=problems,
        policy_text=POLICY_TEXT.get(prompt.policy, "") if prompt else "",
        paper_counted=paper_counted, recused=recused, small_class=small[0] if small else None,
        weighting=explain.weighting_text(ballot, weights),
        not_on_roll=explain.why_not_on_roll(ballot, member)
        if ballot.opened_at and entry is None else "",
        results_visible=selectors.results_visible(
            ballot, officer=permissions.can_see_closed_results(user, society)),
        can_see_drafts=permissions.can_see_drafts(user, society),
        helper=views_help.current_help(request, ballot.pk), **extra)


@society_view(_can_view)
def ballot_detail(request, society, pk):
    ballot = _ballot(request, society, pk)
    return render(request, "voting/ballot_detail.html",
                  _detail_context(request, society, ballot))


# --- voting -------------------------------------------------------------------------------------

def _refusal(request, society, ballot) -> tuple[str, object]:
    """(why this person cannot vote in this ballot now or "", the interest prompt or None).
    The roll entry read here is kept on the request for the cast (one read, not two)."""
    if ballot.state != BallotState.OPEN:
        return ("This ballot is not open for voting." if ballot.opened_at is None else
                "This ballot has closed, so it cannot take any more votes."), None
    member = _member(request.user, society)
    if member is None:
        return "Only members can vote. You can read this ballot but not vote in it.", None
    entry = request.roll_entry = RollEntry.objects.filter(ballot=ballot, member=member).first()
    if entry is None:
        return "You are not on the roll for this ballot, so you cannot vote in it.", None
    if entry.has_voted and not ballot.allow_vote_changes and not entry.recused:
        return f"{ALREADY} This ballot does not allow changes.", None
    prompt = _prompt(ballot, member, entry)
    if entry.recused or _recused_by(prompt):
        return RECUSED, None
    return "", prompt


def _forms_from_post(request, society, pk):
    """(ballot, vote form, interest form or None, refusal) for a POST that carries a vote."""
    ballot = _ballot(request, society, pk)
    refusal, prompt = _refusal(request, society, ballot)
    if refusal:
        return ballot, None, None, refusal
    form = vote_form(ballot, ballot.options.select_related("picture"), request.POST)
    interest_form = InterestForm(request.POST, prompt=prompt) if prompt else None
    return ballot, form, interest_form, ""


def _both_valid(form, interest_form) -> bool:
    valid = form.is_valid()  # both are checked, so every problem shows at once
    return (interest_form is None or interest_form.is_valid()) and valid


def _show_form_again(request, society, ballot, form, interest_form):
    return render(request, "voting/ballot_detail.html", _detail_context(
        request, society, ballot, form=form, interest_form=interest_form))


@society_view(_can_view)
def ballot_vote(request, society, pk):
    """Check the answer (POST from the ballot page), or go back to change it."""
    if request.method != "POST":
        return redirect("ballot_detail", society.slug, pk)
    ballot, form, interest_form, refusal = _forms_from_post(request, society, pk)
    if refusal:
        messages.error(request, refusal)
        return redirect("ballot_detail", society.slug, ballot.pk)
    if "change" in request.POST:
        return _show_form_again(request, society, ballot, form.unbound_copy(),
                                interest_form and interest_form.unbound_copy())
    if not _both_valid(form, interest_form):
        return _show_form_again(request, society, ballot, form, interest_form)
    return render(request, "voting/vote_check.html", society_context(
        request, society, ballot=ballot, form=form, interest_form=interest_form,
        helper=views_help.current_help(request, ballot.pk)))


@sensitive_variables("receipt")
def _quick_cast(request, slug, pk) -> tuple[Ballot, str] | None:
    """The common case of "Cast my vote" (a member on the roll of an open ballot without
    topics, with valid choices), reading only what a vote needs (bench/cast_votes_http.py).
    (The ballot, the receipt code), or None: the full path then explains or asks."""
    entry = vote_reads.signed_in_roll_entry(request, pk, slug)
    if entry is None or entry.recused:
        return None
    ballot, facts = entry.ballot, entry.ballot.cached_facts
    if facts.topic_ids or ballot.state != BallotState.OPEN or (
            entry.has_voted and not ballot.allow_vote_changes):
        return None
    form = vote_form(ballot, facts.options(), request.POST)
    if not form.is_valid():
        return None
    try:
        return ballot, services.cast_vote(ballot, entry.member, form.marks, entry=entry)
    except services.VotingError:
        return None  # nothing was written; the full path finds out why and says so


@sensitive_variables("receipt", "response")
def ballot_confirm(request, slug, pk):
    """Cast the vote checked on the previous page (the choices and the answer to the interest
    prompt are checked again: hidden fields are only a convenience). The receipt code goes to
    the receipt page in a signed cookie, never into the session or the database. Being on the
    roll shows the person may see the ballot, so the common case reads no society; anything
    else (and a vote with help) takes the full path, with the usual checks."""
    quick = request.method == "POST" and views_help.current_help(request, pk) is None
    cast = _quick_cast(request, slug, pk) if quick else None
    return _cast_done(request, *cast) if cast else _confirm_in_full(request, slug, pk)


@society_view()
@sensitive_variables("receipt", "response")
def _confirm_in_full(request, society, pk):
    if request.method != "POST":
        return redirect("ballot_detail", society.slug, pk)
    help = views_help.current_help(request, pk)
    if not _can_view(request.user, society):
        raise PermissionDenied("You do not have access to this page.")
    ballot, form, interest_form, refusal = _forms_from_post(request, society, pk)
    if refusal:
        return _refuse_cast(request, society, ballot, refusal)
    if not _both_valid(form, interest_form):
        return _show_form_again(request, society, ballot, form, interest_form)
    answer = interest_form.answer_for_service() if interest_form else None
    try:
        receipt = services.cast_vote(ballot, _member(request.user, society), form.marks,
                                     interest=answer, entry=request.roll_entry, help=help)
    except services.VotingError as error:
        if error.field in ("helper_name", "declaration"):
            return views_help.refused_help(request, society, ballot, error)
        if interest_form is None or error.field not in InterestForm.ANSWER_ERRORS or \
                _refusal(request, society, ballot)[0]:  # e.g. now recused: they declared one
            return _refuse_cast(request, society, ballot, error.message)
        interest_form.add_service_error(error)
        return _show_form_again(request, society, ballot, form, interest_form)
    views_help.forget_help(request, ballot.pk)
    return _cast_done(request, ballot, receipt)


@sensitive_variables("receipt", "response")
def _cast_done(request, ballot, receipt):
    response = redirect("ballot_receipt", ballot.society.slug, ballot.pk)
    _set_cookie(request, response, ballot, RECEIPT_COOKIE, receipt, "ballot_receipt")
    _set_cookie(request, response, ballot, CAST_COOKIE, "cast", "ballot_confirm")
    return response


def _salt(request, ballot) -> str:
    """Per ballot and per person, so a cookie left in a shared browser shows nobody else."""
    return f"voting.receipt.{ballot.pk}.{request.user.pk}"


def _set_cookie(request, response, ballot, name, value, url_name) -> None:
    response.set_signed_cookie(
        name.format(ballot.pk), value, salt=_salt(request, ballot), max_age=COOKIE_AGE,
        httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
        path=reverse(url_name, args=[ballot.society.slug, ballot.pk]))


def _get_cookie(request, ballot, name) -> str | None:
    return request.get_signed_cookie(name.format(ballot.pk), default=None,
                                     salt=_salt(request, ballot), max_age=COOKIE_AGE)


def _refuse_cast(request, society, ballot, message):
    """Say why the vote was not cast, on the ballot page. If this browser has just cast a
    vote here, this is the second press of a double click: go to the receipt page, which
    shows the first press's receipt if it has not been shown yet."""
    if _get_cookie(request, ballot, CAST_COOKIE):
        return redirect("ballot_receipt", society.slug, ballot.pk)
    messages.error(request, ALREADY_VOTED if message.startswith(ALREADY) else message)
    return redirect("ballot_detail", society.slug, ballot.pk)


@never_cache
@society_view(_can_view)
def ballot_receipt(request, society, pk):
    """Show the receipt code once: its cookie is deleted as it is shown, and the page is not
    cached, so neither a reload nor the back button shows it again."""
    ballot = _ballot(request, society, pk)
    receipt = _get_cookie(request, ballot, RECEIPT_COOKIE)
    member = _member(request.user, society)
    voted = receipt is not None or RollEntry.objects.filter(
        ballot=ballot, member=member, has_voted=True).exists()
    response = render(request, "voting/receipt.html", society_context(
        request, society, ballot=ballot, receipt=receipt, voted=voted,
        reduced=ballot.roll_reduced_at))
    if RECEIPT_COOKIE.format(ballot.pk) in request.COOKIES:
        response.delete_cookie(RECEIPT_COOKIE.format(ballot.pk), samesite="Lax",
                               path=reverse("ballot_receipt", args=[society.slug, ballot.pk]))
    return response


RECEIPT_ANSWERS = {
    "counted": "Your vote was counted.",
    "replaced": "This vote was replaced by a later vote, so it was not counted. Your later "
                "vote was counted instead.",
    "sealed": "The votes in this ballot are still sealed for the scrutineer, so receipts can "
              "be checked once the scrutineer has opened them. Please try again later.",
    None: "No vote in this ballot has this receipt code. Check you typed the code correctly.",
}


@society_view(_can_view)
@sensitive_post_parameters("code")
@sensitive_variables("form", "status", "answer")
def receipt_check(request, society, pk):
    """After close, say whether the vote with this receipt was counted. POST, so the code
    never appears in a web address or a server's access log."""
    ballot = _ballot(request, society, pk)
    form, answer = ReceiptCheckForm(request.POST or None), None
    if ballot.has_closed and request.method == "POST" and form.is_valid():
        status = selectors.receipt_status(ballot, form.cleaned_data["code"])
        answer = {"status": status or "not_found", "text": RECEIPT_ANSWERS[status],
                  "code": form.cleaned_data["code"]}
    return render(request, "voting/receipt_check.html", society_context(
        request, society, ballot=ballot, form=form, answer=answer,
        results_visible=selectors.results_visible(
            ballot, officer=permissions.can_see_closed_results(request.user, society))))
