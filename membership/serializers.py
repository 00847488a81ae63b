"""Serializers for the membership API. Input serializers only validate: the view passes
`validated_data` to a service, which writes, keeps history and audits."""

from rest_framework import serializers

from coop.api import SocietyRefSerializer
from coop.models import Officer

from .enums import ApplicationState, CessationReason
from .models import Application, Member, MemberClass

DETAIL_FIELDS = ["full_name", "address", "postcode", "email", "phone"]
PREFERENCE_FIELDS = ["contact_by_email", "contact_by_post", "large_print", "easy_read"]
CONTACT_FIELDS = [*DETAIL_FIELDS, *PREFERENCE_FIELDS, "access_needs"]

# The same messages as the HTML forms, so a person hears the same thing either way.
DETAIL_ERRORS = {
    "full_name": {"error_messages": {"required": "Enter your full name.",
                                     "blank": "Enter your full name."}},
    "address": {"error_messages": {"required": "Enter your postal address.",
                                   "blank": "Enter your postal address."}},
    "postcode": {"error_messages": {"required": "Enter your postcode.",
                                    "blank": "Enter your postcode."}},
    "email": {"error_messages": {"invalid": "Enter an email address like name@example.com."}},
    "contact_by_post": {"help_text": "Letters by post. If neither email nor post is chosen, "
                                     "notices are sent by post."},
    "access_needs": {"help_text": "Anything that makes meetings and papers work for you. Only "
                                  "you and the officers see this."},
}
EMAIL_NEEDED = "Enter an email address, or stop contact by email."


def check_contact(data: dict, current) -> dict:
    """The HTML forms' rules for how notices reach a person: email contact needs an email
    address, and with neither email nor post chosen, notices go by post. `current` gives the
    fields the request leaves out: the entry being changed, or a new unsaved one."""
    def value(field):
        return data[field] if field in data else getattr(current, field)

    if value("contact_by_email") and not value("email"):
        raise serializers.ValidationError({"email": [EMAIL_NEEDED]})
    touched = {"contact_by_email", "contact_by_post"} & set(data)
    if touched and not value("contact_by_email") and not value("contact_by_post"):
        data["contact_by_post"] = True
    return data


def optional_email():
    """An email address that may be empty, documented as such (not as a broken email)."""
    return serializers.EmailField(read_only=True, allow_blank=True,
                                  label="Email address for notices")


def cessation_reason():
    return serializers.ChoiceField(choices=CessationReason.choices, allow_blank=True,
                                   read_only=True, help_text="Empty while the membership lasts.")


class MemberClassRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberClass
        fields = ["id", "name"]


class MemberClassSerializer(serializers.ModelSerializer):
    """A class of member as an applicant sees it: what it is and who can join."""

    class Meta:
        model = MemberClass
        fields = ["id", "name", "description", "eligibility", "votes", "weight"]
        read_only_fields = fields


class SocietyClassField(serializers.PrimaryKeyRelatedField):
    """A member class of the society in the serializer's context; any other is refused."""

    default_error_messages = {
        "does_not_exist": "Choose one of this co-op's member classes.",
        "incorrect_type": "Give the member class as its number (id).",
    }

    def get_queryset(self):
        society = self.context.get("society")
        if society is None:
            return MemberClass.objects.none()
        return society.member_classes.all()


# --- the register -----------------------------------------------------------------------------

class RegisterFilterSerializer(serializers.Serializer):
    """Query parameters of the register list."""

    q = serializers.CharField(default="", allow_blank=True, max_length=200,
                              help_text="Search by name, membership number, postcode or email.")
    member_class = SocietyClassField(queryset=MemberClass.objects.all(), required=False,
                                     help_text="Only members of this class (its id).")
    status = serializers.ChoiceField(
        choices=[("current", "Current members"), ("former", "Former members"),
                 ("all", "Current and former members")],
        default="current", help_text="Current members (the default), former members, or all.")


