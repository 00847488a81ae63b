"""Django's database sessions, read with one line of SQL. Every signed-in request reads its
session first, and through the ORM building that query cost more than running it (a web vote
spent a tenth of its time there, bench/cast_votes_http.py). Saving, expiry and the table are
Django's own, so sessions already signed in carry on."""

from functools import cache

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import empty

from .db import NOTHING_MORE, AlsoRead, read_one
from .models import User


@cache
def session_sql() -> str:
    q = connection.ops.quote_name
    return (f"SELECT session_key, session_data, expire_date FROM {q(Session._meta.db_table)} "
            "WHERE session_key = %s AND expire_date > %s")


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        """The unexpired session with this key, or None (and the key is dropped, as
        Django's does, so a new session gets a new key)."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        session = read_one(Session, session_sql(), [self.session_key, now])
        if session is None:
            self._session_key = None
        return session


# The backends whose `get_user` is ModelBackend's: an active user with this id.
MODEL_BACKENDS = {"django.contrib.auth.backends.ModelBackend",
                  "allauth.account.auth_backends.AuthenticationBackend"}


@cache
def session_user_sql(columns: str = "", join: str = "") -> str:
    """The active user with this id, and `AlsoRead`'s columns when given (see `token_user`)."""
    user, q = User._meta, connection.ops.quote_name
    found = (f"SELECT {', '.join(f'u.{q(f.column)}' for f in user.concrete_fields)} FROM "
             f"{q(user.db_table)} u WHERE u.id = %s AND u.is_active")
    return f"WITH found AS ({found}) SELECT found.*{columns} FROM found{join}" if join else found


def session_user(request, also: AlsoRead = NOTHING_MORE):
    """The signed-in person, read in one statement with `also`'s columns, for a busy page
    (a web vote): one round trip where Django's `request.user` and the page's own read take
    two. The checks are those of `django.contrib.auth.get_user`: the backend the session
    names is still configured, the user is active, and the session's password hash is the
    user's. Anything else (not signed in, a hash made with an older secret key, the user read
    already) gives None, with nothing changed: the caller then uses `request.user`, where
    Django decides. On success `request.user` is this user."""
    if getattr(request.user, "_wrapped", None) is not empty:
        return None
    session = request.session
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend = session[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return None
    if backend not in MODEL_BACKENDS or backend not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = read_one(User, session_user_sql(also.columns, also.join), [user_id, *also.params])
    verified = session.get(HASH_SESSION_KEY)
    if user is None or not verified or not constant_time_compare(
            verified, user.get_session_auth_hash()):
        return None
    request.user = user
    also.take(user, request)
    return user
