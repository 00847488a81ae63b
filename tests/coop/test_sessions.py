"""Sessions read with one line of SQL (coop/sessions.py), and the signed-in person read in one
statement for a busy page: the same answers as Django's own, and where Django would refuse
or has more to do, no answer at all, so that Django decides."""

from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from coop import sessions
from coop.db import AlsoRead
from tests.factories import UserFactory

ALLAUTH = "allauth.account.auth_backends.AuthenticationBackend"
MODEL = "django.contrib.auth.backends.ModelBackend"


def signed_in_request(user, backend=ALLAUTH):
    """A request carrying the session cookie of `user` signed in through `backend`, with the
    session and lazy user the middleware would give it."""
    client = Client()
    client.force_login(user, backend=backend)
    request = RequestFactory().post("/")
    request.session = sessions.SessionStore(client.session.session_key)
    request.user = SimpleLazyObject(lambda: get_user(request))
    return request


@pytest.mark.django_db
def test_the_session_is_read_as_django_reads_it():
    user = UserFactory()
    request = signed_in_request(user)
    assert request.session[BACKEND_SESSION_KEY] == ALLAUTH
    assert request.user == user


@pytest.mark.django_db
def test_an_expired_session_is_not_read_and_gets_a_new_key():
    request = signed_in_request(UserFactory())
    key = request.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = sessions.SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.django_db
@pytest.mark.parametrize("backend", [ALLAUTH, MODEL])
def test_the_signed_in_person_in_one_query(backend, django_assert_num_queries):
    user = UserFactory()
    request = signed_in_request(user, backend)
    request.session.get("anything")  # read by the page already (e.g. for a declared companion)
    with django_assert_num_queries(1):
        found = sessions.session_user(request)
    assert found == user and found.email == user.email
    assert request.user is found


@pytest.mark.django_db
def test_the_also_read_columns_come_in_the_same_query(django_assert_num_queries):
    user, other = UserFactory(), UserFactory()
    request = signed_in_request(user)
    request.session.get("anything")
    q = "\""
    also = AlsoRead(", o.email AS other_email",
                    f" LEFT JOIN {q}coop_user{q} o ON o.id = %s",
                    (other.pk,), keep=lambda found, req: setattr(req, "kept", found.other_email))
    with django_assert_num_queries(1):
        sessions.session_user(request, also)
    assert request.kept == other.email


@pytest.mark.django_db
def test_a_password_changed_elsewhere_gives_no_answer_and_django_signs_them_out():
    user = UserFactory()
    request = signed_in_request(user)
    user.set_password("a new password, chosen after a scare")
    user.save()
    assert sessions.session_user(request) is None
    assert not request.user.is_authenticated  # Django's own check, which ends the session
    assert request.session.session_key is None or not request.session.get(BACKEND_SESSION_KEY)


@pytest.mark.django_db
def test_a_deactivated_person_gives_no_answer():
    user = UserFactory()
    request = signed_in_request(user)
    user.is_active = False
    user.save()
    assert sessions.session_user(request) is None
    assert not request.user.is_authenticated


@pytest.mark.django_db
def test_a_backend_no_longer_configured_gives_no_answer(settings):
    user = UserFactory()
    request = signed_in_request(user)
    settings.AUTHENTICATION_BACKENDS = [MODEL]
    assert sessions.session_user(request) is None
    assert not request.user.is_authenticated


@pytest.mark.django_db
def test_nobody_signed_in_gives_no_answer():
    request = RequestFactory().post("/")
    request.session = sessions.SessionStore()
    request.user = SimpleLazyObject(lambda: get_user(request))
    assert sessions.session_user(request) is None
    assert not request.user.is_authenticated


@pytest.mark.django_db
def test_a_user_read_already_is_left_alone(django_assert_num_queries):
    request = signed_in_request(UserFactory())
    assert request.user.is_authenticated
    with django_assert_num_queries(0):
        assert sessions.session_user(request) is None
