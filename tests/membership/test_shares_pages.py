"""Shares and payments through the Django test client: paying for the joining share (by card
or another way), officers recording payments, share certificates (HTML and PDF), a member's
ledger, resigning and paying share money back, and the daily payment reminders.

The `client` is tests.coop.test_views.PageCheckingClient: every page is also checked for a
Content Security Policy, no inline script or style, and aria-describedby pointing at real ids.
Card payments go to the fake Stripe server in tests/membership/stripe_fake.py."""

import io
import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from membership import services, shares, stripe_payments
from membership.certificate import certificate_context
from membership.models import Application, Member, Payment, Withdrawal
from tests.factories import ApplicationFactory, MemberFactory, UserFactory, join
from tests.membership import stripe_fake
from tests.pages import PageCheckingClient, assert_field_error, text

fake_stripe = stripe_fake.fake_stripe

# Measured at 9 (session, user, society, roles, the viewer's entry, the list, ...). A query per
# row passes this at 1 row and fails at 30.
LIST_QUERY_BOUND = 12


@pytest.fixture
def client():
    return PageCheckingClient()


@pytest.fixture
def signed_in(client):
    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _no_card_payments(settings):
    """Card payments are off unless a test starts the fake Stripe server."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = ""


@pytest.fixture
def treasurer(officer_for):
    return officer_for("treasurer")


@pytest.fixture
def approved(society, secretary):
    """An application approved and waiting for its share to be paid."""
    application = ApplicationFactory(society=society, full_name="Sam Evans",
                                     user=UserFactory(email="sam@example.org"))
    return services.approve_application(application, by=secretary)


def set_rules(society, **rules) -> None:
    """Change a society's rules. Not `society.save()`: that writes back the instance's stale
    membership-number counter, and the next member admitted would reuse a number."""
    type(society).objects.filter(pk=society.pk).update(**rules)
    society.refresh_from_db()


def url(name, society, *args):
    return reverse(name, args=[society.slug, *args])


def payment_data(**changes) -> dict:
    return {"method": "cash", "amount": "1.00", "received_on": str(timezone.localdate()),
            "reference": "", "note": "", **changes}


# --- the pay page -------------------------------------------------------------------------------

def test_pay_page_shows_instructions_and_reference(signed_in, society, approved):
    set_rules(society, payment_instructions="Sort code 08-92-99, account 6543 2101.")

    response = signed_in(approved.user).get(url("pay", society))

    page = text(response)
    assert "Pay for your share" in page
    assert "Amount to pay £1.00 for one share" in page
    assert f"Your reference {approved.payment_reference}" in page
    assert "Sort code 08-92-99, account 6543 2101." in page
    assert f"Quote your reference, {approved.payment_reference}," in page


def test_pay_page_hides_card_button_without_stripe_keys(signed_in, society, approved):
    response = signed_in(approved.user).get(url("pay", society))

    assert url("pay_by_card", society) not in response.content.decode()
    assert "Pay by card" not in text(response)
    assert "How to pay" in text(response)


def test_pay_page_offers_card_with_stripe_keys(signed_in, society, approved, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_anything"

    response = signed_in(approved.user).get(url("pay", society))

    assert f'action="{url("pay_by_card", society)}"' in response.content.decode()
    assert "Pay £1.00 by card" in text(response)
    assert "Or pay another way" in text(response)


def test_pay_page_for_a_member_goes_to_their_membership(signed_in, society, member):
    response = signed_in(member.user).get(url("pay", society), follow=True)

    assert response.redirect_chain[-1][0] == url("my_membership", society)
    assert "Your share is paid and you are a member." in text(response)


@pytest.mark.parametrize("state", ["pending", "rejected", "none"])
def test_pay_page_without_approved_application_not_found(signed_in, society, secretary, user,
                                                         state):
    if state != "none":
        application = ApplicationFactory(society=society, user=user)
        if state == "rejected":
            services.reject_application(application, by=secretary, reason="No")

    assert signed_in(user).get(url("pay", society)).status_code == 404


def test_approved_applicant_sent_from_apply_and_society_page_to_pay(signed_in, society,
                                                                   approved):
    client = signed_in(approved.user)

    society_page = client.get(url("society", society))
    response = client.get(url("apply", society), follow=True)

    assert f'href="{url("pay", society)}"' in society_page.content.decode()
    assert "Apply to join" not in text(society_page)
    assert response.redirect_chain[-1][0] == url("pay", society)
    assert "Your application has been approved. The last step is to pay" in text(response)


def test_pay_page_of_other_society_not_found(signed_in, society, other_society, approved):
    assert signed_in(approved.user).get(url("pay", other_society)).status_code == 404


# --- paying by card -----------------------------------------------------------------------------

def test_pay_by_card_redirects_to_checkout(signed_in, society, approved, fake_stripe):
    response = signed_in(approved.user).post(url("pay_by_card", society))

    assert response.status_code == 302
    assert response.url.startswith("https://checkout.stripe.test/c/pay/cs_test_")
    sent = fake_stripe.posts_to("/v1/checkout/sessions")[0].form
    assert sent["success_url"] == f"http://testserver{url('pay_done', society)}"
    assert sent["cancel_url"] == f"http://testserver{url('pay_cancelled', society)}"
    payment = Payment.objects.get(application=approved)
    assert (payment.method, payment.state) == ("card", "pending")


def test_pay_by_card_without_keys_says_pay_another_way(signed_in, society, approved):
    response = signed_in(approved.user).post(url("pay_by_card", society), follow=True)

    assert response.redirect_chain[-1][0] == url("pay", society)
    assert "Card payments are not available. You can pay another way." in text(response)
    assert not Payment.objects.exists()


def test_pay_by_card_stripe_down_says_so_and_writes_nothing(signed_in, society, approved,
                                                            fake_stripe):
    fake_stripe.fail_next()

    response = signed_in(approved.user).post(url("pay_by_card", society), follow=True)

    assert stripe_payments.CHECKOUT_BROKEN in text(response)
    assert not Payment.objects.exists()


def test_pay_by_card_needs_post(signed_in, society, approved):
    assert signed_in(approved.user).get(url("pay_by_card", society)).status_code == 405


def complete_checkout(fake, client, society) -> dict:
    """Pay on the fake Checkout page; return the webhook event Stripe would then send."""
    session_id = client.post(url("pay_by_card", society)).url.rsplit("/", 1)[1]
    return stripe_fake.event("checkout.session.completed", fake.pay(session_id))


def test_pay_done_waits_for_the_webhook_then_shows_the_number(
        signed_in, society, approved, fake_stripe, django_capture_on_commit_callbacks):
    client = signed_in(approved.user)
    event = complete_checkout(fake_stripe, client, society)

    waiting = text(client.get(url("pay_done", society)))
    with django_capture_on_commit_callbacks(execute=True):
        stripe_payments.process_event(event)
    done = text(client.get(url("pay_done", society)))

    assert "We are waiting for confirmation of your payment" in waiting
    assert "You are a member" not in waiting and "membership number is" not in waiting
    assert "Please do not pay again." in waiting
    member = Member.objects.get(application=approved)
    assert f"You are a member of {society.name}" in done
    assert f"Your membership number is {member.membership_number}." in done
    assert mail.outbox[-1].subject == f"Welcome to {society.name}"


def test_pay_done_held_payment_says_an_officer_will_check(signed_in, society, approved,
                                                          fake_stripe):
    client = signed_in(approved.user)
    event = complete_checkout(fake_stripe, client, society)
    event["data"]["object"]["amount_total"] = 500  # not the £1.00 asked for
    stripe_payments.process_event(event)

    done = text(client.get(url("pay_done", society)))
    pay_page = text(client.get(url("pay", society)))

    assert "We have received your payment" in done
    assert "An officer needs to check it" in done
    assert "You do not need to pay again." in pay_page
    assert "Pay by card" not in pay_page


def test_pay_cancelled_says_nothing_was_paid(signed_in, society, approved, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_anything"

    page = text(signed_in(approved.user).get(url("pay_cancelled", society)))

    assert "You have not paid" in page
    assert "nothing has been taken from your card" in page
    assert "Your application is still approved." in page
    assert approved.payment_reference in page
    assert "Pay £1.00 by card" in page


# --- officers record a payment made another way ----------------------------------------------

def test_officer_records_payment_and_applicant_is_admitted(
        signed_in, society, approved, treasurer, django_capture_on_commit_callbacks):
    client = signed_in(treasurer)
    form = client.get(url("record_joining_payment", society, approved.pk))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("record_joining_payment", society, approved.pk),
                               payment_data(reference="Cash at AGM"), follow=True)

    assert "Record a payment from Sam Evans" in text(form)
    member = Member.objects.get(application=approved)
    assert member.membership_number == 1
    assert f"Sam Evans is now member number {member.membership_number}." in text(response)
    assert response.redirect_chain[-1][0] == url("member_detail", society,
                                                 member.membership_number)
    register = client.get(url("register", society)).content.decode()
    row = re.search(r"<tr>\s*<td>1</td>.*?</tr>", register, re.S).group(0)
    assert "<td>1</td><td>£1.00</td>" in row and "Sam Evans" in row
    payment = Payment.objects.get(member=member)
    assert (payment.method, payment.reference, payment.recorded_by) == (
        "cash", "Cash at AGM", treasurer)
    assert mail.outbox[-1].subject == f"Welcome to {society.name}"


def test_application_detail_links_to_record_payment_when_approved(signed_in, society,
                                                                  approved, secretary):
    response = signed_in(secretary).get(url("application_detail", society, approved.pk))

    assert url("record_joining_payment", society, approved.pk) in response.content.decode()
    assert "Record a payment made another way" in text(response)


@pytest.mark.parametrize("changes, field, message", [
    ({"amount": "2.00"}, "amount", "A joining share costs £1.00; the amount recorded is £2.00."),
    ({"amount": "one pound"}, "amount", "Enter the amount in pounds, like 1.00."),
    ({"received_on": str(timezone.localdate() + timedelta(days=1))}, "received_on",
     "The date received cannot be in the future."),
    ({"method": ""}, "method", "Choose how the money was paid."),
])
def test_record_payment_errors_next_to_fields_and_nothing_written(
        signed_in, society, approved, treasurer, changes, field, message):
    response = signed_in(treasurer).post(url("record_joining_payment", society, approved.pk),
                                         payment_data(**changes))

    assert response.status_code == 200
    assert text(response).startswith("Error: Record a payment")
    assert_field_error(response, field, message)
    assert not Payment.objects.exists()
    approved.refresh_from_db()
    assert approved.state == "approved"


def test_record_payment_not_awaiting_payment_shown_in_summary(signed_in, society, treasurer):
    pending = ApplicationFactory(society=society)
    client = signed_in(treasurer)

    page = text(client.get(url("record_joining_payment", society, pending.pk)))
    response = client.post(url("record_joining_payment", society, pending.pk), payment_data())

    assert "This application is not waiting for payment" in page
    assert "Record the payment" not in page
    summary = text(response)
    assert "There is a problem" in summary
    assert "Only an approved applicant who has not paid yet can pay" in summary
    assert not Payment.objects.exists() and not Member.objects.exists()


def test_record_payment_application_of_other_society_not_found(signed_in, society,
                                                                other_society, treasurer):
    elsewhere = ApplicationFactory(society=other_society)

    response = signed_in(treasurer).post(
        url("record_joining_payment", society, elsewhere.pk), payment_data())

    assert response.status_code == 404
    assert not Payment.objects.exists()


@pytest.fixture
def many_shares(society):
    set_rules(society, multiple_shares_allowed=True, max_holding=Decimal("5.00"))
    return society


def test_record_member_payment_buys_more_shares(signed_in, many_shares, secretary, treasurer):
    member = join(many_shares, by=secretary, full_name="Alex Morgan")
    client = signed_in(treasurer)
    detail = client.get(url("member_detail", many_shares, member.membership_number))

    response = client.post(url("record_member_payment", many_shares, member.membership_number),
                           payment_data(method="cheque", amount="3.00", reference="Chq 100"),
                           follow=True)

    assert url("record_member_payment", many_shares, member.membership_number) in (
        detail.content.decode())
    assert "Alex Morgan now holds 4 shares (£4.00)." in text(response)
    assert "Additional issue 3 £3.00 More shares bought" in text(response)
    member.refresh_from_db()
    assert (member.shares_held, member.amount_paid) == (4, Decimal("4.00"))


def test_record_member_payment_over_the_cap_refused(signed_in, many_shares, secretary,
                                                    treasurer):
    member = join(many_shares, by=secretary)

    response = signed_in(treasurer).post(
        url("record_member_payment", many_shares, member.membership_number),
        payment_data(amount="5.00"))

    assert_field_error(response, "amount", "the most one person may hold in")
    member.refresh_from_db()
    assert (member.shares_held, member.payments.count()) == (1, 1)


def test_record_member_payment_one_share_each_offers_no_form(signed_in, society, member,
                                                              treasurer):
    client = signed_in(treasurer)

    detail = client.get(url("member_detail", society, member.membership_number))
    page = text(client.get(url("record_member_payment", society, member.membership_number)))
    refused = client.post(url("record_member_payment", society, member.membership_number),
                          payment_data())

    assert url("record_member_payment", society, member.membership_number) not in (
        detail.content.decode())
    assert f"Members of {society.name} hold one share each." in page
    assert "Record the payment" not in page
    assert f"Members of {society.name} hold one share each." in text(refused)
    member.refresh_from_db()
    assert member.shares_held == 1


def test_record_share_paid_url_is_gone():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("record_share_paid", args=["mutual", 1])


# --- a member's shares ------------------------------------------------------------------------

def test_my_membership_shows_shares_ledger_and_payments(signed_in, society, secretary):
    member = join(society, by=secretary, received_on=timezone.localdate() - timedelta(days=2))

    response = signed_in(member.user).get(url("my_membership", society))

    page = text(response)
    assert "1 share, £1.00 paid" in page
    day = (timezone.localdate() - timedelta(days=2)).strftime("%-d %b %Y")
    assert f"Share ledger Date What Shares Amount Reason {day} Issue 1 £1.00 " \
           "Share bought on joining" in page
    assert f"Payments Date How Amount Reference Status {day} Cash £1.00 " in page
    assert "Received" in page
    assert url("my_certificate", society) in response.content.decode()


def test_member_detail_shows_the_same_ledger_to_officers(signed_in, society, secretary,
                                                         treasurer):
    member = join(society, by=secretary)

    page = text(signed_in(treasurer).get(url("member_detail", society,
                                             member.membership_number)))

    assert "Issue 1 £1.00 Share bought on joining" in page
    assert "Cash £1.00" in page
    assert "Share certificate" in page


@pytest.mark.parametrize("count", [1, 30])
def test_my_membership_query_count_constant(signed_in, many_shares, secretary, count,
                                            django_assert_max_num_queries):
    set_rules(many_shares, max_holding=Decimal("100"))
    member = join(many_shares, by=secretary)
    for _ in range(count):
        shares.record_offline_payment(member=member, method="cash", amount=Decimal("1.00"),
                                      received_on=timezone.localdate(), by=secretary)
    client = signed_in(member.user)

    with django_assert_max_num_queries(LIST_QUERY_BOUND + 3):
        response = client.get(url("my_membership", many_shares))

    assert f"{count + 1} shares, £{count + 1}.00 paid" in text(response)


# --- share certificates -------------------------------------------------------------------------

@pytest.fixture
def holder(society, secretary):
    set_rules(society, registration_number="RS007777")
    return join(society, by=secretary, full_name="Alex Morgan",
                received_on=timezone.localdate() - timedelta(days=3))


def test_certificate_page_names_society_member_and_shares(signed_in, society, holder):
    response = signed_in(holder.user).get(url("my_certificate", society))

    page = text(response)
    issued = (timezone.localdate() - timedelta(days=3)).strftime("%-d %B %Y")
    assert "Your share certificate" in page
    assert "Mutual Support Share certificate Registered society number RS007777" in page
    assert ("This is to certify that Alex Morgan, membership number 1, is the registered holder "
            "of 1 fully paid share of £1.00 each in Mutual Support") in page
    assert f"Shares held 1 Amount paid £1.00 Date issued {issued}" in page
    assert 'href="?format=pdf"' in response.content.decode()


def pdf_text(pdf: bytes, tmp_path) -> str | None:
    """The PDF's words via pdftotext (poppler-utils), or None where it is not installed."""
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_certificate_pdf_is_a_pdf_naming_the_member(signed_in, society, holder, tmp_path):
    response = signed_in(holder.user).get(url("my_certificate", society), {"format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="mutual-share-certificate-1.pdf"')
    assert response.content.startswith(b"%PDF-")
    words = pdf_text(response.content, tmp_path)
    if words is None:  # no pdftotext: check the HTML the PDF is made from instead
        words = render_to_string("membership/certificate/pdf.html",
                                 {**certificate_context(holder), "society": society})
    assert "Alex Morgan" in words and "RS007777" in words
    assert re.search(r"membership\s+number\s+1,", words)


def test_certificate_for_officers_who_see_the_register(signed_in, society, holder, treasurer):
    client = signed_in(treasurer)

    page = text(client.get(url("member_certificate", society, holder.membership_number)))
    pdf = client.get(url("member_certificate", society, holder.membership_number),
                     {"format": "pdf"})

    assert "Share certificate: Alex Morgan" in page
    assert pdf.content.startswith(b"%PDF-")


def test_certificate_former_member_has_none(signed_in, society, holder):
    services.cease_membership(holder, by=holder.user, reason="resigned")
    client = signed_in(holder.user)

    page = text(client.get(url("my_certificate", society)))
    pdf = client.get(url("my_certificate", society), {"format": "pdf"})

    assert "You hold no shares, so there is no share certificate." in page
    assert pdf.status_code == 404


def test_certificate_of_other_society_member_not_found(signed_in, society, other_society,
                                                       treasurer):
    elsewhere = MemberFactory(society=other_society)

    response = signed_in(treasurer).get(
        url("member_certificate", society, elsewhere.membership_number + 100))

    assert response.status_code == 404


# --- resigning and share money ------------------------------------------------------------------

def test_resign_page_explains_withdrawable_shares(signed_in, society, member):
    set_rules(society, withdrawal_notice_days=30)

    page = text(signed_in(member.user).get(url("resign", society)))

    repay_on = (timezone.localdate() + timedelta(days=30)).strftime("%-d %B %Y")
    assert "You paid £1.00 for your 1 share." in page
    assert f"30 days after you resign: if you resign today, on or after {repay_on}." in page
    assert "paused" not in page


def test_resign_page_explains_suspended_withdrawals(signed_in, society, member):
    set_rules(society, withdrawals_suspended=True)

    page = text(signed_in(member.user).get(url("resign", society)))

    assert "The officers have paused paying share money back for now" in page


def test_resign_page_explains_shares_cancelled_to_reserves(signed_in, society, member):
    set_rules(society, shares_withdrawable=False)

    page = text(signed_in(member.user).get(url("resign", society)))

    assert "shares cannot be withdrawn" in page
    assert "the money stays with the co-op as reserves. It is not paid back." in page


def test_member_resigns_and_sees_money_owed_back(signed_in, society, secretary):
    member = join(society, by=secretary)
    client = signed_in(member.user)

    response = client.post(url("resign", society), {"confirm": "on"}, follow=True)

    withdrawal = Withdrawal.objects.get(member=member)
    assert (withdrawal.amount, withdrawal.due_on) == (
        Decimal("1.00"), timezone.localdate() + timedelta(days=society.withdrawal_notice_days))
    page = text(response)
    assert f"Share money paid back Amount Due on Paid back £1.00 " \
           f"{withdrawal.due_on:%-d %b %Y} Not yet" in page
    assert "Withdrawal -1 −£1.00" in page


def test_officer_ends_membership_and_shares_are_cancelled(signed_in, society, secretary):
    set_rules(society, shares_withdrawable=False)
    member = join(society, by=secretary)
    client = signed_in(secretary)
    detail = url("member_detail", society, member.membership_number)

    page = text(client.get(detail))
    client.post(detail, {"reason": "resigned", "on": str(timezone.localdate())})

    assert "the money goes to the co-op's reserves" in page
    member.refresh_from_db()
    assert (member.shares_held, member.amount_paid) == (0, Decimal("0.00"))
    assert member.share_transactions.last().kind == "cancellation"
    assert not Withdrawal.objects.exists()


# --- paying share money back --------------------------------------------------------------------

@pytest.fixture
def left(society, secretary):
    """A member who resigned today, in a society that pays share money back at once."""
    set_rules(society, withdrawal_notice_days=0)
    member = join(society, by=secretary, full_name="Robin Leaver")
    services.cease_membership(member, by=member.user, reason="resigned")
    return member.withdrawals.get()


def test_withdrawals_page_lists_money_owed(signed_in, society, left, treasurer):
    response = signed_in(treasurer).get(url("withdrawals", society))

    page = text(response)
    assert "Robin Leaver (no. 1) £1.00" in page
    assert "Due now" in page
    assert url("withdrawal_detail", society, left.pk) in response.content.decode()


def test_withdrawal_repaid_another_way(signed_in, society, left, treasurer,
                                       django_capture_on_commit_callbacks):
    client = signed_in(treasurer)
    detail = client.get(url("withdrawal_detail", society, left.pk))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("withdrawal_detail", society, left.pk),
                               {"method": "bank_transfer", "reference": "BACS 991"},
                               follow=True)

    assert "Record that it was paid back" in text(detail)
    assert "Refund" not in text(detail)
    assert "Recorded: £1.00 paid back to Robin Leaver." in text(response)
    assert "Nothing is owed." in text(response)
    left.refresh_from_db()
    assert (left.repayment_method, left.repayment_reference, left.repaid_by) == (
        "bank_transfer", "BACS 991", treasurer)
    assert mail.outbox[-1].subject == "Your share money has been paid back"


def test_withdrawal_repaid_needs_a_method(signed_in, society, left, treasurer):
    response = signed_in(treasurer).post(url("withdrawal_detail", society, left.pk),
                                         {"method": "", "reference": ""})

    assert_field_error(response, "method", "Choose how the money was paid back.")
    left.refresh_from_db()
    assert left.repaid_at is None


def test_withdrawal_not_due_yet_shown_plainly(signed_in, society, secretary, treasurer):
    member = join(society, by=secretary)
    services.cease_membership(member, by=member.user, reason="resigned")
    withdrawal = member.withdrawals.get()
    client = signed_in(treasurer)

    page = text(client.get(url("withdrawal_detail", society, withdrawal.pk)))
    response = client.post(url("withdrawal_detail", society, withdrawal.pk),
                           {"method": "cash"})

    due = f"{withdrawal.due_on:%-d %B %Y}"
    assert f"This money is not due until {due} (the notice period)." in page
    assert "Record the repayment" not in page
    assert "There is a problem" in text(response)
    assert f"This money is not due until {due}" in text(response)
    withdrawal.refresh_from_db()
    assert withdrawal.repaid_at is None


def test_withdrawal_suspended_shown_plainly(signed_in, society, left, treasurer):
    set_rules(society, withdrawals_suspended=True)
    client = signed_in(treasurer)

    listing = text(client.get(url("withdrawals", society)))
    page = text(client.get(url("withdrawal_detail", society, left.pk)))

    assert "Paying share money back is suspended at the moment." in listing
    assert "Paying shares back is suspended by the officers at the moment." in page
    assert "Record the repayment" not in page


def test_withdrawal_of_other_society_not_found(signed_in, other_society, left, officer_for):
    treasurer_elsewhere = officer_for("treasurer", other_society)

    response = signed_in(treasurer_elsewhere).post(
        url("withdrawal_detail", other_society, left.pk), {"method": "cash"})

    assert response.status_code == 404
    left.refresh_from_db()
    assert left.repaid_at is None


@pytest.fixture
def card_leaver(society, client, secretary, fake_stripe):
    """Paid by card through Checkout and the webhook, then resigned; paid back at once."""
    set_rules(society, withdrawal_notice_days=0)
    application = services.approve_application(
        ApplicationFactory(society=society, full_name="Kim Card"), by=secretary)
    client.force_login(application.user)
    stripe_payments.process_event(complete_checkout(fake_stripe, client, society))
    member = Member.objects.get(application=application)
    services.cease_membership(member, by=member.user, reason="resigned")
    client.logout()
    return member.withdrawals.get()


def test_withdrawal_paid_by_card_refunded_to_card(signed_in, society, card_leaver, treasurer,
                                                  fake_stripe):
    client = signed_in(treasurer)
    detail = client.get(url("withdrawal_detail", society, card_leaver.pk))

    response = client.post(url("refund_withdrawal", society, card_leaver.pk), follow=True)

    assert f'action="{url("refund_withdrawal", society, card_leaver.pk)}"' in (
        detail.content.decode())
    assert "Refund £1.00 to card" in text(detail)
    assert "£1.00 has been refunded to Kim Card's card." in text(response)
    refund = fake_stripe.posts_to("/v1/refunds")[0].form
    assert refund["amount"] == "100"
    card_leaver.refresh_from_db()
    assert card_leaver.repayment_method == "card"
    assert card_leaver.payment.refunded_at is not None


def test_withdrawal_refund_failure_shown_and_nothing_written(signed_in, society, card_leaver,
                                                             treasurer, fake_stripe):
    fake_stripe.fail_next()

    response = signed_in(treasurer).post(url("refund_withdrawal", society, card_leaver.pk),
                                         follow=True)

    assert response.redirect_chain[-1][0] == url("withdrawal_detail", society, card_leaver.pk)
    assert stripe_payments.REFUND_BROKEN in text(response)
    assert "Record the repayment" in text(response)
    card_leaver.refresh_from_db()
    assert card_leaver.repaid_at is None


def test_withdrawal_paid_by_card_without_keys_offers_the_form(signed_in, society, card_leaver,
                                                              treasurer, settings):
    settings.STRIPE_SECRET_KEY = ""

    page = text(signed_in(treasurer).get(url("withdrawal_detail", society, card_leaver.pk)))

    assert "Refund £1.00 to card" not in page
    assert "Record that it was paid back" in page


@pytest.mark.parametrize("count", [1, 30])
def test_withdrawals_page_query_count_constant(signed_in, society, secretary, treasurer,
                                               count, django_assert_max_num_queries):
    for _ in range(count):
        member = join(society, by=secretary)
        services.cease_membership(member, by=member.user, reason="resigned")
    for withdrawal in Withdrawal.objects.all()[:count // 2]:
        Withdrawal.objects.filter(pk=withdrawal.pk).update(
            repaid_at=timezone.now(), repaid_by=treasurer, repayment_method="cash")
    client = signed_in(treasurer)

    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        response = client.get(url("withdrawals", society))

    assert text(response).count("Not due yet") == count - count // 2


# --- reminders to pay ---------------------------------------------------------------------------

def test_payment_reminder_sent_once_after_14_days(society, approved, secretary,
                                                  django_capture_on_commit_callbacks):
    recent = services.approve_application(ApplicationFactory(society=society), by=secretary)
    Application.objects.filter(pk=approved.pk).update(
        approved_at=timezone.now() - timedelta(days=15))
    mail.outbox.clear()

    first, second = io.StringIO(), io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_payment_reminders", stdout=first)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_payment_reminders", stdout=second)

    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    reminder = mail.outbox[0]
    assert reminder.subject == f"{society.name}: a reminder to pay for your share"
    assert approved.payment_reference in reminder.body
    assert reverse("pay", args=[society.slug]) in reminder.body
    assert (first.getvalue(), second.getvalue()) == ("Sent 1 payment reminder(s).\n",
                                                     "Sent 0 payment reminder(s).\n")
    recent.refresh_from_db()
    assert recent.payment_reminded_at is None


def test_payment_reminder_task_returns_how_many(society, approved):
    from membership.tasks import send_payment_reminders_task

    Application.objects.filter(pk=approved.pk).update(
        approved_at=timezone.now() - timedelta(days=14, minutes=1))

    result = send_payment_reminders_task.enqueue()

    assert result.return_value == 1
    assert shares.send_payment_reminders() == 0


def test_payment_reminder_command_queues_with_a_worker_backend(settings, db):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    output = io.StringIO()

    call_command("send_payment_reminders", stdout=output)

    assert output.getvalue().startswith("Queued the payment reminders (task ")
