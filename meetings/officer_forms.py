"""Forms for the officers' meeting pages. They check only what a form can check (a date is a
date, a box is filled); the meeting rules live in the services and come back as
`MeetingError`s that `add_service_error` puts next to the right field."""

from datetime import datetime

from django import forms
from django.utils import timezone

from coop.forms import AccessibleFormMixin
from coop.forms import date_field as shared_date_field
from coop.text import LONG_TEXT, NOTE, TEXT
from membership.models import InterestTopic, Member

from .enums import AgendaItemKind, MeetingKind

TIME_FORMAT = "%H:%M"


def date_field(label: str, *, help_text: str = "", required: bool = True):
    return shared_date_field(label, required=required, help_text=help_text,
                             errors={"invalid": "Enter a real date, for example 2027-03-01."})


def time_field(label: str, *, help_text: str = "", required: bool = True):
    return forms.TimeField(
        label=label, required=required, help_text=help_text,
        input_formats=[TIME_FORMAT, "%H.%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format=TIME_FORMAT),
        error_messages={"required": f"Enter the {label.lower()}.",
                        "invalid": "Enter a time on the 24-hour clock, for example 18:30."})


def local_datetime(day, time):
    """A date and a time as typed, in the co-op's time zone."""
    return timezone.make_aware(datetime.combine(day, time))


class ServiceErrorsMixin(AccessibleFormMixin):
    """Service errors name model fields; `FIELD_FOR` says which form field shows them."""

    FIELD_FOR: dict[str, str] = {}

    def add_service_error(self, error) -> None:
        error.field = self.FIELD_FOR.get(error.field, error.field)
        super().add_service_error(error)


class MeetingForm(ServiceErrorsMixin, forms.Form):
    """Calling a meeting, or changing it before notice goes out (no kind then)."""

    FIELD_FOR = {"starts_at": "date"}

    kind = forms.ChoiceField(label="Kind of meeting", choices=MeetingKind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose the kind of meeting."})
    date = date_field("Date", help_text="The day of the meeting.")
    time = time_field("Start time", help_text="Local time, on the 24-hour clock, for example "
                                              "18:30.")
    title = forms.CharField(label="Title", max_length=200, required=False,
                            help_text="Leave it blank for the kind of meeting and its date, "
                                      "for example “Annual general meeting 12 March 2027”.")
    place = forms.CharField(label="Place", required=False, max_length=NOTE,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="The address where people meet in person. Leave it "
                                      "blank for a meeting held only online.")
    online_link = forms.URLField(label="Online link", required=False, max_length=200,
                                 help_text="The link to join online, if people can.",
                                 error_messages={"invalid": "Enter a full web address, "
                                                            "starting https://"})
    access_notes = forms.CharField(
        label="Access notes", required=False, max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Step-free access, hearing loop, BSL interpreter, parking, who to ask for "
                  "help.")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]

    @property
    def starts_at(self):
        return local_datetime(self.cleaned_data["date"], self.cleaned_data["time"])

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"starts_at": self.starts_at, "title": data["title"], "place": data["place"],
                "online_link": data["online_link"], "access_notes": data["access_notes"]}

    @staticmethod
    def initial_for(meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {"date": local.date(), "time": local.time().replace(second=0, microsecond=0),
                "title": meeting.title, "place": meeting.place,
                "online_link": meeting.online_link, "access_notes": meeting.access_notes}


class CancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the meeting cancelled?", max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit log and shown to members with the meeting.",
        error_messages={"required": "Say why the meeting is cancelled."})


RESOLUTION_CHOICES = [
    ("", "No: it is business to discuss"),
    ("ordinary", "Yes, an ordinary resolution: passes with more than half the votes"),
    ("special", "Yes, a special resolution: needs the special majority in the rules"),
]


