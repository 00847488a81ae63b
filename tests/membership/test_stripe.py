"""membership.stripe_payments: Checkout, card refunds and the reconciliation selectors, through
the real `stripe` library talking HTTP to a fake Stripe server (tests/membership/stripe_fake)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from coop.models import AuditEntry
from membership import services, stripe_payments
from membership.models import Payment, ShareTransaction, StripeEvent
from membership.services import MembershipError
from membership.shares import record_offline_payment
from membership.stripe_payments import (
    card_payments_enabled,
    held_payments,
    process_event,
    refund_withdrawal,
    start_checkout,
    unmatched_stripe_payments,
)
from tests.factories import ApplicationFactory, SocietyFactory
from tests.membership import stripe_fake

fake_stripe = stripe_fake.fake_stripe

SESSIONS = "/v1/checkout/sessions"
REFUNDS = "/v1/refunds"
URLS = {"success_url": "https://coop.test/s/mutual/pay/done/",
        "cancel_url": "https://coop.test/s/mutual/pay/"}


def approved(society, secretary, **kwargs):
    return ApplicationFactory(society=society, approved_at=timezone.now(), decided_by=secretary,
                              **kwargs)


def checkout(application):
    start_checkout(application, **URLS)
    return application.payments.get()


def pay_by_card(fake, application):
    """Checkout, then Stripe's checkout.session.completed: the applicant becomes a member."""
    payment = checkout(application)
    process_event(stripe_fake.event("checkout.session.completed",
                                    fake.pay(payment.stripe_session_id)))
    payment.refresh_from_db()
    return payment


def actions(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id")
                .values_list("action", flat=True))


# --- card payments on or off ------------------------------------------------------------------

