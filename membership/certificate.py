"""A member's share certificate: the same words as a printable page and as a PDF (WeasyPrint).

The PDF is built from its own small template and stylesheet and fetches nothing: every URL
WeasyPrint meets is refused, so text a member typed cannot make the server fetch anything."""

from django.http import HttpResponse
from django.template.loader import render_to_string

from .enums import ShareTransactionKind
from .models import Member

ISSUES = [ShareTransactionKind.ISSUE, ShareTransactionKind.ADDITIONAL_ISSUE]


def certificate_context(member: Member) -> dict:
    """What the certificate says. Its date is that of the latest issue of shares, so a
    member who bought more gets a certificate for the whole holding."""
    last_issue = (member.share_transactions.filter(kind__in=ISSUES)
                  .order_by("-on", "-id").values_list("on", flat=True).first())
    return {"member": member, "issued_on": last_issue or member.admitted_on}


def _refuse(url, *args, **kwargs):
    raise ValueError(f"The certificate fetches nothing ({url})")


def certificate_pdf(member: Member) -> bytes:
    from weasyprint import CSS, HTML  # heavy; only the PDF needs it

    context = {**certificate_context(member), "society": member.society}
    html = render_to_string("membership/certificate/pdf.html", context)
    css = render_to_string("membership/certificate/pdf.css", context)
    return HTML(string=html, url_fetcher=_refuse).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=_refuse)])


def pdf_response(member: Member) -> HttpResponse:
    response = HttpResponse(certificate_pdf(member), content_type="application/pdf")
    filename = f"{member.society.slug}-share-certificate-{member.membership_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
