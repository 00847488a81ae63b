"""The form renderer every form uses (settings.FORM_RENDERER), so that forms we do not write
(allauth's password, reauthentication and two-step pages) describe their fields with the ids that
templates/includes/field.html gives the hint and the error. Django's own default points
aria-describedby at `<id>_helptext`, which the shared template does not render: a broken
reference that screen readers announce as nothing. Placeholders go too: allauth's repeat the
label, vanish as you type and fail contrast."""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates


class HouseBoundField(BoundField):
    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        field.widget.attrs.pop("placeholder", None)  # the form's own copy of the field

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby"):
            return None  # the form chose its own
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(f"{self.auto_id}_hint")
            if self.errors:
                ids.append(f"{self.auto_id}_error")
        return " ".join(ids)


class HouseRenderer(DjangoTemplates):
    bound_field_class = HouseBoundField
