"""The companion's declaration, made on the member's signed-in device before the vote."""

from django import forms

from coop.forms import AccessibleFormMixin

from .officer_forms import PaperEntryForm
from .services import helping


class CompanionForm(AccessibleFormMixin, forms.Form):
    helper_name = forms.CharField(
        label="Full name of the person helping", max_length=150,
        help_text="The person helping types their own name.",
        error_messages={"required": helping.NO_NAME})
    declaration = forms.BooleanField(
        label="I am the person helping, and I make the declaration above",
        error_messages={"required": helping.NOT_DECLARED})

    def clean_helper_name(self):
        name = " ".join(self.cleaned_data["helper_name"].split())
        if not name:
            raise forms.ValidationError(helping.NO_NAME)
        return name


class OfficerVoteForm(PaperEntryForm):
    """An officer takes a member's vote: who the member is, how the officer checked, that the
    member was told the officer would see the choice, the choice, and the declaration."""

    member_number = forms.IntegerField(
        label="The member's membership number", min_value=1,
        error_messages={"required": "Enter the member's membership number.",
                        "invalid": "Enter the membership number as a whole number."})
    identity_check = forms.CharField(
        label="How you checked it was the member", max_length=200,
        help_text="For example: asked their date of birth and address.",
        error_messages={"required": "Say how you checked it was the member."})
    member_told = forms.BooleanField(
        label="I read the words above to the member before they told me their choice",
        error_messages={"required": "Read the words above to the member, then tick this box."})
    declaration = forms.BooleanField(
        label="I make the officer's declaration above",
        error_messages={"required": "Tick the box to make the declaration."})

    def __init__(self, *args, ballot, **kwargs):
        super().__init__(*args, ballot=ballot, **kwargs)
        del self.fields["code"]
        self.code_field = "member_number"

    @property
    def mark_fields(self) -> list:
        return [self[name] for name in (self.number_fields or ["choices"])]
