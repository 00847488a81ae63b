from django import forms
from django.utils import timezone

from coop.forms import AccessibleFormMixin, date_field
from coop.text import NOTE

from .enums import OFFLINE_METHODS, CessationReason
from .models import Application, Member, MemberClass

PREFERENCES = [
    ("contact_by_email", "Email"),
    ("contact_by_post", "Letters by post"),
    ("large_print", "Large print"),
    ("easy_read", "Easy read versions of documents"),
]


class PreferencesMixin(forms.Form):
    """Four yes/no preferences shown as one group of checkboxes."""

    preferences = forms.MultipleChoiceField(
        label="How should we send you notices and papers?", choices=PREFERENCES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that you want. If you tick none, we will write to you by post.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["preferences"] = [k for k, _ in PREFERENCES
                                           if getattr(self.instance, k)]
        elif not self.is_bound:
            self.initial.setdefault("preferences", ["contact_by_email"])

    def preference_values(self) -> dict:
        chosen = set(self.cleaned_data.get("preferences") or [])
        if not chosen & {"contact_by_email", "contact_by_post"}:
            chosen.add("contact_by_post")
        return {k: k in chosen for k, _ in PREFERENCES}

    def clean(self):
        data = super().clean()
        chosen = set(data.get("preferences") or [])
        # An address that was typed but is malformed already has its own error; saying
        # "enter an address" as well would be wrong.
        if "contact_by_email" in chosen and not data.get("email") and not self.has_error("email"):
            self.add_error("email",
                           "Enter an email address, or untick email in how we contact you.")
        return data


DETAIL_FIELDS = ["full_name", "address", "postcode", "email", "phone", "access_needs"]
DETAIL_LABELS = {
    "full_name": "Full name",
    "address": "Postal address",
    "postcode": "Postcode",
    "email": "Email address for notices",
    "phone": "Phone number",
    "access_needs": "Anything we should know to make meetings and papers work for you",
}
DETAIL_HELP = {
    "address": "The register of members must hold a postal address.",
    "access_needs": "For example: a British Sign Language interpreter, step-free access, "
                    "papers sent early. Only officers see this.",
    "email": "We send notices of meetings and ballots here if you choose email.",
}
DETAIL_WIDGETS = {
    "address": forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    "access_needs": forms.Textarea(attrs={"rows": 3}),
    "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
    "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
    "email": forms.EmailInput(attrs={"autocomplete": "email"}),
    "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
}


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        text = obj.name
        if obj.eligibility:
            text += f" – {obj.eligibility}"
        if not obj.votes:
            text += " (this class does not vote)"
        return text


class ApplicationForm(AccessibleFormMixin, PreferencesMixin, forms.ModelForm):
    member_class = ClassChoiceField(
        queryset=MemberClass.objects.none(), widget=forms.RadioSelect, empty_label=None,
        label="Which class of member are you?",
        error_messages={"required": "Choose the class of member you belong to."},
    )
    confirmed_eligible = forms.BooleanField(
        label="I meet the eligibility for the class I chose", required=True,
        error_messages={"required": "Confirm that you meet the eligibility for your class."})
    confirmed_not_in_other_class = forms.BooleanField(
        label="I am not a member of another class of this co-op", required=True,
        error_messages={"required": "Confirm that you are not a member of another class."})

    class Meta:
        model = Application
        fields = ["member_class", *DETAIL_FIELDS]
        labels = DETAIL_LABELS
        help_texts = DETAIL_HELP
        widgets = DETAIL_WIDGETS
        error_messages = {
            "full_name": {"required": "Enter your full name."},
            "address": {"required": "Enter your postal address."},
            "postcode": {"required": "Enter your postcode."},
            "email": {"invalid": "Enter an email address like name@example.com."},
        }

    field_order = ["member_class", "full_name", "address", "postcode", "email", "phone",
                   "preferences", "access_needs", "confirmed_eligible",
                   "confirmed_not_in_other_class"]

    def __init__(self, *args, society, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_class"].queryset = society.member_classes.all()
        self.order_fields(self.field_order)


class MemberDetailsForm(AccessibleFormMixin, PreferencesMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = DETAIL_FIELDS
        labels = DETAIL_LABELS
        help_texts = DETAIL_HELP
        widgets = DETAIL_WIDGETS
        error_messages = ApplicationForm.Meta.error_messages

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["full_name", "address", "postcode", "email", "phone", "preferences",
                           "access_needs"])

    def changes(self) -> dict:
        values = {f: self.cleaned_data[f] for f in DETAIL_FIELDS}
        values.update(self.preference_values())
        return values

    def _post_clean(self):
        # The service writes the instance and keeps the history; don't touch it here.
        pass


class RejectForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the application not approved?", max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The applicant will be sent this reason.",
        error_messages={"required": "Give a reason. The applicant will be told it."})


class ApproveForm(AccessibleFormMixin, forms.Form):
    """Approval has no fields: the applicant is then asked to pay for their share."""


class ClassChangeForm(AccessibleFormMixin, forms.Form):
    to_class = ClassChoiceField(queryset=MemberClass.objects.none(), widget=forms.RadioSelect,
                                empty_label=None, label="Which class should you be in?",
                                error_messages={"required": "Choose a class."})
    reason = forms.CharField(label="Why do you want to change class?", max_length=NOTE,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why you want to change class."})

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_class"].queryset = member.society.member_classes.exclude(
            pk=member.member_class_id)


class DecideClassChangeForm(AccessibleFormMixin, forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                 choices=[("approve", "Approve the move"),
                                          ("reject", "Do not approve")],
                                 error_messages={"required": "Choose a decision."})
    note = forms.CharField(label="Note to the member", required=False, max_length=NOTE,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Needed if you do not approve.")


class ResignForm(AccessibleFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="I want to stop being a member", required=True,
        error_messages={"required": "Tick the box to confirm that you want to resign."})


class CessationForm(AccessibleFormMixin, forms.Form):
    reason = forms.ChoiceField(label="Why is the membership ending?", choices=CessationReason,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose why the membership ends."})
    on = date_field("Date the membership ended", errors={"required": "Enter the date."})
    note = forms.CharField(label="Details", required=False, max_length=NOTE,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Needed for a death or an expulsion: for example the date "
                                     "of the board's decision.")


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, number, postcode or email", required=False)
    member_class = forms.ModelChoiceField(queryset=MemberClass.objects.none(), required=False,
                                          label="Class", empty_label="All classes")
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("current", "Current members"),
                                        ("former", "Former members"), ("all", "Everyone")])

    def __init__(self, *args, society, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_class"].queryset = society.member_classes.all()


class MemberClassForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = MemberClass
        fields = ["name", "description", "eligibility", "votes", "weight", "board_seats"]
        labels = {"votes": "Members of this class can vote", "weight": "Weight (parts)",
                  "board_seats": "Trustee seats this class elects"}
        widgets = {"description": forms.Textarea(attrs={"rows": 2}),
                   "eligibility": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


MemberClassFormSet = forms.modelformset_factory(MemberClass, form=MemberClassForm, extra=0,
                                                can_delete=False)


class NewMemberClassForm(MemberClassForm):
    """Add a class. It starts with no weight, so the other classes' shares stay as they were."""

    class Meta(MemberClassForm.Meta):
        fields = ["name", "description", "eligibility", "votes"]
        labels = {"name": "Name of the new class", "votes": "Members of this class can vote"}


# --- shares and payments ------------------------------------------------------------------------

OFFLINE_CHOICES = [(m.value, m.label) for m in OFFLINE_METHODS]


class OfflinePaymentForm(AccessibleFormMixin, forms.Form):
    """Money received another way (cash, cheque, bank transfer), recorded by an officer. The
    rules (the right amount, no future date, the holding cap) are checked by the service."""

    method = forms.ChoiceField(label="How was it paid?", choices=OFFLINE_CHOICES,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose how the money was paid."})
    amount = forms.DecimalField(
        label="Amount received (£)", max_digits=12, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"required": "Enter the amount received.",
                        "invalid": "Enter the amount in pounds, like 1.00.",
                        "max_decimal_places": "Enter the amount in pounds and pence, like 1.00.",
                        "max_digits": "Enter a smaller amount."})
    received_on = date_field(
        "Date received",
        help_text="For a cheque or bank transfer, the day the money reached the co-op.",
        errors={"required": "Enter the date the money was received."})
    reference = forms.CharField(
        label="Reference", required=False, max_length=40,
        help_text="What the payer quoted, or a cheque number. Leave it empty to use the "
                  "reference we gave them.")
    note = forms.CharField(label="Note", required=False, max_length=NOTE,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, amount=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("amount", amount)
        self.initial.setdefault("received_on", timezone.localdate())


class WithdrawalRepaidForm(AccessibleFormMixin, forms.Form):
    """Share money paid back another way."""

    method = forms.ChoiceField(label="How was the money paid back?", choices=OFFLINE_CHOICES,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose how the money was paid back."})
    reference = forms.CharField(label="Reference", required=False, max_length=255,
                                help_text="A cheque number or the bank transfer's reference.")


class HeldPaymentForm(AccessibleFormMixin, forms.Form):
    """An officer's decision on a held card payment: refund it or accept it, with a note.
    Each held payment on the reconciliation page has one form per decision, so the ids carry
    the decision and the payment."""

    LABELS = {"refund": "Why refund it?", "accept": "Why accept it?"}

    note = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For the audit log, for example what the payer told you.",
        error_messages={"required": "Write a note saying why you decided this."})

    def __init__(self, *args, action: str, payment_id, **kwargs):
        kwargs.setdefault("auto_id", f"{action}-{payment_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["note"].label = self.LABELS[action]


class ExtraSharesForm(AccessibleFormMixin, forms.Form):
    """A member says how many more shares to buy by card."""

    shares = forms.IntegerField(
        label="How many more shares do you want to buy?", min_value=1, max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Enter how many shares you want to buy: 1 or more.",
                        "invalid": "Enter a whole number of shares, like 5.",
                        "min_value": "Enter how many shares you want to buy: 1 or more.",
                        "max_value": "Enter 100,000 shares or fewer."})

    def __init__(self, *args, society, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shares"].help_text = (f"Each share costs £{society.share_value}. "
                                           f"You may hold up to £{society.max_holding} in all.")
        # Set after the mixin ran, so link the hint here as it does.
        self.fields["shares"].widget.attrs["aria-describedby"] = f"{self['shares'].auto_id}_hint"
