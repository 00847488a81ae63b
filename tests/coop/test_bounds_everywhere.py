"""Every text field people write has a maximum length and refuses hidden control characters
(coop/text.py): in the models, on every form, and in every API request body. A field added
later without bounds fails here; the few that need none are listed below with the reason."""

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.db.models.fields.files import FileField
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from coop import text
from coop.forms import AccessibleFormMixin
from tests.project_classes import project_subclasses

PROJECT_APPS = {"coop", "membership", "voting", "surplus", "meetings", "communications"}
CHECKS = (text.validate_text, text.validate_one_line, text.validate_name)

# Written by the code, never typed by a person, so they need no bound of their own.
WRITTEN_BY_THE_SITE = {
    "coop.User.password",                     # a hash, set by Django's auth
    "coop.AuditEntry.actor_label",            # copied from the actor's name at the time
    "coop.AuditEntry.action",                 # action codes in the code
    "coop.AuditEntry.object_type",
    "coop.AuditEntry.object_id",
    "coop.AuditEntry.object_repr",            # str() of the object, cut to 200 by audit.record
    "coop.AuditEntry.prev_hash",
    "coop.AuditEntry.hash",
    "coop.AuditName.pid",                     # random
    "coop.AuditName.label",                   # copied from the person's (checked) name
    "coop.ApiToken.prefix",                   # random
    "coop.ApiToken.key_hash",
    "membership.RegisterChange.field",        # a field name from the code
    "membership.RegisterChange.old_value",    # copies of register fields already checked
    "membership.RegisterChange.new_value",
    "membership.Payment.currency",
    "membership.Payment.stripe_session_id",   # Stripe's ids, shape-checked on arrival
    "membership.Payment.stripe_payment_intent",
    "membership.Payment.stripe_account",
    "membership.StripeEvent.id",
    "membership.StripeEvent.type",
    "membership.StripeEvent.outcome",         # what the webhook handler did, in its words
    "membership.StripeEvent.account",
    "membership.StripeAccount.account_id",
    "membership.PayerNotice.subject",         # a letter rendered from a template
    "membership.PayerNotice.body",
    "membership.PayerNotice.name",
    "membership.PayerNotice.address",
    "voting.BallotOption.code",               # for/against/abstain, set by the service
    "voting.OptionPicture.label",             # copied from the option's (checked) label
    "voting.OptionPicture.content_type",      # from Pillow's reading of the file
    "surplus.ProposalOptionPicture.content_type",
    "voting.Ballot.seal_kdf",                 # the scrypt settings, written by voting.seal
    "voting.Envelope.voter_token",            # HMACs and hashes
    "voting.Receipt.receipt_hash",
    "voting.BallotPaper.code_hash",
    "meetings.NoticeDelivery.address",        # copied from the member's entry when sent
    "communications.Delivery.address",
    "communications.Delivery.reason",         # the mail provider's words
    "communications.AddressProblem.detail",
}
# Text whose form is checked by its own field type (an address, a slug, a link).
OWN_FORMAT = (models.EmailField, models.SlugField, models.URLField, FileField)


def project_classes(base: type, glob: str) -> list[type]:
    """tests/project_classes.py's finder, plus communications (which that finder leaves out:
    its date fields do not yet follow tests/coop/test_date_fields.py)."""
    import communications.forms
    import communications.serializers  # noqa: F401 - imported to define their classes

    found, todo = set(project_subclasses(base, glob)), [base]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("communications."):
            found.add(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def text_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if (isinstance(field, (models.CharField, models.TextField)) and field.concrete
                    and not field.choices and not isinstance(field, OWN_FORMAT)):
                yield f"{model._meta.label}.{field.name}", field


def test_every_text_field_people_write_is_bounded_and_checked():
    unbounded, unchecked = [], []
    for name, field in text_fields():
        if name in WRITTEN_BY_THE_SITE:
            continue
        if text.max_length_of(field) is None:
            unbounded.append(name)
        if not any(check in field.validators for check in CHECKS):
            unchecked.append(name)
    assert unbounded == [], f"no maximum length: {unbounded}"
    assert unchecked == [], f"no check for hidden control characters: {unchecked}"


def test_the_allow_list_names_only_fields_that_exist():
    assert WRITTEN_BY_THE_SITE <= {name for name, _ in text_fields()}


def test_names_refuse_hidden_characters_everywhere():
    names = [name for name, field in text_fields()
             if name.rsplit(".", 1)[1].endswith("name") and name not in WRITTEN_BY_THE_SITE]
    assert len(names) >= 6
    for name, field in text_fields():
        if name in names:
            assert text.validate_name in field.validators, name


@pytest.fixture
def every_form(db):
    """An instance of each project form that can be made without arguments."""
    made = []
    for cls in project_classes(AccessibleFormMixin, "*forms*.py"):
        if not issubclass(cls, forms.BaseForm):
            continue
        try:
            made.append(cls())
        except Exception:  # noqa: BLE001 - needs its object; the mixin bounds it all the same
            continue
    assert len(made) >= 20
    return made


def test_every_text_box_on_every_form_is_bounded_and_checked(every_form):
    problems = []
    for form in every_form:
        for name, field in form.fields.items():
            if type(field) is not forms.CharField or isinstance(field.widget, forms.PasswordInput):
                continue
            where = f"{type(form).__module__}.{type(form).__name__}.{name}"
            if field.max_length is None:
                problems.append(f"{where}: no maximum length")
            if not any(check in field.validators for check in CHECKS):
                problems.append(f"{where}: no check for hidden control characters")
            if isinstance(field.widget, forms.Textarea):
                if "maxlength" in field.widget.attrs:  # it would cut pasted text silently
                    problems.append(f"{where}: a text area with maxlength")
            elif field.widget.attrs.get("maxlength") != str(field.max_length):
                problems.append(f"{where}: the box does not say its maximum length")
    assert problems == []


def test_every_text_in_an_api_request_has_a_maximum_length(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    missing = []

    def resolve(node):
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(node, where):
        node = resolve(node)
        for part in node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", []):
            walk(part, where)
        if node.get("type") == "object":
            for key, value in node.get("properties", {}).items():
                if not resolve(value).get("readOnly"):
                    walk(value, f"{where}.{key}")
        elif node.get("type") == "array":
            walk(node.get("items", {}), f"{where}[]")
        elif (node.get("type") == "string" and "maxLength" not in node
              and not {"enum", "format", "pattern"} & node.keys()):
            missing.append(where)

    bodies = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                bodies += 1
                walk(content["application/json"]["schema"], f"{method.upper()} {path}")
    assert bodies >= 30
    assert missing == []


def test_every_text_an_api_client_sends_refuses_hidden_characters(db):
    """Every text field in a request body has a maximum length (the test above); each such
    field, in any serializer, also checks for hidden characters. Fields without a maximum
    length are in answers only."""
    problems, checked = [], 0
    for cls in project_classes(serializers.Serializer, "*.py"):
        try:
            fields = cls().fields
        except Exception:  # noqa: BLE001 - some need context; their declared fields will do
            fields = cls._declared_fields
        for name, field in fields.items():
            if (type(field) is not serializers.CharField or field.read_only
                    or field.max_length is None):
                continue
            checked += 1
            if not any(check in field.validators for check in CHECKS):
                problems.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert checked >= 40
    assert problems == []
