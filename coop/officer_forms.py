from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from .enums import OfficerRole
from .forms import AccessibleFormMixin, date_field


class AppointOfficerForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(label="Email address of the person's account",
                             error_messages={"required": "Enter the person's email address.",
                                             "invalid": "Enter an email address like "
                                                        "name@example.com."})
    role = forms.ChoiceField(label="Role", choices=OfficerRole, widget=forms.RadioSelect,
                             error_messages={"required": "Choose a role."})
    started_on = date_field("Start date", initial=timezone.localdate)
    sees_access_needs = forms.BooleanField(
        label="Sees members' access needs", required=False,
        help_text="Only for officers who arrange meetings or letters. Access needs are health "
                  "data; each time they look is recorded.")

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError("Nobody has an account with that email address. "
                                        "Ask them to create one first.")
        self.cleaned_data["user"] = user
        return email

    def clean(self):
        data = super().clean()
        if "user" in self.cleaned_data:
            data["user"] = self.cleaned_data["user"]
        return data


class TokenForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label="Name for the new token", max_length=100,
                           help_text="So you can tell your tokens apart, e.g. “spreadsheet”.",
                           error_messages={"required": "Give the token a name."})
