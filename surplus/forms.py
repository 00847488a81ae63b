"""Forms for the treasurer's and the board's surplus pages. They check what a form can check
(a date is a date, an upload is a PDF, a PA pay rise has its rate and hours); the rules live in
`services` and come back as `SurplusError`s that `add_service_error` puts next to the field."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from coop.forms import AccessibleFormMixin
from coop.forms import date_field as shared_date_field
from coop.text import NOTE
from coop.uploads import MAX_PDF_BYTES, check_pdf
from membership.models import InterestTopic
from voting.enums import Weighting
from voting.officer_forms import datetime_field

from .enums import OptionType, PayRiseKind, ProposalBallotKind


def date_field(label: str, *, help_text: str = "", required: bool = True):
    return shared_date_field(label, required=required, help_text=help_text,
                             errors={"invalid": "Enter a real date, for example 2026-03-31."})


class MoneyField(forms.DecimalField):
    """Pounds and pence. Accepts what people type: "£1,234.56" as well as "1234.56"."""

    def __init__(self, label: str, *, required: bool = True, help_text: str = "",
                 decimal_places: int = 2, example: str = "1234.56", **kwargs):
        super().__init__(
            label=label, required=required, help_text=help_text, max_digits=12,
            decimal_places=decimal_places, min_value=0,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            error_messages={
                "required": f"Enter the {label.split(' (')[0].lower()}.",
                "invalid": f"Enter a number, like {example}.",
                "max_decimal_places": f"Use no more than {decimal_places} decimal places.",
                "max_digits": "Enter a smaller number.",
                "max_whole_digits": "Enter a smaller number.",
                "min_value": "Enter 0 or more."}, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


class YearForm(AccessibleFormMixin, forms.Form):
    """A year's accounts. On a correction the PDF may be left out to keep the one there."""

    starts_on = date_field("Start date", help_text="The first day of the financial year.")
    ends_on = date_field("End date", help_text="The last day of the financial year.")
    income = MoneyField("Income (£)", help_text="All the money that came in during the year.")
    expenditure = MoneyField("Expenditure (£)",
                             help_text="All the money spent during the year.")
    notes = forms.CharField(label="Notes", required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="Anything members should know about these figures.")
    accounts = forms.FileField(
        label="The accounts (PDF)", required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text="The signed accounts as a PDF file, up to 10 MB.",
        error_messages={"invalid": "Choose a PDF file.",
                        "empty": "The file you chose is empty. Choose the PDF of the accounts."})

    def __init__(self, *args, year=None, **kwargs):
        if year is not None:
            kwargs.setdefault("initial", {f: getattr(year, f) for f in
                                          ("starts_on", "ends_on", "income", "expenditure",
                                           "notes")})
        super().__init__(*args, **kwargs)
        self.year = year
        if year is not None and year.accounts:
            self.fields["accounts"].help_text = (
                "The PDF already uploaded is kept unless you choose a new one (up to 10 MB).")

    def clean_accounts(self):
        upload = self.cleaned_data.get("accounts")
        if not upload:
            return None
        check_pdf(upload, max_bytes=MAX_PDF_BYTES, what="the accounts")
        return upload

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("accounts"):
            data.pop("accounts", None)
        return data


class ProposalForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200,
                            error_messages={"required": "Give the proposal a title."},
                            help_text="For example: How should we use the 2025 to 2026 "
                                      "surplus?")
    summary = forms.CharField(
        label="Plain-English summary", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What members are deciding and why, in everyday words.",
        error_messages={"required": "Say in plain English what members are deciding."})
    easy_read_summary = forms.CharField(
        label="Easy-read summary", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Short sentences and everyday words. Members who asked for easy read get "
                  "it with their ballot.")
    ballot_kind = forms.ChoiceField(
        label="How members vote", choices=ProposalBallotKind.choices, widget=forms.RadioSelect,
        initial=ProposalBallotKind.ALLOCATION,
        error_messages={"required": "Choose how members vote."})

    def __init__(self, *args, proposal=None, **kwargs):
        if proposal is not None:
            kwargs.setdefault("initial", {f: getattr(proposal, f) for f in
                                          ("title", "summary", "easy_read_summary",
                                           "ballot_kind")})
        super().__init__(*args, **kwargs)


