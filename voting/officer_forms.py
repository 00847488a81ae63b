"""Forms for the board's and the scrutineer's ballot pages. They only check what a form can
check (a number is a number, a required box is filled); the rules live in `services` and come
back as `VotingError`s that `add_service_error` puts next to the right field."""

from django import forms
from django.utils import timezone

from coop.enums import EmptyClassPolicy
from coop.forms import AccessibleFormMixin, date_field, validate_date_window
from coop.text import NOTE, TEXT
from membership.models import InterestTopic, MemberClass

from .enums import ALLOCATION_POINTS, BallotKind, ResolutionKind, Weighting
from .models import Ballot

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
BALLOT_FIELDS = [
    "title", "summary", "easy_read_summary", "kind", "weighting", "resolution_kind",
    "threshold_percent", "require_class_majority", "seats", "only_class",
    "allow_vote_changes", "live_results", "empty_class_policy", "breakdown_minimum",
    "record_date", "closes_at", "topics", "conflict_policy", "scrutineer_seal",
]


def datetime_field(label: str, *, required: bool = True, help_text: str = ""):
    """A date-and-time box the browser helps fill in; typed text in the same format works
    too, so it needs no script."""
    return forms.DateTimeField(
        label=label, required=required, help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        validators=[validate_date_window],
        error_messages={"required": f"Enter the {label.lower()}.",
                        "invalid": "Enter a date and time, for example 2027-03-01 17:00."})


class BallotForm(AccessibleFormMixin, forms.ModelForm):
    """Everything about a ballot except its options and class weights (see the row forms)."""

    closes_at = datetime_field(
        "Closing time", required=False,
        help_text="When voting ends. You can also set it when you open the ballot.")
    record_date = date_field(
        "Record date", required=False,
        help_text="Members on the register on this day are on the roll. Leave it blank for "
                  "the day the ballot opens.",
        errors={"invalid": "Enter a real date."})
    seats = forms.IntegerField(
        label="Seats to fill (elections only)", min_value=1, max_value=100, initial=1,
        required=False, help_text="How many people the election fills. Other kinds ignore this.",
        error_messages={"invalid": "Enter the number of seats as a whole number.",
                        "min_value": "An election fills at least one seat."})
    breakdown_minimum = forms.IntegerField(
        label="Hide a class's own figures when fewer than this voted in it", min_value=1,
        max_value=10000, required=False,
        help_text="Protects secrecy in small classes. Leave it blank for the society's rule.",
        error_messages={"invalid": "Enter a whole number.",
                        "min_value": "Enter 1 or more."})

    class Meta:
        model = Ballot
        fields = BALLOT_FIELDS
        labels = {
            "title": "Title",
            "summary": "Plain-English summary",
            "easy_read_summary": "Easy-read summary",
            "kind": "Kind of ballot",
            "weighting": "How votes are weighed",
            "resolution_kind": "Kind of resolution",
            "threshold_percent": "Custom threshold (%)",
            "require_class_majority": "A resolution must also win in every class that votes",
            "only_class": "Limit the vote to one class",
            "allow_vote_changes": "Members may change their vote until it closes",
            "live_results": "Show the results while the ballot is open",
            "empty_class_policy": "If a class casts no votes",
            "topics": "What the decision touches",
            "conflict_policy": "Members with an interest in these topics",
        }
        help_texts = {
            "threshold_percent": "Only for a custom resolution: the share of the weighted votes "
                                 "for and against that “for” must reach, from 50 to 100.",
            "only_class": "For a class's own election. That class then carries the whole "
                          "result and the class weights below are not used.",
            "topics": "Members with an interest in a topic you tick are asked to declare it.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "easy_read_summary": forms.Textarea(attrs={"rows": 5}),
            "kind": forms.RadioSelect,
            "weighting": forms.RadioSelect,
            "resolution_kind": forms.RadioSelect,
            "empty_class_policy": forms.RadioSelect,
            "conflict_policy": forms.RadioSelect,
            "topics": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": "Enter a title."},
            "summary": {"required": "Enter a plain-English summary of what the vote is about."},
            "threshold_percent": {
                "invalid": "Enter the threshold as a number, like 66.67.",
                "max_decimal_places": "Use no more than 4 decimal places.",
                "max_digits": "Enter a number from 50 to 100."},
        }

    def __init__(self, *args, society, **kwargs):
        super().__init__(*args, **kwargs)
        self.society = society
        fields = self.fields
        # Changed in place: the mixin has already made (and cached) the bound fields.
        only_class = fields["only_class"]
        only_class.queryset = MemberClass.objects.filter(society=society, votes=True)
        only_class.empty_label = "No: every voting class"
        only_class.label_from_instance = lambda member_class: member_class.name
        fields["threshold_percent"].required = False
        fields["easy_read_summary"].help_text = (
            "Short sentences and everyday words. Members who asked for easy read get it "
            "with their ballot paper and see it next to the summary.")
        fields["resolution_kind"].choices = [
            (ResolutionKind.ORDINARY, "Ordinary: passes with more than half"),
            (ResolutionKind.SPECIAL, f"Special: needs at least "
                                     f"{plain(society.special_resolution_percent)}%"),
            (ResolutionKind.CUSTOM, "Custom: the threshold you set below"),
        ]
        fields["empty_class_policy"].choices = EmptyClassPolicy.choices
        topics = InterestTopic.objects.filter(society=society, retired_on__isnull=True)
        self.has_topics = topics.exists()
        if self.has_topics:
            fields["topics"].queryset = topics
        else:  # nothing to tick, so no question about interests either
            del fields["topics"], fields["conflict_policy"]
        if self.instance.pk:  # the custom box shows only a custom threshold
            self.initial["threshold_percent"] = (
                plain(self.instance.threshold_percent)
                if self.instance.resolution_kind == ResolutionKind.CUSTOM else None)
        if not self.is_bound and not self.instance.pk:
            self.initial.update(empty_class_policy=society.empty_class_policy,
                                conflict_policy=society.conflict_policy,
                                breakdown_minimum=society.class_breakdown_minimum,
                                threshold_percent=None)

    def clean(self):
        data = super().clean()
        if data.get("resolution_kind") == ResolutionKind.CUSTOM and \
                data.get("kind") == BallotKind.RESOLUTION and \
                data.get("threshold_percent") is None:
            self.add_error("threshold_percent", "Enter the threshold for a custom resolution.")
        if data.get("kind") == BallotKind.RANKED and \
                data.get("weighting") not in (None, Weighting.ONE_MEMBER_ONE_VOTE):
            self.add_error("weighting", "An election counts one member, one vote. To give "
                                        "each class its own seats, limit the election to one "
                                        "class.")
        return data

    def _post_clean(self):
        # The services validate the ballot; the model's own check would say it differently.
        pass

    def service_fields(self) -> dict:
        """The cleaned values as the services take them."""
        data = {name: self.cleaned_data.get(name) for name in BALLOT_FIELDS}
        data["topics"] = list(data["topics"] or [])
        if self.instance.pk and {t.pk for t in data["topics"]} == set(
                self.instance.topics.values_list("pk", flat=True)):
            data["topics"] = None  # unchanged: the service leaves them as they are
        if not self.has_topics:
            del data["conflict_policy"]  # the ballot keeps its own, or the society's
        if data["resolution_kind"] != ResolutionKind.CUSTOM:
            data["threshold_percent"] = None
        data["seats"] = data["seats"] or 1
        if data["breakdown_minimum"] is None:
            data["breakdown_minimum"] = self.society.class_breakdown_minimum
        return data


