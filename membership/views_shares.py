"""Pages for shares and payments: paying for the joining share (by card or another way),
officers recording money received, share certificates, paying share money back, and the
treasurer's reports and reconciliation. Each view: permission, form, one service call."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coop import permissions
from coop.decorators import society_context, society_view

from . import (
    certificate,
    exports,
    payer_notices,
    reports,
    selectors,
    services,
    shares,
    stripe_payments,
)
from .enums import PaymentMethod
from .forms import HeldPaymentForm, OfflinePaymentForm, WithdrawalRepaidForm
from .models import Application, Member, Payment, Withdrawal
from .permissions import is_member

# --- paying for the joining share ---------------------------------------------------------------


def _awaiting_payment(society, user) -> Application | None:
    return selectors.payments_awaited(society).filter(user=user).first()


def _nothing_to_pay(request, society):
    """A member is sent to their membership; anyone else has no payment page."""
    if services.current_membership(society, request.user):
        messages.info(request, "Your share is paid and you are a member.")
        return redirect("my_membership", society.slug)
    raise Http404("You have no share waiting to be paid for.")


def _pay_page(request, society, *, cancelled: bool):
    application = _awaiting_payment(society, request.user)
    if application is None:
        return _nothing_to_pay(request, society)
    held = application.payments.filter(held_at__isnull=False, confirmed_at__isnull=True,
                                       refunded_at__isnull=True).exists()
    return render(request, "membership/pay.html", society_context(
        request, society, application=application, cancelled=cancelled, held=held,
        card_payments=stripe_payments.card_payments_enabled(society)))


@society_view()
def pay(request, society):
    return _pay_page(request, society, cancelled=False)


@society_view()
def pay_cancelled(request, society):
    """Where Checkout sends someone who turned back: nothing was paid, both ways still open."""
    return _pay_page(request, society, cancelled=True)


@require_POST
@society_view()
def pay_by_card(request, society):
    application = _awaiting_payment(society, request.user)
    if application is None:
        return _nothing_to_pay(request, society)
    try:
        url = stripe_payments.start_checkout(
            application,
            success_url=request.build_absolute_uri(reverse("pay_done", args=[society.slug])),
            cancel_url=request.build_absolute_uri(reverse("pay_cancelled", args=[society.slug])))
    except services.MembershipError as error:
        messages.error(request, error.message)
        return redirect("pay", society.slug)
    return redirect(url)


@society_view()
def pay_done(request, society):
    """Where Checkout sends someone who paid. Payment is claimed only once the webhook has
    confirmed it (the applicant is then admitted); until then the page says it is waiting."""
    application = (Application.objects.filter(society=society, user=request.user,
                                              approved_at__isnull=False,
                                              rejected_at__isnull=True,
                                              withdrawn_at__isnull=True)
                   .select_related("member").order_by("-approved_at", "-id").first())
    if application is None:
        return _nothing_to_pay(request, society)
    card = (application.payments.filter(method=PaymentMethod.CARD)
            .order_by("-created_at").first())
    return render(request, "membership/pay_done.html", society_context(
        request, society, application=application,
        member=application.member if application.admitted_at else None,
        card_state=card.state if card else "pending"))


# --- officers record money received another way ------------------------------------------------

def _record_payment(request, society, form, **who):
    """Record the payment; on success return the payment, on a broken rule show it on the
    form and return None (the service writes nothing then)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return shares.record_offline_payment(by=request.user, **who, **form.cleaned_data)
    except services.MembershipError as error:
        form.add_service_error(error)
        return None


@society_view(permissions.can_record_payments)
def record_joining_payment(request, society, application_id):
    application = get_object_or_404(Application.objects.select_related("member_class"),
                                    pk=application_id, society=society)
    form = OfflinePaymentForm(request.POST or None, amount=society.share_value)
    payment = _record_payment(request, society, form, application=application)
    if payment is not None:
        member = payment.member
        messages.success(request, f"The payment is recorded. {member.full_name} is now member "
                                  f"number {member.membership_number}.")
        return redirect("member_detail", society.slug, member.membership_number)
    return render(request, "membership/record_payment.html", society_context(
        request, society, form=form, application=application,
        can_pay=application.state == "approved"))


