"""API rate limits, counted in the cache (Redis where REDIS_URL is set, so every web process
shares the counts). Each throttle counts only the requests of its kind: votes, receipt
checks, requests made with a personal token, and writes. Rates are in settings.API_RATES."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken

VOTE_ACTIONS = {"vote", "proxy_votes"}
RECEIPT_ACTIONS = {"receipt"}


class CoopThrottle(SimpleRateThrottle):
    """A scoped throttle whose rate is read when used (tests and deployments can change it)
    and which counts a signed-in person by account, anyone else by address."""

    scope = ""

    def get_rate(self):
        return settings.API_RATES[self.scope]

    def allow_request(self, request, view):
        if settings.API_THROTTLES_DISABLED:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def applies(self, request, view) -> bool:
        raise NotImplementedError

    def identity(self, request) -> str:
        user = request.user
        return f"user-{user.pk}" if user and user.is_authenticated else self.get_ident(request)

    def get_cache_key(self, request, view):
        if not self.applies(request, view):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.identity(request)}


class VoteThrottle(CoopThrottle):
    scope = "vote"

    def applies(self, request, view):
        return request.method == "POST" and getattr(view, "action", None) in VOTE_ACTIONS


class ReceiptThrottle(CoopThrottle):
    scope = "receipt"

    def applies(self, request, view):
        return getattr(view, "action", None) in RECEIPT_ACTIONS


class TokenThrottle(CoopThrottle):
    """Per token: a leaked or looping script is slowed down without touching the person's
    browser session."""

    scope = "token"

    def applies(self, request, view):
        return isinstance(request.auth, ApiToken)

    def identity(self, request):
        return f"token-{request.auth.pk}"


class WriteThrottle(CoopThrottle):
    scope = "write"

    def applies(self, request, view):
        return request.method not in ("GET", "HEAD", "OPTIONS")
