"""Extra shares by card, through the same Checkout, webhook and ledger path as the joining
share; telling the payer (email or letter) when a held payment is refunded or accepted; and
report downloads in the audit log. Stripe is the fake HTTP server in
tests/membership/stripe_fake."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from coop.models import AuditEntry
from membership import ledger, services
from membership.enums import ShareTransactionKind
from membership.models import PayerNotice, Payment, ShareTransaction, StripeAccount
from membership.stripe_payments import (
    accept_held_payment,
    process_event,
    refund_held_payment,
    start_checkout,
)
from tests.factories import ApplicationFactory, MemberFactory
from tests.membership import stripe_fake
from tests.pages import PageCheckingClient, assert_field_error, text

fake_stripe = stripe_fake.fake_stripe
COMPLETED = "checkout.session.completed"


def set_rules(society, **rules) -> None:
    type(society).objects.filter(pk=society.pk).update(**rules)
    society.refresh_from_db()


@pytest.fixture
def shareholder(society):
    """A member of a society whose rules allow up to £10 of £1 shares; they hold one."""
    set_rules(society, multiple_shares_allowed=True, max_holding=Decimal("10"))
    member = MemberFactory(society=society, email="ann@example.org")
    member.user.email = "ann@example.org"
    member.user.save()
    return member


@pytest.fixture
def member_client(shareholder):
    client = PageCheckingClient()
    client.force_login(shareholder.user)
    return client


def buy(client, society, shares):
    return client.post(reverse("buy_shares", args=[society.slug]), {"shares": shares})


def paid(fake, response) -> dict:
    session_id = response.url.rsplit("/", 1)[1]
    return stripe_fake.event(COMPLETED, fake.pay(session_id))


def test_member_buys_three_shares_by_card_and_the_register_shows_four(
        society, shareholder, member_client, fake_stripe, django_capture_on_commit_callbacks):
    response = buy(member_client, society, "3")
    assert response.status_code == 302
    sent = fake_stripe.posts_to("/v1/checkout/sessions")[0].form
    assert (sent["line_items[0][quantity]"], sent["line_items[0][price_data][unit_amount]"]) \
        == ("3", "100")
    assert sent["metadata[member_number]"] == str(shareholder.membership_number)
    payment = Payment.objects.get(member=shareholder, method="card")
    assert (payment.amount, payment.state) == (Decimal("3.00"), "pending")

    waiting = text(member_client.get(reverse("buy_shares_done", args=[society.slug])))
    assert "Waiting for your payment" in waiting
    with django_capture_on_commit_callbacks(execute=True):
        outcome = process_event(paid(fake_stripe, response)).outcome
    assert outcome == f"confirmed: more shares for member no. {shareholder.membership_number}"
    shareholder.refresh_from_db()
    assert (shareholder.shares_held, shareholder.amount_paid) == (4, Decimal("4.00"))
    line = ShareTransaction.objects.get(payment=payment)
    assert (line.kind, line.shares, line.amount) == (ShareTransactionKind.ADDITIONAL_ISSUE, 3,
                                                    Decimal("3.00"))
    assert "You now hold 4 shares" in text(member_client.get(
        reverse("buy_shares_done", args=[society.slug])))
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert "You now hold 4 shares, £4.00 in all" in mail.outbox[0].body


def test_buying_beyond_the_holding_cap_is_a_field_error(society, shareholder, member_client,
                                                        fake_stripe):
    response = buy(member_client, society, "10")
    assert response.status_code == 400
    assert_field_error(response, "shares", "the most one person may hold")
    assert not fake_stripe.requests
    assert not Payment.objects.filter(application=None, member=shareholder,
                                      method="card").exists()


@pytest.mark.parametrize("value", ["", "0", "two", "-1"])
def test_a_wrong_number_of_shares_is_a_field_error(society, shareholder, member_client,
                                                   fake_stripe, value):
    response = buy(member_client, society, value)
    assert response.status_code == 400
    assert "id_shares_error" in response.content.decode()
    assert not fake_stripe.requests


def test_one_share_rules_offer_no_card_purchase(society, member, fake_stripe):
    client = PageCheckingClient()
    client.force_login(member.user)
    shown = text(client.get(reverse("buy_shares", args=[society.slug])))
    assert "each member holds one share" in shown
    assert buy(client, society, "1").status_code == 400
    assert not fake_stripe.requests


def test_a_payment_that_would_pass_the_cap_by_the_time_it_arrives_is_held(
        society, shareholder, member_client, fake_stripe, secretary):
    response = buy(member_client, society, "5")
    # Meanwhile the treasurer records 5 shares paid by cheque: the card's 5 would make £11.
    from membership.shares import record_offline_payment
    record_offline_payment(member=shareholder, method="cheque", amount=Decimal("5"),
                           received_on=shareholder.admitted_on, by=secretary)
    outcome = process_event(paid(fake_stripe, response)).outcome
    assert outcome.startswith("held:") and "£10" in outcome
    payment = Payment.objects.get(method="card", member=shareholder)
    assert payment.state == "held" and payment.member == shareholder
    assert not ShareTransaction.objects.filter(payment=payment).exists()
    shareholder.refresh_from_db()
    assert shareholder.shares_held == 6


def test_ledger_failure_leaves_the_payment_unconfirmed(society, shareholder, member_client,
                                                       fake_stripe, monkeypatch):
    """The ledger line and the payment's confirmation are one transaction: when writing
    the line fails, the payment is not confirmed either (it is held for an officer)."""
    response = buy(member_client, society, "2")

    def broken(*args, **kwargs):
        raise services.MembershipError("The ledger could not be written.")
    monkeypatch.setattr("membership.shares.record_ledger_entry", broken)
    outcome = process_event(paid(fake_stripe, response)).outcome
    assert outcome == "held: The ledger could not be written."
    payment = Payment.objects.get(method="card", member=shareholder)
    assert payment.confirmed_at is None and payment.state == "held"
    shareholder.refresh_from_db()
    assert shareholder.shares_held == 1


def test_extra_shares_on_a_connected_society_are_charged_on_its_account(
        society, shareholder, member_client, fake_stripe, settings):
    settings.STRIPE_CONNECT = True
    account = fake_stripe.add_account()
    StripeAccount.objects.create(society=society, account_id=account, charges_enabled=True)
    buy(member_client, society, "2")
    assert fake_stripe.posts_to("/v1/checkout/sessions")[0].stripe_account == account
    assert Payment.objects.get(method="card", member=shareholder).stripe_account == account


# --- telling the payer --------------------------------------------------------------------------

@pytest.fixture
def held(society, secretary, fake_stripe):
    """Make a held joining payment for an applicant with contact preferences `prefs`: paid
    £2 for a £1 share, or as `session` says."""
    def make(session=None, **prefs):
        application = services.approve_application(
            ApplicationFactory(society=society, full_name="Pat Payer",
                               email="pat@example.org", **prefs), by=secretary)
        start_checkout(application, success_url="https://t/ok", cancel_url="https://t/no")
        payment = application.payments.get()
        changes = session or {"amount_total": 200}
        process_event(stripe_fake.event(
            COMPLETED, fake_stripe.pay(payment.stripe_session_id) | changes))
        payment.refresh_from_db()
        assert payment.state == "held"
        return payment
    return make


def test_refunded_payer_gets_an_email_saying_why(held, officer_for,
                                                django_capture_on_commit_callbacks):
    payment = held()
    with django_capture_on_commit_callbacks(execute=True):
        refund_held_payment(payment, by=officer_for("treasurer"), note="Paid twice by mistake")
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    body = mail.outbox[0].body
    assert "We have sent back the £2.00 you paid by card" in body
    assert "£2.00 was paid, not the £1.00 expected." in body
    assert "Paid twice by mistake" in body
    notice = PayerNotice.objects.get(payment=payment)
    assert notice.channel == "email"


def test_accepted_payer_who_prefers_post_gets_a_letter_to_post(
        society, held, officer_for, django_capture_on_commit_callbacks):
    payment = held({"payment_status": "no_payment_required"}, contact_by_email=False,
                   contact_by_post=True, large_print=True)
    treasurer = officer_for("treasurer")
    with django_capture_on_commit_callbacks(execute=True):
        member = accept_held_payment(payment, by=treasurer, note="Checked with the bank")
    assert not [m for m in mail.outbox if "accepted" in m.subject]
    notice = PayerNotice.objects.get(payment=payment)
    assert (notice.channel, notice.large_print) == ("letter", True)
    assert f"Your membership number is {member.membership_number}" in notice.body

    client = PageCheckingClient()
    client.force_login(treasurer)
    letters = reverse("payer_letters", args=[society.slug])
    page = text(client.get(letters))
    assert "To Pat Payer" in page and "Checked with the bank" in page
    assert "large print" in page
    client.post(reverse("payer_letter_posted", args=[society.slug, notice.pk]))
    assert "No letters are waiting to be posted" in text(client.get(letters))
    assert AuditEntry.objects.filter(action="membership.payer_notice.posted",
                                     society=society).count() == 1


def test_letters_page_shows_only_this_societys_letters(society, other_society, held,
                                                       officer_for):
    notice_payment = held(contact_by_email=False, contact_by_post=True)
    refund_held_payment(notice_payment, by=officer_for("treasurer"), note="Wrong amount")
    outsider = officer_for("treasurer", other_society)
    client = PageCheckingClient()
    client.force_login(outsider)
    assert "Pat Payer" not in text(client.get(reverse("payer_letters",
                                                      args=[other_society.slug])))
    notice = PayerNotice.objects.get()
    response = client.post(reverse("payer_letter_posted", args=[other_society.slug,
                                                                notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.posted_at is None


def test_failed_refund_tells_nobody(held, officer_for, fake_stripe,
                                    django_capture_on_commit_callbacks):
    payment = held()
    fake_stripe.fail_next()
    with django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(services.MembershipError):
        with transaction.atomic():
            refund_held_payment(payment, by=officer_for("treasurer"), note="Wrong amount")
    assert not mail.outbox and not PayerNotice.objects.exists()


# --- report downloads ---------------------------------------------------------------------------

@pytest.mark.parametrize("report", ["payments", "outstanding", "withdrawals"])
def test_report_download_is_audited(society, officer_for, report):
    treasurer = officer_for("treasurer")
    client = PageCheckingClient()
    client.force_login(treasurer)
    response = client.get(reverse("report_csv", args=[society.slug, report]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="membership.report.downloaded")
    assert entry.society == society
    assert entry.data["report"] == report and entry.data["format"] == "csv"
    assert entry.data["rows"] == len(response.content.decode().strip().splitlines()) - 1


def test_ledger_cap_message_names_the_cap(society):
    """The cap message the page shows comes from the ledger's own check."""
    set_rules(society, max_holding=Decimal("10"))
    with pytest.raises(services.MembershipError, match="the most one person may hold"):
        ledger.check_holding_cap(society, current=Decimal("1"), adding=Decimal("10"))
