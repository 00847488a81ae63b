import pytest
from rest_framework.test import APIClient

from coop.api_auth import create_token
from tests.factories import MemberFactory, OfficerFactory


@pytest.fixture
def api():
    """An API client signed in as nobody."""
    return APIClient()


@pytest.fixture
def signed_in(db):
    """signed_in(user) -> an API client with a session for `user`, as the browser would have."""

    def make(user):
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def with_token(db):
    """with_token(user) -> an API client sending a fresh personal token for `user`."""

    def make(user):
        _, key = create_token(user, "tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def member_user(member):
    return member.user


@pytest.fixture
def outsider_officer(other_society):
    """The secretary of another society: no link to `society` at all."""
    return OfficerFactory(society=other_society, role="secretary").user


@pytest.fixture
def other_member(other_society):
    return MemberFactory(society=other_society)
