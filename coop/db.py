"""Model instances built from a few columns already in hand (from `values_list()` or the
cache), for the busiest requests: the columns given are loaded and the others deferred, so
reading one of them still works (with a query of its own) instead of giving a wrong default."""

from django.db import models


def loaded(model: type[models.Model], **values) -> models.Model:
    """An instance of `model` as if read from the database with only these columns (attribute
    names, e.g. `society_id`)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    if len(names) != len(values):
        raise ValueError(f"Not columns of {model.__name__}: {set(values) - set(names)}")
    return model.from_db("default", names, [values[name] for name in names])