class TopicField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


PA_FIELDS = ("current_hourly_rate", "pa_hours_per_year", "pa_count", "pay_rise_kind")


class OptionForm(AccessibleFormMixin, forms.Form):
    """One option. The three PA pay boxes count only for a PA pay rise; for another type
    they are ignored (and cleared by the service)."""

    option_type = forms.ChoiceField(label="Type of option", choices=OptionType.choices,
                                    widget=forms.RadioSelect,
                                    error_messages={"required": "Choose the type of option."})
    title = forms.CharField(label="Title", max_length=200,
                            error_messages={"required": "Give the option a title."})
    description = forms.CharField(
        label="Plain-English description", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the money would pay for, and who it helps.",
        error_messages={"required": "Describe the option in plain English."})
    easy_read = forms.CharField(label="Easy-read description", required=False,
                                widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="Short sentences and everyday words.")
    topic = TopicField(
        label="Topic", queryset=InterestTopic.objects.none(), required=False,
        empty_label="The usual topic for this type of option",
        help_text="Members with an interest in this topic are asked to declare it when they "
                  "vote. Left blank, a pay rise brings “PA pay and conditions” and a new "
                  "service brings the topic for users or carers.",
        error_messages={"invalid_choice": "Choose one of this society's topics."})
    cost_note = forms.CharField(
        label="What it costs", required=False, max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: about £8,000 to set up, then £1,200 a year to run.")
    pays_members = forms.BooleanField(
        label="This option pays money out to members (a dividend or rebate)", required=False,
        help_text="Not allowed where an asset lock applies.")
    current_hourly_rate = MoneyField("Current hourly rate (£)", required=False,
                                     example="12.60",
                                     help_text="What PAs are paid for an hour now.")
    pa_hours_per_year = MoneyField("PA hours worked in a year", required=False,
                                   decimal_places=1, example="20000",
                                   help_text="All PAs' hours worked added up over a year, "
                                             "without holiday: holiday pay is added on top.")
    pa_count = forms.IntegerField(
        label="Number of PAs", required=False, min_value=1, max_value=100_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="How many PAs share these hours. National Insurance and pensions depend on "
                  "what each PA earns.",
        error_messages={"invalid": "Enter a whole number of PAs, like 12.",
                        "min_value": "Enter at least 1 PA.",
                        "max_value": "Enter a smaller number of PAs."})
    pay_rise_kind = forms.ChoiceField(label="One-off or permanent", required=False,
                                      choices=PayRiseKind.choices, widget=forms.RadioSelect)

    def __init__(self, *args, society, option=None, **kwargs):
        if option is not None:
            kwargs.setdefault("initial", {f: getattr(option, f) for f in
                                          ("option_type", "title", "description", "easy_read",
                                           "topic", "cost_note", "pays_members", *PA_FIELDS)})
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = InterestTopic.objects.filter(
            society=society, retired_on__isnull=True)
        if society.asset_lock:
            self.fields["pays_members"].help_text = (
                "The society's assets are locked, so no option may pay money out to members.")

    def clean(self):
        """A PA pay rise needs all three of its boxes; every missing one is shown at once."""
        data = super().clean()
        if data.get("option_type") != OptionType.PA_PAY:
            return data
        for name, message in (("current_hourly_rate", "Enter the PAs' current hourly rate."),
                              ("pa_hours_per_year", "Enter the PA hours worked in a year."),
                              ("pa_count", "Enter how many PAs share these hours.")):
            if name not in self.errors and not data.get(name):
                self.add_error(name, message)
        if not data.get("pay_rise_kind") and "pay_rise_kind" not in self.errors:
            self.add_error("pay_rise_kind",
                           "Say whether it is a one-off bonus or a permanent rise.")
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["easy_read"] = data.get("easy_read") or ""
        data["cost_note"] = data.get("cost_note") or ""
        data["pay_rise_kind"] = data.get("pay_rise_kind") or ""
        return data


class PutToVoteForm(AccessibleFormMixin, forms.Form):
    closes_at = datetime_field("Closing time", help_text="Voting ends at this time. Give "
                                                         "members at least two weeks.")
    weighting = forms.ChoiceField(
        label="How votes are weighed", choices=Weighting.choices, widget=forms.RadioSelect,
        initial=Weighting.CLASS_SHARE,
        help_text="The society's rules give each class a fixed share of the result. Change "
                  "this only if the members decided otherwise.",
        error_messages={"required": "Choose how votes are weighed."})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "vote")
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # two weeks from now at 5 pm, a time most members can manage
            soon = timezone.localtime() + timedelta(days=14)
            self.initial.setdefault("closes_at", soon.replace(hour=17, minute=0, second=0,
                                                              microsecond=0))


