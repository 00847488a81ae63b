"""The email provider's bounce and complaint webhook, through django-anymail (Mailgun: the
payload is signed with the webhook signing key and anymail checks the signature). Until the
key is set the endpoint answers 503, so the provider retries rather than losing the event."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def mailgun_tracking(request):
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        return HttpResponse("The Mailgun webhook signing key is not set.", status=503)
    from anymail.webhooks.mailgun import MailgunTrackingWebhookView

    return MailgunTrackingWebhookView.as_view()(request)
