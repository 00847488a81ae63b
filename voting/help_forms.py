"""The companion's declaration, made on the member's signed-in device before the vote."""

from django import forms

from coop.forms import AccessibleFormMixin

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
