"""The scrutineer's passphrase forms (see `voting.seal`). The rules (length, the two boxes
matching, whether it opens the ballot) are in `services.sealing`; a passphrase is never
shown back on the page."""

from django import forms

from coop.forms import AccessibleFormMixin

from .seal import MIN_PASSPHRASE


def _passphrase(label: str, *, help_text: str = "", autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, strip=False, max_length=1000,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete,
                                          "spellcheck": "false"}),
        error_messages={"required": f"Type the {label.lower()}.",
                        "max_length": "Use a passphrase of up to 1,000 characters."})


class SetPassphraseForm(AccessibleFormMixin, forms.Form):
    passphrase = _passphrase(
        "Passphrase", autocomplete="new-password",
        help_text=f"At least {MIN_PASSPHRASE} characters. A few ordinary words together, "
                  "like “marmalade kettle hillside”, are easy to remember and hard to guess.")
    again = _passphrase("Passphrase again", autocomplete="new-password",
                        help_text="Type it again, to be sure it is what you meant.")


class OpenBoxForm(AccessibleFormMixin, forms.Form):
    passphrase = _passphrase("Passphrase", autocomplete="off",
                             help_text="The passphrase you chose before the ballot opened.")
