"""Services for shares and payments: paying another way, admission on payment, extra shares,
and paying share money back. Stripe lives in `stripe_payments`; the ledger lines themselves
(and settling shares when a membership ends) in `ledger`."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coop import audit
from coop.notify import email_after_commit

from .enums import OFFLINE_METHODS, ShareTransactionKind
from .errors import MembershipError
from .ledger import check_holding_cap, record_ledger_entry, shares_for
from .models import Application, Member, Payment, Withdrawal
from .services import admit


def _expected_joining_amount(application: Application) -> Decimal:
    return application.society.share_value


def confirm_joining_payment(payment: Payment, *, by=None) -> Member:
    """A joining payment is confirmed: admit the applicant and issue their share.
    Side effects: a register entry and ledger line; audit entries; welcome email."""
    application = payment.application
    member = admit(application, by=by, admitted_on=payment.received_on)
    payment.member = member
    payment.save(update_fields=["member"])
    record_ledger_entry(member, ShareTransactionKind.ISSUE,
                        shares=shares_for(member.society, payment.amount), amount=payment.amount,
                        reason="Share bought on joining", payment=payment, by=by,
                        on=payment.received_on)
    # After the ledger line, so the email can say what was paid.
    society = member.society
    email_after_commit(member.user.email, f"Welcome to {society.name}",
                       "membership/email/welcome.txt", {"member": member, "society": society})
    return member


def confirm_extra_shares_payment(payment: Payment, *, by=None) -> Member:
    """A member's payment for more shares is confirmed: issue them. Checked again now, since
    the rules or the holding may have changed since they started paying. Side effects: a
    ledger line and the register's shares column; audit entry; email to the member."""
    member = Member.objects.select_for_update().select_related("society", "user").get(
        pk=payment.member_id)
    check_can_buy_more(member, payment.amount)
    count = shares_for(member.society, payment.amount)
    record_ledger_entry(member, ShareTransactionKind.ADDITIONAL_ISSUE, shares=count,
                        amount=payment.amount, reason="More shares bought by card",
                        payment=payment, by=by, on=payment.received_on)
    society = member.society
    email_after_commit(member.email or member.user.email,
                       f"{society.name}: your extra shares",
                       "membership/email/extra_shares.txt",
                       {"member": member, "society": society, "payment": payment,
                        "shares": count})
    return member


def confirm_card_payment(payment: Payment, *, by=None) -> Member:
    """A card payment is confirmed: a joining share (admission) or more shares for a member."""
    if payment.application_id is not None:
        return confirm_joining_payment(payment, by=by)
    return confirm_extra_shares_payment(payment, by=by)


def record_offline_payment(*, application: Application | None = None,
                           member: Member | None = None, method: str, amount: Decimal,
                           received_on: date, reference: str = "", note: str = "",
                           by) -> Payment:
    """An officer records money received another way (cash, cheque, bank transfer). For an
    approved applicant it pays for the joining share and admits them; for a member it buys
    more shares where the rules allow. Nothing is written if any check fails."""
    if method not in OFFLINE_METHODS:
        raise MembershipError("Choose how the money was paid.", field="method")
    if received_on > timezone.localdate():
        raise MembershipError("The date received cannot be in the future.", field="received_on")
    if (application is None) == (member is None):
        raise MembershipError("Say who paid.")
    with transaction.atomic():
        if application is not None:
            application = Application.objects.select_for_update().get(pk=application.pk)
            society = application.society
            if application.state != "approved":
                raise MembershipError(
                    "Only an approved applicant who has not paid yet can pay for a joining "
                    f"share ({application.get_state_display().lower()}).")
            expected = _expected_joining_amount(application)
            if amount != expected:
                raise MembershipError(f"A joining share costs £{expected}; the amount recorded "
                                      f"is £{amount}.", field="amount")
        else:
            member = Member.objects.select_for_update().get(pk=member.pk)
            society = member.society
            check_can_buy_more(member, amount)
        payment = Payment.objects.create(
            society=society, application=application, member=member, method=method,
            amount=amount, reference=reference.strip() or (
                application.payment_reference if application else f"M{member.membership_number}"),
            note=note.strip(), received_on=received_on, recorded_by=by,
            confirmed_at=timezone.now())
        audit.record("membership.payment.recorded", society=society, actor=by, obj=payment,
                     data={"method": method, "amount": amount, "received_on": received_on,
                           "reference": payment.reference})
        if application is not None:
            confirm_joining_payment(payment, by=by)
        else:
            record_ledger_entry(member, ShareTransactionKind.ADDITIONAL_ISSUE,
                                shares=shares_for(society, amount), amount=amount,
                                reason="More shares bought", payment=payment, by=by,
                                on=received_on)
    return payment


