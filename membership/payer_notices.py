"""Telling a payer what happened to their card payment when an officer decides a held one:
by email, or by a letter the officers print and post, by the payer's own preference. Each
notice is kept, so the officers can see what was said and which letters still need posting."""

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from coop import audit
from coop.models import Society
from coop.notify import email_after_commit

from .errors import MembershipError
from .models import PayerNotice, Payment


def tell_payer(payment: Payment, *, subject: str, template: str, context: dict) -> PayerNotice:
    """Write the notice from `template` and send it the payer's way. Call it inside the
    decision's transaction: the email goes only once that commits."""
    payer = payment.member if payment.application_id is None else payment.application
    by_email = payer.contact_by_email and bool(payer.email or payer.user.email)
    body = render_to_string(template, {"payment": payment, "payer": payer,
                                       "society": payment.society, **context}).strip()
    notice = PayerNotice.objects.create(
        payment=payment, subject=subject, body=body, name=payer.full_name,
        channel=PayerNotice.Channel.EMAIL if by_email else PayerNotice.Channel.LETTER,
        address=f"{payer.address}\n{payer.postcode}".strip(), large_print=payer.large_print)
    if by_email:
        email_after_commit(payer.email or payer.user.email, subject, template,
                           {"payment": payment, "payer": payer, "society": payment.society,
                            **context})
    return notice


def letters_to_post(society: Society) -> QuerySet[PayerNotice]:
    return (PayerNotice.objects.filter(payment__society=society, posted_at__isnull=True,
                                       channel=PayerNotice.Channel.LETTER)
            .select_related("payment").order_by("created_at"))


def mark_letter_posted(notice: PayerNotice, *, by) -> PayerNotice:
    """An officer says a letter has gone in the post. Side effects: audit entry."""
    if notice.channel != PayerNotice.Channel.LETTER:
        raise MembershipError("This notice went by email.")
    if notice.posted_at:
        raise MembershipError("This letter is already marked as posted.")
    notice.posted_at = timezone.now()
    notice.save(update_fields=["posted_at"])
    audit.record("membership.payer_notice.posted", society=notice.payment.society, actor=by,
                 obj=notice, data={"payment": str(notice.payment_id), "subject": notice.subject})
    return notice
