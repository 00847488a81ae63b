"""The member's vote forms, one per kind of ballot, and the receipt check.

Every kind renders as one group of inputs (a fieldset) with one input per option, through
`voting/includes/vote_fields.html`. The fields only parse what was typed; whether the marks make
a valid vote is decided by `services.validate_choices`, so the page, the API and paper entry
give the same message. A problem with the vote as a whole ("your points add up to 90") is a
non-field error shown on the group; a problem with one box ("enter a whole number") is shown
next to that box."""

from django import forms

from coop.forms import AccessibleFormMixin

from . import secrecy, services
from .enums import ALLOCATION_POINTS, BallotKind


class VoteForm(forms.Form):
    """Base for the vote forms. `group` names the fieldset: its error is `id_<group>_error`
    and the inputs are `id_<group>_0`, `id_<group>_1`, ... in the order of the options."""

    group = "choice"
    legend = ""
    hint = ""

    def __init__(self, data=None, *, ballot, options, initial=None):
        self.ballot, self.options = ballot, list(options)
        self.marks: dict[int, int] = {}
        super().__init__(data, initial=initial)
        self.add_fields()

    def add_fields(self) -> None:
        raise NotImplementedError

    def choices_from(self, data: dict) -> dict:
        """The parsed fields as {option id: value}, for `services.validate_choices`."""
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if not self._errors:
            try:
                self.marks = services.validate_choices(self.ballot, self.choices_from(data))
            except services.VotingError as error:
                self.add_error(None, error.message)
        return data

    # --- for templates ---------------------------------------------------------------------

    @property
    def group_id(self) -> str:
        return f"id_{self.group}"

    @property
    def group_errors(self) -> list[str]:
        return list(self.non_field_errors())

    def summary_errors(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the error summary: the group's first, then each box's."""
        found = [(f"{self.group_id}_0", message) for message in self.group_errors]
        for name, errors in self.errors.items():
            if name in self.fields:
                found += [(self[name].auto_id or f"{self.group_id}_0", e) for e in errors]
        return found

    def carried(self) -> list[tuple[str, str]]:
        """(name, value) pairs that carry the answer through hidden fields, so the "Change"
        button on the check page brings the choices back without JavaScript."""
        pairs = []
        for name in self.fields:
            value = self[name].data if self.is_bound else self[name].value()
            for item in value if isinstance(value, list | tuple) else [value]:
                if item not in (None, ""):
                    pairs.append((name, str(item)))
        return pairs

    def unbound_copy(self) -> "VoteForm":
        """The same answer as a fresh form without errors (for "Change")."""
        initial = {name: self[name].data for name in self.fields}
        return type(self)(ballot=self.ballot, options=self.options, initial=initial)

    def _row(self, i: int, option, name: str) -> dict:
        input_id = f"{self.group_id}_{i}"
        hint_id = f"{input_id}_hint" if option.description else ""
        errors = list(self.errors.get(name, [])) if name in self.fields else []
        error_id = f"{input_id}_error" if errors else ""
        group_error_id = f"{self.group_id}_error" if self.group_errors else ""
        described = " ".join(x for x in (hint_id, error_id, group_error_id) if x)
        return {"option": option, "name": name, "id": input_id, "hint_id": hint_id,
                "errors": errors, "error_id": error_id, "described_by": described,
                "invalid": bool(errors or self.group_errors)}


class SingleChoiceForm(VoteForm):
    """Resolutions and choices: one radio per option."""

    group = "choice"
    input_type = "radio"

    @property
    def legend(self):
        if self.ballot.kind == BallotKind.RESOLUTION:
            return "How do you vote on this resolution?"
        return "Choose one option"

    @property
    def hint(self):
        if self.ballot.kind == BallotKind.RESOLUTION:
            return ("Abstain means you take no side: your vote is recorded but not counted "
                    "for or against.")
        return ""

    def add_fields(self):
        self.fields[self.group] = forms.ChoiceField(
            required=False, choices=[(str(o.pk), o.label) for o in self.options],
            error_messages={"invalid_choice": "Choose one of the options on this ballot."})

    def choices_from(self, data):
        chosen = data.get(self.group)
        return {int(chosen): 1} if chosen else {}

    def rows(self) -> list[dict]:
        chosen = self[self.group].data if self.is_bound else self[self.group].value()
        chosen = {str(chosen)} if chosen else set()
        return [self._row(i, o, self.group) | {"value": str(o.pk), "checked": str(o.pk) in chosen}
                for i, o in enumerate(self.options)]

    def readback(self) -> list[tuple[str, str]]:
        chosen = [o.label for o in self.options if o.pk in self.marks]
        return [("Your vote", chosen[0] if chosen else "")]


class ApprovalForm(SingleChoiceForm):
    """Approval: a checkbox per option, tick any number."""

    group = "choices"
    input_type = "checkbox"
    legend = "Tick every option you support"
    hint = "You can tick as many as you like."

    def add_fields(self):
        self.fields[self.group] = forms.MultipleChoiceField(
            required=False, choices=[(str(o.pk), o.label) for o in self.options],
            error_messages={"invalid_choice": "Choose from the options on this ballot."})

    def choices_from(self, data):
        return {int(pk): 1 for pk in data.get(self.group) or []}

    def rows(self) -> list[dict]:
        chosen = self[self.group].data if self.is_bound else self[self.group].value()
        chosen = {str(pk) for pk in chosen or []}
        return [self._row(i, o, self.group) | {"value": str(o.pk), "checked": str(o.pk) in chosen}
                for i, o in enumerate(self.options)]

    def readback(self):
        chosen = [o.label for o in self.options if o.pk in self.marks]
        return [("You ticked", ", ".join(chosen))]


class NumberForm(VoteForm):
    """Allocation and ranked ballots: a box per option for a whole number. The boxes are text
    inputs with a numeric keyboard (GOV.UK advice: number inputs change value on scroll and
    are read badly by some screen readers)."""

    input_type = "number"

    def field_for(self, option) -> forms.IntegerField:
        raise NotImplementedError

    def add_fields(self):
        for i, option in enumerate(self.options):
            self.fields[f"{self.group}_{i}"] = self.field_for(option)

    def choices_from(self, data):
        return {o.pk: data.get(f"{self.group}_{i}") or 0 for i, o in enumerate(self.options)}

    def rows(self) -> list[dict]:
        rows = []
        for i, option in enumerate(self.options):
            name = f"{self.group}_{i}"
            value = self[name].data if self.is_bound else self[name].value()
            rows.append(self._row(i, option, name) | {"value": value or ""})
        return rows


class AllocationForm(NumberForm):
    group = "points"
    legend = f"Share {ALLOCATION_POINTS} points between the options"
    hint = (f"Give each option a number of points. Your points must add up to "
            f"{ALLOCATION_POINTS}. Leave a box blank to give that option no points.")

    def field_for(self, option):
        return forms.IntegerField(required=False, min_value=0, max_value=ALLOCATION_POINTS,
                                  error_messages={
                                      "invalid": "Enter a whole number of points, like 25.",
                                      "min_value": "Points cannot be less than 0.",
                                      "max_value": f"No option can have more than "
                                                   f"{ALLOCATION_POINTS} points."})

    def readback(self):
        return [(o.label, f"{self.marks.get(o.pk, 0)} point{'' if self.marks.get(o.pk) == 1
                                                              else 's'}")
                for o in self.options]


class RankedForm(NumberForm):
    group = "rank"
    legend = "Number the candidates in order of preference"

    @property
    def hint(self):
        seats = self.ballot.seats
        fills = f"This election fills {seats} seat{'s' if seats != 1 else ''}. "
        return (fills + "Put 1 next to your first choice, 2 next to your second, and so on. "
                "You do not have to number them all: leave a box blank if you do not want "
                "to rank that candidate.")

    def field_for(self, option):
        n = len(self.options)
        return forms.IntegerField(required=False, min_value=1, max_value=n, error_messages={
            "invalid": "Enter a whole number, like 1 or 2, or leave the box blank.",
            "min_value": "Number from 1 upwards, or leave the box blank.",
            "max_value": f"There are {n} candidates, so the highest number you can use "
                         f"is {n}."})

    def readback(self):
        ranked = sorted((rank, o.label) for o in self.options
                        if (rank := self.marks.get(o.pk)))
        rows = [(f"Choice {rank}", label) for rank, label in ranked]
        left = [o.label for o in self.options if o.pk not in self.marks]
        if left:
            rows.append(("Not ranked", ", ".join(left)))
        return rows


FORMS = {
    BallotKind.RESOLUTION: SingleChoiceForm,
    BallotKind.CHOICE: SingleChoiceForm,
    BallotKind.APPROVAL: ApprovalForm,
    BallotKind.ALLOCATION: AllocationForm,
    BallotKind.RANKED: RankedForm,
}


def vote_form(ballot, options, data=None) -> VoteForm:
    """The form for this ballot's kind."""
    return FORMS[ballot.kind](data, ballot=ballot, options=options)


class ReceiptCheckForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label="Your receipt code", max_length=40,
        help_text="The code you were given when you voted, like ABCD-EFGH-JKMN-PQRS. Capital "
                  "or small letters, with or without the dashes.",
        error_messages={"required": "Enter your receipt code."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "characters"}))

    def clean_code(self):
        code = secrecy.normalise_code(self.cleaned_data["code"])
        letters = code.replace("-", "")
        if len(letters) != 16 or set(letters) - set(secrecy.ALPHABET):
            raise forms.ValidationError(
                "A receipt code has 16 letters and numbers in four groups, like "
                "ABCD-EFGH-JKMN-PQRS. Check the code and try again.")
        return code