class ItemForm(ServiceErrorsMixin, forms.Form):
    FIELD_FOR = {"resolution_kind": "resolution"}

    title = forms.CharField(label="Title", max_length=200,
                            error_messages={"required": "Give the item a title."})
    description = forms.CharField(
        label="Description, or the exact words of the resolution", required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For a resolution, the words members vote on, for example “That rule 12 is "
                  "changed to …”.")
    kind = forms.ChoiceField(
        label="Kind of item", widget=forms.RadioSelect,
        choices=[(k, label) for k, label in AgendaItemKind.choices
                 if k != AgendaItemKind.RESOLUTION],
        initial=AgendaItemKind.OTHER)
    topics = forms.ModelMultipleChoiceField(
        label="What the item touches", required=False, queryset=InterestTopic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Members with an interest in a topic you tick are shown to the chair, who "
                  "records anyone who withdraws.")
    resolution = forms.ChoiceField(
        label="Is this item a resolution for members to vote on?", required=False,
        choices=RESOLUTION_CHOICES, widget=forms.RadioSelect, initial="",
        help_text="A resolution must be in the notice, so add it before sending notice.")

    def __init__(self, *args, society, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = InterestTopic.objects.filter(
            society=society, retired_on__isnull=True).order_by("position", "id")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "description": data["description"],
                "kind": data["kind"], "topics": list(data["topics"]),
                "resolution_kind": data["resolution"] or None}


class ConfirmForm(AccessibleFormMixin, forms.Form):
    """No fields: the button is the decision. Carries a service error back to the page."""


class AttendanceForm(AccessibleFormMixin, forms.Form):
    """One row of the attendance list: mark a member present, or record their apologies."""

    member = forms.ModelChoiceField(queryset=Member.objects.none(), widget=forms.HiddenInput,
                                    error_messages={"invalid_choice": "Choose a member of "
                                                                      "this co-op."})
    action = forms.ChoiceField(choices=[("present", "Present"), ("apologies", "Apologies")],
                               widget=forms.HiddenInput)
    online = forms.BooleanField(label="Online", required=False)
    by_hand = forms.BooleanField(label="Votes by hand", required=False)

    def __init__(self, *args, society, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(society=society)


class WithdrawalForm(AccessibleFormMixin, forms.Form):
    member = forms.ModelChoiceField(
        label="Who withdrew?", queryset=Member.objects.none(),
        error_messages={"required": "Choose the member who withdrew.",
                        "invalid_choice": "Choose a member who is here."})
    reason = forms.CharField(label="Their interest, as they declared it", required=False,
                             max_length=500)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = members
        field.empty_label = "Choose a member"
        field.label_from_instance = lambda m: f"{m.full_name} ({m.membership_number})"


class TellersForm(AccessibleFormMixin, forms.Form):
    """The hands counted in the room: one box per class and option. A blank box is none."""

    def __init__(self, *args, classes, options, limits, counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        counts = counts or {}
        self.groups = []
        for member_class in classes:
            names = []
            for option in options:
                name = f"hands_{member_class.pk}_{option.pk}"
                self.fields[name] = forms.IntegerField(
                    label=option.label, required=False, min_value=0, max_value=100000,
                    initial=counts.get((member_class.pk, option.pk)),
                    error_messages={"invalid": "Enter a whole number of hands.",
                                    "min_value": "Enter 0 or more hands."})
                self.fields[name].widget.attrs.update(inputmode="numeric")
                names.append(name)
            self.groups.append({"member_class": member_class, "names": names,
                                "limit": limits.get(member_class.pk, 0)})
        self.options = options

    def group_fields(self):
        return [{**g, "fields": [self[n] for n in g["names"]]} for g in self.groups]

    def counts(self) -> dict:
        data = self.cleaned_data
        return {g["member_class"].pk: {o.pk: data.get(f"hands_{g['member_class'].pk}_{o.pk}")
                                       or 0 for o in self.options}
                for g in self.groups}


class NominationsForm(ServiceErrorsMixin, forms.Form):
    FIELD_FOR = {"close_at": "close_date"}

    close_date = date_field("Nominations close on")
    close_time = time_field("Nominations close at",
                            help_text="On the 24-hour clock, for example 17:00.")

    @property
    def close_at(self):
        return local_datetime(self.cleaned_data["close_date"], self.cleaned_data["close_time"])


class StartElectionForm(ServiceErrorsMixin, forms.Form):
    FIELD_FOR = {"closes_at": "closes_date"}

    closes_date = date_field("Voting closes on")
    closes_time = time_field("Voting closes at",
                             help_text="On the 24-hour clock, for example 17:00.")

    @property
    def closes_at(self):
        return local_datetime(self.cleaned_data["closes_date"],
                              self.cleaned_data["closes_time"])


class MinutesForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label="The minutes", max_length=LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 30}),
                           error_messages={"required": "The minutes cannot be empty."})
