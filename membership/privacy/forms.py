from django import forms
from django.utils import timezone

from coop.forms import AccessibleFormMixin, date_field
from coop.text import LONG_TEXT, NOTE

from ..enums import ConsentPurpose, ErasureOutcome

DATE_ERRORS = {"required": "Enter the date.",
               "invalid": "Enter a real date, for example 2026-11-26."}


class ErasureRequestForm(AccessibleFormMixin, forms.Form):
    received_on = date_field("Date the request was received", initial=timezone.localdate,
                             errors=DATE_ERRORS)
    how_received = forms.CharField(label="How it was made", required=False, max_length=200,
                                   help_text="For example: by letter, by phone to the "
                                             "secretary, by email.")


class ErasureDecisionForm(AccessibleFormMixin, forms.Form):
    outcome = forms.ChoiceField(label="What was decided", choices=ErasureOutcome,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Choose what was decided."})
    note = forms.CharField(label="What to tell the person", required=False, max_length=NOTE,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Needed when the request is refused: say why.")


class PrivacyNoticeForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(label="The privacy notice", max_length=LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 24}),
                           error_messages={"required": "Write the notice."})
    applies_from = date_field("It applies from", initial=timezone.localdate,
                              errors=DATE_ERRORS)


class ConsentForm(AccessibleFormMixin, forms.Form):
    """The member's own choices: one checkbox per purpose that needs consent."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for purpose in ConsentPurpose:
            self.fields[purpose.value] = forms.BooleanField(
                label=purpose.label, required=False, initial=current.get(purpose.value, False))
