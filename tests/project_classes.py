"""Find every class of a kind (forms, serializers) that the project's apps define, so that a
test can hold all of them to a rule, including ones added later."""

import importlib
import pathlib

from django.apps import apps

PROJECT_APPS = ("coop", "membership", "voting", "surplus", "meetings", "communications")


def import_modules(glob: str) -> None:
    """Import each module of the project's apps whose file name matches `glob`."""
    for label in PROJECT_APPS:
        root = pathlib.Path(apps.get_app_config(label).path)
        for file in root.rglob(glob):
            if "migrations" not in file.parts:
                importlib.import_module(
                    ".".join(file.relative_to(root.parent).with_suffix("").parts))


def project_subclasses(base: type, glob: str) -> list[type]:
    """Every subclass of `base` defined in the project (after importing modules like `glob`)."""
    import_modules(glob)
    found, todo = set(), [base]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in PROJECT_APPS:
            found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