@society_view(permissions.can_record_payments)
def record_member_payment(request, society, number):
    member = get_object_or_404(Member.objects.select_related("member_class"), society=society,
                               membership_number=number)
    form = OfflinePaymentForm(request.POST or None, amount=society.share_value)
    payment = _record_payment(request, society, form, member=member)
    if payment is not None:
        member.refresh_from_db()
        messages.success(request, f"The payment is recorded. {member.full_name} now holds "
                                  f"{member.shares_held} shares (£{member.amount_paid}).")
        return redirect("member_detail", society.slug, number)
    return render(request, "membership/record_payment.html", society_context(
        request, society, form=form, member=member,
        can_pay=member.is_current and society.multiple_shares_allowed))


# --- share certificates -------------------------------------------------------------------------

def _certificate(request, society, member, *, own: bool):
    if request.GET.get("format") == "pdf":
        if member.shares_held <= 0:
            raise Http404("No shares are held, so there is no certificate.")
        return certificate.pdf_response(member)
    return render(request, "membership/certificate.html", society_context(
        request, society, own=own, **certificate.certificate_context(member)))


@society_view(is_member)
def my_certificate(request, society):
    return _certificate(request, society, selectors.member_for(society, request.user), own=True)


@society_view(permissions.can_view_register)
def member_certificate(request, society, number):
    member = get_object_or_404(Member, society=society, membership_number=number)
    return _certificate(request, society, member, own=False)


# --- paying share money back --------------------------------------------------------------------

@society_view(permissions.can_record_payments)
def withdrawals(request, society):
    return render(request, "membership/withdrawals.html", society_context(
        request, society, owed=reports.withdrawals_owed(society),
        repaid=reports.withdrawals_repaid(society)))


def _can_refund_to_card(withdrawal: Withdrawal) -> bool:
    payment = withdrawal.payment
    return (stripe_payments.card_payments_enabled() and payment is not None
            and payment.method == PaymentMethod.CARD and bool(payment.stripe_payment_intent)
            and payment.refunded_at is None)


def _repayment_problem(withdrawal: Withdrawal) -> str:
    """Why the money cannot be paid back today (not due yet, suspended), or ""."""
    try:
        shares.check_withdrawal_can_be_repaid(withdrawal)
    except services.MembershipError as error:
        return error.message
    return ""


@society_view(permissions.can_record_payments)
def withdrawal_detail(request, society, withdrawal_id):
    withdrawal = get_object_or_404(
        Withdrawal.objects.select_related("member__society", "payment", "repaid_by"),
        pk=withdrawal_id, member__society=society)
    form = WithdrawalRepaidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shares.record_withdrawal_repaid(withdrawal, by=request.user, **form.cleaned_data)
        except services.MembershipError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Recorded: £{withdrawal.amount} paid back to "
                                      f"{withdrawal.member.full_name}.")
            return redirect("withdrawals", society.slug)
    return render(request, "membership/withdrawal_detail.html", society_context(
        request, society, withdrawal=withdrawal, form=form,
        problem="" if withdrawal.repaid_at else _repayment_problem(withdrawal),
        can_refund=_can_refund_to_card(withdrawal)))


@require_POST
@society_view(permissions.can_record_payments)
def refund_to_card(request, society, withdrawal_id):
    withdrawal = get_object_or_404(Withdrawal.objects.select_related("member"),
                                   pk=withdrawal_id, member__society=society)
    try:
        stripe_payments.refund_withdrawal(withdrawal, by=request.user)
    except services.MembershipError as error:
        messages.error(request, error.message)
        return redirect("withdrawal_detail", society.slug, withdrawal.pk)
    messages.success(request, f"£{withdrawal.amount} has been refunded to "
                              f"{withdrawal.member.full_name}'s card.")
    return redirect("withdrawals", society.slug)


