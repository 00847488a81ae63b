import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from coop.api_auth import create_token, revoke_token
from coop.models import ApiToken, AuditEntry

ME = "/api/v1/me/"


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_token_auth_signs_in_as_its_owner(member_user):
    token, key = create_token(member_user, "laptop")

    response = token_client(key).get(ME)

    assert response.status_code == 200
    assert response.json()["email"] == member_user.email
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db(transaction=True)
def test_noting_a_tokens_use_never_makes_a_vote_wait_less_for_the_disk(member_user):
    """The last-used time is written without waiting for the disk on PostgreSQL; that must
    stay inside its own transaction, or the request's own writes (a vote) would lose their
    durability too."""
    _, key = create_token(member_user, "laptop")
    with CaptureQueriesContext(connection) as queries:
        assert token_client(key).get(ME).status_code == 200

    assert ApiToken.objects.get(user=member_user).last_used_at is not None
    relaxed = [q["sql"] for q in queries if "synchronous_commit" in q["sql"]]
    assert len(relaxed) == (1 if connection.vendor == "postgresql" else 0)
    if connection.vendor == "postgresql":
        assert "set_config('synchronous_commit', 'off', true)" in relaxed[0]
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def test_a_tokens_last_use_is_noted_to_the_minute(member_user):
    """Once a minute is enough to spot an unused token; a second request within it writes
    nothing, and one after it notes the new time."""
    token, key = create_token(member_user, "laptop")
    client = token_client(key)
    assert client.get(ME).status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at

    assert client.get(ME).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    assert client.get(ME).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_token_auth_revoked_token_is_401(member_user):
    token, key = create_token(member_user, "laptop")
    revoke_token(token, by=member_user)

    response = token_client(key).get(ME)

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_token_auth_unknown_key_is_401(db):
    response = token_client("not-a-real-key").get(ME)

    assert response.status_code == 401


def test_token_auth_header_without_key_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token")

    response = client.get(ME)

    assert response.status_code == 401
    assert "Authorization: Token <key>" in response.json()["detail"]


def test_token_auth_inactive_user_is_401(member_user):
    _, key = create_token(member_user, "laptop")
    member_user.is_active = False
    member_user.save()

    assert token_client(key).get(ME).status_code == 401


def test_anonymous_request_is_401_with_token_challenge(api, db):
    response = api.get(ME)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_auth_signs_in(signed_in, member_user):
    response = signed_in(member_user).get(ME)

    assert response.status_code == 200
    assert response.json()["email"] == member_user.email


def test_create_api_token_command_prints_a_working_key(member_user):
    out, err = io.StringIO(), io.StringIO()

    call_command("create_api_token", member_user.email.upper(), "--name", "Sync",
                 stdout=out, stderr=err)

    key = out.getvalue().strip()
    assert "\n" not in key and len(key) >= 32
    assert "will not be shown again" in err.getvalue()
    assert ApiToken.objects.get(user=member_user).name == "Sync"
    assert AuditEntry.objects.filter(action="coop.api_token.created").exists()
    response = token_client(key).get(ME)
    assert response.status_code == 200
    assert response.json()["email"] == member_user.email


def test_create_api_token_command_unknown_email_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No one signs in with the email address "
                                           "nobody@example.org"):
        call_command("create_api_token", "nobody@example.org")

    assert not ApiToken.objects.exists()


def test_a_body_too_large_is_a_413_in_json_not_an_html_page(society, secretary):
    _, key = create_token(secretary, "laptop")
    body = '{"tax_year": "' + "x" * 3_000_000 + '"}'
    response = token_client(key).patch(
        f"/api/v1/societies/{society.slug}/surplus/employment-costs/", body,
        content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
