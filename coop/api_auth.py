"""Personal API tokens (sent as `Authorization: Token <key>`) and the API's error format."""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiToken

KEY_BYTES = 30
LAST_USED_GRANULARITY = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user, name: str) -> tuple[ApiToken, str]:
    """Make a token; return it and the key, which is shown once and never stored."""
    from . import audit

    key = secrets.token_urlsafe(KEY_BYTES)
    token = ApiToken.objects.create(user=user, name=name.strip() or "API token",
                                    prefix=key[:8], key_hash=hash_key(key))
    audit.record("coop.api_token.created", actor=user, obj=token, data={"name": token.name})
    return token, key


def revoke_token(token: ApiToken, *, by) -> None:
    from . import audit

    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("coop.api_token.revoked", actor=by, obj=token)


class PersonalTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Token <key>")
        try:
            key = auth[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token is not valid.") from exc
        token = (ApiToken.objects.select_related("user")
                 .filter(key_hash=hash_key(key), revoked_at__isnull=True).first())
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid or has been revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            # To the minute is enough to spot an unused token, and saves a write per request.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def exception_handler(exc, context):
    """Domain errors become a 400 with the field they concern."""
    from rest_framework.views import exception_handler as drf_exception_handler

    from .services import CoopError

    if isinstance(exc, CoopError):
        field = exc.field or "non_field_errors"
        exc = exceptions.ValidationError({field: [exc.message]})
    return drf_exception_handler(exc, context)
