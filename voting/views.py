"""The member's voting pages: the list of ballots, a ballot with its vote form, the check-your-
answer page, casting, the receipt shown once, and checking a receipt after close.

Secrecy: nothing here logs or records who voted when. The receipt code sits in the session only
between casting and the receipt page, which removes it as it shows it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.cache import never_cache

from coop import permissions as coop_permissions
from coop.decorators import society_context, society_view
from coop.enums import EmptyClassPolicy
from membership.selectors import member_for

from . import permissions, selectors, services
from .enums import BallotKind, BallotState, PaperState, ResolutionKind, Weighting
from .forms import ReceiptCheckForm, vote_form
from .models import Ballot, BallotPaper, ClassWeight, RollEntry

RECEIPT_KEY = "voting_receipt_{}"
OPEN_STATES = {BallotState.OPEN}
COMING_STATES = {BallotState.DRAFT, BallotState.SCHEDULED}
RECUSED = ("You have an interest in what this ballot decides, so under the co-op's rules you "
           "do not vote in it.")


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


def _day(value) -> str:
    return dateformat.format(value, "j F Y")


# --- the list -----------------------------------------------------------------------------------

def _open_due_ballots(society) -> None:
    """Open scheduled ballots whose time has come, so the list is right even when the task
    worker is late (one cheap query when nothing is due)."""
    for ballot in Ballot.objects.filter(society=society, opened_at__isnull=True,
                                        opens_at__lte=timezone.now()):
        services.open_if_due(ballot)


def _roll_states(member, society) -> dict[int, bool]:
    """{ballot id: has voted} for every ballot of the society whose roll the member is on, in
    one query."""
    if member is None:
        return {}
    return dict(RollEntry.objects.filter(member=member, ballot__society=society)
                .values_list("ballot_id", "has_voted"))


def _vote_status(ballot, roll: dict) -> str:
    if ballot.pk not in roll:
        return "Not on the roll"
    return "You have voted" if roll[ballot.pk] else "Not voted yet"


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
    ballot = services.open_if_due(ballot)
    if ballot.opened_at is None and not permissions.can_see_drafts(request.user, society):
        raise Http404
    return ballot


def _why_not_on_roll(ballot, member) -> str:
    """Why a member is not on an open ballot's roll, as plainly as the register can say."""
    if member is None:
        return (f"You are not a member of {ballot.society.name}, so you cannot vote in its "
                "ballots.")
    record = ballot.record_date
    if record and member.admitted_on > record:
        return (f"You joined on {_day(member.admitted_on)}, after this ballot's record date "
                f"({_day(record)}). Only people who were members on the record date can vote "
                "in it.")
    if record and member.ceased_on and member.ceased_on <= record:
        return f"Your membership ended on {_day(member.ceased_on)}, before the record date."
    if ballot.only_class_id and member.member_class_id != ballot.only_class_id:
        return (f"This ballot is only for members in the class “{ballot.only_class}”. You are "
                f"in the class “{member.member_class}”.")
    if not member.member_class.votes:
        return f"Members in the class “{member.member_class}” do not vote."
    return ("You were not in a voting class on the register on the record date"
            f"{f' ({_day(record)})' if record else ''}, so you are not on this ballot's roll. "
            "If you think this is wrong, contact the secretary.")


def _weighting_text(ballot, weights) -> list[str]:
    """How the vote is weighed and decided, in plain words."""
    lines = []
    if ballot.only_class_id:
        lines.append(f"Only members in the class “{ballot.only_class}” vote in this ballot.")
    if ballot.weighting == Weighting.ONE_MEMBER_ONE_VOTE or ballot.only_class_id:
        lines.append("One member, one vote: every member's vote counts the same.")
    elif ballot.weighting == Weighting.CLASS_SHARE:
        shares = ", ".join(f"{w.member_class.name} {w.weight.normalize():f}%" for w in weights)
        lines.append(f"Each class of member carries a fixed share of the result: {shares}. "
                     "Within a class, every member's vote counts the same.")
        lines.append("If nobody in a class votes, the other classes' shares are scaled up to "
                     "make 100%." if ballot.empty_class_policy == EmptyClassPolicy.RESCALE else
                     "If nobody in a class votes, that class's share counts as not cast.")
    else:
        each = ", ".join(f"{w.member_class.name} {w.votes_per_member} "
                         f"vote{'s' if w.votes_per_member != 1 else ''} each" for w in weights)
        lines.append(f"Each member's vote counts as a set number of votes, by class: {each}.")
    return lines + _decision_text(ballot)


def _decision_text(ballot) -> list[str]:
    if ballot.kind == BallotKind.RESOLUTION:
        threshold = ballot.threshold_percent.normalize()
        needed = ("more than half" if ballot.resolution_kind == ResolutionKind.ORDINARY
                  else f"at least {threshold:f}%")
        lines = [f"The resolution passes if {needed} of the votes cast for and against are "
                 "for it. Abstentions are not counted either way. A tie means it does not pass."]
        if ballot.require_class_majority:
            lines.append("It must also have more votes for than against in every class that "
                         "votes.")
        return lines
    if ballot.kind == BallotKind.RANKED:
        seats = ballot.seats
        return [f"The election fills {seats} seat{'s' if seats != 1 else ''}. The votes are "
                "counted by single transferable vote: if your first choice is elected or has "
                "no chance, your vote moves to your next choice."]
    if ballot.kind == BallotKind.ALLOCATION:
        return ["Each option's result is its share of all the points, and the shares add up "
                "to 100%."]
    return ["The option with the most votes wins. A tie is reported as a tie, never broken "
            "by chance."]


