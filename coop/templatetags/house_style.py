"""Filters that keep other people's words (allauth's headings and buttons) in the house style."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_WORD = re.compile(r"(?<=[\s-])([A-Z])(?=[a-z])")


@register.filter
def sentence_case(value: str) -> str:
    """'Change Password' -> 'Change password', 'Two-Factor Authentication' -> 'Two-factor
    authentication': capitals only where a sentence has them (initialisms such as 'TOTP' stay)."""
    text = " ".join(str(value).split())
    changed = _WORD.sub(lambda m: m.group(1).lower(), text)
    return mark_safe(changed) if isinstance(value, SafeString) else changed


@register.filter
def field_words(name: str) -> str:
    """A field's code name as words: 'large_print' -> 'Large print'."""
    words = str(name).replace("_", " ").strip()
    return words[:1].upper() + words[1:]
