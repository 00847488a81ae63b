"""Bounds on text people type: how long it may be, and which invisible characters it may not
hold. One place, so the page, the API and the database agree.

Why refuse invisible characters: a right-to-left override makes "Smith\u202eevil" display as
something else on the register, a ballot paper or a certificate; a zero-width space makes two
names that look the same compare different; a NUL byte is refused by PostgreSQL outright (an
error page instead of a message). Names and one-line text refuse all of these; text of
several lines keeps new lines and tabs but refuses the other control characters."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

# Maximum lengths, in characters. Generous for people, small enough that one form cannot
# fill the database (a 1 MB "access needs" or a 100,000-character address was accepted once).
ONE_LINE = 500        # a one-line field with no column of its own (searches, references)
ADDRESS = 1_000       # a postal address, several lines
NOTE = 2_000          # a reason, a note, a statement
TEXT = 10_000         # summaries, descriptions, access needs, rules text
LONG_TEXT = 200_000   # a message to members, the minutes of a meeting

# Unicode's explicit direction marks, embeddings, overrides and isolates (Trojan Source).
BIDI_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
# Invisible characters that make look-alike text: zero-width space, word joiner, byte-order
# mark, Mongolian vowel separator, invisible operators. U+200C and U+200D (zero-width
# non-joiner and joiner) are kept: Persian and Indic names, and emoji, need them.
ZERO_WIDTH = frozenset("\u200b\u2060\ufeff\u180e\u2061\u2062\u2063\u2064")
LINE_BREAKS = frozenset("\n\r\t")
# A one-line form field whose name holds one of these is a person's or a body's name.
NAME_FIELD_WORDS = ("name", "party")

NAME_MESSAGE = ("Names can't contain hidden control characters, such as ones that change the "
                "direction of text. Type the name again rather than pasting it.")
ONE_LINE_MESSAGE = ("This can't contain hidden control characters, such as new lines or ones "
                    "that change the direction of text. Type it again rather than pasting it.")
TEXT_MESSAGE = ("This can't contain hidden control characters (new lines and tabs are fine). "
                "Type it again rather than pasting it.")
MAX_LENGTH_MESSAGE = ("Keep this to %(limit_value)s characters or fewer. "
                      "It has %(show_value)s.")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs")  # C0, DEL, C1; lone surrogates


def hidden_characters(value: str, *, multiline: bool) -> list[str]:
    """The characters in `value` that text of this kind may not hold, as U+XXXX codes."""
    found = {c for c in value
             if (_is_control(c) and not (multiline and c in LINE_BREAKS))
             or (not multiline and (c in BIDI_CONTROLS or c in ZERO_WIDTH))}
    return sorted(f"U+{ord(c):04X}" for c in found)


def validate_name(value: str) -> None:
    """A person's or a body's name: no control characters, direction marks or zero-width
    tricks."""
    if isinstance(value, str) and hidden_characters(value, multiline=False):
        raise ValidationError(NAME_MESSAGE, code="hidden_characters")


def validate_one_line(value: str) -> None:
    """One-line text (a title, a label, a reference): as strict as a name."""
    if isinstance(value, str) and hidden_characters(value, multiline=False):
        raise ValidationError(ONE_LINE_MESSAGE, code="hidden_characters")


def validate_text(value: str) -> None:
    """Text of several lines: new lines and tabs, but no other control characters."""
    if isinstance(value, str) and hidden_characters(value, multiline=True):
        raise ValidationError(TEXT_MESSAGE, code="hidden_characters")


@deconstructible
class MaxLength(MaxLengthValidator):
    """Django's MaxLengthValidator with the message in plain English."""

    message = MAX_LENGTH_MESSAGE

    def __init__(self, limit_value):
        super().__init__(limit_value, message=MAX_LENGTH_MESSAGE)


def bounded_text(limit: int) -> dict:
    """Keyword arguments for a model TextField people write: at most `limit` characters and no
    hidden control characters. Validators, not `max_length`: they change nothing in the
    database (no table rebuilt on SQLite, old longer rows untouched), model forms check them
    in `full_clean` (AccessibleFormMixin also gives the form field the same bound) and DRF
    ModelSerializers copy them."""
    return {"validators": [MaxLength(limit), validate_text]}


def max_length_of(model_field) -> int | None:
    """A model field's maximum length, from `max_length` or a MaxLengthValidator."""
    limits = [v.limit_value for v in model_field.validators
              if isinstance(v, MaxLengthValidator)]
    if getattr(model_field, "max_length", None):
        limits.append(model_field.max_length)
    return min(limits) if limits else None
