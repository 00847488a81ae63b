from django import forms
from django.utils import timezone

from coop.forms import AccessibleFormMixin, date_field
from meetings.models import Meeting
from membership.models import MemberClass
from voting.models import Ballot
from voting.officer_forms import datetime_field

from .enums import Audience, MessageKind, Preference
from .models import Message


class MessageForm(AccessibleFormMixin, forms.ModelForm):
    """Compose: what the message says, its kind, and who gets it (with a saved filter)."""

    kind = forms.ChoiceField(label="What kind of message is it?", choices=MessageKind.choices,
                             widget=forms.RadioSelect, initial=MessageKind.NEWS)
    audience = forms.ChoiceField(label="Who gets it?", choices=Audience.choices,
                                 widget=forms.RadioSelect, initial=Audience.ALL)
    classes = forms.ModelMultipleChoiceField(
        label="Classes", queryset=MemberClass.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only if you chose 'Members of the classes I choose'.")
    ballot = forms.ModelChoiceField(
        label="Vote", queryset=Ballot.objects.none(), required=False,
        help_text="Only if you chose members who have not voted yet.")
    meeting = forms.ModelChoiceField(
        label="Meeting", queryset=Meeting.objects.none(), required=False,
        help_text="Only if you chose members called to a meeting.")
    joined_since = date_field("Only members who joined on or after", required=False,
                              help_text="For example, 1/4/2026.")
    preference = forms.ChoiceField(label="Only members who", choices=Preference.choices,
                                   required=False)

    class Meta:
        model = Message
        fields = ["subject", "body", "easy_read_body", "kind", "audience", "classes", "ballot",
                  "meeting", "joined_since", "preference"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12}),
                   "easy_read_body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, society, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classes"].queryset = MemberClass.objects.filter(society=society)
        self.fields["ballot"].queryset = Ballot.objects.filter(
            society=society, opened_at__isnull=False).order_by("-opened_at")
        self.fields["meeting"].queryset = Meeting.objects.filter(
            society=society, notice_sent_at__isnull=False).order_by("-starts_at")
        self.fields["subject"].error_messages["required"] = "Enter the subject."
        self.fields["body"].error_messages["required"] = "Enter the message."

    def clean(self):
        """Say at once what the chosen audience still needs (the service checks it too)."""
        data = super().clean()
        audience = data.get("audience")
        needs = {Audience.CLASSES: ("classes", "Choose at least one class."),
                 Audience.NOT_VOTED: ("ballot", "Choose the vote."),
                 Audience.MEETING: ("meeting", "Choose the meeting.")}.get(audience)
        if needs and not data.get(needs[0]) and needs[0] not in self.errors:
            self.add_error(needs[0], needs[1])
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {"classes": data.pop("classes", []) or [], **data}


class ScheduleForm(AccessibleFormMixin, forms.Form):
    send_at = datetime_field("Send it at",
                             help_text="Date and time, for example 14/5/2027 09:00.")

    def clean_send_at(self):
        value = self.cleaned_data["send_at"]
        if value <= timezone.now():
            raise forms.ValidationError("Choose a time in the future.")
        return value


class NewsChoiceForm(AccessibleFormMixin, forms.Form):
    news = forms.TypedChoiceField(
        label="Do you want to get news from the co-op?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, send me news"), ("no", "No, only send me notices the law "
                                                      "says you must send")],
        coerce=lambda v: v == "yes",
        error_messages={"required": "Choose yes or no."})
