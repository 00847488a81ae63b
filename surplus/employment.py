"""A society's employment costs rules: reading them (the UK defaults until the treasurer saves
their own), changing them (validated, audited), and pricing a PA pay option with them."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coop import audit
from coop.services import CoopError

from . import oncosts
from .enums import PayRiseKind
from .models import EmploymentCosts

PERCENT_FIELDS = ("ni_rate", "holiday_pay", "pension_rate", "other")
MONEY_FIELDS = ("ni_threshold", "pension_lower", "pension_upper")
WAGE_FIELDS = ("national_living_wage", "real_living_wage")


class EmploymentCostsError(CoopError):
    """An employment costs rule is out of range; the message is shown next to its field."""


def costs_for(society) -> EmploymentCosts:
    """The society's saved rules, or unsaved defaults: reading never writes."""
    saved = EmploymentCosts.objects.filter(society=society).first()
    return saved if saved is not None else EmploymentCosts(society=society)


def rules_for(society) -> oncosts.CostRules:
    return costs_for(society).rules()


def pay_for(option, amount: Decimal, rules: oncosts.CostRules) -> oncosts.PayRise:
    """What `amount` buys for a PA pay option under the society's rules."""
    return oncosts.pay_rise(amount, hours=option.pa_hours_per_year, pa_count=option.pa_count,
                            current_rate=option.current_hourly_rate,
                            permanent=option.pay_rise_kind == PayRiseKind.PERMANENT,
                            rules=rules)


def _check(fields: dict) -> None:
    if not str(fields["tax_year"] or "").strip():
        raise EmploymentCostsError("Enter the tax year these rates are for, like 2026/27.",
                                   field="tax_year")
    for name in PERCENT_FIELDS:
        if fields[name] is None or not Decimal(0) <= Decimal(fields[name]) <= 100:
            raise EmploymentCostsError("Enter a percentage from 0 to 100.", field=name)
    for name in MONEY_FIELDS:
        if fields[name] is None or Decimal(fields[name]) < 0:
            raise EmploymentCostsError("Enter an amount of £0 or more a year.", field=name)
    if Decimal(fields["pension_upper"]) <= Decimal(fields["pension_lower"]):
        raise EmploymentCostsError("The upper limit must be more than the lower limit.",
                                   field="pension_upper")
    for name in WAGE_FIELDS:
        if fields[name] is None or Decimal(fields[name]) <= 0:
            raise EmploymentCostsError("Enter an hourly rate of more than £0.", field=name)


def update_costs(society, *, by, **changes) -> EmploymentCosts:
    """Change the society's employment costs rules. Side effects: saves them (the first time,
    from the defaults); one audit entry with each old and new value."""
    unknown = set(changes) - set(EmploymentCosts.RULE_FIELDS)
    if unknown:
        raise EmploymentCostsError(f"“{sorted(unknown)[0]}” is not an employment cost rule.")
    if "tax_year" in changes:
        changes["tax_year"] = str(changes["tax_year"] or "").strip()
    with transaction.atomic():
        costs = (EmploymentCosts.objects.select_for_update().filter(society=society).first()
                 or EmploymentCosts(society=society))
        merged = {name: getattr(costs, name) for name in EmploymentCosts.RULE_FIELDS} | changes
        _check(merged)
        diff = {name: {"from": getattr(costs, name), "to": value}
                for name, value in changes.items() if getattr(costs, name) != value}
        if not diff and costs.pk is not None:
            return costs
        for name, value in changes.items():
            setattr(costs, name, value)
        costs.updated_at, costs.updated_by = timezone.now(), by
        costs.save()
        audit.record("surplus.employment_costs.changed", society=society, actor=by, obj=costs,
                     data=diff)
    return costs
