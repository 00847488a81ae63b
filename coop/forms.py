from datetime import date, datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator

from . import text
from .models import Society

# The browser's date picker reads and writes only ISO dates. Rendered in the locale's format
# ("20/05/2026") a saved date shows as empty, and saving the form then erases it.
ISO_DATE = "%Y-%m-%d"
DATE_INPUT_FORMATS = [ISO_DATE, "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]
# Dates outside this window are typing slips (a ballot closing in 9999, a year starting in 1).
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2200, 12, 31)
DATE_WINDOW_MESSAGE = "Enter a date between 1900 and 2200."


def validate_date_window(value) -> None:
    """Refuse dates no co-op could mean; works for dates and datetimes alike."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(DATE_WINDOW_MESSAGE, code="date_window")


class DateInput(forms.DateInput):
    """`<input type="date">` with its value always in ISO form, whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


def date_field(label: str, *, required: bool = True, help_text: str = "",
               errors: dict | None = None, **kwargs) -> forms.DateField:
    """The one date field every form uses: the ISO widget, what people type as well, and the
    sane window."""
    messages = {"required": f"Enter the {label.lower().rstrip('?')}.",
                "invalid": "Enter a real date, for example 2026-11-26.", **(errors or {})}
    return forms.DateField(label=label, required=required, help_text=help_text,
                           input_formats=DATE_INPUT_FORMATS, widget=DateInput,
                           validators=[validate_date_window], error_messages=messages,
                           **kwargs)


def bound_text_field(name: str, field: forms.CharField, *, limit: int | None = None) -> None:
    """Every text box has a maximum length and refuses hidden control characters (see
    coop/text.py), whether or not the form's author remembered: the model field's bound on a
    model form, else text areas up to `text.TEXT` characters (keeping new lines) and one-line
    boxes up to `text.ONE_LINE`. Names get the names' message."""
    multiline = isinstance(field.widget, forms.Textarea)
    if field.max_length is None and not any(
            isinstance(v, MaxLengthValidator) for v in field.validators):
        field.max_length = limit or (text.TEXT if multiline else text.ONE_LINE)
        field.validators.append(MaxLengthValidator(field.max_length))
        field.widget.attrs.update(field.widget_attrs(field.widget))
    field.error_messages.setdefault("max_length", text.MAX_LENGTH_MESSAGE)
    if multiline:
        # A text area's maxlength cuts pasted text short without a word; the message next
        # to the field after sending says what is too long, and nothing is lost.
        field.widget.attrs.pop("maxlength", None)
        field.validators.append(text.validate_text)
    else:
        is_name = any(word in name for word in text.NAME_FIELD_WORDS)
        field.validators.append(text.validate_name if is_name else text.validate_one_line)


