"""Serializers for the register of interests API. Input serializers check what a form would
(a real date, a topic of this co-op, something chosen); the rules of the register are the
services' (membership/interests/services.py). The messages are the HTML forms' own, so a
person hears the same thing whichever way they declare."""

from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers

from coop.text import validate_name, validate_text

from ..enums import InterestType
from ..models import Declaration, InterestTopic
from ..serializers import EnumField

TOPICS_ERRORS = {"required": "Choose at least one topic the interest is about.",
                 "empty": "Choose at least one topic the interest is about.",
                 "not_a_list": "Give the topics as a list of their ids."}
TYPE_ERRORS = {"required": "Choose the kind of interest.",
               "invalid_choice": "Choose the kind of interest: financial, personal, family or "
                                 "other."}
DESCRIPTION_ERRORS = {"required": "Describe the interest in a sentence or two.",
                      "blank": "Describe the interest in a sentence or two."}
DATE_ERRORS = {"invalid": "Enter a real date, for example 2026-11-26."}
NOTE_ERRORS = {"max_length": "Keep the note under 300 characters."}
STATUS_CHOICES = [("current", "Current: not ended"), ("ended", "Ended"),
                  ("all", "All (for your own, every version)")]


class InterestTypeField(EnumField):
    enum = InterestType


class SocietyTopicField(serializers.PrimaryKeyRelatedField):
    """One of the society's topics that is still offered (by id). When amending, the topics
    the declaration already names stay allowed even if retired since."""

    default_error_messages = {"does_not_exist": "Choose one of this co-op's topics.",
                              "incorrect_type": "Give each topic as its number (id)."}

    def get_queryset(self):
        society = self.context.get("society")
        if society is None:
            return InterestTopic.objects.none()
        offered = Q(retired_on__isnull=True)
        declaration = self.context.get("declaration")
        if declaration is not None:
            offered |= Q(pk__in=[t.pk for t in declaration.topics.all()])
        return society.interest_topics.filter(offered)


class AnyTopicField(SocietyTopicField):
    """Any of the society's topics, retired ones too (for filtering the register)."""

    def get_queryset(self):
        society = self.context.get("society")
        return society.interest_topics.all() if society else InterestTopic.objects.none()


# --- output -----------------------------------------------------------------------------------

class TopicRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterestTopic
        fields = ["id", "name"]
        read_only_fields = fields


class DeemedClassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TopicSerializer(serializers.ModelSerializer):
    deemed_classes = DeemedClassSerializer(
        many=True, read_only=True,
        help_text="Every member of these classes is treated as having an interest in the topic, "
                  "without declaring it.")
    retired_on = serializers.DateField(
        read_only=True, allow_null=True,
        help_text="Retired topics stay on old declarations and ballots but are not offered.")

    class Meta:
        model = InterestTopic
        fields = ["id", "name", "retired_on", "deemed_classes"]
        read_only_fields = fields


class DeclarationSerializer(serializers.ModelSerializer):
    """One version of a declaration. A declaration is never edited: amending or ending it
    adds a version, and `replaced_by` points from the old one to the new."""

    person = serializers.IntegerField(source="person_id", read_only=True,
                                      help_text="The person's user id (the `person` filter).")
    topics = TopicRefSerializer(many=True, read_only=True)
    interest_type = InterestTypeField(read_only=True)
    interest_type_label = serializers.CharField(source="get_interest_type_display",
                                                read_only=True)
    ended = serializers.BooleanField(source="is_ended", read_only=True,
                                     help_text="It has an end date, today or earlier.")
    previous = serializers.IntegerField(source="previous_id", read_only=True, allow_null=True,
                                        help_text="The version this one replaced, if any.")
    replaced_by = serializers.IntegerField(
        read_only=True, allow_null=True,
        help_text="The version that replaced this one; null for the latest version.")
    latest = serializers.SerializerMethodField(
        help_text="This is the latest version: the one to amend or end.")

    class Meta:
        model = Declaration
        fields = ["id", "person", "person_name", "topics", "interest_type",
                  "interest_type_label", "other_party", "description", "began_on", "ended_on",
                  "ended", "declared_at", "change_note", "previous", "replaced_by", "latest"]
        read_only_fields = fields

    def get_latest(self, declaration) -> bool:
        # `replaced_by` is annotated by `api.with_links`, which every query serialized here
        # goes through; read plainly, so a query without it fails loudly instead of saying
        # every version is the latest.
        return declaration.replaced_by is None


