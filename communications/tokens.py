"""The signed address in every news email that unsubscribes without signing in.

The token names the member and is signed with SECRET_KEY (salted for this use only), so it
cannot be guessed or altered; it does not expire, because an old email's link must still work."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "communications.unsubscribe"


def unsubscribe_token(member_id: int) -> str:
    return signing.dumps(member_id, salt=SALT, compress=False)


def member_id_from(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(member_id: int) -> str:
    return settings.SITE_URL + reverse("unsubscribe", args=[unsubscribe_token(member_id)])
