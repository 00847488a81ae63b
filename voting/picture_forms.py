"""The officers' form for an option's or candidate's own picture. The service checks the file
with Pillow and the alt text again, so the API and any other caller get the same rules."""

from django import forms

from coop.forms import AccessibleFormMixin

from .models.pictures import ALT_TEXT_MAX, ALT_TEXT_MISSING


class OptionPictureForm(AccessibleFormMixin, forms.Form):
    image = forms.FileField(
        label="Picture",
        help_text="A photo or drawing: a PNG, JPEG, GIF or WebP file smaller than 2 MB.",
        error_messages={"required": "Choose a picture to upload.",
                        "empty": "The file you chose is empty. Choose a picture."})
    alt_text = forms.CharField(
        label="Describe the picture", max_length=ALT_TEXT_MAX,
        help_text="For people who cannot see it. Say what it shows, for example “Photo of Ann "
                  "smiling” or “Our minibus outside the day centre”.",
        error_messages={"required": ALT_TEXT_MISSING,
                        "max_length": f"Keep the description to {ALT_TEXT_MAX} characters or "
                                      "fewer."})