class VersionSerializer(serializers.ModelSerializer):
    topics = TopicRefSerializer(many=True, read_only=True)
    interest_type = InterestTypeField(read_only=True)

    class Meta:
        model = Declaration
        fields = ["id", "topics", "interest_type", "other_party", "description", "began_on",
                  "ended_on", "declared_at", "change_note"]
        read_only_fields = fields


class DeclarationDetailSerializer(DeclarationSerializer):
    versions = VersionSerializer(
        many=True, read_only=True,
        help_text="Every version, oldest first: for your own declarations and for officers "
                  "who keep the register. Otherwise only this version.")

    class Meta(DeclarationSerializer.Meta):
        fields = [*DeclarationSerializer.Meta.fields, "versions"]
        read_only_fields = fields


# --- input ------------------------------------------------------------------------------------

class InterestFilterSerializer(serializers.Serializer):
    """Query parameters of the list."""

    topic = AnyTopicField(queryset=InterestTopic.objects.all(), required=False,
                          help_text="Only declarations about this topic (its id).")
    # The ceiling is the database's: a bigger number reached SQLite and answered 500.
    person = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                      help_text="Only this person's declarations (user id).",
                                      error_messages={"invalid": "Give the person's id.",
                                                      "max_value": "Give the person's id."})
    type = InterestTypeField(required=False, help_text="Only this kind of interest.")
    status = serializers.ChoiceField(
        choices=STATUS_CHOICES, required=False,
        help_text="Current (the default for the register), ended, or all (the default for "
                  "your own declarations, with every version).")


def not_in_future(value, message):
    if value and value > timezone.localdate():
        raise serializers.ValidationError(message)
    return value


class DeclareSerializer(serializers.Serializer):
    """A new declaration of your own interest."""

    topics = SocietyTopicField(many=True, queryset=InterestTopic.objects.all(),
                               error_messages=TOPICS_ERRORS,
                               help_text="Ids of the topics the interest touches.")
    interest_type = InterestTypeField(error_messages=TYPE_ERRORS)
    description = serializers.CharField(max_length=4000, error_messages=DESCRIPTION_ERRORS,
                                        help_text="A sentence or two, in plain words.",
                                        validators=[validate_text])
    other_party = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text="The person or organisation involved, if there is one.",
        error_messages={"max_length": "Keep this under 200 characters."},
        validators=[validate_name])
    began_on = serializers.DateField(required=False, allow_null=True, default=None,
                                     error_messages=DATE_ERRORS,
                                     help_text="When it began; leave out if you are not sure.")

    def validate_began_on(self, value):
        return not_in_future(value, "The date it began cannot be in the future.")


NOTE_NEEDED = "Say in a few words what has changed."


class AmendSerializer(DeclareSerializer):
    """A new version of your declaration: the fields that change, and a note saying what
    changed. Fields left out keep their values. Use it with `partial=True` (so that no
    default replaces a field left out); `note` is still required."""

    note = serializers.CharField(
        max_length=300, help_text="What has changed, kept with the new version.",
        error_messages={"required": NOTE_NEEDED, "blank": NOTE_NEEDED, **NOTE_ERRORS},
        validators=[validate_text])

    def validate(self, data):
        if not data.get("note"):
            raise serializers.ValidationError({"note": [NOTE_NEEDED]})
        declaration = self.context["declaration"]
        old = {"topics": {t.pk for t in declaration.topics.all()},
               "interest_type": declaration.interest_type,
               "other_party": declaration.other_party,
               "description": declaration.description, "began_on": declaration.began_on}
        changes = {}
        for name, value in data.items():
            compare = {t.pk for t in value} if name == "topics" else value
            if name in old and compare != old[name]:
                changes[name] = value
        if not changes:
            raise serializers.ValidationError(
                "You have not changed anything. Send the fields that have changed.")
        return {"changes": changes, "note": data["note"]}


class EndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(
        required=False, error_messages=DATE_ERRORS,
        help_text="When the interest ended; today if left out. Not in the future.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                 error_messages=NOTE_ERRORS,
                                 help_text="Anything to add, kept with the new version.",
                                 validators=[validate_text])

    def validate_ended_on(self, value):
        return not_in_future(value, "The end date cannot be in the future.")
