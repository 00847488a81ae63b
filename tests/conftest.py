import os

import pytest

from tests.factories import MemberFactory, OfficerFactory, SocietyFactory, UserFactory

IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tasks run immediately, email goes to django.core.mail.outbox, rate limits are off."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ACCOUNT_RATE_LIMITS = False
    settings.API_THROTTLES_DISABLED = True  # tests/api/test_throttles.py turns them on
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path)}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def society(db):
    return SocietyFactory(name="Mutual Support", slug="mutual")


@pytest.fixture
def other_society(db):
    return SocietyFactory(name="Elsewhere Co-op", slug="elsewhere")


@pytest.fixture
def member(society):
    return MemberFactory(society=society)


@pytest.fixture
def officer_for(society):
    """officer_for("secretary") -> a user holding that role in `society`."""

    def make(role, soc=None):
        return OfficerFactory(society=soc or society, role=role).user

    return make


@pytest.fixture
def secretary(officer_for):
    return officer_for("secretary")


@pytest.fixture
def user(db):
    return UserFactory()


def pytest_collection_modifyitems(config, items):
    """The nets (tests/nets: page crawl, API fuzzing, backup and restore) take minutes, so
    they run only when asked for with `-m nets` (`make test-nets`, their own CI step)."""
    if "nets" in (config.option.markexpr or ""):
        return
    kept = [item for item in items if item.get_closest_marker("nets") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
