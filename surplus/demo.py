"""Demo surplus reinvestment: last year's surplus already decided (a certified, published
allocation ballot and the decision recorded in pounds) and this year's proposal open for
voting. The demo logins have not voted, so they can try the allocation ballot themselves."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from voting import conflicts
from voting import demo as voting_demo
from voting import services as voting

from . import employment, services
from .enums import OptionType, PayRiseKind
from .models import FinancialYear, Proposal

PAST_OPTIONS = [
    {"option_type": OptionType.USER_SERVICE, "title": "Saturday activity club",
     "description": "A staffed club on Saturdays for members who use care: trips out, "
                    "hobbies and time with other people.",
     "easy_read": "A club on Saturdays. You can go out, do hobbies and meet people.",
     "cost_note": "About £12,000 for the first year, with staff and transport."},
    {"option_type": OptionType.CARER_SERVICE, "title": "Respite breaks for carers",
     "description": "Short breaks for family carers, with cover arranged by the co-op "
                    "while they are away.",
     "easy_read": "Carers get a short break. The co-op finds someone to help while they are "
                  "away.",
     "cost_note": "About £400 for each break of two nights."},
    {"option_type": OptionType.PA_PAY, "title": "A permanent pay rise for PAs",
     "description": "Raise every personal assistant's hourly rate from 1 April. The rise "
                    "costs the same again every year after this one.",
     "easy_read": "PAs get more money for every hour they work. We pay this every year.",
     "current_hourly_rate": Decimal("11.80"), "pa_hours_per_year": Decimal("17500"),
     "pa_count": 14, "pay_rise_kind": PayRiseKind.PERMANENT},
    {"option_type": OptionType.RESERVES, "title": "Add to our reserves",
     "description": "Keep the money safe in reserves, for a hard year or an emergency.",
     "easy_read": "We save the money in case we need it later."},
]

CURRENT_OPTIONS = [
    {"option_type": OptionType.USER_SERVICE, "title": "Accessible minibus days",
     "description": "Hire a wheelchair-accessible minibus and driver one day a week for "
                    "members' trips.",
     "easy_read": "A bus you can use with a wheelchair. It takes members on trips once a "
                  "week.",
     "cost_note": "About £250 a day, so about £13,000 a year."},
    {"option_type": OptionType.CARER_SERVICE, "title": "Carers' peer support evenings",
     "description": "A monthly evening where family carers meet, with a trained facilitator "
                    "and cover for the person they care for.",
     "easy_read": "Carers meet once a month to talk and help each other.",
     "cost_note": "About £600 an evening, with cover."},
    {"option_type": OptionType.PA_PAY, "title": "A one-off bonus for PAs",
     "description": "A one-off payment to every personal assistant, shared by the hours "
                    "they work. It is paid once and does not repeat.",
     "easy_read": "PAs get extra money one time. It does not happen again next year.",
     "current_hourly_rate": Decimal("12.60"), "pa_hours_per_year": Decimal("18000"),
     "pa_count": 15, "pay_rise_kind": PayRiseKind.ONE_OFF},
    {"option_type": OptionType.RESERVES, "title": "Add to our reserves",
     "description": "Keep the money safe in reserves, for a hard year or an emergency.",
     "easy_read": "We save the money in case we need it later."},
]


def _last_year_end(today: date) -> date:
    """The most recent 31 March that has passed: the end of the last full financial year."""
    end = date(today.year, 3, 31)
    return end if end < today else date(today.year - 1, 3, 31)


def _year(society, by, ends_on: date, income: str, expenditure: str) -> FinancialYear:
    year = services.create_year(
        society, by=by, starts_on=date(ends_on.year - 1, 4, 1), ends_on=ends_on,
        income=Decimal(income), expenditure=Decimal(expenditure),
        notes="Figures from the accounts approved by the board.")
    year = services.lock_year(year, by=by)
    when = min(timezone.make_aware(datetime.combine(ends_on + timedelta(days=60),
                                                    datetime.min.time())), timezone.now())
    FinancialYear.objects.filter(pk=year.pk).update(created_at=when, locked_at=when)
    return year


def _proposal(year, by, *, title, summary, easy_read, options) -> Proposal:
    proposal = services.create_proposal(year, by=by, title=title, summary=summary,
                                        easy_read_summary=easy_read)
    for fields in options:
        services.add_option(proposal, by=by, **fields)
    return services.put_to_vote(proposal, by=by,
                                closes_at=timezone.now() + timedelta(days=10))


def _points(rng: random.Random, count: int, favourite: int) -> list[int]:
    """100 points across `count` options, leaning towards the voter's favourite."""
    raw = [rng.random() for _ in range(count)]
    raw[favourite] += 1.5
    points = [int(100 * r / sum(raw)) for r in raw]
    points[favourite] += 100 - sum(points)
    return points


