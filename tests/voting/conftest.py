from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MemberFactory
from voting import services


@pytest.fixture
def classes(society):
    """The society's three default classes: users 50%, carers 25%, PAs 25%."""
    users, carers, pas = society.member_classes.order_by("position")
    return users, carers, pas


@pytest.fixture
def make_members(society):
    def make(member_class, n, **extra):
        return [MemberFactory(society=society, member_class=member_class, **extra)
                for _ in range(n)]

    return make


@pytest.fixture
def open_ballot(society, secretary):
    """open_ballot(kind=..., options=[...], **fields) -> an open ballot closing in a week."""

    def make(kind="resolution", options=None, **fields):
        ballot = services.create_ballot(
            society, by=secretary, title=fields.pop("title", "Test ballot"),
            summary=fields.pop("summary", "What we are deciding."), kind=kind,
            options=options, **fields)
        return services.open_ballot(ballot, by=secretary,
                                    closes_at=timezone.now() + timedelta(days=7))

    return make


def option(ballot, label):
    return ballot.options.get(label=label)