class RegisterEntrySerializer(serializers.ModelSerializer):
    """A row of the register of members as officers see it: what the register must hold,
    plus class and shares. Never access needs or other care information."""

    member_class = MemberClassRefSerializer(read_only=True)
    email = optional_email()
    cessation_reason = cessation_reason()

    class Meta:
        model = Member
        fields = ["membership_number", "full_name", "address", "postcode", "email",
                  "member_class", "shares_held", "amount_paid", "admitted_on", "ceased_on",
                  "cessation_reason"]
        read_only_fields = fields


class OwnEntrySerializer(serializers.ModelSerializer):
    """A member's own register entry, with everything held about them."""

    member_class = MemberClassRefSerializer(read_only=True)
    is_current = serializers.BooleanField(read_only=True)
    email = optional_email()
    cessation_reason = cessation_reason()

    class Meta:
        model = Member
        fields = ["membership_number", "member_class", "admitted_on", "ceased_on",
                  "cessation_reason", "is_current", "shares_held", "amount_paid",
                  *CONTACT_FIELDS]
        read_only_fields = fields


class MemberDetailsSerializer(serializers.ModelSerializer):
    """A member's changes to their own contact details and preferences (all optional)."""

    class Meta:
        model = Member
        fields = CONTACT_FIELDS
        extra_kwargs = DETAIL_ERRORS

    def validate(self, attrs):
        return check_contact(attrs, current=self.instance)


# --- applications -----------------------------------------------------------------------------

class ApplicationCreateSerializer(serializers.ModelSerializer):
    member_class = SocietyClassField(queryset=MemberClass.objects.all(),
                                     error_messages={"required": "Choose the class of member "
                                                                 "you belong to."})
    confirmed_eligible = serializers.BooleanField(
        help_text="You meet the eligibility for the class you chose.",
        error_messages={"required": "Confirm that you meet the eligibility for your class."})
    confirmed_not_in_other_class = serializers.BooleanField(
        help_text="You are not a member of another class of this co-op.",
        error_messages={"required": "Confirm that you are not a member of another class."})

    class Meta:
        model = Application
        fields = ["member_class", *CONTACT_FIELDS, "confirmed_eligible",
                  "confirmed_not_in_other_class"]
        extra_kwargs = DETAIL_ERRORS

    def validate(self, attrs):
        return check_contact(attrs, current=Application())


class ApplicationSummarySerializer(serializers.ModelSerializer):
    member_class = MemberClassRefSerializer(read_only=True)
    state = serializers.ChoiceField(choices=ApplicationState.choices, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "full_name", "member_class", "submitted_at", "state"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    """An application in full: for the officers deciding on it, and for the applicant."""

    member_class = MemberClassRefSerializer(read_only=True)
    state = serializers.ChoiceField(choices=ApplicationState.choices, read_only=True)
    account_email = serializers.EmailField(source="user.email", read_only=True)
    email = optional_email()

    class Meta:
        model = Application
        fields = ["id", "state", "member_class", "submitted_at", "account_email",
                  *CONTACT_FIELDS, "confirmed_eligible", "confirmed_not_in_other_class",
                  "rejection_reason"]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    share_paid = serializers.BooleanField(
        default=False, help_text="The applicant has already paid for their share.")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the application is not approved. The applicant is "
                                   "sent this reason.",
        error_messages={"required": "Give a reason. The applicant will be told it.",
                        "blank": "Give a reason. The applicant will be told it."})


# --- me ---------------------------------------------------------------------------------------

class MembershipSummarySerializer(serializers.ModelSerializer):
    society = SocietyRefSerializer(read_only=True)
    member_class = MemberClassRefSerializer(read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Member
        fields = ["society", "membership_number", "member_class", "admitted_on", "ceased_on",
                  "is_current"]
        read_only_fields = fields


class OfficeSerializer(serializers.ModelSerializer):
    society = SocietyRefSerializer(read_only=True)

    class Meta:
        model = Officer
        fields = ["society", "role", "started_on", "ended_on"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    memberships = MembershipSummarySerializer(many=True, read_only=True,
                                              help_text="Current and former memberships.")
    offices = OfficeSerializer(many=True, read_only=True, help_text="Offices held today.")