class OptionForm(AccessibleFormMixin, forms.Form):
    """One row of the options list. A blank row is ignored, so there can be spare rows for
    people without JavaScript."""

    label = forms.CharField(max_length=200, required=False)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        number = int(self.prefix.rsplit("-", 1)[-1]) + 1 if self.prefix else 1
        self.number = number
        self.fields["label"].label = f"Option {number}: name"
        self.fields["description"].label = f"Option {number}: description"

    def clean(self):
        data = super().clean()
        if data.get("description", "").strip() and not data.get("label", "").strip():
            self.add_error("label", "Give this option a name, or clear its description.")
        return data


OptionFormSet = forms.formset_factory(OptionForm, extra=0)


def option_formset(data=None, *, options=()):
    """The existing options plus spare blank rows (more on a new ballot)."""
    initial = [{"label": o.label, "description": o.description} for o in options]
    spare = 3 if initial else 6
    # Every row is read, even one left as it was: a row unchanged from its starting value
    # is still an option to keep.
    return OptionFormSet(data, prefix="options", initial=initial + [{}] * spare,
                         form_kwargs={"empty_permitted": False})


def option_rows(formset) -> list[dict]:
    return [{"label": f.cleaned_data["label"].strip(),
             "description": f.cleaned_data.get("description", "").strip()}
            for f in formset.forms if f.cleaned_data.get("label", "").strip()]


