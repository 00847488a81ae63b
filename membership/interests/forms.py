"""Forms for the register of interests. They check what a form can (a real date, something
chosen); the rules of the register are the services' (membership/interests/services.py), whose
errors the views show next to the field they concern."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from coop.forms import AccessibleFormMixin, date_field

from ..enums import InterestType
from ..models import InterestTopic, MemberClass

DATE_ERRORS = {"invalid": "Enter a real date, for example 2026-11-26."}


def _date_field(label, *, required, help_text="", errors=None):
    return date_field(label, required=required, help_text=help_text,
                      errors={**DATE_ERRORS, **(errors or {})})


class DeclarationForm(AccessibleFormMixin, forms.Form):
    """Declare an interest, or (with a note) change one."""

    topics = forms.ModelMultipleChoiceField(
        queryset=InterestTopic.objects.none(), widget=forms.CheckboxSelectMultiple,
        label="What is the interest about?",
        help_text="Tick every topic it touches.",
        error_messages={"required": "Choose at least one topic the interest is about.",
                        "invalid_choice": "Choose from the topics listed: one you chose is no "
                                          "longer offered.",
                        "invalid_pk_value": "Choose from the topics listed."})
    interest_type = forms.ChoiceField(
        label="What kind of interest is it?", choices=InterestType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of interest."})
    other_party = forms.CharField(
        label="Who else is involved?", required=False, max_length=200,
        help_text="The person or organisation, if there is one. For example: "
                  "“my brother, who runs Able Transport Ltd”.",
        error_messages={"max_length": "Keep this under 200 characters."})
    description = forms.CharField(
        label="Describe the interest", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A sentence or two, in plain words.",
        error_messages={"required": "Describe the interest in a sentence or two."})
    began_on = _date_field("When did it begin?", required=False,
                           help_text="Leave it empty if you are not sure.")

    def __init__(self, *args, society, declaration=None, **kwargs):
        if declaration is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "topics": [t.pk for t in declaration.topics.all()],
                "interest_type": declaration.interest_type,
                "other_party": declaration.other_party,
                "description": declaration.description,
                "began_on": declaration.began_on}
        super().__init__(*args, **kwargs)
        # Retired topics are not offered, except those the declaration already names.
        offered = Q(retired_on__isnull=True)
        if declaration is not None:
            offered |= Q(pk__in=[t.pk for t in declaration.topics.all()])
        self.fields["topics"].queryset = InterestTopic.objects.filter(
            offered, society=society).order_by("position", "id")

    def clean_began_on(self):
        """The service refuses this too; checked here as well so that every error shows at
        once, not one more after the others are put right."""
        began_on = self.cleaned_data["began_on"]
        if began_on and began_on > timezone.localdate():
            raise forms.ValidationError("The date it began cannot be in the future.")
        return began_on

    def clean_description(self):
        return self.cleaned_data["description"].strip()

    def values(self) -> dict:
        """The service's keyword arguments."""
        return {name: self.cleaned_data[name] for name in
                ("topics", "interest_type", "other_party", "description", "began_on")}


class AmendForm(DeclarationForm):
    """A new version of a declaration: the same fields, and what changed."""

    note = forms.CharField(
        label="What has changed?", max_length=300,
        help_text="A short note kept with the new version, for example “New supplier name”.",
        error_messages={"required": "Say in a few words what has changed.",
                        "max_length": "Keep the note under 300 characters."})

    def __init__(self, *args, declaration, **kwargs):
        self.declaration = declaration
        super().__init__(*args, declaration=declaration, **kwargs)

    def changes(self) -> dict:
        """Only the fields that differ from the version being replaced."""
        old = {"topics": {t.pk for t in self.declaration.topics.all()},
               "interest_type": self.declaration.interest_type,
               "other_party": self.declaration.other_party,
               "description": self.declaration.description,
               "began_on": self.declaration.began_on}
        found = {}
        for name, value in self.values().items():
            compare = {t.pk for t in value} if name == "topics" else value
            if compare != old[name]:
                found[name] = value
        return found

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError(
                "You have not changed anything. Change the details, or go back if nothing "
                "has changed.")
        return data


class EndForm(AccessibleFormMixin, forms.Form):
    ended_on = _date_field("When did it end?", required=True,
                           errors={"required": "Enter the date the interest ended."})
    note = forms.CharField(
        label="Anything to add?", required=False, max_length=300,
        help_text="For example “My sister no longer works for the supplier”.",
        error_messages={"max_length": "Keep the note under 300 characters."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("ended_on", timezone.localdate())


RETURN_CHOICES = [
    ("complete", "My declarations above are complete"),
    ("nil", "I have nothing to declare (nil return)"),
]


class ReturnForm(AccessibleFormMixin, forms.Form):
    """An officer's return. The field is called `nil` so that the service's error about it
    (InterestError(field="nil")) appears next to it."""

    nil = forms.ChoiceField(
        label="Your return", choices=RETURN_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your declarations are complete or you "
                                    "have nothing to declare."})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "return")
        super().__init__(*args, **kwargs)

    @property
    def is_nil(self) -> bool:
        return self.cleaned_data["nil"] == "nil"


class TopicForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of the topic", max_length=120,
        error_messages={"required": "Enter a name for the topic.",
                        "max_length": "Keep the name under 120 characters."})
    deemed_classes = forms.ModelMultipleChoiceField(
        queryset=MemberClass.objects.none(), widget=forms.CheckboxSelectMultiple,
        required=False, label="Which classes are treated as having an interest?",
        help_text="Every member of a ticked class is treated as having an interest in this "
                  "topic, without declaring it.")

    def __init__(self, *args, society, topic=None, **kwargs):
        if topic is not None and not kwargs.get("initial"):
            kwargs["initial"] = {"name": topic.name,
                                 "deemed_classes": [c.pk for c in topic.deemed_classes.all()]}
        super().__init__(*args, **kwargs)
        self.fields["deemed_classes"].queryset = society.member_classes.all()


class RetireForm(AccessibleFormMixin, forms.Form):
    """Retiring a topic takes one confirming button: it has no fields."""


STATUS_CHOICES = [("current", "Current"), ("ended", "Ended"), ("all", "All")]


class RegisterFilterForm(forms.Form):
    """The register's filters. A bad value is dropped (and shown) rather than failing."""

    NOT_LISTED = {"invalid_choice": "Choose from the list.",
                  "max_length": "Keep this under 200 characters."}

    q = forms.CharField(label="Name contains", required=False, max_length=200,
                        error_messages=NOT_LISTED)
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int,
                                    empty_value=None, error_messages=NOT_LISTED)
    topic = forms.ModelChoiceField(queryset=InterestTopic.objects.none(), required=False,
                                   label="Topic", empty_label="All topics",
                                   error_messages=NOT_LISTED)
    interest_type = forms.ChoiceField(label="Kind", required=False,
                                      choices=[("", "All kinds"), *InterestType.choices],
                                      error_messages=NOT_LISTED)
    status = forms.ChoiceField(label="Show", required=False, choices=STATUS_CHOICES,
                               error_messages=NOT_LISTED)

    def __init__(self, *args, society, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = InterestTopic.objects.filter(society=society)
        self.fields["person"].choices = [("", "Everyone"), *people]

    def filters(self) -> dict:
        if not self.is_bound:
            return {"status": "current"}
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data.setdefault("status", "current")
        return data
