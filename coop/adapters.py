from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from .tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """Send allauth's emails (sign-in codes, verification) through the task queue, like every
    other email, so a slow mail server never holds up a page."""

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request),
               **context}
        message = self.render_mail(template_prefix, email, ctx)
        to, subject, body = list(message.to), str(message.subject), str(message.body)
        transaction.on_commit(lambda: send_email.enqueue(to, subject, body))
