"""The register of members and a member's own entry: what officers and members read, and
the contact rules a change must keep."""

from rest_framework import serializers

from coop.api import SocietyRefSerializer
from coop.models import Officer
from coop.text import validate_one_line

from ..models import Member, MemberClass
from .fields import MemberClassRefSerializer, SocietyClassField, cessation_reason, optional_email

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


class MemberClassSerializer(serializers.ModelSerializer):
    """A class of member as an applicant sees it: what it is and who can join."""

    class Meta:
        model = MemberClass
        fields = ["id", "name", "description", "eligibility", "votes", "weight"]
        read_only_fields = fields


class RegisterFilterSerializer(serializers.Serializer):
    """Query parameters of the register list."""

    q = serializers.CharField(default="", allow_blank=True, max_length=200,
                              help_text="Search by name, membership number, postcode or email.",
                              validators=[validate_one_line])
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
        fields = ["id", "membership_number", "full_name", "address", "postcode", "email",
                  "member_class", "shares_held", "amount_paid", "admitted_on", "ceased_on",
                  "cessation_reason"]
        read_only_fields = fields
        extra_kwargs = {"id": {"help_text": "The member's id, as the attendance, apologies "
                                            "and proxy endpoints take it."}}


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