def check_can_buy_more(member: Member, amount: Decimal, *, field: str = "amount") -> None:
    """Why `member` may not buy `amount` of shares now, as a MembershipError on `field`."""
    society = member.society
    if not member.is_current:
        raise MembershipError("This membership has ended.")
    if not society.multiple_shares_allowed:
        raise MembershipError(f"Members of {society.name} hold one share each.")
    try:
        shares_for(society, amount)
        check_holding_cap(society, current=member.amount_paid, adding=amount)
    except MembershipError as error:
        raise MembershipError(error.message, field=field) from error


def record_withdrawal_repaid(withdrawal: Withdrawal, *, by, method: str,
                             reference: str = "") -> Withdrawal:
    """An officer records that share money was paid back another way."""
    if method not in OFFLINE_METHODS:
        raise MembershipError("Choose how the money was paid back.", field="method")
    with transaction.atomic():
        withdrawal = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
        check_withdrawal_can_be_repaid(withdrawal)
        withdrawal.repaid_at, withdrawal.repaid_by = timezone.now(), by
        withdrawal.repayment_method, withdrawal.repayment_reference = method, reference.strip()
        withdrawal.save()
        audit.record("membership.withdrawal.repaid", society=withdrawal.member.society,
                     actor=by, obj=withdrawal,
                     data={"amount": withdrawal.amount, "method": method,
                           "reference": withdrawal.repayment_reference})
        email_after_commit(withdrawal.member.user.email, "Your share money has been paid back",
                           "membership/email/withdrawal_repaid.txt",
                           {"withdrawal": withdrawal, "society": withdrawal.member.society})
    return withdrawal


def check_withdrawal_can_be_repaid(withdrawal: Withdrawal) -> None:
    society = withdrawal.member.society
    if withdrawal.repaid_at:
        raise MembershipError("This withdrawal has already been paid back.")
    if society.withdrawals_suspended:
        raise MembershipError("Paying shares back is suspended by the officers at the moment.")
    if withdrawal.due_on > timezone.localdate():
        raise MembershipError(
            f"This money is not due until {withdrawal.due_on:%-d %B %Y} (the notice period).")


REMINDER_AFTER = timedelta(days=14)


def send_payment_reminders(*, now=None) -> int:
    """Remind approved applicants who have not paid after 14 days (once each)."""
    now = now or timezone.now()
    due = (Application.objects.filter(approved_at__lte=now - REMINDER_AFTER,
                                      admitted_at__isnull=True, rejected_at__isnull=True,
                                      withdrawn_at__isnull=True,
                                      payment_reminded_at__isnull=True)
           .select_related("society", "user"))
    sent = 0
    for application in due:
        with transaction.atomic():
            claimed = Application.objects.filter(
                pk=application.pk, payment_reminded_at__isnull=True).update(
                payment_reminded_at=now)
            if not claimed:
                continue
            email_after_commit(application.user.email,
                               f"{application.society.name}: a reminder to pay for your share",
                               "membership/email/payment_reminder.txt",
                               {"application": application, "society": application.society})
            sent += 1
    return sent
