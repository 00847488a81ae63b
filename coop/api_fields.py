"""API text fields with the same bounds as the pages (coop/text.py): a maximum length, shown
in the schema as maxLength, and no hidden control characters. A breach is a 400 naming the
field."""

from rest_framework import serializers

from . import text


def text_field(limit: int = text.TEXT, **kwargs) -> serializers.CharField:
    """Text of several lines (new lines and tabs allowed)."""
    return serializers.CharField(max_length=limit, validators=[text.validate_text], **kwargs)


def line_field(limit: int = text.ONE_LINE, **kwargs) -> serializers.CharField:
    """One line: a title, a label, a reference."""
    return serializers.CharField(max_length=limit, validators=[text.validate_one_line],
                                 **kwargs)


def name_field(limit: int = 200, **kwargs) -> serializers.CharField:
    """A person's or a body's name."""
    return serializers.CharField(max_length=limit, validators=[text.validate_name], **kwargs)