class DecideForm(AccessibleFormMixin, forms.Form):
    resolution_reference = forms.CharField(
        label="Resolution reference", max_length=100,
        help_text="How the minutes name the decision, for example “AGM 2026 resolution 4”.",
        error_messages={"required": "Give the resolution's reference, e.g. “AGM 2026 "
                                    "resolution 4”."})
    decided_on = date_field("Date of the decision")
    notes = forms.CharField(label="Notes on carrying it out", required=False,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="Who does what, and by when.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("decided_on", timezone.localdate())


def percent_field(label: str, help_text: str):
    return forms.DecimalField(
        label=label, help_text=help_text, max_digits=5, decimal_places=2, min_value=0,
        max_value=100, widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                     "spellcheck": "false"}),
        error_messages={"required": "Enter a percentage from 0 to 100.",
                        "invalid": "Enter a percentage as a number, like 12.07.",
                        "max_decimal_places": "Use no more than 2 decimal places.",
                        "max_digits": "Enter a percentage from 0 to 100.",
                        "max_whole_digits": "Enter a percentage from 0 to 100.",
                        "min_value": "Enter a percentage from 0 to 100.",
                        "max_value": "Enter a percentage from 0 to 100."})


class EmploymentCostsForm(AccessibleFormMixin, forms.Form):
    """The society's employment costs rules. The defaults are the UK's for 2026/27 (GOV.UK,
    "Rates and thresholds for employers 2026 to 2027"; see surplus/oncosts.py)."""

    tax_year = forms.CharField(label="Tax year", max_length=20,
                               help_text="The tax year these rates are for, like 2026/27.",
                               error_messages={"required": "Enter the tax year these rates "
                                                           "are for, like 2026/27."})
    ni_rate = percent_field("Employer's National Insurance (%)",
                            "Employer's Class 1 rate: 15% in 2026/27.")
    ni_threshold = MoneyField("National Insurance threshold (£ a year)", example="5000",
                              help_text="Paid on each PA's pay above this: £5,000 a year "
                                        "(£96 a week) in 2026/27.")
    holiday_pay = percent_field("Holiday pay (%)",
                                "Added to pay for hours worked: 12.07% for irregular hours. "
                                "Enter 0 if holiday is already in the hours.")
    pension_rate = percent_field("Employer's pension contribution (%)",
                                 "On qualifying earnings: at least 3%.")
    pension_lower = MoneyField("Pension: lower limit (£ a year)", example="6240",
                               help_text="Qualifying earnings start here: £6,240 in 2026/27.")
    pension_upper = MoneyField("Pension: upper limit (£ a year)", example="50270",
                               help_text="Qualifying earnings stop here: £50,270 in 2026/27.")
    other = percent_field("Other on-costs (%)",
                          "Anything else the co-op pays on each pound of pay, such as "
                          "employer's liability insurance or payroll charges.")
    national_living_wage = MoneyField(
        "National Living Wage (£ an hour)", example="12.71",
        help_text="The legal minimum for workers aged 21 and over: £12.71 from 1 April 2026.")
    real_living_wage = MoneyField(
        "Real Living Wage (£ an hour)", example="13.45",
        help_text="The Living Wage Foundation's rate: £13.45, or £14.80 in London (announced "
                  "October 2025). Update it when the Foundation announces the new rate.")

    def clean(self):
        data = super().clean()
        lower, upper = data.get("pension_lower"), data.get("pension_upper")
        if lower is not None and upper is not None and upper <= lower:
            self.add_error("pension_upper", "The upper limit must be more than the lower limit.")
        for name in ("national_living_wage", "real_living_wage"):
            if data.get(name) == 0:
                self.add_error(name, "Enter an hourly rate of more than £0.")
        return data
