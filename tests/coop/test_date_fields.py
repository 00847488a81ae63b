"""Every date box on every form shows a saved date so that the browser's date picker can read
it, and submitting it unchanged gives back the same date (a date rendered as "20/05/2026" shows
as empty in <input type="date">, and saving the form then erased it)."""

import re
from datetime import date, datetime

import pytest
from django import forms
from django.utils import timezone

from coop.forms import DATE_WINDOW_MESSAGE, DateInput
from tests.project_classes import project_subclasses

SAVED_DAY = date(2026, 5, 20)
SAVED_MOMENT = timezone.make_aware(datetime(2026, 5, 20, 17, 30))


def date_fields():
    for cls in project_subclasses(forms.BaseForm, "*forms*.py"):
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                yield pytest.param(field, id=f"{cls.__module__}.{cls.__qualname__}.{name}")


def rendered_value(field, value) -> str:
    html = field.widget.render("when", value)
    match = re.search(r'value="([^"]*)"', html)
    assert match, f"the saved value is missing from {html}"
    return match.group(1)


def test_the_project_has_date_fields_to_check():
    assert len(list(date_fields())) >= 10


@pytest.mark.parametrize("field", list(date_fields()))
def test_saved_date_shows_in_the_date_picker_and_survives_a_round_trip(field):
    saved = SAVED_MOMENT if isinstance(field, forms.DateTimeField) else SAVED_DAY
    value = rendered_value(field, saved)

    if isinstance(field, forms.DateTimeField):
        assert value == "2026-05-20T17:30"
    else:
        assert isinstance(field.widget, DateInput)
        assert value == "2026-05-20"
    assert field.clean(value) == saved


@pytest.mark.parametrize("field", list(date_fields()))
def test_dates_no_co_op_could_mean_are_refused_with_a_clear_message(field):
    typed = ["9999-12-31", "0001-01-01"]
    if isinstance(field, forms.DateTimeField):
        typed = [f"{day}T17:00" for day in typed]

    for value in typed:
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(value)
        assert refused.value.messages == [DATE_WINDOW_MESSAGE]
