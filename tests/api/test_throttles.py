"""Rate limits: the API slows down votes, receipt checks, token use and writes (counted in the
cache), and the sign-in lockout counts an account's failed passwords per address, so nobody
can lock a member out by typing their email."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import MemberFactory

from .meeting_setup import client_for


@pytest.fixture
def throttled(settings):
    settings.API_THROTTLES_DISABLED = False
    settings.API_RATES = {**settings.API_RATES, "write": "3/min", "token": "4/min"}
    cache.clear()
    yield
    cache.clear()


def test_writes_beyond_the_rate_get_429_with_when_to_retry(society, member, throttled):
    client = client_for(member.user)
    url = "/api/v1/societies/mutual/interests/"
    answers = [client.post(url, {}, format="json").status_code for _ in range(4)]

    assert answers[:3] == [400, 400, 400]
    assert answers[3] == 429
    refused = client.post(url, {}, format="json")
    assert int(refused.headers["Retry-After"]) > 0


def test_one_persons_writes_do_not_slow_down_another(society, member, throttled):
    other = MemberFactory(society=society)
    for _ in range(4):
        client_for(member.user).post("/api/v1/societies/mutual/interests/", {}, format="json")

    answer = client_for(other.user).post("/api/v1/societies/mutual/interests/", {},
                                         format="json")

    assert answer.status_code == 400


def test_a_token_is_limited_however_it_reads(society, member, with_token, throttled):
    client = with_token(member.user)

    answers = [client.get("/api/v1/me/").status_code for _ in range(5)]

    assert answers == [200, 200, 200, 200, 429]


PASSWORD = "correct horse battery staple"
PRODUCTION_LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key"}  # settings.py


def sign_in(address: str, email: str, password: str):
    return Client(REMOTE_ADDR=address).post("/accounts/login/",
                                            {"login": email, "password": password})


def test_typing_a_members_email_five_times_does_not_lock_the_member_out(member, settings):
    settings.ACCOUNT_RATE_LIMITS = PRODUCTION_LIMITS
    cache.clear()
    member.user.set_password(PASSWORD)
    member.user.save()
    email = member.user.email

    for _ in range(5):
        sign_in("203.0.113.9", email, "guess")
    stranger = sign_in("203.0.113.9", email, PASSWORD)
    member_at_home = sign_in("198.51.100.7", email, PASSWORD)

    assert stranger.status_code == 200 and "Too many" in stranger.content.decode()
    assert member_at_home.status_code == 302
    cache.clear()
