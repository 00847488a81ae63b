from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from .tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """Send allauth's emails (sign-in codes, verification) through the task queue, like every
    other email, so a slow mail server never holds up a page."""

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed password sign-ins are counted per account *and* address (allauth counts
        per account alone): someone typing a member's email five times locks only their own
        address out, never the member. allauth offers no setting for this; its per-address
        limit (ACCOUNT_RATE_LIMITS) still applies on top."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request),
               **context}
        message = self.render_mail(template_prefix, email, ctx)
        to, subject, body = list(message.to), str(message.subject), str(message.body)
        transaction.on_commit(lambda: send_email.enqueue(to, subject, body))
