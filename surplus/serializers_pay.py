"""Serializers for PA pay after on-costs (in a proposal's outcome) and for the society's
employment costs rules. Money goes out as decimal strings; percentages as numbers out of 100."""

from decimal import Decimal

from rest_framework import serializers

from coop.api_fields import line_field

from . import oncosts
from .models import EmploymentCosts


def _money(help_text=""):
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                    help_text=help_text)


class PayRiseSerializer(serializers.Serializer):
    """What the option's pounds buy in PA pay once holiday pay, employer's NI, the employer's
    pension and other on-costs are counted, under the society's employment costs rules."""

    current_hourly_rate = _money()
    pa_hours_per_year = serializers.DecimalField(max_digits=12, decimal_places=1,
                                                 read_only=True,
                                                 help_text="All PAs' hours worked in a year.")
    pa_count = serializers.IntegerField(help_text="How many PAs share the hours.")
    rise_per_hour = _money("Pence per hour gross: the largest whole-penny rise whose cost, "
                           "on-costs included, fits within the sum.")
    new_rate = _money("The new hourly rate.")
    permanent = serializers.BooleanField(help_text="A permanent rise costs `yearly_cost` again "
                                                   "every year; a one-off bonus is paid once.")
    extra_pay = _money("The rise in pay and holiday pay, all PAs, for a year.")
    extra_on_costs = _money("The rise in employer's NI, pension and other on-costs.")
    yearly_cost = _money("What the rise costs for a year including on-costs: `extra_pay` + "
                         "`extra_on_costs`; never more than the sum.")
    remainder = _money("The sum less `yearly_cost`: left unspent by rounding down to whole "
                       "pence.")
    total_yearly_cost = _money("The whole PA pay bill for a year at the new rate, including "
                               "on-costs.")
    current_below_national_living_wage = serializers.BooleanField()
    current_below_real_living_wage = serializers.BooleanField()
    new_below_national_living_wage = serializers.BooleanField()
    new_below_real_living_wage = serializers.BooleanField()
    tax_year = serializers.CharField(help_text="The tax year of the rules used.")


def pay_payload(pay: oncosts.PayRise | None) -> dict | None:
    if pay is None:
        return None
    return {"current_hourly_rate": pay.current_rate, "pa_hours_per_year": pay.hours,
            "pa_count": pay.pa_count, "rise_per_hour": pay.rise_per_hour,
            "new_rate": pay.new_rate, "permanent": pay.permanent, "extra_pay": pay.extra_pay,
            "extra_on_costs": pay.extra_on_costs, "yearly_cost": pay.yearly_cost,
            "remainder": pay.remainder, "total_yearly_cost": pay.total_yearly_cost,
            "current_below_national_living_wage": pay.current_below_nlw,
            "current_below_real_living_wage": pay.current_below_rlw,
            "new_below_national_living_wage": pay.new_below_nlw,
            "new_below_real_living_wage": pay.new_below_rlw, "tax_year": pay.rules.tax_year}


PERCENT_ERRORS = {"invalid": "Enter a percentage as a number, like 12.07.",
                  "min_value": "Enter a percentage from 0 to 100.",
                  "max_value": "Enter a percentage from 0 to 100.",
                  "max_digits": "Enter a percentage from 0 to 100.",
                  "max_whole_digits": "Enter a percentage from 0 to 100.",
                  "max_decimal_places": "Use no more than 2 decimal places.",
                  "null": "Enter a percentage from 0 to 100."}
POUNDS_ERRORS = {"invalid": "Enter an amount in pounds, like 5000.00.",
                 "min_value": "Enter an amount of £0 or more.",
                 "max_digits": "Enter a smaller amount.",
                 "max_whole_digits": "Enter a smaller amount.",
                 "max_decimal_places": "Enter pounds and pence: at most 2 digits after the "
                                       "point.",
                 "null": "Enter an amount in pounds, like 5000.00."}


def _percent(help_text):
    return serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal(0),
                                    max_value=Decimal(100), required=False,
                                    error_messages=PERCENT_ERRORS, help_text=help_text)


def _pounds(help_text):
    return serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0),
                                    required=False, error_messages=POUNDS_ERRORS,
                                    help_text=help_text)


class EmploymentCostsSerializer(serializers.Serializer):
    """The society's employment costs rules (the UK's 2026/27 defaults until saved). On PATCH,
    send only what changes; every change is audited."""

    tax_year = line_field(20, required=False, help_text="Like 2026/27.")
    ni_rate = _percent("Employer's Class 1 NI, percent (15 in 2026/27).")
    ni_threshold = _pounds("NI is paid on each PA's pay above this, pounds a year.")
    holiday_pay = _percent("Holiday pay on top of hours worked, percent (12.07 for irregular "
                           "hours).")
    pension_rate = _percent("Employer's pension on qualifying earnings, percent (3 minimum).")
    pension_lower = _pounds("Qualifying earnings start here, pounds a year.")
    pension_upper = _pounds("Qualifying earnings stop here, pounds a year.")
    other = _percent("Other on-costs on pay, percent.")
    national_living_wage = _pounds("Pounds an hour, aged 21 and over.")
    real_living_wage = _pounds("The Living Wage Foundation's rate, pounds an hour.")
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                           help_text="Null while the defaults apply.")


def costs_payload(costs: EmploymentCosts) -> dict:
    return {name: getattr(costs, name) for name in (*EmploymentCosts.RULE_FIELDS,
                                                    "updated_at")}