def _detail_context(request, society, ballot, *, form=None, **extra) -> dict:
    member = _member(request.user, society)
    entry = RollEntry.objects.filter(ballot=ballot, member=member).first() if member else None
    state = ballot.state
    paper_counted = bool(entry and entry.has_voted and BallotPaper.objects.filter(
        roll_entry=entry, state=PaperState.COUNTED).exists())
    recused = bool(entry and entry.recused)
    can_vote = (state == BallotState.OPEN and entry is not None and not paper_counted
                and not recused and (not entry.has_voted or ballot.allow_vote_changes))
    options = list(ballot.options.all())
    if can_vote and form is None:
        form = vote_form(ballot, options)
    weights = ClassWeight.objects.filter(ballot=ballot).select_related("member_class")
    user = request.user
    return society_context(
        request, society, ballot=ballot, state=state, member=member, entry=entry,
        options=options, form=form if can_vote else None, paper_counted=paper_counted,
        recused=recused,
        weighting=_weighting_text(ballot, weights),
        not_on_roll=_why_not_on_roll(ballot, member)
        if ballot.opened_at and entry is None else "",
        easy_read_first=bool(member and member.easy_read and ballot.easy_read_summary),
        results_visible=selectors.results_visible(
            ballot, officer=permissions.can_see_closed_results(user, society)),
        can_see_drafts=permissions.can_see_drafts(user, society), **extra)


@society_view(_can_view)
def ballot_detail(request, society, pk):
    ballot = _ballot(request, society, pk)
    return render(request, "voting/ballot_detail.html",
                  _detail_context(request, society, ballot))


# --- voting -------------------------------------------------------------------------------------

def _refusal(request, society, ballot) -> str:
    """Why this person cannot vote in this ballot now, or "" if they can try."""
    if ballot.state != BallotState.OPEN:
        return ("This ballot is not open for voting." if ballot.opened_at is None else
                "This ballot has closed, so it cannot take any more votes.")
    member = _member(request.user, society)
    if member is None:
        return "Only members can vote. You can read this ballot but not vote in it."
    entry = RollEntry.objects.filter(ballot=ballot, member=member).first()
    if entry is None:
        return "You are not on the roll for this ballot, so you cannot vote in it."
    if entry.recused:
        return RECUSED
    if entry.has_voted and not ballot.allow_vote_changes:
        return "You have already voted in this ballot. This ballot does not allow changes."
    return ""


def _vote_form_from_post(request, society, pk):
    """(ballot, form, refusal) for a POST that carries a vote."""
    ballot = _ballot(request, society, pk)
    refusal = _refusal(request, society, ballot)
    form = None if refusal else vote_form(ballot, ballot.options.all(), request.POST)
    return ballot, form, refusal


def _show_form_again(request, society, ballot, form):
    return render(request, "voting/ballot_detail.html",
                  _detail_context(request, society, ballot, form=form))


@society_view(_can_view)
def ballot_vote(request, society, pk):
    """Check the answer (POST from the ballot page), or go back to change it."""
    if request.method != "POST":
        return redirect("ballot_detail", society.slug, pk)
    ballot, form, refusal = _vote_form_from_post(request, society, pk)
    if refusal:
        messages.error(request, refusal)
        return redirect("ballot_detail", society.slug, ballot.pk)
    if "change" in request.POST:
        return _show_form_again(request, society, ballot, form.unbound_copy())
    if not form.is_valid():
        return _show_form_again(request, society, ballot, form)
    return render(request, "voting/vote_check.html", society_context(
        request, society, ballot=ballot, form=form))


@society_view(_can_view)
def ballot_confirm(request, society, pk):
    """Cast the vote checked on the previous page; the receipt is shown once, next."""
    if request.method != "POST":
        return redirect("ballot_detail", society.slug, pk)
    ballot, form, refusal = _vote_form_from_post(request, society, pk)
    if refusal:
        return _refuse_cast(request, society, ballot, refusal)
    if not form.is_valid():
        return _show_form_again(request, society, ballot, form)
    try:
        receipt = services.cast_vote(ballot, _member(request.user, society), form.marks)
    except services.VotingError as error:
        return _refuse_cast(request, society, ballot, error.message)
    request.session[RECEIPT_KEY.format(ballot.pk)] = receipt
    return redirect("ballot_receipt", society.slug, ballot.pk)


def _refuse_cast(request, society, ballot, message):
    """Say why the vote was not cast, on the ballot page. If a receipt is still waiting to be
    shown, this was the second press of a double click: show the first one's receipt."""
    if RECEIPT_KEY.format(ballot.pk) in request.session:
        return redirect("ballot_receipt", society.slug, ballot.pk)
    messages.error(request, message)
    return redirect("ballot_detail", society.slug, ballot.pk)


@never_cache
@society_view(_can_view)
def ballot_receipt(request, society, pk):
    """Show the receipt code once: it leaves the session as it is shown, and the page is not
    cached, so neither a reload nor the back button shows it again."""
    ballot = _ballot(request, society, pk)
    receipt = request.session.pop(RECEIPT_KEY.format(ballot.pk), None)
    member = _member(request.user, society)
    voted = receipt is not None or RollEntry.objects.filter(
        ballot=ballot, member=member, has_voted=True).exists()
    return render(request, "voting/receipt.html", society_context(
        request, society, ballot=ballot, receipt=receipt, voted=voted))


RECEIPT_ANSWERS = {
    "counted": "Your vote was counted.",
    "replaced": "This vote was replaced by a later vote, so it was not counted. Your later "
                "vote was counted instead.",
    None: "No vote in this ballot has this receipt code. Check you typed the code correctly.",
}


@society_view(_can_view)
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
