"""Board elections at a meeting. Each class with trustee seats elects its own from its own
members by STV (a ranked ballot limited to the class). Members nominate themselves or another
member; a nomination needs a seconder and the candidate's consent. Elected trustees become
officers with a term; trustees whose term has run out retire at the meeting."""

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from coop import audit, audit_names
from coop.enums import OfficerRole
from coop.models import Officer
from membership.models import Member, MemberClass
from membership.privacy.parts import member_person

from .enums import MeetingKind, MeetingState
from .models import Contest, Meeting, Nomination
from .services import MeetingError, require_member_of


def open_nominations(meeting: Meeting, *, by, close_at) -> list[Contest]:
    """Open nominations for every voting class with trustee seats (the rules say how many),
    closing at `close_at`, before the meeting. Seats held by trustees whose term continues
    past the meeting are not up for election."""
    if meeting.kind == MeetingKind.BOARD:
        raise MeetingError("Trustees are elected at a general meeting, not a board meeting.")
    if meeting.state in (MeetingState.LIVE, MeetingState.ENDED, MeetingState.CANCELLED):
        raise MeetingError("Nominations open before the meeting.")
    if close_at is None or close_at <= timezone.now():
        raise MeetingError("Nominations must close in the future.", field="close_at")
    if close_at > meeting.starts_at:
        raise MeetingError("Nominations must close before the meeting starts.",
                           field="close_at")
    classes = list(MemberClass.objects.filter(society=meeting.society, votes=True,
                                              board_seats__gt=0))
    if not classes:
        raise MeetingError("No class has trustee seats. Set the seats on the classes page "
                           "first.")
    with transaction.atomic():
        existing = set(meeting.contests.values_list("member_class_id", flat=True))
        continuing = continuing_trustees(meeting)
        contests = [Contest.objects.create(meeting=meeting, member_class=c,
                                           seats=c.board_seats - continuing.get(c.pk, 0),
                                           nominations_close_at=close_at)
                    for c in classes if c.pk not in existing
                    and c.board_seats > continuing.get(c.pk, 0)]
        if not contests and not existing:
            raise MeetingError("Every class's trustee seats are filled by trustees whose "
                               "terms continue past this meeting; there is nothing to elect.")
        audit.record("meetings.nominations.opened", society=meeting.society, actor=by,
                     obj=meeting, data={"close_at": close_at,
                                        "seats": {c.member_class.name: c.seats
                                                  for c in contests}})
    return contests


def _require_open(contest: Contest) -> None:
    if timezone.now() >= contest.nominations_close_at:
        raise MeetingError("Nominations for these seats have closed.")


def nominate(contest: Contest, *, proposer: Member, candidate: Member,
             statement: str = "") -> Nomination:
    """`proposer` nominates `candidate` (possibly themself) for a seat of the candidate's
    class. Someone nominating themself has agreed to stand; another candidate must accept."""
    _require_open(contest)
    society = contest.meeting.society
    require_member_of(society, proposer, "proposer", "You")
    require_member_of(society, candidate, "candidate", "The candidate")
    if candidate.member_class_id != contest.member_class_id:
        raise MeetingError(f"{candidate.full_name} is not in the {contest.member_class} class, "
                           f"whose members elect these seats.", field="candidate")
    self_nominated = proposer.pk == candidate.pk
    now = timezone.now()
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                contest=contest, candidate=candidate, proposer=proposer,
                statement=(statement or "").strip() if self_nominated else "",
                accepted_at=now if self_nominated else None, nominated_at=now)
    except IntegrityError:
        raise MeetingError(f"{candidate.full_name} has already been nominated for these "
                           f"seats.", field="candidate") from None
    return nomination


