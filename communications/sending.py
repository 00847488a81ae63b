"""The email copies of a message, sent in batches over one connection, and the letters.

Each sending run claims a batch of queued deliveries (one UPDATE stamping them with its own
claim id), sends them one by one so that one refused address fails alone, and records each as
sent or failed with the reason. Only queued deliveries are claimed, so running again, or two
workers at once, never sends a copy twice."""

import smtplib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.utils import timezone

from .enums import DeliveryStatus, Method
from .models import Delivery, Message
from .render import to_html
from .tokens import unsubscribe_url

BATCH = 200


def message_context(message: Message, *, name: str = "", easy_read: bool = False,
                    large_print: bool = False, unsubscribe: str = "") -> dict:
    society = message.society
    return {
        "message": message, "society": society, "society_name": society.name,
        "name": name, "easy_read": easy_read and bool(message.easy_read_body),
        "large_print": large_print, "body_html": to_html(message.body),
        "easy_read_html": to_html(message.easy_read_body), "unsubscribe_url": unsubscribe,
        "messages_url": settings.SITE_URL + f"/s/{society.slug}/messages/",
    }


def build_email(message: Message, delivery: Delivery,
                shared: dict | None = None) -> EmailMultiAlternatives:
    """One member's email: plain text and HTML; news carries the one-click unsubscribe
    headers of RFC 8058 and a link in the text. `shared` is `message_context(message)`, made
    once for a batch so the body is not rendered again for every member."""
    unsubscribe = unsubscribe_url(delivery.member_id) if message.is_news else ""
    context = {**(shared or message_context(message)), "name": delivery.member.full_name,
               "easy_read": delivery.easy_read and bool(message.easy_read_body),
               "unsubscribe_url": unsubscribe}
    headers = {}
    if unsubscribe:
        headers = {"List-Unsubscribe": f"<{unsubscribe}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    email = EmailMultiAlternatives(
        subject=f"{message.society.name}: {message.subject}",
        body=render_to_string("communications/email/message.txt", context),
        to=[delivery.address], headers=headers)
    email.attach_alternative(render_to_string("communications/email/message.html", context),
                             "text/html")
    return email


def _claim(message_id: int) -> list[Delivery]:
    ids = list(Delivery.objects.filter(message_id=message_id, method=Method.EMAIL,
                                       status=DeliveryStatus.QUEUED)
               .order_by("pk").values_list("pk", flat=True)[:BATCH])
    if not ids:
        return []
    claim = uuid.uuid4()
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, claim=claim)
    return list(Delivery.objects.filter(claim=claim).select_related("member").order_by("pk"))


def _send_batch(message: Message, batch: list[Delivery]) -> int:
    sent, failed = [], []
    shared = message_context(message)
    with mailers.default as connection:
        for delivery in batch:
            try:
                connection.send_messages([build_email(message, delivery, shared)])
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                failed.append((delivery.pk, _reason(exc)))
                if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                    connection.close()
                    connection.open()
            else:
                sent.append(delivery.pk)
    Delivery.objects.filter(pk__in=sent).update(status=DeliveryStatus.SENT,
                                                sent_at=timezone.now())
    for pk, reason in failed:
        Delivery.objects.filter(pk=pk).update(status=DeliveryStatus.FAILED, reason=reason)
    return len(sent)


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return f"The mail server refused the address ({code} {text.decode(errors='replace')})"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"The mail server refused it ({exc.smtp_code} {text})"
    return f"Could not send: {exc}"[:500] or exc.__class__.__name__


def send_email(message_id: int, *, limit: int | None = None) -> int:
    """Send every queued email copy of the message (or about `limit` of them, in whole
    batches). Returns the number sent now."""
    message = Message.objects.select_related("society").get(pk=message_id)
    total = claimed = 0
    while (limit is None or claimed < limit) and (batch := _claim(message_id)):
        claimed += len(batch)
        total += _send_batch(message, batch)
    return total


# --- letters -----------------------------------------------------------------------------------

def _refuse(url, *args, **kwargs):
    raise ValueError(f"Letters fetch nothing ({url})")


@dataclass(frozen=True)
class Letter:
    name: str
    address: str
    large_print: bool = False
    easy_read: bool = False


def letters_for(deliveries) -> list[Letter]:
    return [Letter(d.member.full_name, d.address, d.large_print, d.easy_read)
            for d in deliveries]


def letters_document(message: Message, letters: list[Letter]):
    """The laid-out letters (their `pages` can be read before writing the PDF): one A4 page
    or more per member on the post list, addressed for a DL window envelope; 18pt large
    print and the easy-read version first for those who asked."""
    from weasyprint import CSS, HTML  # heavy; only the letters need it

    from meetings.notice import date_text

    context = {"message": message, "society": message.society,
               "today_text": date_text(timezone.localdate()),
               "letters": [{"name": letter.name, "address": letter.address,
                            "large": letter.large_print,
                            **message_context(message, name=letter.name,
                                              easy_read=letter.easy_read,
                                              large_print=letter.large_print)}
                           for letter in letters]}
    html = render_to_string("communications/letters/pdf.html", context)
    css = render_to_string("communications/letters/pdf.css", context)
    return HTML(string=html, url_fetcher=_refuse).render(
        stylesheets=[CSS(string=css, url_fetcher=_refuse)])


def letters_pdf(message: Message, letters: list[Letter]) -> bytes:
    return letters_document(message, letters).write_pdf()


def print_run(message: Message):
    return (Delivery.objects.filter(message=message, method=Method.POST)
            .select_related("member").order_by("member__full_name", "pk"))