def test_card_payments_enabled_only_with_secret_key(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert card_payments_enabled() is False

    settings.STRIPE_SECRET_KEY = "sk_test_123"
    assert card_payments_enabled() is True


def test_start_checkout_without_secret_key_refuses_and_sends_nothing(
        society, secretary, fake_stripe, settings):
    settings.STRIPE_SECRET_KEY = ""
    application = approved(society, secretary)

    with pytest.raises(MembershipError, match="pay another way"):
        start_checkout(application, **URLS)

    assert fake_stripe.requests == []
    assert not Payment.objects.exists()


# --- Checkout -------------------------------------------------------------------------------

def test_start_checkout_sends_gbp_share_price_and_reference(society, secretary, fake_stripe):
    application = approved(society, secretary)

    url = start_checkout(application, **URLS)

    [sent] = fake_stripe.posts_to(SESSIONS)
    payment = application.payments.get()
    assert url == fake_stripe.sessions[payment.stripe_session_id]["url"]
    assert url.startswith("https://checkout.stripe.test/")
    assert sent.authorization == "Bearer sk_test_fake"
    assert sent.idempotency_key == f"checkout-{payment.pk}"
    assert sent.form["mode"] == "payment"
    assert sent.form["line_items[0][price_data][currency]"] == "gbp"
    assert sent.form["line_items[0][price_data][unit_amount]"] == "100"
    assert sent.form["line_items[0][quantity]"] == "1"
    assert sent.form["client_reference_id"] == str(payment.pk)
    assert sent.form["success_url"] == URLS["success_url"]
    assert sent.form["cancel_url"] == URLS["cancel_url"]
    assert sent.metadata() == {"payment_id": str(payment.pk),
                               "application_id": str(application.pk),
                               "society": "mutual", "reference": application.payment_reference}
    assert sent.metadata("payment_intent_data[metadata]")["reference"] == \
        application.payment_reference


def test_start_checkout_records_a_pending_card_payment(society, secretary, fake_stripe):
    application = approved(society, secretary)

    start_checkout(application, **URLS)

    payment = application.payments.get()
    assert payment.method == "card"
    assert payment.amount == Decimal("1.00")
    assert payment.currency == "GBP"
    assert payment.reference == application.payment_reference
    assert payment.stripe_session_id.startswith("cs_test_")
    assert payment.state == "pending"
    assert payment.member is None
    assert actions(object_id=str(payment.pk)) == ["membership.payment.checkout_started"]


def test_start_checkout_double_click_makes_one_session(society, secretary, fake_stripe):
    application = approved(society, secretary)

    first = start_checkout(application, **URLS)
    second = start_checkout(application, **URLS)

    assert first == second
    payment = application.payments.get()
    sent = fake_stripe.posts_to(SESSIONS)
    assert [r.idempotency_key for r in sent] == [f"checkout-{payment.pk}"] * 2
    assert list(fake_stripe.sessions) == [payment.stripe_session_id]
    assert actions(action="membership.payment.checkout_started") == \
        ["membership.payment.checkout_started"]


def test_start_checkout_charges_the_societys_share_value(secretary, fake_stripe):
    society = SocietyFactory(share_value=Decimal("2.50"))
    application = approved(society, secretary)

    start_checkout(application, **URLS)

    [sent] = fake_stripe.posts_to(SESSIONS)
    assert sent.form["line_items[0][price_data][unit_amount]"] == "250"
    assert application.payments.get().amount == Decimal("2.50")


def test_start_checkout_stripe_error_is_plain_and_writes_nothing(society, secretary,
                                                                 fake_stripe):
    application = approved(society, secretary)
    audit_before = AuditEntry.objects.count()
    fake_stripe.fail_next(500)

    with pytest.raises(MembershipError) as error:
        start_checkout(application, **URLS)

    assert error.value.message == ("Card payments are not working at the moment. You can pay "
                                   "another way.")
    assert not Payment.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_start_checkout_card_declined_style_error_is_plain_too(society, secretary,
                                                               fake_stripe):
    application = approved(society, secretary)
    fake_stripe.fail_next(400, kind="invalid_request_error", message="Invalid currency")

    with pytest.raises(MembershipError, match="not working at the moment"):
        start_checkout(application, **URLS)

    assert not Payment.objects.exists()


def test_start_checkout_error_on_second_click_keeps_the_first_session(society, secretary,
                                                                      fake_stripe):
    application = approved(society, secretary)
    start_checkout(application, **URLS)
    payment = application.payments.get()
    fake_stripe.fail_next(503)

    with pytest.raises(MembershipError):
        start_checkout(application, **URLS)

    assert list(application.payments.all()) == [payment]
    assert application.payments.get().stripe_session_id == payment.stripe_session_id


def test_start_checkout_wrong_key_is_a_stripe_error(society, secretary, fake_stripe,
                                                    settings):
    settings.STRIPE_SECRET_KEY = "sk_test_revoked"

    with pytest.raises(MembershipError, match="not working at the moment"):
        start_checkout(approved(society, secretary), **URLS)

    assert not Payment.objects.exists()


def test_start_checkout_pending_application_refused_before_stripe(society, fake_stripe):
    application = ApplicationFactory(society=society)

    with pytest.raises(MembershipError, match="once the officers have approved"):
        start_checkout(application, **URLS)

    assert fake_stripe.requests == []
    assert not Payment.objects.exists()


def test_start_checkout_admitted_applicant_refused(society, secretary, fake_stripe):
    application = approved(society, secretary)
    record_offline_payment(application=application, method="cash", amount=Decimal("1.00"),
                           received_on=timezone.localdate(), by=secretary)

    with pytest.raises(MembershipError, match="member already"):
        start_checkout(application, **URLS)

    assert fake_stripe.requests == []


def test_start_checkout_refused_while_a_card_payment_is_held(society, secretary, fake_stripe):
    application = approved(society, secretary)
    payment = checkout(application)
    session = fake_stripe.pay(payment.stripe_session_id) | {"amount_total": 500}
    process_event(stripe_fake.event("checkout.session.completed", session))

    with pytest.raises(MembershipError, match="do not need to pay again"):
        start_checkout(application, **URLS)

    assert len(fake_stripe.posts_to(SESSIONS)) == 1


def test_start_checkout_after_failed_payment_makes_a_new_session(society, secretary,
                                                                 fake_stripe):
    application = approved(society, secretary)
    failed = checkout(application)
    process_event(stripe_fake.event("checkout.session.async_payment_failed",
                                    fake_stripe.pay(failed.stripe_session_id,
                                                    payment_status="unpaid")))

    start_checkout(application, **URLS)

    fresh = application.payments.exclude(pk=failed.pk).get()
    assert fresh.stripe_session_id != failed.stripe_session_id
    assert fake_stripe.posts_to(SESSIONS)[-1].idempotency_key == f"checkout-{fresh.pk}"


# --- card refunds on withdrawal -------------------------------------------------------------

@pytest.fixture
def resigned(society, secretary, fake_stripe):
    """A member who paid by card and resigned; their share money is due back today."""
    society.withdrawal_notice_days = 0
    society.save()
    payment = pay_by_card(fake_stripe, approved(society, secretary))
    member = services.cease_membership(payment.member, by=payment.member.user,
                                       reason="resigned")
    mail.outbox.clear()
    return member.withdrawals.get()


def test_refund_withdrawal_refunds_the_card_through_stripe(resigned, secretary, fake_stripe):
    payment = resigned.payment

    refund_withdrawal(resigned, by=secretary)

    [sent] = fake_stripe.posts_to(REFUNDS)
    assert sent.form["payment_intent"] == payment.stripe_payment_intent
    assert sent.form["amount"] == "100"
    assert sent.idempotency_key == f"refund-{resigned.pk}"
    [refund_id] = fake_stripe.refunds
    resigned.refresh_from_db()
    payment.refresh_from_db()
    assert resigned.repaid_at is not None
    assert resigned.repaid_by == secretary
    assert resigned.repayment_method == "card"
    assert resigned.repayment_reference == refund_id
    assert payment.refunded_at is not None
    assert payment.refund_reference == refund_id
    assert payment.state == "refunded"


def test_refund_withdrawal_audits_and_emails(resigned, secretary, fake_stripe,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refund_withdrawal(resigned, by=secretary)

    entry = AuditEntry.objects.get(action="membership.withdrawal.repaid")
    assert entry.actor == secretary
    assert entry.data["method"] == "card"
    assert entry.data["amount"] == "1.00"
    [email] = mail.outbox
    assert email.to == [resigned.member.user.email]
    assert "to the card you paid with" in email.body


def test_refund_withdrawal_stripe_error_writes_nothing(resigned, secretary, fake_stripe,
                                                       django_capture_on_commit_callbacks):
    audit_before = AuditEntry.objects.count()
    fake_stripe.fail_next(402, kind="invalid_request_error",
                          message="Charge has already been refunded.")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(MembershipError, match="Card refunds are not working"):
            refund_withdrawal(resigned, by=secretary)

    resigned.refresh_from_db()
    resigned.payment.refresh_from_db()
    assert resigned.repaid_at is None
    assert resigned.repayment_reference == ""
    assert resigned.payment.refunded_at is None
    assert AuditEntry.objects.count() == audit_before
    assert callbacks == []
    assert mail.outbox == []


def test_refund_withdrawal_twice_refused_without_asking_stripe(resigned, secretary,
                                                               fake_stripe):
    refund_withdrawal(resigned, by=secretary)

    with pytest.raises(MembershipError, match="already been paid back"):
        refund_withdrawal(resigned, by=secretary)

    assert len(fake_stripe.posts_to(REFUNDS)) == 1


def test_refund_withdrawal_before_notice_period_ends_refused(resigned, secretary, fake_stripe):
    resigned.due_on = timezone.localdate() + timezone.timedelta(days=10)
    resigned.save()

    with pytest.raises(MembershipError, match="not due until"):
        refund_withdrawal(resigned, by=secretary)

    assert fake_stripe.posts_to(REFUNDS) == []


def test_refund_withdrawal_while_suspended_refused(resigned, secretary, fake_stripe, society):
    society.withdrawals_suspended = True
    society.save()

    with pytest.raises(MembershipError, match="suspended"):
        refund_withdrawal(resigned, by=secretary)

    assert fake_stripe.posts_to(REFUNDS) == []


def test_refund_withdrawal_of_offline_payment_refused(society, secretary, fake_stripe):
    society.withdrawal_notice_days = 0
    society.save()
    payment = record_offline_payment(application=approved(society, secretary), method="cash",
                                     amount=Decimal("1.00"), received_on=timezone.localdate(),
                                     by=secretary)
    member = services.cease_membership(payment.member, by=secretary, reason="resigned")

    with pytest.raises(MembershipError, match="not paid by card"):
        refund_withdrawal(member.withdrawals.get(), by=secretary)

    assert fake_stripe.requests == []


def test_charge_refunded_after_our_refund_changes_nothing(resigned, secretary, fake_stripe):
    refund_withdrawal(resigned, by=secretary)
    payment = Payment.objects.get(pk=resigned.payment_id)

    event = process_event(stripe_fake.event(
        "charge.refunded", stripe_fake.charge(payment.stripe_payment_intent)))

    assert event.outcome == "nothing to do: already refunded"
    assert Payment.objects.get(pk=payment.pk).refund_reference == payment.refund_reference


# --- reconciliation ---------------------------------------------------------------------------

def test_held_payments_lists_payments_waiting_for_an_officer(society, secretary, fake_stripe):
    held = checkout(approved(society, secretary))
    process_event(stripe_fake.event("checkout.session.completed",
                                    fake_stripe.pay(held.stripe_session_id)
                                    | {"currency": "eur"}))
    pay_by_card(fake_stripe, approved(society, secretary))
    checkout(approved(society, secretary))

    assert list(held_payments(society)) == [held]
    assert list(held_payments(SocietyFactory())) == []


def test_unmatched_lists_unknown_sessions_of_this_society_only(society, other_society,
                                                               fake_stripe):
    session = {"id": "cs_test_nobody", "object": "checkout.session", "amount_total": 100,
               "currency": "gbp", "payment_status": "paid", "payment_intent": "pi_test_x",
               "metadata": {"society": "mutual", "reference": "MUTUAL-00099"}}
    event = process_event(stripe_fake.event("checkout.session.completed", session))

    assert list(unmatched_stripe_payments(society).events) == [event]
    assert list(unmatched_stripe_payments(other_society).events) == []
    assert bool(unmatched_stripe_payments(society)) is True
    assert bool(unmatched_stripe_payments(other_society)) is False


def test_unmatched_lists_confirmed_card_payments_with_no_share(society, secretary,
                                                               fake_stripe):
    application = approved(society, secretary)
    paid = pay_by_card(fake_stripe, application)
    orphan = Payment.objects.create(
        society=society, application=application, method="card", amount=Decimal("1.00"),
        reference=application.payment_reference, confirmed_at=timezone.now(),
        stripe_session_id="cs_test_orphan")

    unmatched = unmatched_stripe_payments(society)

    assert ShareTransaction.objects.filter(payment=paid).exists()
    assert list(unmatched.payments) == [orphan]
    assert list(unmatched.events) == []


def test_unmatched_ignores_sessions_that_matched(society, secretary, fake_stripe):
    pay_by_card(fake_stripe, approved(society, secretary))

    assert StripeEvent.objects.count() == 1
    assert not unmatched_stripe_payments(society)


def test_pence_and_pounds_are_exact():
    assert stripe_payments.pence(Decimal("1.00")) == 100
    assert stripe_payments.pence(Decimal("0.10")) == 10
    assert stripe_payments.pence(Decimal("25.99")) == 2599
    assert stripe_payments.pounds(2599) == Decimal("25.99")
    assert str(stripe_payments.pounds(50)) == "0.50"