def second(nomination: Nomination, seconder: Member) -> Nomination:
    _require_open(nomination.contest)
    require_member_of(nomination.contest.meeting.society, seconder, "seconder", "You")
    if seconder.pk in (nomination.proposer_id, nomination.candidate_id):
        raise MeetingError("The seconder must be someone other than the proposer and the "
                           "candidate.", field="seconder")
    with transaction.atomic():
        updated = Nomination.objects.filter(pk=nomination.pk, seconder__isnull=True,
                                            withdrawn_at__isnull=True).update(
            seconder=seconder, seconded_at=timezone.now())
        if not updated:
            raise MeetingError("This nomination has already been seconded or withdrawn.")
    nomination.refresh_from_db()
    return nomination


def accept(nomination: Nomination, candidate: Member, *, statement: str) -> Nomination:
    """The candidate agrees to stand and writes (or rewrites) their statement."""
    _require_open(nomination.contest)
    if candidate.pk != nomination.candidate_id:
        raise MeetingError("Only the candidate can accept a nomination.")
    if nomination.withdrawn_at:
        raise MeetingError("This nomination was withdrawn.")
    nomination.statement = (statement or "").strip()
    nomination.accepted_at = nomination.accepted_at or timezone.now()
    nomination.save(update_fields=["statement", "accepted_at"])
    return nomination


def withdraw(nomination: Nomination, member: Member) -> Nomination:
    """The candidate or proposer withdraws it, while nominations are open."""
    _require_open(nomination.contest)
    if member.pk not in (nomination.candidate_id, nomination.proposer_id):
        raise MeetingError("Only the candidate or the proposer can withdraw a nomination.")
    if nomination.withdrawn_at:
        raise MeetingError("This nomination was already withdrawn.")
    nomination.withdrawn_at = timezone.now()
    nomination.save(update_fields=["withdrawn_at"])
    return nomination


def valid_nominations(contest: Contest):
    return (contest.nominations.filter(withdrawn_at__isnull=True, seconded_at__isnull=False,
                                       accepted_at__isnull=False)
            .select_related("candidate").order_by("candidate__full_name"))


def start_election(contest: Contest, *, by, closes_at):
    """After nominations close: with more valid candidates than seats, open an STV ballot
    for the class's members, closing at `closes_at`; otherwise they are elected unopposed."""
    from voting import services as voting

    if timezone.now() < contest.nominations_close_at:
        raise MeetingError("Nominations are still open.")
    if contest.ballot_id or contest.unopposed_at:
        raise MeetingError("This election has already started.")
    candidates = list(valid_nominations(contest))
    if not candidates:
        raise MeetingError("Nobody has a valid nomination (seconded and accepted) for these "
                           "seats.")
    try:
        return _start(contest, candidates, by=by, closes_at=closes_at)
    except voting.VotingError as error:
        raise MeetingError(error.message, field="closes_at") from None


def _start(contest, candidates, *, by, closes_at):
    from voting import services as voting
    from voting.enums import BallotKind

    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        if locked.ballot_id or locked.unopposed_at:  # started by another request just now
            raise MeetingError("This election has already started.")
        if len(candidates) <= contest.seats:
            contest.unopposed_at = timezone.now()
            contest.save(update_fields=["unopposed_at"])
            Nomination.objects.filter(pk__in=[n.pk for n in candidates]).update(elected=True)
            audit.record("meetings.election.unopposed", society=contest.meeting.society,
                         actor=by, obj=contest.meeting,
                         data={"class": contest.member_class.name,
                               "elected": [audit_names.ref(member_person(n.candidate),
                                                           contest.meeting.society)
                                           for n in candidates]})
            return None
        ballot = voting.create_ballot(
            contest.meeting.society, by=by, kind=BallotKind.RANKED,
            title=f"Election of {contest.member_class} trustees",
            summary=f"{contest.seats} seat{'s' if contest.seats != 1 else ''} for the "
                    f"{contest.member_class} class, elected by its members. Number the "
                    f"candidates in order of preference.",
            options=[{"label": n.candidate.full_name, "description": n.statement}
                     for n in candidates],
            seats=contest.seats, only_class=contest.member_class)
        contest.ballot = ballot
        contest.save(update_fields=["ballot"])
        voting.open_ballot(ballot, by=by, closes_at=closes_at)
    return ballot


