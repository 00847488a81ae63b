"""Officers' returns: due on taking office and every 12 months after the last one. A task
reminds an officer a month before it is due and marks it overdue after."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from coop import audit, audit_names
from coop.models import Officer
from coop.notify import email_after_commit

from ..enums import DECLARATION_MONTHS, DECLARATION_REMINDER_DAYS
from ..models import Declaration, DeclarationReminder, OfficerReturn
from .services import InterestError


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class ReturnStatus:
    person: object
    took_office: date
    last_return: OfficerReturn | None
    due_on: date
    today: date

    @property
    def state(self) -> str:
        if self.due_on < self.today:
            return "overdue"
        if self.due_on <= self.today + timedelta(days=DECLARATION_REMINDER_DAYS):
            return "due_soon"
        return "up_to_date"

    @property
    def state_label(self) -> str:
        return {"overdue": "Overdue", "due_soon": "Due soon",
                "up_to_date": "Up to date"}[self.state]


def officer_statuses(society, today: date | None = None) -> list[ReturnStatus]:
    """Each current officer's return: when they took office, their last return, when the next
    is due. Three queries whatever the number of officers."""
    today = today or timezone.localdate()
    statuses = _statuses(Officer.objects.filter(society=society),
                         OfficerReturn.objects.filter(society=society), today)
    return sorted(statuses, key=lambda s: (s.due_on, str(s.person)))


def returns_due_for(user, today: date | None = None) -> dict[int, ReturnStatus]:
    """For the home page: in each society where `user` is an officer and their return is due
    within a month or overdue, its status. One query, then two for each society where they
    hold office."""
    today = today or timezone.localdate()
    found = {}
    offices = Officer.objects.filter(user=user)
    for society_id in set(offices.values_list("society_id", flat=True)):
        statuses = _statuses(offices.filter(society_id=society_id),
                             OfficerReturn.objects.filter(person=user,
                                                          society_id=society_id), today)
        due = [s for s in statuses if s.state != "up_to_date"]
        if due:
            found[society_id] = due[0]  # only the user's own offices were read
    return found


def _statuses(offices, returns, today: date) -> list[ReturnStatus]:
    took: dict = {}
    for office in offices.filter(started_on__lte=today).exclude(
            ended_on__lt=today).select_related("user"):
        start = took.get(office.user_id, (office.user, office.started_on))[1]
        took[office.user_id] = (office.user, min(start, office.started_on))
    latest: dict = {}
    for ret in returns.filter(person_id__in=took).order_by("made_at"):
        latest[ret.person_id] = ret
    statuses = []
    for user_id, (user, took_office) in took.items():
        last = latest.get(user_id)
        if last is not None and timezone.localdate(last.made_at) < took_office:
            last = None  # a return from before this term does not count
        due = (add_months(timezone.localdate(last.made_at), DECLARATION_MONTHS) if last
               else took_office)
        statuses.append(ReturnStatus(user, took_office, last, due, today))
    return statuses


def make_return(society, person, *, nil: bool, by) -> OfficerReturn:
    """Record an officer's return: their current declarations are complete (or, for a nil
    return, they have none)."""
    current = list(Declaration.objects.current().filter(society=society, person=person))
    if nil and current:
        raise InterestError("You have current declarations, so this cannot be a nil return. "
                            "End any that no longer apply first.", field="nil")
    if not nil and not current:
        raise InterestError("You have no current declarations. Declare your interests, or "
                            "make a nil return if you have none.", field="nil")
    with transaction.atomic():
        ret = OfficerReturn.objects.create(society=society, person=person, nil=nil)
        ret.declarations.set(current)
        audit.record("membership.interest.return_made", society=society, actor=by, obj=ret,
                     data={"nil": nil, "declarations": [d.pk for d in current]})
    return ret


def send_return_reminders(society, today: date | None = None) -> dict[str, int]:
    """Remind officers whose return is due within a month, and mark overdue ones (email and
    audit entry), each once per due date."""
    today = today or timezone.localdate()
    sent = {"due_soon": 0, "overdue": 0}
    for status in officer_statuses(society, today):
        kind = status.state
        if kind == "up_to_date":
            continue
        try:
            with transaction.atomic():
                DeclarationReminder.objects.create(society=society, person=status.person,
                                                   due_on=status.due_on, kind=kind)
                if kind == "overdue":
                    audit.record("membership.interest.return_overdue", society=society,
                                 data={"officer": audit_names.ref(
                                     audit_names.person_of_user(status.person), society),
                                     "due_on": status.due_on})
                email_after_commit(status.person.email, _subject(society, kind),
                                   "membership/email/declaration_due.txt",
                                   {"society": society, "status": status})
        except IntegrityError:
            continue  # already reminded for this due date
        sent[kind] += 1
    return sent


def _subject(society, kind) -> str:
    if kind == "overdue":
        return f"Your declaration of interests for {society.name} is overdue"
    return f"Your declaration of interests for {society.name} is due soon"
