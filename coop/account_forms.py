"""allauth's forms with plain-English labels and errors linked to their fields."""

from allauth.account import forms as allauth_forms

from .forms import AccessibleFormMixin


def _plain(form):
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class SignupForm(AccessibleFormMixin, allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["email"].label = "Email address"
        self.fields["email"].help_text = "We send a code to this address to check it is yours."
        self.fields["email"].widget.attrs["aria-describedby"] = "id_email_hint"
        if "password1" in self.fields:
            self.fields["password1"].label = "Password"
            self.fields["password1"].help_text = (
                "You do not need a password: leave this empty and we will email you a code "
                "each time you sign in.")
            self.fields["password1"].widget.attrs["aria-describedby"] = "id_password1_hint"


class LoginForm(AccessibleFormMixin, allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["login"].label = "Email address"
        if "password" in self.fields:
            self.fields["password"].help_text = (
                "No password? Use “Email me a sign-in code” above instead.")
            self.fields["password"].widget.attrs["aria-describedby"] = "id_password_hint"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"


class RequestLoginCodeForm(AccessibleFormMixin, allauth_forms.RequestLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["email"].label = "Email address"


class ConfirmLoginCodeForm(AccessibleFormMixin, allauth_forms.ConfirmLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain(self)
        self.fields["code"].label = "The code from the email"
        self.fields["code"].widget.attrs["autocomplete"] = "one-time-code"