class AccessibleFormMixin:
    """Link each field's hint and error to its input with aria-describedby, and mark invalid
    inputs with aria-invalid, matching the ids used by templates/includes/field.html."""

    GROUPED = (forms.RadioSelect, forms.CheckboxSelectMultiple)  # described by their fieldset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text and not isinstance(field.widget, self.GROUPED):
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_hint"
            if type(field) is forms.CharField and not isinstance(field.widget,
                                                                 forms.PasswordInput):
                bound_text_field(name, field, limit=self._model_limit(name))

    def _model_limit(self, name: str) -> int | None:
        """A model form's field is as long as its model field allows (validators included)."""
        model = getattr(getattr(self, "_meta", None), "model", None)
        try:
            return text.max_length_of(model._meta.get_field(name)) if model else None
        except FieldDoesNotExist:
            return None

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            self._mark_invalid(name)

    def _mark_invalid(self, name: str) -> None:
        if name not in self.fields or isinstance(self.fields[name].widget, self.GROUPED):
            return
        widget = self.fields[name].widget
        error_id = f"{self[name].auto_id}_error"
        described = widget.attrs.get("aria-describedby", "")
        if error_id not in described.split():
            widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()
        widget.attrs["aria-invalid"] = "true"

    def add_service_error(self, error) -> None:
        """Show a domain error next to the field it concerns, or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
        if field:
            self._mark_invalid(field)


class SocietyRulesForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = Society
        fields = [
            "name", "registration_number", "address", "contact_email",
            "financial_year_end_day", "financial_year_end_month", "share_value",
            "notice_clear_days", "quorum_minimum", "quorum_percent",
            "special_resolution_percent", "proxies_allowed", "max_proxies_per_holder",
            "online_meetings_allowed", "hybrid_meetings_allowed", "quorum_counts_proxies",
            "proxy_deadline_unit", "proxy_deadline_clear_days", "proxy_deadline_hours",
            "allow_advance_votes", "advance_votes_close_hours",
            "post_deemed_delivery_hours", "requisition_percent", "requisition_maximum",
            "agm_months_after_year_end", "agm_max_months_between", "trustee_term_years",
            "empty_class_policy",
            "conflict_policy", "class_breakdown_minimum", "max_voters_helped_per_ballot",
            "shares_withdrawable", "withdrawal_notice_days", "withdrawals_suspended", "max_holding",
            "multiple_shares_allowed",
            "payment_instructions", "reserve_rule", "reserve_percent", "reserve_fixed",
            "not_cast_money", "asset_lock",
            "register_retention_years", "contact_retention_years",
            "declaration_retention_years", "proxy_retention_years",
            "attendance_retention_years", "nomination_retention_years",
            "ballot_challenge_days",
        ]
        labels = {
            "financial_year_end_day": "Financial year ends: day",
            "financial_year_end_month": "Financial year ends: month (1 to 12)",
            "share_value": "Value of one share (£)",
            "notice_clear_days": "Clear days' notice of a general meeting",
            "quorum_minimum": "Quorum: at least this many members",
            "quorum_percent": "Quorum: or this percentage of members, if greater",
            "special_resolution_percent": "Special resolutions need this percentage of votes",
            "max_proxies_per_holder": "Most proxies one person may hold",
            "quorum_counts_proxies": "Proxies count towards the quorum",
            "proxy_deadline_unit": "Count the proxy deadline in",
            "proxy_deadline_clear_days": "Clear days before a meeting to appoint a proxy by",
            "proxy_deadline_hours": "Or: hours before the meeting starts to appoint a proxy by",
            "allow_advance_votes": "Members may vote on resolutions ahead of a general meeting",
            "advance_votes_close_hours": "Voting ahead closes this many hours before the "
                                         "meeting",
            "post_deemed_delivery_hours": "A notice sent by post counts as delivered this many "
                                          "hours after posting",
            "not_cast_money": "The money of a share kept as not cast (a class in which nobody "
                              "voted)",
            "requisition_percent": "Members can call a general meeting: this percentage of "
                                   "members",
            "requisition_maximum": "Or this many members, if fewer",
            "agm_months_after_year_end": "Hold the AGM within this many months of the year end",
            "agm_max_months_between": "Most months between one AGM and the next",
            "trustee_term_years": "Years an elected trustee serves",
            "empty_class_policy": "If a class casts no votes in a class-weighted ballot",
            "class_breakdown_minimum": "Hide a class's own result when fewer than this voted",
            "conflict_policy": "Members with an interest in a ballot's topic",
            "max_voters_helped_per_ballot": "Most members one companion may help to vote in a "
                                            "ballot",
            "multiple_shares_allowed": "Members may buy more than one share",
            "max_holding": "Most one member may hold (£)",
            "payment_instructions": "How to pay another way",
            "shares_withdrawable": "Members can take their share money out when they leave",
            "withdrawal_notice_days": "Days' notice before share money is paid back",
            "withdrawals_suspended": "Pause paying share money back",
            "register_retention_years": "Years a former member stays on the register",
            "contact_retention_years": "Years a former member's contact details are kept",
            "declaration_retention_years": "Years an ended declaration of interest is kept",
            "proxy_retention_years": "Years proxy appointments are kept after a meeting",
            "attendance_retention_years": "Years attendance and apologies are kept",
            "nomination_retention_years": "Years nominations are kept after a meeting",
            "ballot_challenge_days": "Days after a result is published before who voted is "
                                     "reduced to counts",
        }
        widgets = {"address": forms.Textarea(attrs={"rows": 3}),
                   "payment_instructions": forms.Textarea(attrs={"rows": 4}),
                   "empty_class_policy": forms.RadioSelect,
                   "reserve_rule": forms.RadioSelect,
                   "conflict_policy": forms.RadioSelect,
                   "not_cast_money": forms.RadioSelect,
                   "proxy_deadline_unit": forms.RadioSelect}

    def clean(self):
        data = super().clean()
        from datetime import date

        month, day = data.get("financial_year_end_month"), data.get("financial_year_end_day")
        if month and day:
            try:
                date(2023, month, day)
            except ValueError:
                self.add_error("financial_year_end_day", "That day does not exist in that month.")
        value, cap = data.get("share_value"), data.get("max_holding")
        if value is not None and cap is not None and cap < value:
            self.add_error("max_holding", "The most one member may hold cannot be less than the "
                                          "value of one share.")
        pct = data.get("special_resolution_percent")
        if pct is not None and not (50 < pct <= 100):
            self.add_error("special_resolution_percent",
                           "Enter a percentage above 50 and no more than 100.")
        return data