# --- the treasurer's reports --------------------------------------------------------------------

@society_view(permissions.can_record_payments)
def reports_page(request, society):
    payments = reports.payments_by_month(society)
    return render(request, "membership/reports.html", society_context(
        request, society, payments=list(payments.itertuples(index=False)),
        payment_totals=reports.payment_totals(payments),
        outstanding=selectors.awaiting_payment(society), owed=reports.withdrawals_owed(society)))


@society_view(permissions.can_record_payments)
def report_csv(request, society, report):
    if report not in reports.REPORTS:
        raise Http404("There is no such report.")
    frame = reports.csv_frame(reports.report_frame(society, report), report)
    services.log_report_download(society, by=request.user, report=report, rows=len(frame))
    return exports.csv_response(frame, f"{society.slug}-{report}.csv")


@society_view(permissions.can_record_payments)
def reconciliation(request, society):
    return _reconciliation_page(request, society)


def _reconciliation_page(request, society, *, bound: HeldPaymentForm | None = None,
                         bound_for=None):
    """The page, each held payment with its refund and accept forms; `bound` (a form with
    errors) takes the place of the blank one for payment `bound_for`."""
    held = list(stripe_payments.held_payments(society))
    for payment in held:
        for action in ("refund", "accept"):
            form = HeldPaymentForm(action=action, payment_id=payment.pk)
            if bound is not None and payment.pk == bound_for and \
                    bound.auto_id == form.auto_id:
                form = bound
            setattr(payment, f"{action}_form", form)
    unmatched = stripe_payments.unmatched_stripe_payments(society)
    return render(request, "membership/reconciliation.html", society_context(
        request, society, held=held, unmatched_payments=unmatched.payments,
        unknown_sessions=[_session_row(event) for event in unmatched.events],
        letters_waiting=payer_notices.letters_to_post(society).count()))


def _resolve_held(request, society, payment_id, action: str, decide):
    """Refund or accept a held payment: the note is required; a broken rule is a message."""
    payment = get_object_or_404(Payment, pk=payment_id, society=society)
    form = HeldPaymentForm(request.POST, action=action, payment_id=payment.pk)
    if not form.is_valid():
        return _reconciliation_page(request, society, bound=form, bound_for=payment.pk)
    try:
        done = decide(payment, by=request.user, note=form.cleaned_data["note"])
    except services.MembershipError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("reconciliation", society.slug)


@require_POST
@society_view(permissions.can_record_payments)
def refund_held_payment(request, society, payment_id):
    def decide(payment, **kwargs):
        payment = stripe_payments.refund_held_payment(payment, **kwargs)
        return f"The payment {payment.reference} has been refunded in full to the card."
    return _resolve_held(request, society, payment_id, "refund", decide)


@require_POST
@society_view(permissions.can_record_payments)
def accept_held_payment(request, society, payment_id):
    def decide(payment, **kwargs):
        member = stripe_payments.accept_held_payment(payment, **kwargs)
        if payment.application_id is None:
            return (f"The payment is accepted. {member.full_name} now holds "
                    f"{member.shares_held} shares.")
        return (f"The payment is accepted. {member.full_name} is now member number "
                f"{member.membership_number}.")
    return _resolve_held(request, society, payment_id, "accept", decide)


def _session_row(event) -> dict:
    """What an officer needs to trace a Stripe payment that matched nobody."""
    session = event.payload.get("data", {}).get("object", {})
    pence = session.get("amount_total")
    return {"event": event, "session": session.get("id", ""),
            "amount": None if pence is None else reports.money(Decimal(pence) / 100),
            "email": session.get("customer_email")
            or (session.get("customer_details") or {}).get("email", ""),
            "reference": (session.get("metadata") or {}).get("reference", "")}
