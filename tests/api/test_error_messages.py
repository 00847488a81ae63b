"""DRF fills in a field's error messages: `{name}` with str.format, and min/max messages a
second time with % (in Django's validators). A message that says "{option id: value}" or
"50% and 100%" then raises while reporting bad input, and the API answered 500, not 400."""

import re
import string

from rest_framework import serializers

from tests.project_classes import project_subclasses

PERCENT_FORMATTED = {"min_value", "max_value", "min_length", "max_length"}


def field_messages():
    for cls in project_subclasses(serializers.BaseSerializer, "*.py"):
        try:
            fields = cls().fields
        except Exception:  # noqa: BLE001 - some need context; their declared fields will do
            fields = cls._declared_fields
        for name, field in fields.items():
            for key, message in field.error_messages.items():
                yield f"{cls.__module__}.{cls.__qualname__}.{name}:{key}", key, str(message)


def test_every_serializer_error_message_survives_drf_formatting():
    checked, problems = 0, []
    for where, key, message in field_messages():
        checked += 1
        names = [name for _, name, _, _ in string.Formatter().parse(message) if name]
        if not all(name.isidentifier() for name in names):
            problems.append(f"{where}: write {{{{ and }}}} in: {message}")
        if key in PERCENT_FORMATTED and "%" in re.sub(r"%%|%\(\w+\)[sd]", "", message):
            problems.append(f"{where}: write %% in: {message}")
    assert checked > 500
    assert not problems, "\n".join(problems)
