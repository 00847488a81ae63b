"""Personal API tokens (sent as `Authorization: Token <key>`) and the API's error format."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import cache

from django.db import connection
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .db import NOTHING_MORE, AlsoRead, loaded, read_one
from .models import ApiToken, User

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


@cache
def token_user_sql() -> str:
    """The active user of an unrevoked token, with the token's id and whether its last use is
    older than the first parameter. SQL because it runs on every API request (votes among
    them), and building it with the ORM took 1.0 ms of CPU against 0.2 ms for this."""
    user, q = User._meta, connection.ops.quote_name
    columns = ", ".join(f"u.{q(f.column)}" for f in user.concrete_fields)
    return (f"SELECT {columns}, t.id AS token_id, (t.last_used_at IS NULL OR t.last_used_at < "
            f"%s) AS token_stale FROM {q(ApiToken._meta.db_table)} t JOIN {q(user.db_table)} u "
            "ON u.id = t.user_id WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active")


@cache
def token_user_and_touch_sql(relaxed: bool, columns: str = "", join: str = "") -> str:
    """PostgreSQL: the same read, and the stale token's last-use time written, in one
    statement, so one round trip (the two cost a vote a fifth of its time waiting on the
    database). `relaxed`: the write does not wait for the disk (`synchronous_commit` off for
    the statement's own transaction): a last-used time lost in a crash costs nothing, while
    waiting cost a flush on every vote when a whole society votes. Inside a caller's
    transaction it waits as usual, so as not to weaken the caller's own writes."""
    table = connection.ops.quote_name(ApiToken._meta.db_table)
    relax = ", (SELECT set_config('synchronous_commit', 'off', true)) relaxed" if relaxed else ""
    return (f"WITH found AS ({token_user_sql()}), touched AS (UPDATE {table} SET last_used_at = "
            f"%s FROM found{relax} WHERE {table}.id = found.token_id AND found.token_stale) "
            f"SELECT found.*{columns} FROM found{join}")


def token_user(key: str, also: AlsoRead = NOTHING_MORE):
    """The token's user (with `token_id` and, on PostgreSQL, `also`'s columns), or None;
    notes the token's use to the minute (enough to spot an unused token, and it saves a write
    per request)."""
    now = timezone.now()
    stale_before = connection.ops.adapt_datetimefield_value(now - LAST_USED_GRANULARITY)
    if connection.vendor == "postgresql":
        sql = token_user_and_touch_sql(not connection.in_atomic_block, also.columns, also.join)
        return read_one(User, sql, [stale_before, hash_key(key), now, *also.params])
    user = read_one(User, token_user_sql(), [stale_before, hash_key(key)])
    if user is not None and user.token_stale:
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


class PersonalTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def __init__(self, alongside: Callable | None = None):
        """`alongside(request)`: an `AlsoRead` for a busy action to read in the same
        statement as the token's user, or None (e.g. `partial(PersonalTokenAuthentication,
        alongside=...)` as the action's authentication class)."""
        self.alongside = alongside

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
        user = self.token_user(key, request)
        if user is None:
            raise exceptions.AuthenticationFailed("The token is not valid or has been revoked.")
        return user, loaded(ApiToken, id=user.token_id, user_id=user.pk)

    def token_user(self, key: str, request):
        also = (self.alongside(request) if self.alongside and connection.vendor == "postgresql"
                else None) or NOTHING_MORE
        user = token_user(key, also)
        if user is not None:
            also.take(user, request)
        return user

    def authenticate_header(self, request):
        return self.keyword


def exception_handler(exc, context):
    """Domain errors become a 400 with the field they concern."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig
    from rest_framework import status
    from rest_framework.response import Response
    from rest_framework.views import exception_handler as drf_exception_handler

    from .services import CoopError

    if isinstance(exc, RequestDataTooBig):  # else Django answers with an HTML page
        return Response({"detail": "The request is too large. Send less at once (at most "
                                   f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1_000_000} MB)."},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, CoopError):
        field = exc.field or "non_field_errors"
        exc = exceptions.ValidationError({field: [exc.message]})
    return drf_exception_handler(exc, context)
