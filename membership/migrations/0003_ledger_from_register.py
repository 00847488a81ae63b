"""Entries made before the ledger existed: admitted applications get their admission time, and
a share recorded as paid becomes a ledger line with a payment made another way."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Application = apps.get_model("membership", "Application")
    Member = apps.get_model("membership", "Member")
    Payment = apps.get_model("membership", "Payment")
    ShareTransaction = apps.get_model("membership", "ShareTransaction")
    for application in Application.objects.filter(approved_at__isnull=False,
                                                  member__isnull=False):
        application.admitted_at = application.approved_at
        application.save(update_fields=["admitted_at"])
    for member in Member.objects.filter(shares_held__gt=0):
        payment = Payment.objects.create(
            society_id=member.society_id, member=member, method="other",
            amount=member.amount_paid, reference=f"M{member.membership_number}",
            note="Recorded as paid before the share ledger existed",
            received_on=member.admitted_on, confirmed_at=timezone.now())
        ShareTransaction.objects.create(
            member=member, kind="issue", shares=member.shares_held, amount=member.amount_paid,
            on=member.admitted_on, reason="Share bought on joining", payment=payment)


class Migration(migrations.Migration):
    dependencies = [("membership", "0002_share_ledger_and_payments")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
