"""The conflict-of-interest prompt on the ballot page (see `voting.conflicts`)."""

from django import forms
from django.utils import dateformat, timezone

from coop.forms import AccessibleFormMixin, date_field
from membership.enums import InterestType

from .conflicts import InterestAnswer


class InterestForm(AccessibleFormMixin, forms.Form):
    """The conflict-of-interest prompt, asked before the choices when a ballot has topics
    (see `voting.conflicts`). A member with a declared or deemed interest ticks a box to say
    they have read it; a member with none answers No, or Yes and declares it here. Without
    JavaScript the declaration boxes are always shown, marked "only if you answered yes"."""

    interest_confirmed = forms.BooleanField(
        label="I have read my interests and I want to vote",
        error_messages={"required": "Tick the box to say you have read your interests and "
                                    "want to vote."})
    interest_answer = forms.ChoiceField(
        widget=forms.RadioSelect, choices=[("no", "No"),
                                           ("declare", "Yes, I want to declare it now")],
        error_messages={"required": "Say whether you have an interest to declare."})
    interest_type = forms.ChoiceField(
        label="What kind of interest is it?", widget=forms.RadioSelect,
        choices=InterestType.choices,
        error_messages={"invalid_choice": "Choose the kind of interest.",
                        "required": "Choose the kind of interest."})
    interest_description = forms.CharField(
        label="Describe the interest", max_length=2000,
        error_messages={"required": "Describe the interest in a sentence or two.",
                        "max_length": "Keep the description under 2,000 characters."},
        widget=forms.Textarea(
            attrs={"rows": 3}), help_text="In a sentence or two, for example: “My sister is "
                                          "a personal assistant paid by the co-op.”")
    interest_other_party = forms.CharField(
        label="The other person or organisation involved", required=False, max_length=200,
        error_messages={"max_length": "Keep the name under 200 characters."},
        help_text="Leave this blank if there is nobody else involved.")
    interest_began_on = date_field(
        "When it began", required=False,
        errors={"invalid": "Enter the date it began as a real date, for example 2026-03-31."})

    DECLARATION = ("interest_type", "interest_description", "interest_other_party",
                   "interest_began_on")
    SERVICE_FIELDS = {"interest_type": "interest_type", "description": "interest_description",
                      "other_party": "interest_other_party", "began_on": "interest_began_on"}
    ANSWER_ERRORS = {"interest", "topics"} | set(SERVICE_FIELDS)  # errors about the answer
    use_required_attribute = False  # the declaration boxes are needed only after "Yes"

    def __init__(self, data=None, *, prompt, initial=None):
        self.prompt = prompt
        super().__init__(data, initial=initial)
        if prompt.has_interest:
            for name in ("interest_answer", *self.DECLARATION):
                del self.fields[name]
        else:
            del self.fields["interest_confirmed"]
            if self.is_bound and self.data.get("interest_answer") != "declare":
                for name in ("interest_type", "interest_description"):
                    self.fields[name].required = False  # needed only to declare
            self.fields["interest_answer"].label = ("Do you have an interest to declare in: "
                                           f"{self.topic_names}?")
            self.fields["interest_answer"].help_text = self.answer_hint

    @property
    def topic_names(self) -> str:
        return ", ".join(t.name for t in self.prompt.topics)

    @property
    def question(self) -> str:
        """The field the "did you answer the prompt" error belongs to."""
        return "interest_confirmed" if self.prompt.has_interest else "interest_answer"

    @property
    def answer_hint(self) -> str:
        return ("You have an interest if the decision could affect you, your money, or "
                "someone close to you. " + {
                    "declare": "If you declare one, your vote still counts.",
                    "record": "If you declare one, your vote still counts as normal.",
                    "recuse": "If you have one, the co-op's rules say you do not vote in this "
                              "ballot."}.get(self.prompt.policy, ""))

    def clean(self):
        data = super().clean()
        began = data.get("interest_began_on")
        if data.get("interest_answer") == "declare" and began and began > timezone.localdate():
            self.add_error("interest_began_on", "The date it began cannot be in the future.")
        return data

    def _mark_invalid(self, name: str) -> None:
        """Radios are described by their fieldset, but each is still marked invalid."""
        super()._mark_invalid(name)
        if name in self.fields and isinstance(self.fields[name].widget, self.GROUPED):
            self.fields[name].widget.attrs["aria-invalid"] = "true"

    def add_service_error(self, error) -> None:
        """Put an error from declaring or from `conflicts.resolve` next to its field."""
        field = self.SERVICE_FIELDS.get(error.field, self.question)
        self.add_error(field, error.message)
        self._mark_invalid(field)

    def answer_for_service(self) -> InterestAnswer:
        data = self.cleaned_data
        if self.prompt.has_interest:
            return InterestAnswer(confirmed=bool(data.get("interest_confirmed")))
        if data.get("interest_answer") == "declare":
            return InterestAnswer(declaration={
                "interest_type": data["interest_type"],
                "description": data["interest_description"],
                "other_party": data.get("interest_other_party") or "",
                "began_on": data.get("interest_began_on")})
        return InterestAnswer(none_to_declare=data.get("interest_answer") == "no")

    # --- for templates ---------------------------------------------------------------------

    def interest_lines(self) -> list[str]:
        """The member's matching interests in plain words, one line per declaration or
        class."""
        declared, lines = {}, []
        for match in self.prompt.matches:
            if match.deemed:
                name = match.member_class.name.lower()
                article = "an" if name[:1] in "aeiou" else "a"
                lines.append(f"As {article} {name} you are treated as having an interest in "
                             f"{match.topic.name}.")
            else:
                declared.setdefault(match.declaration, []).append(match.topic.name)
        for declaration, topics in declared.items():
            lines.append(f"You declared an interest in {' and '.join(topics)}: "
                         f"{declaration.description}")
        return lines

    def summary_errors(self) -> list[tuple[str, str]]:
        found = []
        for name, errors in self.errors.items():
            if name in self.fields:
                anchor = self[name].auto_id
                if isinstance(self.fields[name].widget, self.GROUPED):
                    anchor += "_0"
                found += [(anchor, e) for e in errors]
        return found

    def carried(self) -> list[tuple[str, str]]:
        """(name, value) pairs for the hidden fields of the check page."""
        pairs = []
        for name in self.fields:
            value = self[name].data if self.is_bound else self[name].value()
            if value not in (None, "", False):
                pairs.append((name, "on" if value is True else str(value)))
        return pairs

    def unbound_copy(self) -> "InterestForm":
        initial = {name: self[name].data for name in self.fields}
        return type(self)(prompt=self.prompt, initial=initial)

    def readback(self) -> list[tuple[str, str]]:
        if self.prompt.has_interest:
            return [("Your interests", " ".join(self.interest_lines()))]
        data = self.cleaned_data
        if data.get("interest_answer") != "declare":
            return [("Your interests",
                     f"You said you have no interest to declare in {self.topic_names}.")]
        parts = [InterestType(data["interest_type"]).label.split(" (")[0] + ":",
                 data["interest_description"].strip()]
        if data.get("interest_other_party"):
            parts.append(f"(involving {data['interest_other_party'].strip()})")
        if data.get("interest_began_on"):
            parts.append(f"since {dateformat.format(data['interest_began_on'], 'j F Y')}")
        return [("You are declaring", " ".join(parts))]
