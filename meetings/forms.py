"""The member's meeting forms: check in, appoint a proxy, vote as a proxy, nominate a trustee,
accept a nomination, start a requisition. They only collect answers; the services decide
whether an answer is allowed and their errors are shown next to the field they name."""

from django import forms

from coop.forms import AccessibleFormMixin
from membership.models import Member

from .enums import ProxyDirection

LET_PROXY_DECIDE = "proxy"  # the radio's value; the service takes "" for "no direction"


def _member_choices(members, *, label):
    field = forms.ModelChoiceField(
        queryset=members.select_related("member_class").order_by("full_name"), label=label,
        empty_label="Choose a member",
        error_messages={"required": "Choose a member.",
                        "invalid_choice": "Choose a current member of the co-op other than "
                                          "yourself."})
    field.label_from_instance = lambda m: f"{m.full_name} ({m.member_class.name})"
    return field


def _link_hints(form) -> None:
    """Point inputs at their hints, for fields added after AccessibleFormMixin set them up."""
    for name, field in form.fields.items():
        if field.help_text and not isinstance(field.widget, form.GROUPED):
            field.widget.attrs["aria-describedby"] = f"{form[name].auto_id}_hint"


class CheckInForm(AccessibleFormMixin, forms.Form):
    where = forms.ChoiceField(label="Where are you?", widget=forms.RadioSelect,
                              error_messages={"required": "Say whether you are in the room "
                                                          "or online."})
    how = forms.ChoiceField(
        label="How will you vote?", widget=forms.RadioSelect,
        choices=[("device", "On this device (phone, tablet or computer)"),
                 ("hand", "By a show of hands, counted by the tellers")],
        help_text="If you vote by a show of hands you cannot also vote on a device.",
        error_messages={"required": "Say how you will vote."})

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if meeting.place:
            choices.append(("room", "I am in the room"))
        if meeting.online_link:
            choices.append(("online", "I am online"))
        self.fields["where"].choices = choices
        if len(choices) == 1:
            self.initial.setdefault("where", choices[0][0])


class ProxyForm(AccessibleFormMixin, forms.Form):
    """Choose the proxy holder and, for each resolution, how they must vote (or leave it to
    them). Field `item_<id>` per resolution item."""

    def __init__(self, *args, meeting, appointer, items, proxy=None, by_post=False, **kwargs):
        """With `by_post`, an officer enters a proxy form a member sent back by post: the
        form also asks who sent it, and speaks of them rather than "you"."""
        super().__init__(*args, **kwargs)
        self.items = list(items)
        members = Member.objects.filter(society=meeting.society, ceased_on__isnull=True)
        if by_post:
            self.fields["appointer"] = _member_choices(members, label="Who sent the form?")
        else:
            members = members.exclude(pk=appointer.pk)
        self.fields["holder"] = _member_choices(
            members, label="Who did they appoint as their proxy?" if by_post
            else "Who will be your proxy?")
        self.fields["holder"].help_text = ("They must be a member of the co-op who will be at "
                                           "the meeting.")
        directions = proxy_directions(proxy)
        if proxy is not None:
            self.initial.setdefault("holder", proxy.holder_id)
        choices = [(LET_PROXY_DECIDE, "Left to the proxy" if by_post else "Let my proxy decide"),
                   (ProxyDirection.FOR, "For"), (ProxyDirection.AGAINST, "Against"),
                   (ProxyDirection.ABSTAIN, "Abstain")]
        for item in self.items:
            name = f"item_{item.pk}"
            self.fields[name] = forms.ChoiceField(
                label=(f"How did they tell their proxy to vote on “{item.title}”?" if by_post
                       else f"How should your proxy vote on “{item.title}”?"), choices=choices,
                widget=forms.RadioSelect, help_text=f"The resolution: {item.description}",
                error_messages={"required": "Choose how the proxy should vote."})
            self.initial.setdefault(name, directions.get(item.pk) or LET_PROXY_DECIDE)
        _link_hints(self)

    @property
    def direction_fields(self):
        return [self[f"item_{item.pk}"] for item in self.items]

    def instructions(self) -> dict:
        """{item id: for/against/abstain or ""} for `services.appoint_proxy`."""
        return {item.pk: ("" if self.cleaned_data[f"item_{item.pk}"] == LET_PROXY_DECIDE
                          else self.cleaned_data[f"item_{item.pk}"]) for item in self.items}


def proxy_directions(proxy) -> dict:
    if proxy is None:
        return {}
    return {i.item_id: i.direction for i in proxy.instructions.all()}


class ProxyVotesForm(AccessibleFormMixin, forms.Form):
    """One radio group per absent member who left the vote to this proxy holder."""

    def __init__(self, *args, appointers, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointers = list(appointers)
        choices = [(o.pk, o.label) for o in options]
        for member in self.appointers:
            self.fields[f"for_{member.pk}"] = forms.TypedChoiceField(
                label=f"Vote for {member.full_name}", choices=choices, coerce=int,
                widget=forms.RadioSelect, required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"for_{m.pk}") for m in self.appointers):
            raise forms.ValidationError("Choose how to vote for at least one member.")
        return data

    def votes(self):
        """[(appointer, {option id: 1})] for each member a choice was made for."""
        return [(m, {self.cleaned_data[f"for_{m.pk}"]: 1}) for m in self.appointers
                if self.cleaned_data.get(f"for_{m.pk}")]


class NominationForm(AccessibleFormMixin, forms.Form):
    who = forms.ChoiceField(label="Who are you nominating?", widget=forms.RadioSelect,
                            choices=[("self", "Myself"),
                                     ("other", "Another member of the class")],
                            error_messages={"required": "Say who you are nominating."})
    statement = forms.CharField(
        label="Your statement", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="If you are nominating yourself: why you want to be a trustee, in your own "
                  "words. Members read this before they vote.")

    def __init__(self, *args, contest, proposer, **kwargs):
        super().__init__(*args, **kwargs)
        others = Member.objects.filter(society=contest.meeting.society, ceased_on__isnull=True,
                                       member_class=contest.member_class).exclude(pk=proposer.pk)
        self.fields["candidate"] = _member_choices(
            others, label=f"The member you are nominating (from the {contest.member_class} "
                          f"class)")
        self.fields["candidate"].required = False
        self.fields["candidate"].error_messages["invalid_choice"] = (
            f"Choose a current member of the {contest.member_class} class, other than "
            f"yourself.")
        self.fields["candidate"].help_text = ("If you are nominating someone else. They will "
                                              "be asked to accept and write a statement.")
        self.proposer = proposer
        if proposer.member_class_id != contest.member_class_id:
            # Only members of the class can stand for its seats.
            del self.fields["who"], self.fields["statement"]
            self.fields["candidate"].required = True
        self.order_fields(["who", "candidate", "statement"])
        _link_hints(self)

    def clean(self):
        data = super().clean()
        if data.get("who") == "other" and not data.get("candidate"):
            self.add_error("candidate", "Choose the member you are nominating.")
        return data

    def candidate(self):
        if self.cleaned_data.get("who") == "self":
            return self.proposer
        return self.cleaned_data["candidate"]


class StatementForm(AccessibleFormMixin, forms.Form):
    statement = forms.CharField(
        label="Your statement", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Why you want to be a trustee, in your own words. Members read this before "
                  "they vote.", error_messages={"required": "Write your statement."})


class RequisitionForm(AccessibleFormMixin, forms.Form):
    purpose = forms.CharField(
        label="What should the meeting decide?", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what business the meeting is for. Other members will read this when "
                  "they decide whether to support it.",
        error_messages={"required": "Say what the meeting is for."})