def record_result(contest: Contest) -> list[Nomination]:
    """Mark the candidates the certified STV count elected."""
    from voting.selectors import count_election

    ballot = contest.ballot
    if ballot is None or ballot.certified_at is None:
        raise MeetingError("The scrutineer has not certified this election's count yet.")
    result = count_election(ballot)
    # The options were made from the valid nominations in this same order.
    positions = dict(ballot.options.values_list("pk", "position"))
    nominations = list(valid_nominations(contest))
    elected = [nominations[positions[pk]] for pk in result.elected]
    Nomination.objects.filter(pk__in=[n.pk for n in elected]).update(elected=True)
    return elected


def continuing_trustees(meeting: Meeting) -> dict[int, int]:
    """Class id -> trustees elected for that class whose term runs past this meeting: their
    seats are not up for election."""
    users = set(Officer.objects.filter(society=meeting.society, role=OfficerRole.TRUSTEE,
                                       ended_on__isnull=True, term_ends_on__gt=meeting.date)
                .values_list("user_id", flat=True))
    seats: dict[int, set] = {}
    for class_id, user_id in Nomination.objects.filter(
            elected=True, contest__meeting__society=meeting.society,
            contest__appointed_at__isnull=False, candidate__user_id__in=users).values_list(
            "contest__member_class_id", "candidate__user_id"):
        seats.setdefault(class_id, set()).add(user_id)
    return {class_id: len(user_ids) for class_id, user_ids in seats.items()}


def retiring_trustees(meeting: Meeting):
    """Trustees whose term has run out by this meeting: they retire at it (and once they
    have, their term ended on its date)."""
    return (Officer.objects.filter(society=meeting.society, role=OfficerRole.TRUSTEE,
                                   term_ends_on__lte=meeting.date)
            .filter(Q(ended_on__isnull=True) | Q(ended_on=meeting.date))
            .select_related("user"))


def appoint_elected(contest: Contest, *, by) -> list[Officer]:
    """Make the elected candidates trustees from the meeting's date, for the rules' term,
    and retire the trustees whose term has run out (a re-elected trustee starts a new
    term)."""
    meeting = contest.meeting
    if contest.appointed_at:
        raise MeetingError("These trustees have already been appointed.")
    if meeting.state not in (MeetingState.LIVE, MeetingState.ENDED):
        raise MeetingError("Trustees are appointed at the meeting.")
    with transaction.atomic():
        elected = ([n for n in valid_nominations(contest) if n.elected]
                   if contest.unopposed_at else record_result(contest))
        on = meeting.date
        ends = on + relativedelta(years=meeting.society.trustee_term_years)
        retiring = retiring_trustees(meeting).filter(ended_on__isnull=True)
        retired = [o.user.email for o in retiring]
        retiring.update(ended_on=on)
        officers = []
        for nomination in elected:
            user = nomination.candidate.user
            Officer.objects.filter(society=meeting.society, user=user, role=OfficerRole.TRUSTEE,
                                   ended_on__isnull=True).update(ended_on=on)
            officers.append(Officer.objects.create(
                society=meeting.society, user=user, role=OfficerRole.TRUSTEE, started_on=on,
                term_ends_on=ends))
        contest.appointed_at = timezone.now()
        contest.save(update_fields=["appointed_at"])
        audit.record("meetings.trustees.appointed", society=meeting.society, actor=by,
                     obj=meeting, data={"class": contest.member_class.name,
                                        "elected": [audit_names.ref(member_person(n.candidate),
                                                                    meeting.society)
                                                    for n in elected],
                                        "term_ends_on": ends, "retired": retired})
    return officers