def _vote(proposal, voters, rng, *, turnout: float) -> None:
    """Members vote for their own class's option more than the others; the PAs' deemed
    interest in PA pay is confirmed at the prompt, as a real voter would."""
    ballot = proposal.ballot
    options = list(ballot.options.order_by("position"))
    classes = list(proposal.society.member_classes.order_by("position").values_list(
        "pk", flat=True))
    for member in voters:
        entry = voting.roll_entry_for(ballot, member)
        if entry is None or entry.recused or rng.random() > turnout:
            continue
        favourite = classes.index(member.member_class_id) if rng.random() < 0.7 else 3
        points = _points(rng, len(options), min(favourite, len(options) - 1))
        prompt = conflicts.prompt_for(ballot, member)
        answer = conflicts.InterestAnswer(confirmed=prompt.has_interest,
                                          none_to_declare=not prompt.has_interest)
        voting.cast_vote(ballot, member, {o.pk: p for o, p in zip(options, points,
                                                                   strict=True)},
                         interest=answer, entry=entry)


def seed(society, *, treasurer_or_secretary, scrutineer, spare_emails: set[str]) -> None:
    by = treasurer_or_secretary
    rng = random.Random(6)
    voters = [m for m in society.members.current().select_related("user")
              if m.user.email not in spare_emails]
    current_end = _last_year_end(timezone.localdate())
    past_end = date(current_end.year - 1, 3, 31)

    # The treasurer's own rule on top of the UK defaults: insurance and payroll at 1.5% of pay.
    employment.update_costs(society, by=by, other=Decimal("1.50"))
    past_year = _year(society, by, past_end, "412380.00", "371940.00")
    past = _proposal(
        past_year, by, title=f"Reinvesting the {past_end.year - 1}-{past_end:%y} surplus",
        summary="The year left a surplus. After the share the rules put into reserves, "
                "members split the rest between four options.",
        easy_read="We had money left over. You help choose how we use it.",
        options=PAST_OPTIONS)
    _vote(past, voters, rng, turnout=0.8)
    closed_days_ago = (timezone.localdate() - (past_end + timedelta(days=150))).days
    voting_demo.finish(past.ballot, secretary=by, scrutineer=scrutineer, days_ago=closed_days_ago)
    Proposal.objects.filter(pk=past.pk).update(
        created_at=timezone.now() - timedelta(days=closed_days_ago + 25))
    services.record_decision(
        past, by=by, resolution_reference=f"Board minutes {past_end.year}, item 6",
        decided_on=past_end + timedelta(days=164),
        notes="The club starts in the spring; the pay rise is in the April payroll.")

    current_year = _year(society, by, current_end, "436910.00", "398260.00")
    current = _proposal(
        current_year, by,
        title=f"Reinvesting the {current_end.year - 1}-{current_end:%y} surplus",
        summary="The year left a surplus again. Split 100 points between the options to "
                "show how you would use what is left after reserves.",
        easy_read="We have money left over. You have 100 points. Give more points to the "
                  "things you want most.",
        options=CURRENT_OPTIONS)
    _vote(current, voters, rng, turnout=0.45)