class ClassWeightForm(AccessibleFormMixin, forms.Form):
    """One class's weight in this ballot."""

    weight = forms.IntegerField(min_value=0, max_value=1_000_000, error_messages={
        "required": "Enter a weight in whole-number parts, 0 if none.",
        "invalid": "Enter the weight as a whole number of parts, like 1 or 2.",
        "min_value": "Enter a weight of 0 parts or more."})
    votes_per_member = forms.IntegerField(min_value=1, max_value=1000, error_messages={
        "required": "Enter how many votes each member has.",
        "invalid": "Enter a whole number."})

    def __init__(self, *args, member_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_class = member_class
        self.fields["weight"].label = f"{member_class.name}: weight (parts)"
        self.fields["votes_per_member"].label = f"{member_class.name}: votes per member"


def plain(number) -> str:
    """A Decimal without trailing zeros or an exponent: 25.5000 → 25.5, 100.0000 → 100."""
    return f"{number.normalize():f}"


def weight_forms(data=None, *, rows) -> list[ClassWeightForm]:
    """rows: (member_class, weight, votes_per_member), from the ballot or the society."""
    return [ClassWeightForm(data, prefix=f"weights-{cls.pk}", member_class=cls,
                            initial={"weight": weight,
                                     "votes_per_member": votes})
            for cls, weight, votes in rows]


# --- the manage page's actions -----------------------------------------------------------------

class OpenForm(AccessibleFormMixin, forms.Form):
    closes_at = datetime_field("Closing time", help_text="Voting ends at this time.")


class ScheduleForm(AccessibleFormMixin, forms.Form):
    opens_at = datetime_field("Opening time",
                              help_text="The ballot opens by itself at this time.")
    closes_at = datetime_field("Closing time")


class CloseForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the ballot closing early?", max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is recorded and shown with the result.",
        error_messages={"required": "Say why the ballot is closing early."})


class PublishForm(AccessibleFormMixin, forms.Form):
    """No fields: the button is the decision."""


class CertifyForm(AccessibleFormMixin, forms.Form):
    note = forms.CharField(
        label="Note on the certificate", required=False, max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, how many papers arrived too late to count.")


class IssuePaperForm(AccessibleFormMixin, forms.Form):
    membership_number = forms.IntegerField(
        label="Membership number", min_value=1,
        help_text="The member must be on this ballot's roll.",
        error_messages={"required": "Enter the membership number.",
                        "invalid": "Enter the membership number as a whole number.",
                        "min_value": "Enter the membership number as a whole number."})


# --- entering a returned paper ----------------------------------------------------------------

class PaperEntryForm(AccessibleFormMixin, forms.Form):
    """The code and the marks on a returned paper, with fields that fit the ballot's kind."""

    code = forms.CharField(label="Code printed on the paper", max_length=40,
                           help_text="Capital letters and numbers, for example ABCD-EFGH-JKMN.",
                           error_messages={"required": "Enter the code printed on the paper."})

    def __init__(self, *args, ballot, **kwargs):
        super().__init__(*args, **kwargs)
        self.ballot = ballot
        self.options = list(ballot.options.all())
        kind = ballot.kind
        self.code_field = "code"
        self.fields["code"].widget.attrs.update(autocomplete="off", spellcheck="false",
                                                autocapitalize="characters")
        if kind in (BallotKind.RESOLUTION, BallotKind.CHOICE):
            self.fields["choices"] = forms.ChoiceField(
                label="Which box has the cross?", widget=forms.RadioSelect,
                choices=[(o.pk, o.label) for o in self.options],
                error_messages={"required": "Choose the option marked on the paper."})
        elif kind == BallotKind.APPROVAL:
            self.fields["choices"] = forms.MultipleChoiceField(
                label="Which boxes have a cross?", widget=forms.CheckboxSelectMultiple,
                choices=[(o.pk, o.label) for o in self.options],
                error_messages={"required": "Tick every option marked on the paper."})
        else:
            self._number_fields(kind)

    def _number_fields(self, kind):
        allocation = kind == BallotKind.ALLOCATION
        for option in self.options:
            self.fields[f"option_{option.pk}"] = forms.IntegerField(
                label=f"{option.label}: {'points' if allocation else 'number written'}",
                required=False, min_value=0 if allocation else 1,
                max_value=ALLOCATION_POINTS if allocation else len(self.options),
                error_messages={"invalid": "Enter a whole number."})

    @property
    def number_fields(self) -> list[str]:
        return [f"option_{o.pk}" for o in self.options if f"option_{o.pk}" in self.fields]

    @property
    def number_bound_fields(self) -> list:
        return [self[name] for name in self.number_fields]

    @property
    def choices_field(self) -> str | None:
        """Where a mistake in the marks is shown."""
        if "choices" in self.fields:
            return "choices"
        return self.number_fields[0] if self.number_fields else None

    def marks(self) -> dict[int, int]:
        data = self.cleaned_data
        if "choices" in self.fields:
            chosen = data["choices"]
            chosen = chosen if isinstance(chosen, list) else [chosen]
            return {int(pk): 1 for pk in chosen}
        return {o.pk: data[f"option_{o.pk}"] for o in self.options
                if data.get(f"option_{o.pk}")}

    def add_service_error(self, error) -> None:
        if error.field == "choices" and self.choices_field:
            error.field = self.choices_field
        super().add_service_error(error)


def local_now_rounded():
    """Now, to the minute, for a time box's starting value."""
    return timezone.localtime().replace(second=0, microsecond=0)
