"""Where the apps above membership plug their personal data in: what goes in a subject access
copy, what retention deletes, and what anonymising a member clears. Each app registers its
parts in `AppConfig.ready` (membership's own are in `parts.py`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet


@dataclass(frozen=True)
class CopyPart:
    """A section of the subject access copy. `links` names every foreign key to a member or a
    login ("meetings.Proxy.holder") that the section covers; a test checks that every such key
    in the project is covered by some part."""

    name: str
    links: tuple[str, ...]
    rows: Callable  # (user, society or None) -> list[dict]


@dataclass(frozen=True)
class RetentionStep:
    """Rows that a society's rule says go after a period. `due` finds them (for the dry run and
    the count); `remove` deletes them, past the guards that keep records from being deleted by
    accident. `reason` says why the period is what it is."""

    name: str
    rule: str  # the Society field holding the period, in `unit`s
    reason: str
    due: Callable[..., QuerySet]  # (society, cutoff date) -> rows past the period
    remove: Callable[[QuerySet], int]
    describe: Callable[[object], str] = str  # one row, for the dry run
    unit: str = "years"  # or "days" (the challenge period of a ballot)

    def cutoff(self, society, today: date) -> date:
        """The last day a row may have ended on and now be past the society's period."""
        period = getattr(society, self.rule)
        if self.unit == "days":
            return today - timedelta(days=period)
        return cutoff(today, period)


_COPY: list[CopyPart] = []
_STEPS: list[RetentionStep] = []
_ANONYMISERS: list[Callable] = []


def add_copy_part(part: CopyPart) -> None:
    _COPY.append(part)


def add_retention_step(step: RetentionStep) -> None:
    _STEPS.append(step)


def add_anonymiser(clear: Callable) -> None:
    """`clear(member, contact_only=...)` removes what an upper app holds that could reach or
    name the member: with `contact_only`, contact details (an address a notice went to);
    without, also free text that could name them."""
    _ANONYMISERS.append(clear)


def copy_parts() -> list[CopyPart]:
    return list(_COPY)


def retention_steps() -> list[RetentionStep]:
    return list(_STEPS)


def anonymisers() -> list[Callable]:
    return list(_ANONYMISERS)


def cutoff(today: date, years: int) -> date:
    """The last day a thing may have ended on and now be past a period of `years`."""
    from dateutil.relativedelta import relativedelta

    return today - relativedelta(years=years)


def acted_as(app: str, links: tuple[str, ...]) -> CopyPart:
    """A copy part for keys that record which officer did something ("recorded_by"): the copy
    says which records they acted on, never what those records say about other people."""
    from django.apps import apps

    def rows(user, society) -> list[dict]:
        found = []
        for link in links:
            app_label, model_name, field = link.split(".")
            model = apps.get_model(app_label, model_name)
            qs = model.objects.filter(**{field: user})
            if society is not None and _has_society(model):
                qs = qs.filter(society=society)
            found += [{"record": str(model._meta.verbose_name), "id": str(pk), "as": field}
                      for pk in qs.values_list("pk", flat=True)]
        return found

    return CopyPart(f"{app}_records_you_acted_on", links, rows)


def _has_society(model) -> bool:
    return any(f.name == "society" for f in model._meta.get_fields())
